#!/usr/bin/env bash
# Install, build, and run the whole test suite (doctest suites through CTest), then open the
# HTML reports in headless Chromium (tools/test-report-browser.sh), then run a sweep on a real
# single-node Slurm (tools/test-slurm.sh), then check the scaled fabric simulation against the full
# one on whole 4,096-GPU fabrics (tools/test-fabric-agreement.sh, the slowest part: ~9 min).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh --browser --slurm --workbook
ctest --test-dir build --output-on-failure -j "$(nproc)"
tools/test-report-browser.sh
tools/test-slurm.sh
tools/test-fabric-agreement.sh
