#!/usr/bin/env bash
# report.html in a real browser: writes three reports (a run of the small test scenario, the same
# run with a step-time breakdown added to its results.json, and a hand-made sweep.csv), opens
# each in Debian's headless Chromium from file://, and fails on any console error or warning,
# page error or network request, or any chart that did not render. Screenshots go to
# build/report-screenshots/. Needs `tools/setup.sh --browser` (tools/test.sh runs it).
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/report-check
rm -rf "$out"
mkdir -p "$out"

build/bvr run tests/data/rent-or-build-small.yaml -o "$out/run" -j 2 > /dev/null

# The workload model's step_time per option (docs/results.md); the chart appears only with it.
cp -r "$out/run" "$out/step-time"
node -e '
  const fs = require("fs");
  const file = process.argv[1];
  const results = JSON.parse(fs.readFileSync(file, "utf8"));
  results.options.forEach((o, i) => {
    o.step_time = {
      gpus: 1024, layout: {tp: 8, pp: 4, dp: 32, cp: 1, ep: 1, microbatch: 1, schedule: "1f1b", recompute: "selective", precision: "bf16"},
      step_s: 4.2 + i, breakdown_s: {compute: 3.1 + i, tp_comm: 0.3, pp_comm: 0.1, dp_comm: 0.2, cp_comm: 0, ep_comm: 0, bubble: 0.5},
      tokens_per_s: 1.0e6, tflops_per_gpu: 400, mfu: 0.4,
      memory_gib: {weights: 10, gradients: 10, optimizer: 40, activations: 12, total: 72, capacity: 80}};
  });
  fs.writeFileSync(file, JSON.stringify(results, null, 2) + "\n");
' "$out/step-time/results.json"
build/bvr report "$out/step-time" > /dev/null
grep -q 'id="chart-step-time"' "$out/step-time/report.html" || { echo "step-time chart missing"; exit 1; }

build/bvr report tests/data/sweep -o "$out/sweep" > /dev/null

node tools/report-assets/check-report.js build/report-screenshots \
  run="$out/run/report.html" step-time="$out/step-time/report.html" sweep="$out/sweep/report.html"
