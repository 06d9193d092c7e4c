#!/bin/bash
# deploy/build-image.sh: builds regscand's image from deploy/Dockerfile with buildah (no Docker engine), writes
# it as an OCI layout, runs `regscand version` in it, pushes it to a throwaway local docker-registry and scans
# it with its own regscand. Exit 0 when the scan has no finding, 3 when it has findings, other codes on error.
#
# Knobs (RSD_*: REGSCAND_* belongs to the daemon):
#   RSD_IMAGE_DIR   output directory (default build/image): oci/ is the OCI layout, base-rootfs/ the debootstrap
#   RSD_TAG         image name (default localhost/regscand:<version>)
#   RSD_FEEDS       feeds to scan with, space separated: files or directories `regscand scan --feeds` reads,
#                   or URLs to download; default: the Debian security tracker's JSON (the image holds Debian
#                   12 packages only)
#   RSD_CCACHE_DIR  a host ccache directory the compile uses (else a buildah cache mount); with it the build
#                   stage compiles at this checkout's path, so a host build's objects are hits
#   RSD_BASE_MIRROR Debian mirror for debootstrap (default http://deb.debian.org/debian)
# When the pinned base image cannot be pulled, the base is built with debootstrap --variant=minbase bookworm.
set -euo pipefail

# The whole script is a function so that bash parses it before running it (editing it mid-run is safe).
main() {

source "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib.sh"
cd "$RSD_ROOT"

install_missing_packages buildah debootstrap skopeo docker-registry curl
# chroot isolation: RUN steps need no OCI runtime and no cgroup setup (crun refuses hybrid cgroups).
export BUILDAH_ISOLATION=chroot

version=$(sed -n 's/^project(regscand VERSION \([0-9.]*\).*/\1/p' CMakeLists.txt)
revision=$(git rev-parse HEAD 2>/dev/null || echo unknown)
out=$(realpath -m "${RSD_IMAGE_DIR:-build/image}")
tag=${RSD_TAG:-localhost/regscand:$version}
feeds=${RSD_FEEDS:-https://security-tracker.debian.org/tracker/data/json}
mirror=${RSD_BASE_MIRROR:-http://deb.debian.org/debian}
mkdir -p "$out"
started=$(date +%s)
say() { echo "build-image: $*" >&2; }

arg_default() { sed -n "s/^ARG $1=//p" deploy/Dockerfile | head -n1; }
build_image=$(arg_default BUILD_IMAGE)
base_name=$(arg_default BASE_NAME)
base_digest=$(arg_default BASE_DIGEST)

# The local stand-in for the pinned base: Debian 12 minbase with the same apt sources as debian:bookworm-slim.
local_base() {
  local name=localhost/regscand-base:bookworm
  if ! buildah inspect --type image "$name" >/dev/null 2>&1; then
    local rootfs=$out/base-rootfs
    rm -rf "$rootfs"
    say "debootstrap --variant=minbase bookworm ($mirror)"
    debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >"$out/debootstrap.log" 2>&1 ||
      { tail -n 20 "$out/debootstrap.log" >&2; exit 1; }
    rm -f "$rootfs"/etc/apt/sources.list
    cat >"$rootfs"/etc/apt/sources.list.d/debian.sources <<SOURCES
Types: deb
URIs: ${mirror}
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: ${mirror%/debian}/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SOURCES
    rm -rf "$rootfs"/var/cache/apt/*.bin "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/log/*
    local container
    container=$(buildah from scratch)
    tar -C "$rootfs" --exclude='./dev/*' --exclude='./proc/*' --exclude='./sys/*' -cf - . |
      tar -C "$(buildah mount "$container")" -xf -
    buildah umount "$container" >/dev/null
    buildah config --cmd /bin/bash --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      "$container"
    buildah commit --quiet "$container" "$name" >/dev/null
    buildah rm "$container" >/dev/null
  fi
  build_image=$name
  base_name=$name
  base_digest=$(buildah images --format '{{.Digest}}' "$name" | head -n1)
}

if buildah pull --quiet "$build_image" >/dev/null 2>&1; then
  say "base: $build_image"
else
  say "cannot pull $build_image: building the base with debootstrap"
  local_base
  say "base: $base_name@$base_digest"
fi

build_args=(--build-arg "BUILD_IMAGE=$build_image" --build-arg "BASE_NAME=$base_name"
  --build-arg "BASE_DIGEST=$base_digest" --build-arg "VERSION=$version" --build-arg "REVISION=$revision")
source_url=$(git remote get-url origin 2>/dev/null | sed -E 's#//[^/@]*@#//#' || true)
[ -z "$source_url" ] || build_args+=(--build-arg "SOURCE=$source_url")
if [ -n "${RSD_CCACHE_DIR:-}" ]; then
  build_args+=(--volume "$(realpath "$RSD_CCACHE_DIR"):/host-ccache" --build-arg CCACHE_DIR=/host-ccache
    --build-arg "SOURCE_DIR=$RSD_ROOT" --build-arg "CCACHE_BASEDIR=$(ccache -k base_dir 2>/dev/null || echo /)")
fi
# Docker format: the OCI image config has no HEALTHCHECK. Host network: the build stage runs apt-get.
say "buildah build -t $tag"
buildah build --layers --format docker --network host -f deploy/Dockerfile "${build_args[@]}" -t "$tag" .

container=$(buildah from "$tag")
cleanup() {
  buildah rm "$container" >/dev/null 2>&1 || true
  [ -z "${registry_pid:-}" ] || kill "$registry_pid" 2>/dev/null || true
  [ -z "${tmp:-}" ] || rm -rf "$tmp"
}
trap cleanup EXIT
say "regscand version, run in the image:"
buildah run "$container" -- /usr/local/bin/regscand version </dev/null

rm -rf "$out/oci"
buildah push --quiet "$tag" "oci:$out/oci:$version" >/dev/null
size=$(buildah images --format '{{.Size}}' "$tag" | head -n1)

tmp=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$tmp/config.yml" <<YAML
version: 0.1
log: {level: warn}
storage: {filesystem: {rootdirectory: $tmp/storage}}
http: {addr: "127.0.0.1:$port"}
YAML
docker-registry serve "$tmp/config.yml" >"$tmp/registry.log" 2>&1 &
registry_pid=$!
for _ in $(seq 50); do
  curl -fsS "http://127.0.0.1:$port/v2/" >/dev/null 2>&1 && break
  sleep 0.2
done
reference=127.0.0.1:$port/regscand:$version
skopeo copy --quiet --dest-tls-verify=false "containers-storage:$tag" "docker://$reference"

# Feeds: files and directories are mounted into the container; URLs are downloaded first (skipped, with a
# warning, when unreachable).
feed_args=()
mounts=()
index=0
mkdir -p "$tmp/feeds"
chmod 755 "$tmp" "$tmp/feeds"
for feed in $feeds; do
  index=$((index + 1))
  if [[ $feed =~ ^https?:// ]]; then
    if ! curl -fsSL --max-time 600 -o "$tmp/feeds/$index.feed" "$feed"; then
      say "warning: feed $feed unreachable: skipped"
      continue
    fi
    chmod 644 "$tmp/feeds/$index.feed"
    feed=$tmp/feeds/$index.feed
  fi
  mounts+=(--volume "$(realpath "$feed"):/feeds/$index/$(basename "$feed"):ro")
  feed_args+=(--feeds "/feeds/$index/$(basename "$feed")")
done
[ "${#feed_args[@]}" -gt 0 ] || say "warning: no feed: the scan lists the inventory only (set RSD_FEEDS)"

# Scanned by the image's own binary, run in the image (host network: the registry is on 127.0.0.1).
scan() {
  buildah run --network host "${mounts[@]}" "$container" -- /usr/local/bin/regscand scan --plain-http \
    "${feed_args[@]}" "$@" "$reference"
}
scan --format table
findings=$(scan --format json | python3 -c '
import json, sys
report = json.load(sys.stdin)
def count(node):
    if isinstance(node, dict):
        return sum(len(v) if k == "findings" and isinstance(v, list) else count(v) for k, v in node.items())
    if isinstance(node, list):
        return sum(count(v) for v in node)
    return 0
print(count(report))')

say "image $tag: $size; OCI layout $out/oci; $findings finding(s); $(($(date +%s) - started)) s"
[ "$findings" -eq 0 ] || exit 3
}

main "$@"
