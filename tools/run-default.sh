#!/usr/bin/env bash
# The main job: install, build, and run the default scenario (the 2024 rent-vs-build decision).
# The report lands in out/xai-oracle-2024/ (or the folder given as the first argument).
set -euo pipefail
cd "$(dirname "$0")/.."
tools/setup.sh
out="${1:-out/xai-oracle-2024}"
./build/bvr run scenarios/xai-oracle-2024.yaml -o "$out"
echo
echo "Report: $out/report.md   (results.json and series-<option>.csv beside it)"
