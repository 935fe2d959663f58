#!/usr/bin/env bash
# parallel_sweep_test.sh PURECACHE_SIM_BINARY
# A 3-shard sweep of traces/zipf.txt run through GNU parallel, merged with `purecache-sim merge`,
# holds the same runs as the unsharded sweep (tests/dist/same_runs.py), and merge refuses a
# missing, repeated or foreign shard with exit 2. docs/distributed-sweeps.md shows the commands.
set -euo pipefail
fail() { echo "parallel_sweep_test: $*" >&2; exit 1; }
[ $# -eq 1 ] || { echo "usage: $0 PURECACHE_SIM_BINARY" >&2; exit 2; }
sim=$(realpath "$1")
[ -x "$sim" ] || fail "$1 is not an executable"
here=$(cd "$(dirname "$0")" && pwd)
trace=$here/../../traces/zipf.txt
command -v parallel >/dev/null || fail "GNU parallel is not installed (scripts/install-deps.sh installs it)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# GNU parallel keeps its state (citation notice, ssh logins) in PARALLEL_HOME: not in ~/.parallel.
export PARALLEL_HOME=$tmp/parallel-home

sweep=(sweep --trace "$trace" --policies "lru,lfu" --capacities "1%,10%,1000" --jobs 1)
# --sshlogin : is this machine, as it would appear in a list of ssh logins; -q keeps the command's
# quoting; --will-cite skips the citation notice, which otherwise waits for input on a terminal.
parallel --will-cite --halt now,fail=1 --sshlogin : -q \
  "$sim" "${sweep[@]}" --shard '{}/3' -o "$tmp/shard-{}.jsonl" ::: 1 2 3 </dev/null ||
  fail "GNU parallel failed (exit $?)"
for i in 1 2 3; do
  [ -s "$tmp/shard-$i.jsonl" ] || fail "shard $i/3 wrote no runs"
done
"$sim" merge "$tmp"/shard-{1,2,3}.jsonl -o "$tmp/merged.jsonl" || fail "merge failed (exit $?)"
"$sim" "${sweep[@]}" -o "$tmp/whole.jsonl" || fail "the unsharded sweep failed (exit $?)"
runs=$(wc -l <"$tmp/whole.jsonl")
[ "$runs" -eq 6 ] || fail "the unsharded sweep wrote $runs runs, not 2 policies x 3 capacities"
"$here/same_runs.py" "$tmp/merged.jsonl" "$tmp/whole.jsonl" || fail "merged shards != unsharded sweep"

# A failing shard stops GNU parallel with the shard's failure: shard 4/3 does not exist.
if parallel --will-cite --halt now,fail=1 -q "$sim" "${sweep[@]}" --shard '{}/3' -o "$tmp/bad-{}.jsonl" \
     ::: 1 4 </dev/null 2>"$tmp/parallel.err"; then
  fail "GNU parallel succeeded although shard 4/3 cannot run"
fi

# merge refuses incomplete or inconsistent input with exit 2, a message, and no output file.
expect_refusal() {  # expect_refusal WHAT INPUT...
  local what=$1 status=0
  shift
  "$sim" merge "$@" -o "$tmp/refused.jsonl" 2>"$tmp/merge.err" || status=$?
  [ "$status" -eq 2 ] || fail "merge of $what exited $status, not 2"
  [ -s "$tmp/merge.err" ] || fail "merge of $what printed no message"
  [ ! -e "$tmp/refused.jsonl" ] || fail "merge of $what wrote its output file"
  echo "merge of $what: $(head -n 1 "$tmp/merge.err")"
}
expect_refusal "shards 1 and 3 of 3" "$tmp/shard-1.jsonl" "$tmp/shard-3.jsonl"
expect_refusal "shard 1 twice" "$tmp"/shard-{1,1,2,3}.jsonl
"$sim" sweep --trace "$trace" --policies lru,lfu --capacities 1%,10%,2000 --jobs 1 --shard 3/3 \
  -o "$tmp/foreign-3.jsonl"
expect_refusal "a shard of another sweep" "$tmp"/shard-{1,2}.jsonl "$tmp/foreign-3.jsonl"
echo "parallel_sweep_test: 3 shards through GNU parallel, merged: the same $runs runs as the unsharded sweep"
