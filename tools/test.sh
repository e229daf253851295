#!/usr/bin/env bash
# Install, build, and run the whole test suite (doctest suites through CTest).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
ctest --test-dir build --output-on-failure -j "$(nproc)"
