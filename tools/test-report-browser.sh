#!/usr/bin/env bash
# report.html in a real browser: writes five reports (a run of the small test scenario with an
# option of two own sites added, the same run with a step-time breakdown and simulated
# collectives added to its results.json, a hand-made sweep.csv, and a run of the small scenario
# with a market, and the shipped serving-only scenario), opens each in Debian's headless Chromium from file:// at 1280 px, and fails
# on any console error or warning, page error or network request, any chart that did not render,
# any charted number unlike the page's tables, the results.json or the series CSVs beside it (both
# verdicts, both tornados; the GPU, power, progress and cumulative-cost lines point by point; the
# price paths, the net costs), any table number unlike the value its cell names (data-key: a key
# of results.json, or of the sweep.csv beside a sweep's report; a numeric cell without one fails),
# axis labels that overlap, a table column hidden behind a scroll, or a label cut short. Screenshots go to
# build/report-screenshots/. Needs `tools/setup.sh --browser` (tools/test.sh runs it).
set -euo pipefail
cd "$(dirname "$0")/.."
out=build/report-check
rm -rf "$out"
mkdir -p "$out"

# The small test scenario with an option of two own sites (two halls built, the job moving to
# the larger), whose power chart draws each site's line beside the totals, and a demand for
# GPU-hours beyond the run.
node -e '
  const fs = require("fs");
  const text = fs.readFileSync("tests/data/rent-or-build-small.yaml", "utf8");
  const halls = `  two-halls:
    sites:
      small-hall:
        like: build
        gpu_orders:
          - {ordered: 2024-01-01, lead_time: 30 days, gpus: 2048, server_price: 280000 USD}
        power: {grid: {price: 60 USD/MWh, steps: [{from: 2024-01-01, power: 6 MW}]}}
      large-hall:
        like: build
        construction_start: 2024-03-01

`;
  // GPU-hours wanted beyond the run (docs/market.md): credits beyond the runs, which the money
  // table keeps out of its total and the cost chart out of its bars.
  const demand = `demand:
  gpu_hours: [{from: 2024-01-01, gpus: 8000}]
  value: 2 USD/GPU/h

`;
  fs.writeFileSync(process.argv[1], text.replace("\noptions:", "\n" + demand + "options:").replace("\nanalysis:", "\n" + halls + "analysis:"));
' "$out/two-halls.yaml"
grep -q "two-halls:" "$out/two-halls.yaml" && grep -q "^demand:" "$out/two-halls.yaml" ||
  { echo "the two-site option or the demand was not added"; exit 1; }

# With a --set of a tornado parameter: its range follows (a warning, shown near the top).
build/bvr run "$out/two-halls.yaml" -o "$out/run" -j 2 --quiet \
  --set options.rent.list_price="7 USD/GPU/h" > /dev/null 2> "$out/run-stderr.txt"
grep -q "site_power_mw.small-hall,site_supply_mw.small-hall,site_power_mw.large-hall" "$out/run/series-two-halls.csv" ||
  { echo "series-two-halls.csv lacks the per-site columns"; head -1 "$out/run/series-two-halls.csv"; exit 1; }
grep -q 'warning: analysis.sensitivity.parameters.0: the tornado' "$out/run-stderr.txt" ||
  { echo "the moved tornado range was not warned about on stderr"; cat "$out/run-stderr.txt"; exit 1; }

# The workload model's step_time and the fabric's simulated collectives per option
# (docs/results.md); their charts appear only with them (the small scenario has no fabric).
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
    o.collectives = [
      {purpose: "data-parallel gradients", collective: "all-reduce", bytes_per_gpu: 1.6e9, group_gpus: 256,
       fabric_gpus: 1024, time_s: 0.05 + 0.01 * i, algbw_gb_per_s: 1.6 / (0.05 + 0.01 * i),
       busbw_gb_per_s: 1.6 / (0.05 + 0.01 * i) * 2 * 255 / 256, closed_form_s: 0.05, simulated_over_closed_form: 1 + 0.2 * i},
      {purpose: "expert all-to-all", collective: "all-to-all", bytes_per_gpu: 2.7e8, group_gpus: 64,
       fabric_gpus: 1024, time_s: 0.02, algbw_gb_per_s: 13.5, busbw_gb_per_s: 13.5 * 63 / 64,
       closed_form_s: 0.01, simulated_over_closed_form: 2}];
  });
  fs.writeFileSync(file, JSON.stringify(results, null, 2) + "\n");
' "$out/step-time/results.json"
build/bvr report "$out/step-time" > /dev/null
grep -q 'id="chart-step-time"' "$out/step-time/report.html" || { echo "step-time chart missing"; exit 1; }
grep -q 'id="chart-collectives"' "$out/step-time/report.html" || { echo "collectives chart missing"; exit 1; }

build/bvr report tests/data/sweep -o "$out/sweep" > /dev/null
cp tests/data/sweep/sweep.csv "$out/sweep/"  # the source its tables are checked against

# A market (docs/market.md): the price-path chart and the net cost beside the gross, checked
# against results.json's `market` and net metrics (check-report.js, marketAgreesWithResults).
build/bvr run tests/data/market-small.yaml -o "$out/market" -j 2 --quiet > /dev/null
grep -q 'id="chart-market"' "$out/market/report.html" || { echo "market chart missing"; exit 1; }

# A serving-only run (docs/serving.md): the serving section's tables, each number against its
# results.json key or the day of the series CSV it shows.
build/bvr run scenarios/serving-gb300-2026.yaml -o "$out/serving" --replications 2 --no-analysis -j 2 --quiet > /dev/null
grep -q 'id="chart-serving"' "$out/serving/report.html" || { echo "serving chart missing"; exit 1; }

node tools/report-assets/check-report.js build/report-screenshots \
  run="$out/run/report.html" step-time="$out/step-time/report.html" sweep="$out/sweep/report.html" \
  market="$out/market/report.html" serving="$out/serving/report.html"
