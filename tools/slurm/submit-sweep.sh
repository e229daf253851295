#!/usr/bin/env bash
# Submits a bvr sweep to Slurm: a job array with one shard per task (sweep-array.sbatch), then
# the merge (merge.sbatch) with --dependency=afterok on the whole array.
#
#   tools/slurm/submit-sweep.sh [--only K,K...] [--wait] FILE OUTDIR [N_SHARDS] [sbatch options...]
#
#   FILE         the sweep file
#   OUTDIR       where everything goes (on a file system that every node sees):
#                  OUTDIR/shard-K/      bvr sweep's output for shard K (sweep.csv, points/, manifest)
#                  OUTDIR/logs/         sweep-<job>_<K>.out per task, merge-<job>.out
#                  OUTDIR/merged/       the result: OUTDIR/merged/sweep.csv
#   N_SHARDS     number of array tasks (default 8)
#   --only LIST  (re)submit only these shards (e.g. 3,7 or 2-4) into an existing OUTDIR, then the
#                merge again: how to finish a sweep after a shard failed or was cancelled
#   --wait       wait until the merge has finished; exit non-zero when a shard or the merge failed
#   sbatch options go to both jobs: --partition, --account, --qos, --time, --cpus-per-task, ...
#
# The bvr binary is $BVR if set, else build/bvr of this checkout, else bvr on PATH; the jobs get
# its absolute path, so it must be on a file system the compute nodes see too.
set -euo pipefail

usage() {
  echo "usage: $0 [--only K,K...] [--wait] FILE OUTDIR [N_SHARDS] [sbatch options...]" >&2
  echo "(the comments at the top of $0 explain each argument)" >&2
  exit 2
}

only=""
wait_for_merge=0
while (($#)); do
  case "$1" in
    --only) (($# >= 2)) || usage; only=$2; shift 2 ;;
    --only=*) only=${1#--only=}; shift ;;
    --wait) wait_for_merge=1; shift ;;
    -h|--help) usage ;;
    *) break ;;
  esac
done
(($# >= 2)) || usage
file=$1
outdir=$2
shift 2
n_shards=8
if (($#)) && [[ $1 != -* ]]; then
  n_shards=$1
  shift
fi
extra=("$@")

[[ $n_shards =~ ^[1-9][0-9]*$ ]] || { echo "submit-sweep: N_SHARDS must be a positive integer, got '$n_shards'" >&2; exit 2; }
[ -f "$file" ] || { echo "submit-sweep: no sweep file $file" >&2; exit 2; }
[[ -z $only || $only =~ ^[0-9,-]+$ ]] || { echo "submit-sweep: --only takes shard numbers like 3,7 or 2-4, got '$only'" >&2; exit 2; }

here=$(cd "$(dirname "$0")" && pwd)
if [ -n "${BVR:-}" ]; then
  bvr=$BVR
elif [ -x "$here/../../build/bvr" ]; then
  bvr="$here/../../build/bvr"
else
  bvr=$(command -v bvr) || { echo "submit-sweep: no bvr: build it (tools/setup.sh) or set BVR=/path/to/bvr" >&2; exit 2; }
fi
# Absolute paths: the jobs run in whatever directory Slurm starts them in.
bvr="$(cd "$(dirname "$bvr")" && pwd)/$(basename "$bvr")"
file="$(cd "$(dirname "$file")" && pwd)/$(basename "$file")"
mkdir -p "$outdir/logs"
outdir=$(cd "$outdir" && pwd)

# The jobs get bvr's path explicitly: sites that set SBATCH_EXPORT=NONE would drop it otherwise.
export_env="ALL,BVR=$bvr"
array_spec=${only:-1-$n_shards}

# --parsable prints "jobid" or "jobid;cluster".
array_job=$(sbatch --parsable --array="$array_spec" --export="$export_env" \
  --output="$outdir/logs/sweep-%A_%a.out" "${extra[@]}" \
  "$here/sweep-array.sbatch" "$file" "$outdir" "$n_shards")
array_job=${array_job%%;*}
echo "submit-sweep: sweep array job $array_job (shards $array_spec of $n_shards), logs in $outdir/logs/"

# --kill-on-invalid-dep: when a shard fails the merge is cancelled instead of pending forever.
merge_args=(--dependency="afterok:$array_job" --kill-on-invalid-dep=yes --export="$export_env"
  --output="$outdir/logs/merge-%j.out" "${extra[@]}" "$here/merge.sbatch" "$outdir" "$n_shards")
if ((wait_for_merge)); then
  echo "submit-sweep: merge will write $outdir/merged/sweep.csv; waiting for it"
  merge_rc=0
  merge_job=$(sbatch --parsable --wait "${merge_args[@]}") || merge_rc=$?
  merge_job=${merge_job%%;*}
  # sbatch --wait exits 0 for a merge that was cancelled without running (a shard failed), so
  # success is the merge's own last line in its log (the job record may be gone by now).
  if ((merge_rc != 0)) || ! grep -q '^bvr-merge: .* merged into' "$outdir/logs/merge-$merge_job.out" 2>/dev/null; then
    echo "submit-sweep: merge job ${merge_job:-?} did not complete (a shard failed, or the merge);" \
      "see $outdir/logs/ and rerun failed shards with --only K,..." >&2
    exit 1
  fi
  echo "submit-sweep: merge job $merge_job done: $outdir/merged/sweep.csv"
else
  merge_job=$(sbatch --parsable "${merge_args[@]}")
  merge_job=${merge_job%%;*}
  echo "submit-sweep: merge job $merge_job runs after $array_job succeeds; result: $outdir/merged/sweep.csv"
fi
