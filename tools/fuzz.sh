#!/usr/bin/env bash
# Fuzz the scenario loader and the unit parser with libFuzzer (clang, AddressSanitizer and
# UndefinedBehaviorSanitizer), in build-fuzz/. Seeds: the scenarios, the malformed corpus and
# tests/fuzz/units-seeds. Usage: tools/fuzz.sh [seconds per target, default 30]
# A long run: tools/fuzz.sh 3600. Crashes are saved as build-fuzz/crash-* with the input.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-30}"
tools/setup.sh --fuzz
cmake -S . -B build-fuzz -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++-14 -DBVR_FUZZ=ON >/dev/null
cmake --build build-fuzz -j "$(nproc)" --target fuzz_scenario fuzz_units
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/scenario" "$work/units"
cp scenarios/*.yaml tests/malformed/*.yaml "$work/scenario/"
cp tests/fuzz/units-seeds/* "$work/units/"
cd build-fuzz
for target in scenario units; do
  echo "fuzz_$target: ${seconds} s"
  ./fuzz_$target -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -print_final_stats=1 "$work/$target" 2>&1 | grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|==[0-9]+==|SUMMARY|Done)" || true
  # libFuzzer exits non-zero on a crash; `set -o pipefail` would hide which, so check the files.
  if ls crash-* leak-* timeout-* oom-* >/dev/null 2>&1; then
    echo "fuzz_$target found a failing input:" >&2
    ls crash-* leak-* timeout-* oom-* >&2 2>/dev/null || true
    exit 1
  fi
done
echo "fuzzing: no crash"
