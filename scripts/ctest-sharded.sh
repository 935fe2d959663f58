#!/usr/bin/env bash
# Runs exactly the tests `ctest --preset PRESET` runs, but the Catch2 cases (label catch2) in a few
# processes, JOBS at a time, instead of one process per case: under ASan each process costs about
# 0.2 s to start, which was most of the asan step of .ci/run (docs/ci.md). Tests that are not
# Catch2 cases still run through ctest. A shard that fails is run again one case per process, as
# ctest would, so each failing case is named with its output (a crash or a leak included).
# Usage: scripts/ctest-sharded.sh PRESET [JOBS=nproc]
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: scripts/ctest-sharded.sh PRESET [JOBS=nproc]" >&2
  exit 2
fi
preset=$1
jobs=${2:-$(nproc)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The Catch2 cases the preset selects (its filter applies), as ctest would run them: one binary,
# one working directory, and each case's test spec, the argument ctest passes.
ctest --preset "$preset" -L '^catch2$' --show-only=json-v1 >"$work/catch.json"
/usr/bin/python3 - "$work" <<'EOF'
import json, sys
work = sys.argv[1]
tests = json.load(open(f"{work}/catch.json"))["tests"]
def wd(t):
    return next((p["value"] for p in t.get("properties", []) if p["name"] == "WORKING_DIRECTORY"), "")
# A case ctest runs differently (another binary, directory, arguments or environment) is not ours.
for t in tests:
    if (t["command"][0], wd(t)) != (tests[0]["command"][0], wd(tests[0])) or \
            any(a for a in t["command"][2:]) or \
            any(p["name"] == "ENVIRONMENT" for p in t.get("properties", [])):
        sys.exit(f"ctest-sharded: {t['name']} is not a plain Catch2 case; run it through ctest")
with open(f"{work}/binary", "w") as f:
    f.write(tests[0]["command"][0] + "\n" + wd(tests[0]) + "\n" if tests else "")
with open(f"{work}/names", "w") as f:
    f.writelines(t["name"] + "\n" for t in tests)
with open(f"{work}/specs", "w") as f:
    f.writelines(t["command"][1] + "\n" for t in tests)
EOF
total=$(wc -l <"$work/names")
if [ "$total" -eq 0 ]; then
  echo "ctest-sharded: the $preset preset selects no Catch2 case" >&2
  exit 1
fi
{ read -r bin; read -r dir; } <"$work/binary"

# Catch reads each line of an input file as one quoted test spec: check that the lines select
# exactly these cases, no more and no fewer, before trusting them.
(cd "$dir" && "$bin" -f "$work/specs" --list-test-names-only) | LC_ALL=C sort >"$work/selected" || true
if ! LC_ALL=C sort "$work/names" | cmp -s - "$work/selected"; then
  echo "ctest-sharded: the test specs do not select exactly ctest's $total cases:" >&2
  LC_ALL=C sort "$work/names" | diff - "$work/selected" >&2 || true
  exit 1
fi

# Four shards per job, dealt round-robin so that each file's slow cases spread over the shards.
shards=$((jobs * 4))
for ((s = 0; s < shards; s++)); do
  paste "$work/names" "$work/specs" | awk -v s="$s" -v n="$shards" '(NR - 1) % n == s' >"$work/shard$s"
  cut -f2 "$work/shard$s" >"$work/shard$s.specs"
done
run_shard() {
  local s=$1 cases
  cases=$(wc -l <"$work/shard$s.specs")
  [ "$cases" -gt 0 ] || return 0
  if (cd "$dir" && "$bin" -f "$work/shard$s.specs") >"$work/shard$s.log" 2>&1 &&
     grep -qE "^All tests passed \(.* in $cases test cases?\)" "$work/shard$s.log"; then
    echo "shard $s: $cases cases passed"
    return 0
  fi
  # One process per case, as ctest runs them: names every failure, crashes and leaks included,
  # and runs the cases a crash cut short.
  local name spec failed=0
  while IFS=$'\t' read -r name spec; do
    if ! (cd "$dir" && "$bin" "$spec") >"$work/case$s.log" 2>&1; then
      failed=$((failed + 1))
      echo "FAILED: $name"
      cat "$work/case$s.log"
    fi
  done <"$work/shard$s"
  if [ "$failed" -eq 0 ]; then
    echo "FAILED: shard $s fails in one process, but each of its cases passes alone:"
    cat "$work/shard$s.log"
  fi
  return 1
}
export -f run_shard
export work dir bin
echo "ctest-sharded: $total Catch2 cases of the $preset preset in $shards processes, $jobs at a time"
start=$SECONDS
status=0
seq 0 $((shards - 1)) | xargs -P "$jobs" -I{} bash -c 'run_shard {}' >"$work/results" 2>&1 || status=1
cat "$work/results"
echo "ctest-sharded: Catch2 cases done in $((SECONDS - start)) s"

# Everything else the preset runs (scripts, other executables), through ctest with its properties.
if [ "$(ctest --preset "$preset" -LE '^catch2$' -N | grep -c '^ *Test *#')" -gt 0 ]; then
  ctest --preset "$preset" -LE '^catch2$' || status=1
fi
if [ "$status" -ne 0 ]; then
  echo "ctest-sharded: failed:" >&2
  grep '^FAILED: ' "$work/results" >&2 || true
fi
exit "$status"
