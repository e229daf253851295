#!/usr/bin/env bash
# Benchmark: Monte Carlo replications of the default scenario (issue 6 target: 1,000 in under
# 60 s on a 2-core machine). Prints wall time and peak memory for each replication count, side
# by side. Not part of the test suite. Usage: tools/bench_replications.sh [counts...]
set -euo pipefail
cd "$(dirname "$0")/.."
[ -x build/bvr ] || tools/setup.sh
command -v /usr/bin/time >/dev/null || { echo "needs GNU time: apt-get install time" >&2; exit 2; }
counts=("${@:-20 100 1000}")
out=$(mktemp -d)
printf '%-13s %-6s %12s %12s %16s\n' replications jobs "wall (s)" "CPU (s)" "peak RSS (MiB)"
for n in ${counts[@]}; do
  # --no-analysis: the replications alone (the breakeven searches and the tornado add a fixed
  # few seconds whatever N is).
  /usr/bin/time -f '%e %U %S %M' -o "$out/time" build/bvr run scenarios/xai-oracle-2024.yaml -o "$out/run" \
    --replications "$n" -j "$(nproc)" --no-analysis > /dev/null
  read -r wall user sys rss_kb < "$out/time"
  # CPU time (user + system, children included) shows the cost when other work shares the cores.
  printf '%-13s %-6s %12s %12s %16s\n' "$n" "$(nproc)" "$wall" "$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }')" \
    "$(awk -v kb="$rss_kb" 'BEGIN { printf "%.1f", kb / 1024 }')"
done
rm -rf "$out"
