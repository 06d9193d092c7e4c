#!/usr/bin/env bash
# Installs what is missing, then builds twice and runs the whole suite in each:
#   build/       RelWithDebInfo, ctest
#   build-asan/  AddressSanitizer + UndefinedBehaviorSanitizer, ctest again (halt on first error)
# Tests start their own PostgreSQL clusters in temp dirs; nothing else needs to be running.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

install_missing_packages
cd "$RSD_ROOT"

echo "== self-contained check" >&2
# A clone has nothing beside it: no build file, script or test may read a folder outside the repository.
if git grep -nE '\.\./shar[e]d|shar[e]d/data' -- . ':!*.md'; then
  echo "error: the files above read a folder beside the clone; copy what they need into tests/data" >&2
  exit 1
fi

echo "== clang-format check" >&2
git ls-files '*.cpp' '*.hpp' | xargs -r clang-format --dry-run --Werror

jobs=$(nproc)
# The project's libraries are shared in both builds: each of the ~150 test executables then holds only its
# own code instead of a copy of every library and its debug info (the two trees took 14 + 32 GB with static
# libraries, enough to fill CI's disk), and links in a fraction of the time.
echo "== build (RelWithDebInfo)" >&2
build build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREGSCAND_SANITIZE=OFF -DBUILD_SHARED_LIBS=ON
(cd build && ctest --output-on-failure --parallel "$jobs")
du -sh build >&2

echo "== build (ASan+UBSan)" >&2
# The benches are programs run by hand against the plain build; the sanitized pass skips them.
build build-asan -DCMAKE_BUILD_TYPE=Debug -DREGSCAND_SANITIZE=ON -DBUILD_SHARED_LIBS=ON -DREGSCAND_BENCH=OFF
du -sh build-asan >&2
export ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:abort_on_error=1
export LSAN_OPTIONS="suppressions=$RSD_ROOT/scripts/lsan.supp:print_suppressions=0"
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
(cd build-asan && ctest --output-on-failure --parallel "$jobs")
