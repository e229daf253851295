#!/usr/bin/env bash
# Install, build, and run the whole test suite (doctest suites through CTest), then open the
# HTML reports in headless Chromium (tools/test-report-browser.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh --browser
ctest --test-dir build --output-on-failure -j "$(nproc)"
tools/test-report-browser.sh
