#!/usr/bin/env bash
# Issue 19's speed targets, measured side by side for a baseline bvr (a git ref, main's 3fb0ebb
# by default) and the current build, cold (an empty collective cache) and warm (the cache the
# cold run filled). Wall, CPU (user + system, children included) and peak RSS come from GNU time
# (/usr/bin/time -v). Run by hand; not part of ctest or CI. docs/speed.md explains the figures.
#
#   tools/bench-speed.sh [--base REF | --base-bin PATH | --no-base] [--only NAME[,NAME...]] [--runs N]
#
# --base REF      baseline git ref (default 3fb0ebb), built once in build-bench-<ref>/ from a
#                 `git archive` of the ref (target bvr only; later runs reuse it)
# --base-bin PATH an already-built baseline binary
# --no-base       the current build only
# --only          some targets: default, full, tiny, sweep200, reps1000, plan100k
# --runs N        repeat each measurement N times and keep the fastest (default 1)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
base_ref=3fb0ebb
base_bin=""
use_base=1
only=""
runs=1
while [ $# -gt 0 ]; do
  case "$1" in
    --base) base_ref=$2; shift 2 ;;
    --base-bin) base_bin=$2; shift 2 ;;
    --no-base) use_base=0; shift ;;
    --only) only=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "bench-speed: unknown argument $1 (try --help)" >&2; exit 2 ;;
  esac
done
[ -x /usr/bin/time ] || { echo "bench-speed: needs GNU time (apt-get install time)" >&2; exit 2; }

# The current build.
[ -x build/bvr ] || { cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null && cmake --build build -j2 --target bvr >/dev/null; }
current=$root/build/bvr

# The baseline, built from a clean export of the ref (never from this worktree's files).
if [ "$use_base" = 1 ] && [ -z "$base_bin" ]; then
  ref_dir=$root/build-bench-$(git rev-parse --short "$base_ref")
  if [ ! -x "$ref_dir/build/bvr" ]; then
    echo "bench-speed: building the baseline $base_ref in $ref_dir (once)" >&2
    rm -rf "$ref_dir/src" && mkdir -p "$ref_dir/src"
    git archive "$base_ref" | tar -x -C "$ref_dir/src"
    cmake -S "$ref_dir/src" -B "$ref_dir/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build "$ref_dir/build" -j2 --target bvr >/dev/null
  fi
  base_bin=$ref_dir/build/bvr
fi

work=$(mktemp -d /tmp/bvr-bench-speed.XXXXXX)
trap 'rm -rf "$work"' EXIT
scenario=scenarios/xai-oracle-2024.yaml

# name | target wall (s) | what | arguments (run from the repository root)
targets=(
  "default|1|default scenario, --no-analysis, 20 replications|run $scenario --no-analysis --replications 20 -q -o @OUT"
  "full|3|default scenario with breakeven and tornado|run $scenario -q -o @OUT"
  "tiny|1|tiny sweep (4 points)|sweep scenarios/sweeps/tiny.yaml -q -o @OUT"
  "sweep200|4|200-point sweep, 4 replications, 3 options (>= 50 points/s)|sweep scenarios/sweeps/lease-price-vs-delay.yaml -q -o @OUT"
  "reps1000|10|default scenario, 1,000 replications, --no-analysis|run $scenario --no-analysis --replications 1000 -q -o @OUT"
  "plan100k|0.05|layout search at 100k GPUs (bvr plan, whole process)|plan $scenario --gpus 100000"
)

# Runs one measurement: binary, arguments, cache folder; prints "wall cpu rss_mib status".
measure() {
  local bin=$1 args=$2 cache=$3 out=$work/out.$RANDOM best="" line
  for ((k = 0; k < runs; ++k)); do
    rm -rf "$out"
    local status=0
    BVR_COLLECTIVE_CACHE=$cache /usr/bin/time -v -o "$work/time" $bin ${args//@OUT/$out} >/dev/null 2>"$work/stderr" || status=$?
    line=$(awk -F': ' -v s="$status" '
      /Elapsed \(wall clock\)/ { n = split($2, p, ":"); w = 0; for (i = 1; i <= n; ++i) w = w * 60 + p[i] }
      /User time/ { u = $2 } /System time/ { y = $2 } /Maximum resident/ { r = $2 / 1024 }
      END { printf "%.3f %.2f %.0f %d\n", w, u + y, r, s }' "$work/time")
    if [ -z "$best" ] || awk -v a="${line%% *}" -v b="${best%% *}" 'BEGIN { exit !(a < b) }'; then best=$line; fi
  done
  echo "$best"
}

printf '%-9s %-5s | %-26s | %-26s | %-7s | %s\n' target cache "baseline wall/CPU/RSS" "current wall/CPU/RSS" "ratio" "target"
printf -- '-%.0s' {1..100}; echo
met=0 missed=0
for t in "${targets[@]}"; do
  IFS='|' read -r name goal what args <<<"$t"
  if [ -n "$only" ] && [[ ",$only," != *",$name,"* ]]; then continue; fi
  echo "# $what"
  base_cache=$work/cache-base-$name cur_cache=$work/cache-current-$name
  for phase in cold warm; do
    [ "$phase" = cold ] && rm -rf "$base_cache" "$cur_cache" && mkdir -p "$base_cache" "$cur_cache"
    b="- - - 0"
    [ "$use_base" = 1 ] && b=$(measure "$base_bin" "$args" "$base_cache")
    c=$(measure "$current" "$args" "$cur_cache")
    read -r bw bc br bs <<<"$b"
    read -r cw cc cr cs <<<"$c"
    ratio=$(awk -v b="$bw" -v c="$cw" 'BEGIN { if (b == "-" || c <= 0) print "-"; else printf "%.1fx", b / c }')
    verdict=$(awk -v c="$cw" -v g="$goal" -v r="$cr" 'BEGIN { print (c < g && r < 500) ? "met" : "NOT met" }')
    [ "$cs" != 0 ] && verdict="FAILED (exit $cs)"
    [ "$bs" != 0 ] && verdict="$verdict; baseline exit $bs"
    printf '%-9s %-5s | %7s s %6s s %5s MiB | %7s s %6s s %5s MiB | %-7s | < %s s, < 500 MiB: %s\n' \
      "$name" "$phase" "$bw" "$bc" "$br" "$cw" "$cc" "$cr" "$ratio" "$goal" "$verdict"
    if [ "$name" = sweep200 ]; then
      awk -v w="$cw" 'BEGIN { printf "          %.1f points/s (target >= 50)\n", 200 / w }'
    fi
    if [ "$phase" = cold ]; then
      if [ "$verdict" = met ]; then met=$((met + 1)); else missed=$((missed + 1)); fi
    fi
  done
done
echo "cold targets met: $met, not met: $missed (wall < target and peak RSS < 500 MiB; the 200-point sweep's"
echo "target is its 50 points/s; the plan target is the search alone, the process also loads the scenario)"
