#!/usr/bin/env bash
# Feeds and matching figures beside their targets (see bench/match.cpp): import of the feed data in tests/data,
# matching 1,000 packages, re-matching 10,000 stored inventories (or INVENTORIES) after a 1% feed change.
# Usage: bench/match.sh [INVENTORIES]   (after the test command or `cmake --build build --target regscand_bench_match`)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${BENCH_MATCH:-$root/build/bench/regscand_bench_match}
[ -x "$bin" ] || { echo "build first: $bin missing" >&2; exit 1; }
exec "$bin" "${BENCH_DATA:-$root/tests/data}" "$@"
