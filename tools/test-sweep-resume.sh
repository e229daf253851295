#!/usr/bin/env bash
# The sweep's done-when check (not run by CI: it takes minutes): the 200-point sweep of the
# default scenario with -j 2 is killed with SIGKILL (the hard case: no handler runs) half way,
# run again, and must complete with every point, each finished point kept and not run again;
# with --compare, its sweep.csv must equal an uninterrupted run's byte for byte. Prints the
# throughput in points per second.
#   tools/test-sweep-resume.sh [--compare] [-j N] [SWEEP_FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
compare=0 jobs=2 sweep=scenarios/sweeps/lease-price-vs-delay.yaml
while [[ $# -gt 0 ]]; do
  case "$1" in
    --compare) compare=1 ;;
    -j) jobs="$2"; shift ;;
    *) sweep="$1" ;;
  esac
  shift
done
bvr=build/bvr
[[ -x $bvr ]] || { echo "build first (tools/setup.sh or cmake --build build)"; exit 1; }
work=$(mktemp -d /tmp/bvr-sweep-resume.XXXXXX)
trap 'rm -rf "$work"' EXIT
out=$work/sweep
total=$(grep -c '"point":' <("$bvr" sweep "$sweep" -o "$work/probe" --shard 1/100000 >/dev/null && cat "$work/probe/sweep-manifest.json"))
half=$((total / 2))
echo "sweep: $sweep, $total points, -j $jobs; SIGKILL after $half finished points"

points_done() { find "$out/points" -name '[0-9]*.csv' 2>/dev/null | wc -l; }
now() { date +%s.%N; }
calc() { awk "BEGIN { printf \"%.2f\", $1 }"; }

start=$(now)
"$bvr" sweep "$sweep" -o "$out" -j "$jobs" >/dev/null 2>"$work/first.err" &
pid=$!
while [[ $(points_done) -lt $half ]]; do
  kill -0 "$pid" 2>/dev/null || { echo "FAIL: the sweep ended before it was killed"; cat "$work/first.err"; exit 1; }
  sleep 0.2
done
kill -KILL "$pid"
wait "$pid" 2>/dev/null || true
killed_at=$(now)
kept=$(points_done)
sleep 1
# Workers die with their parent (PR_SET_PDEATHSIG): nothing of this sweep may still run.
if pgrep -f -- "-o $out" >/dev/null; then echo "FAIL: workers outlived the killed sweep"; exit 1; fi
[[ ! -e $out/sweep.csv ]] || { echo "FAIL: a killed sweep left a sweep.csv"; exit 1; }
echo "killed after $(calc "$killed_at - $start") s with $kept points kept"

"$bvr" sweep "$sweep" -o "$out" -j "$jobs" >"$work/second.out"
end=$(now)
cat "$work/second.out"
grep -q "$kept already finished" "$work/second.out" || { echo "FAIL: the resumed run did not skip the $kept kept points"; exit 1; }
options=$(grep -c . <(cut -d, -f"$(head -1 "$out/sweep.csv" | tr , '\n' | grep -n '^option$' | cut -d: -f1)" "$out/sweep.csv" | tail -n +2 | sort -u))
rows=$(($(wc -l <"$out/sweep.csv") - 1))
[[ $rows -eq $((total * options)) ]] || { echo "FAIL: sweep.csv has $rows rows, expected $total x $options"; exit 1; }
echo "complete: $rows rows ($total points x $options options) in $(calc "$end - $start") s including the kill:" \
     "$(calc "$total / ($end - $start)") points/s on -j $jobs"

if [[ $compare -eq 1 ]]; then
  s=$(now)
  "$bvr" sweep "$sweep" -o "$work/whole" -j "$jobs" >/dev/null
  e=$(now)
  cmp "$out/sweep.csv" "$work/whole/sweep.csv" || { echo "FAIL: the resumed sweep.csv differs from an uninterrupted run's"; exit 1; }
  echo "uninterrupted run: identical sweep.csv, $(calc "$e - $s") s, $(calc "$total / ($e - $s)") points/s on -j $jobs"
fi
echo PASS
