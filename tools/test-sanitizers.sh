#!/usr/bin/env bash
# The whole test suite under AddressSanitizer (with LeakSanitizer) and UndefinedBehaviorSanitizer,
# in its own build directory (build-asan/). SimGrid runs on thread contexts there, which ASan can
# follow (src/sim/campaign.cpp).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
flags="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS="$flags" \
  -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" >/dev/null
cmake --build build-asan -j "$(nproc)"
# Three CLI tests run the 100,000-GPU default scenario end to end with its analysis, several
# times each: 8-17 minutes apiece under ASan, which would take CI past its 90 minutes. The
# Release suite (tools/test.sh) runs them; their code paths run here on the small scenarios.
slow_end_to_end='same seed gives byte-identical outputs|--set changes the answer|run shows replications and the analysis with an ETA'
ctest --test-dir build-asan --output-on-failure -j "$(nproc)" -E "$slow_end_to_end"
