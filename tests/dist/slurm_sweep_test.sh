#!/usr/bin/env bash
# slurm_sweep_test.sh PURECACHE_SIM_BINARY  (as root)
# Starts a private single-node Slurm cluster on this machine (munged, slurmctld, slurmd, all
# configured, keyed and logging in a temporary directory, on free ports), submits a 3-shard sweep
# of traces/zipf.txt with scripts/slurm-sweep.sh (a job array and a dependent merge job), waits
# for the merge, and checks that it holds the same runs as the unsharded sweep; then checks that
# a failing shard makes Slurm cancel the merge. Everything it started is stopped, and the
# directory removed, on every exit. docs/distributed-sweeps.md explains what this proves.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 PURECACHE_SIM_BINARY" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
readonly timeout_s=120  # for each sweep, from submission to the merge's end

say() { echo "slurm_sweep_test: $*" >&2; }
tmp=
show_logs() {
  [ -n "$tmp" ] || return 0
  local f
  for f in "$tmp"/log/{munged.out,slurmctld.log,slurmd.log} "$tmp"/out*/slurm-*.out; do
    [ -s "$f" ] || continue
    echo "--- last lines of ${f#"$tmp"/} (without PMIx's, which is not installed)" >&2
    grep -v 'pmix\|MPI: Cannot create' "$f" | tail -n 20 >&2
  done
}
fail() { say "$*"; show_logs; exit 1; }

[ "$(id -u)" -eq 0 ] || fail "must run as root: munged and slurmd run as root here"
sim=$(realpath "$1")
[ -x "$sim" ] || fail "$1 is not an executable"
for tool in munged munge slurmctld slurmd sbatch scontrol sinfo squeue scancel; do
  command -v "$tool" >/dev/null || fail "$tool not found (scripts/install-deps.sh installs munge and slurm-wlm)"
done

# Only our cluster and our options: an inherited SLURM_* or SBATCH_* variable would redirect them.
while read -r name; do unset "$name"; done < <(compgen -e | grep -E '^(SLURM|SBATCH|SALLOC|SRUN)_' || true)

pids=()  # daemons started here, munged first
cleanup() {
  local status=$? pid i
  set +e
  if [ ${#pids[@]} -gt 1 ]; then
    # Cancel what is left of our jobs and let slurmd end their processes (at most 10 s), then
    # stop slurmctld and slurmd; ask before forcing.
    if [ ${#submitted[@]} -gt 0 ]; then
      scancel --quiet "${submitted[@]}" 2>/dev/null
      for _ in $(seq 50); do [ -z "$(squeue --noheader 2>/dev/null)" ] && break; sleep 0.2; done
    fi
    timeout 10 scontrol shutdown >/dev/null 2>&1
  fi
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    pid=${pids[i]}
    [ "$i" -eq 0 ] && kill -TERM "$pid" 2>/dev/null  # munged stops on SIGTERM
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      say "pid $pid did not stop in 10 s: killing it"
      kill -KILL "$pid" 2>/dev/null
    fi
    wait "$pid" 2>/dev/null
  done
  [ -n "$tmp" ] && rm -rf "$tmp"
  exit "$status"
}
submitted=()  # job ids, cancelled if still there at exit
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

tmp=$(mktemp -d)
# munged insists that everyone may traverse to its socket and that no one else can write there.
chmod 755 "$tmp"
mkdir -m 755 "$tmp/run" "$tmp/log"
mkdir -m 700 "$tmp/munge" "$tmp/state" "$tmp/spool"

# 1. munge, with a fresh key and its own socket: never the machine's /etc/munge or /run/munge.
dd if=/dev/urandom of="$tmp/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$tmp/munge/munge.key"
socket=$tmp/run/munge.socket
# In the foreground munged logs to stderr.
munged --foreground --force --socket="$socket" --key-file="$tmp/munge/munge.key" \
  --pid-file="$tmp/run/munged.pid" --seed-file="$tmp/munge/munged.seed" \
  </dev/null >"$tmp/log/munged.out" 2>&1 &
pids+=($!)
for _ in $(seq 50); do
  munge --socket="$socket" --no-input 2>/dev/null | unmunge --socket="$socket" >/dev/null 2>&1 && break
  kill -0 "${pids[0]}" 2>/dev/null || fail "munged exited"
  sleep 0.2
done
munge --socket="$socket" --no-input | unmunge --socket="$socket" >/dev/null ||
  fail "munged does not answer on $socket"

# 2. slurm.conf: this machine as the only node, as slurmd -C describes it, on two free ports.
node=$(slurmd -C | head -n 1)  # NodeName=<host> CPUs=... RealMemory=...
[[ $node == NodeName=* ]] || fail "slurmd -C printed '$node'"
host=${node%% *}
host=${host#NodeName=}
read -r ctld_port slurmd_port < <(/usr/bin/python3 -c '
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))')
export SLURM_CONF=$tmp/slurm.conf
cat >"$SLURM_CONF" <<CONF
ClusterName=purecache-test
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/run/slurmctld.pid
SlurmdPidFile=$tmp/run/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
# No cgroups, accounting or mail: the container has neither systemd nor slurmdbd.
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
MailProg=/bin/true
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
# Start a job as soon as it can run (the defaults wait up to 3 s, to batch many submissions).
SchedulerParameters=batch_sched_delay=0
$node NodeAddr=127.0.0.1 State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF

# 3. The daemons, in the foreground of background jobs: their pids are ours to stop.
slurmctld -D -f "$SLURM_CONF" </dev/null >"$tmp/log/slurmctld.out" 2>&1 &
pids+=($!)
for _ in $(seq 100); do
  scontrol ping 2>/dev/null | grep -q 'is UP' && break
  kill -0 "${pids[1]}" 2>/dev/null || fail "slurmctld exited"
  sleep 0.2
done
scontrol ping | grep -q 'is UP' || fail "slurmctld did not come up in 20 s"
slurmd -D -f "$SLURM_CONF" </dev/null >"$tmp/log/slurmd.out" 2>&1 &
pids+=($!)
state=
for _ in $(seq 150); do
  state=$(sinfo --noheader --nodes="$host" --format=%T 2>/dev/null || true)
  [ "$state" = idle ] && break
  kill -0 "${pids[2]}" 2>/dev/null || fail "slurmd exited"
  sleep 0.2
done
[ "$state" = idle ] || fail "node $host is '$state', not idle, 30 s after slurmd started"
say "single-node cluster up: node $host, slurmctld port $ctld_port, slurmd port $slurmd_port"

job_state() {  # job_state ID: PENDING, RUNNING, COMPLETED, CANCELLED, FAILED, ...
  scontrol --oneliner show job "$1" | grep -o 'JobState=[A-Z_]*' | cut -d= -f2
}
final=
wait_for_job() {  # wait_for_job ID: waits until the job has ended, sets final to its state
  # In this shell, not in $(...): a signal to the test must not wait for the loop to end.
  local deadline=$((SECONDS + timeout_s))
  while :; do
    final=$(job_state "$1") || fail "scontrol lost job $1"
    case $final in
      PENDING | RUNNING | CONFIGURING | COMPLETING | SUSPENDED | REQUEUED | RESIZING) ;;
      *) return 0 ;;
    esac
    [ "$SECONDS" -lt "$deadline" ] || fail "job $1 still $final after ${timeout_s} s"
    sleep 0.25
  done
}

# 4. The sweep as a job array of 3 shards and the dependent merge, against the unsharded sweep.
sweep=("$root/traces/zipf.txt" "lru,lfu" "1%,10%,1000")
started=$SECONDS
submit() {  # submit ARGS...: scripts/slurm-sweep.sh ARGS, sets array and merge
  local ids
  ids=$("$root/scripts/slurm-sweep.sh" "$@") || fail "scripts/slurm-sweep.sh $* failed"
  read -r array merge <<<"$ids"
  [ -n "${merge:-}" ] || fail "scripts/slurm-sweep.sh printed '$ids', not two job ids"
  submitted+=("$array" "$merge")
}
submit "$sim" "${sweep[@]}" 3 "$tmp/out"
wait_for_job "$merge"
[ "$final" = COMPLETED ] || fail "merge job $merge ended $final: $(scontrol --oneliner show job "$merge")"
for task in 0 1 2; do
  final=$(job_state "${array}_$task")
  [ "$final" = COMPLETED ] || fail "array task ${array}_$task ended $final"
done
say "array job $array (3 shards) and merge job $merge completed in $((SECONDS - started)) s"
"$sim" sweep --trace "${sweep[0]}" --policies "${sweep[1]}" --capacities "${sweep[2]}" \
  -o "$tmp/whole.jsonl" || fail "the unsharded sweep failed"
runs=$(wc -l <"$tmp/whole.jsonl")
[ "$runs" -eq 6 ] || fail "the unsharded sweep wrote $runs runs, not 2 policies x 3 capacities"
"$here/same_runs.py" "$tmp/out/sweep.jsonl" "$tmp/whole.jsonl" ||
  fail "the merge of the Slurm shards != the unsharded sweep"

# 5. A shard that fails (no policy is called "none") leaves the merge's dependency unsatisfiable:
#    Slurm cancels it, and no sweep.jsonl appears.
submit "$sim" "${sweep[0]}" "lru,none" "1%" 2 "$tmp/out-bad"
wait_for_job "$merge"
[ "$final" = CANCELLED ] || fail "merge job $merge after a failed shard ended $final, not CANCELLED"
[ ! -e "$tmp/out-bad/sweep.jsonl" ] || fail "a merge ran although a shard failed"
say "a failed shard: Slurm cancelled merge job $merge"
say "the Slurm job array's merged shards hold the same $runs runs as the unsharded sweep"
