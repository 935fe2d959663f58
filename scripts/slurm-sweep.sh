#!/usr/bin/env bash
# Submits a sharded purecache-sim sweep to Slurm: a job array of N shards (scripts/slurm-sweep.sbatch)
# and a merge job that runs once every shard has succeeded. Prints "ARRAY_JOB_ID MERGE_JOB_ID".
#
#   scripts/slurm-sweep.sh SIM TRACE POLICIES CAPACITIES N OUTDIR [SWEEP_OPTION...]
#
# OUTDIR gets shard-<i>.jsonl, the merged sweep.jsonl and the jobs' logs slurm-<job>[_<task>].out;
# it must be new or hold no earlier sweep. SIM, TRACE and OUTDIR must be on a filesystem every node
# sees. If a shard fails, Slurm cancels the merge. sbatch options come from its SBATCH_*
# environment variables (SBATCH_PARTITION, SBATCH_TIMELIMIT, SBATCH_ACCOUNT, ...).
set -euo pipefail
usage() { echo "usage: $0 SIM TRACE POLICIES CAPACITIES N OUTDIR [SWEEP_OPTION...]" >&2; exit 2; }
fail() { echo "slurm-sweep: $*" >&2; exit 2; }
[ $# -ge 6 ] || usage
sim=$1 trace=$2 policies=$3 capacities=$4 shards=$5 outdir=$6
shift 6
[[ -x $sim && -f $sim ]] || fail "$sim is not an executable"
[[ -r $trace && -f $trace ]] || fail "$trace is not a readable file"
[[ $shards =~ ^[1-9][0-9]*$ ]] || fail "N must be a positive number of shards, not '$shards'"
command -v sbatch >/dev/null || fail "sbatch not found: this machine is not a Slurm submit host"
mkdir -p "$outdir"
if compgen -G "$outdir/shard-*.jsonl" >/dev/null || [ -e "$outdir/sweep.jsonl" ]; then
  fail "$outdir already holds a sweep: give a new or empty directory"
fi
# Jobs start on other machines, in OUTDIR: every path they get is absolute.
sim=$(realpath "$sim") trace=$(realpath "$trace") outdir=$(realpath "$outdir")
args=("$sim" "$trace" "$policies" "$capacities" "$shards" "$outdir")
script=$(dirname "$(realpath "$0")")/slurm-sweep.sbatch

# sbatch copies the script into Slurm at submission: only the paths it is given must be shared.
array=$(sbatch --parsable --array="0-$((shards - 1))" --chdir="$outdir" \
          --output="$outdir/slurm-%A_%a.out" "$script" "${args[@]}" "$@")
array=${array%%;*}  # --parsable prints "id" or "id;cluster"
if ! merge=$(sbatch --parsable --dependency="afterok:$array" --kill-on-invalid-dep=yes \
                --job-name=purecache-merge --chdir="$outdir" --output="$outdir/slurm-%j.out" \
                "$script" "${args[@]}"); then
  scancel "$array" || true
  fail "could not submit the merge job: cancelled the array job $array"
fi
merge=${merge%%;*}
echo "$array $merge"
