#!/usr/bin/env bash
# Coverage-guided fuzzing of every parser entry point in tests/fuzz with clang's libFuzzer, under ASan+UBSan.
#   scripts/fuzz.sh [SECONDS_PER_TARGET (default 60)] [NAME...]   (NAME as in tests/fuzz: dpkg_status, ...)
# Seeds are tests/data and tests/fuzz/<name>_corpus, read in place; new inputs go to build-fuzz/corpus/<name>
# and crashes to build-fuzz/crashes/<name>. Exit 1 if any target found a crash.
# clang 16, not Debian's default 14: libstdc++ 12's <expected> needs P0848 (conditionally trivial special
# members), which clang implements from 16 on but only advertises (__cpp_concepts 202002) from 19 on; and
# Boost 1.74's Asio only looks for C++20 coroutines on GCC.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

seconds=${1:-60}
shift || true
install_missing_packages "${RSD_PACKAGES[@]}" clang-16 libclang-rt-16-dev
cd "$RSD_ROOT"

dir=build-fuzz
flags="-U__cpp_concepts -D__cpp_concepts=202002L -DBOOST_ASIO_HAS_CO_AWAIT=1 -DBOOST_ASIO_HAS_STD_COROUTINE=1 -fsanitize=fuzzer-no-link -gline-tables-only"
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_CXX_COMPILER=clang++-16 \
  -DCMAKE_CXX_FLAGS="$flags" -DREGSCAND_SANITIZE=ON -DREGSCAND_LIBFUZZER=ON >/dev/null

names=("$@")
if [ "${#names[@]}" -eq 0 ]; then
  for f in tests/fuzz/*_fuzz.cpp; do
    f=${f##*/}
    names+=("${f%_fuzz.cpp}")
  done
fi
cmake --build "$dir" --parallel "$(nproc)" --target "${names[@]/#/fuzz_}"

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
failed=()
for name in "${names[@]}"; do
  mkdir -p "$dir/corpus/$name" "$dir/crashes/$name"
  mapfile -t seeds < <(grep -v '^$' "$dir/tests/fuzz/fuzz_$name.seeds" || true)
  echo "== fuzz $name for ${seconds}s" >&2
  if ! "$dir/tests/fuzz/fuzz_$name" -max_total_time="$seconds" -max_len=1048576 -rss_limit_mb=2048 \
    -timeout=10 -print_final_stats=1 -artifact_prefix="$dir/crashes/$name/" \
    "$dir/corpus/$name" "${seeds[@]}" 2>"$dir/fuzz_$name.log"; then
    failed+=("$name")
    tail -n 40 "$dir/fuzz_$name.log" >&2
  fi
  grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ *DONE)' "$dir/fuzz_$name.log" >&2 || true
done
if [ "${#failed[@]}" -gt 0 ]; then
  echo "fuzz: crashes in ${failed[*]} (inputs under $dir/crashes/)" >&2
  exit 1
fi
echo "fuzz: ${#names[@]} targets, ${seconds}s each, no crash" >&2
