# Shared by scripts/run.sh and scripts/test.sh: Debian packages and build helpers.
# shellcheck shell=bash

RSD_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Build and test dependencies: all Debian 12 packages, nothing downloaded at build time.
RSD_PACKAGES=(
  build-essential cmake ninja-build mold pkg-config git ca-certificates clang-format
  libboost-dev libboost-system-dev libssl-dev nlohmann-json3-dev libpqxx-dev libspdlog-dev
  libyaml-cpp-dev libcli11-dev prometheus-cpp-dev libarchive-dev libgtest-dev libgmock-dev
  libsqlite3-dev
  postgresql-15 postgresql-client-15 openssl curl
  docker-registry skopeo umoci wrk
)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# install_missing_packages [PACKAGE...]: the given packages, or RSD_PACKAGES.
install_missing_packages() {
  local wanted=("$@")
  [ "${#wanted[@]}" -gt 0 ] || wanted=("${RSD_PACKAGES[@]}")
  local missing=()
  local pkg
  for pkg in "${wanted[@]}"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed"; then
      missing+=("$pkg")
    fi
  done
  if [ "${#missing[@]}" -eq 0 ]; then
    return 0
  fi
  echo "regscand: installing ${missing[*]}" >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -q
  # The postgresql package would start a system cluster on port 5432; regscand runs its own clusters.
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
}

# build DIR [cmake args...]: configure (once) and build with Ninja: everything, or $RSD_BUILD_TARGET.
build() {
  local dir=$1
  shift
  cmake -S "$RSD_ROOT" -B "$dir" -G Ninja "$@" >/dev/null
  cmake --build "$dir" --parallel "$(nproc)" ${RSD_BUILD_TARGET:+--target "$RSD_BUILD_TARGET"}
}
