#!/usr/bin/env bash
# Runs the CI gate documented in docs/ci.md (the block between its pipeline markers, read from the
# page itself, so the page cannot drift from what is tested) on a shipped trace: the first run has
# no baseline (exit 2) and its report becomes one; an unchanged run or a larger cache exits 0; a
# worse configuration 1; a baseline of another trace 2.
# Usage: tests/ci/pipeline_test.sh PURECACHE_SIM SOURCE_DIR
set -euo pipefail
sim=$(realpath "$1")
source_dir=$(realpath "$2")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

sed -n '/<!-- pipeline:begin -->/,/<!-- pipeline:end -->/p' "$source_dir/docs/ci.md" |
  sed '/^<!--/d; /^```/d' > gate.sh
grep -q 'compare' gate.sh || { echo "FAIL: no pipeline block in docs/ci.md" >&2; exit 1; }

failures=0
# expect CODE WHAT VAR=VALUE...: runs the gate with those variables, checks its exit code.
expect() {
  local want=$1 what=$2; shift 2
  local code=0
  env SIM="$sim" TRACE="$source_dir/traces/zipf.txt" BASELINE="$work/baseline.json" "$@" \
    bash -e gate.sh > gate.out 2> gate.err || code=$?
  if [ "$code" -ne "$want" ]; then
    echo "FAIL: $what: exit $code, expected $want" >&2
    cat gate.err >&2
    failures=$((failures + 1))
  else
    echo "ok: $what (exit $code)"
  fi
}

expect 2 "the first run, without a baseline"
[ -s cache-report.json ] || { echo "FAIL: the first run wrote no report" >&2; exit 1; }
cp cache-report.json baseline.json
expect 0 "an unchanged run"
grep -q 'no regression' cache-diff.md || { echo "FAIL: cache-diff.md lacks the verdict" >&2; failures=$((failures + 1)); }
expect 1 "a smaller cache" CAPACITY=1%
grep -q '\*\*FAIL' cache-diff.md || { echo "FAIL: cache-diff.md does not mark the failed gate" >&2; failures=$((failures + 1)); }
expect 1 "a worse policy at the same size" POLICY=fifo
expect 0 "a larger cache" CAPACITY=10%
expect 1 "a policy with a better hit ratio but more memory per entry" POLICY=s3fifo
expect 2 "a baseline of another trace" TRACE="$source_dir/traces/cloudPhysicsIO.txt.zst"
[ "$failures" -eq 0 ]
