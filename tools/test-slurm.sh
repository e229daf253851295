#!/usr/bin/env bash
# The real-Slurm test: starts a single-node Slurm cluster on this machine (munged, slurmctld and
# slurmd from Debian's packages, on localhost, with a config written here), runs a small sweep as
# a job array through tools/slurm/submit-sweep.sh, merges it, and checks that the merged sweep.csv
# is byte-identical to the same sweep run locally. Then resubmits one shard with --only (the
# resume path) and checks the merge again. Always stops the daemons and removes its files.
#
#   tools/test-slurm.sh            (root, or a user with sudo; installs Slurm if it is missing)
#
# Everything lives in one temporary directory: munge key and socket, slurm.conf, state, spool,
# logs, outputs. Nothing in /etc is touched, no system service is started, and the ports are
# chosen free, so it can run again, and next to a real Slurm. BVR_SLURM_KEEP=1 keeps the
# directory for a look afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
t0=$SECONDS

sweep_file=${BVR_SLURM_SWEEP:-$repo/scenarios/sweeps/tiny.yaml}
n_shards=3        # more shards than cores, and (for a sweep of 4 points) unequal shards
node="bvr-node"   # slurmd -N: the node's name need not be this machine's hostname
bvr=${BVR:-$repo/build/bvr}

as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo)

# Install Slurm and munge, and build bvr, when anything is missing.
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null ||
   ! command -v sbatch >/dev/null || ! command -v munged >/dev/null || [ ! -x "$bvr" ]; then
  tools/setup.sh --slurm
fi
t_setup=$SECONDS
[ -f "$sweep_file" ] || { echo "test-slurm: no sweep file $sweep_file" >&2; exit 2; }
PATH=$PATH:/usr/sbin  # the daemons live there; a non-root PATH may lack it

# The daemons' directories belong to root (munged refuses a log or socket in a directory another
# user owns) and are searchable by all (munged insists on that on the way to its socket); out/
# and local/ belong to the user who runs the test, as the jobs run as that user.
tmp=$("${as_root[@]}" mktemp -d /tmp/bvr-slurm.XXXXXX)
"${as_root[@]}" chmod 755 "$tmp"
"${as_root[@]}" install -d -m 755 "$tmp/run" "$tmp/log" "$tmp/state" "$tmp/spool"
"${as_root[@]}" install -d -m 700 "$tmp/munge"
"${as_root[@]}" install -d -o "$(id -u)" -g "$(id -g)" "$tmp/out" "$tmp/local"
conf=$tmp/slurm.conf
export SLURM_CONF=$conf

print_logs() {
  for log in "$tmp"/log/*.log "$tmp"/out/logs/*.out; do
    [ -f "$log" ] || continue
    echo "---- $log (last 40 lines)"
    "${as_root[@]}" tail -n 40 "$log"
  done
}

stop_pid_file() {  # stop_pid_file FILE: TERM the process, KILL it after 10 s
  local pid
  pid=$("${as_root[@]}" cat "$1" 2>/dev/null) || return 0
  "${as_root[@]}" kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 100); do
    "${as_root[@]}" kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  "${as_root[@]}" kill -9 "$pid" 2>/dev/null || true
}

cleanup() {
  local rc=$?
  set +e
  if ((rc != 0)); then
    echo "test-slurm: FAILED (exit $rc); daemon logs:"
    print_logs
  fi
  # scontrol shutdown stops slurmctld and every slurmd cleanly; the pid files catch the rest.
  [ -f "$tmp/run/slurmctld.pid" ] && timeout 10 scontrol shutdown >/dev/null 2>&1
  stop_pid_file "$tmp/run/slurmd.pid"
  stop_pid_file "$tmp/run/slurmctld.pid"
  stop_pid_file "$tmp/run/munged.pid"
  if [ -n "${BVR_SLURM_KEEP:-}" ]; then
    echo "test-slurm: kept $tmp"
  else
    "${as_root[@]}" rm -rf "$tmp"
  fi
  exit "$rc"
}
trap cleanup EXIT

# Two free TCP ports in a row for slurmctld and slurmd (6817/6818, Slurm's defaults, may be taken
# by a real Slurm). A port is free when nothing answers a connect on it.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
ctld_port=""
for ((p = 6917; p < 7017; p += 2)); do
  if ! port_in_use "$p" && ! port_in_use "$((p + 1))"; then ctld_port=$p; break; fi
done
[ -n "$ctld_port" ] || { echo "test-slurm: no two free ports in 6917..7017" >&2; exit 1; }

# munge: a fresh key of our own and a socket of our own, so that a system munged (if any) and
# its key are neither needed nor disturbed.
"${as_root[@]}" dd if=/dev/urandom of="$tmp/munge/munge.key" bs=1024 count=1 status=none
"${as_root[@]}" chmod 400 "$tmp/munge/munge.key"
"${as_root[@]}" munged --key-file="$tmp/munge/munge.key" --socket="$tmp/run/munge.socket" \
  --pid-file="$tmp/run/munged.pid" --log-file="$tmp/log/munged.log" \
  --seed-file="$tmp/munge/munged.seed"

# The node line: slurmd -C prints this machine's CPUs, sockets, cores, threads and memory as
# slurmd will detect them (a node configured with more than it has would be drained). Only the
# first line is the node; the name is ours.
hardware=$(slurmd -C | head -n 1 | sed 's/^NodeName=[^ ]* //')
"${as_root[@]}" tee "$conf" >/dev/null <<EOF
# Single-node Slurm for tools/test-slurm.sh; everything under $tmp.
ClusterName=bvrtest
SlurmctldHost=localhost
SlurmctldPort=$ctld_port
SlurmdPort=$((ctld_port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$tmp/run/munge.socket
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/run/slurmctld.pid
SlurmdPidFile=$tmp/run/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
# No cgroups: containers and sandboxes often do not let them be used. linuxproc follows a job's
# processes through /proc instead.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
SwitchType=switch/none
# Jobs share the node by CPU: two one-CPU shards run at once on two cores.
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
# A node that registers is usable at once (it would stay "down" after a restart otherwise).
ReturnToService=2
# sbatch --wait polls the job every min(2 s x 4^i, MinJobAge / 2): with Slurm's 300 s that is
# 2, 8, 32 s, and a 10 s job is seen done after 42 s. 16 s keeps the polls at 8 s.
MinJobAge=16
NodeName=$node NodeAddr=127.0.0.1 NodeHostname=localhost $hardware State=UNKNOWN
PartitionName=test Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF

"${as_root[@]}" env SLURM_CONF="$conf" slurmctld -f "$conf"
"${as_root[@]}" env SLURM_CONF="$conf" slurmd -f "$conf" -N "$node"

# A deadline, not a count: one sinfo can hang for seconds when the controller is unreachable.
state=""
deadline=$((SECONDS + 60))
while [ "$SECONDS" -lt "$deadline" ]; do
  state=$(timeout 5 sinfo -h -N -n "$node" -o %T 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.5
done
if [ "$state" != idle ]; then
  echo "test-slurm: node $node is '${state:-unknown}' after 60 s, not idle" >&2
  exit 1
fi
t_up=$SECONDS
echo "test-slurm: single-node Slurm up on ports $ctld_port/$((ctld_port + 1)) in $((t_up - t_setup)) s"
sinfo

# The sweep on Slurm: one shard per array task, one core each, then the merge after them.
BVR=$bvr tools/slurm/submit-sweep.sh --wait "$sweep_file" "$tmp/out" "$n_shards" \
  --cpus-per-task=1 --job-name=bvr-test
t_slurm=$SECONDS
squeue_left=$(squeue -h)
[ -z "$squeue_left" ] || { echo "test-slurm: jobs left in the queue: $squeue_left" >&2; exit 1; }

# The same sweep locally, in one process.
"$bvr" sweep "$sweep_file" -o "$tmp/local" -j "$(nproc)" >/dev/null
t_local=$SECONDS

fail=0
for ((k = 1; k <= n_shards; k++)); do
  [ -f "$tmp/out/shard-$k/sweep.csv" ] || { echo "test-slurm: shard $k wrote no sweep.csv" >&2; fail=1; }
  ls "$tmp/out/logs/"sweep-*_"$k".out >/dev/null 2>&1 || { echo "test-slurm: no Slurm log of shard $k" >&2; fail=1; }
done
if ! cmp "$tmp/local/sweep.csv" "$tmp/out/merged/sweep.csv"; then
  echo "test-slurm: merged sweep.csv differs from the local run's" >&2
  diff "$tmp/local/sweep.csv" "$tmp/out/merged/sweep.csv" | head -n 20 >&2 || true
  fail=1
fi

# Resume: resubmit shard 2 into the same directory (as after a failure) and merge again; the
# shard finds its points done and the merge must come out the same.
rm -rf "$tmp/out/merged"
BVR=$bvr tools/slurm/submit-sweep.sh --only 2 --wait "$sweep_file" "$tmp/out" "$n_shards" \
  --cpus-per-task=1 --job-name=bvr-test
t_resume=$SECONDS
cmp "$tmp/local/sweep.csv" "$tmp/out/merged/sweep.csv" ||
  { echo "test-slurm: merged sweep.csv after resubmitting shard 2 differs" >&2; fail=1; }
# The resubmitted task computed nothing: bvr sweep reports "N points (...): 0 run ...".
grep -q '): 0 run' < <(cat "$tmp"/out/logs/sweep-*_2.out) ||
  { echo "test-slurm: the resubmitted shard 2 ran its points again instead of resuming" >&2; fail=1; }
((fail == 0)) || exit 1

points=$(tail -n +2 "$tmp/local/sweep.csv" | cut -d, -f1 | sort -u | wc -l)
echo "test-slurm: merged sweep.csv of $n_shards Slurm shards == local run ($points points)"
echo "test-slurm: times: install $((t_setup - t0)) s, Slurm up $((t_up - t_setup)) s, sweep+merge on Slurm $((t_slurm - t_up)) s," \
  "local sweep $((t_local - t_slurm)) s, resubmit+merge $((t_resume - t_local)) s, total $((SECONDS - t0)) s"
echo "test-slurm: PASSED"
