#!/usr/bin/env bash
# Compares the Google Benchmark suite purecache_bench of two revisions with Google Benchmark's
# compare.py (Debian libbenchmark-tools), which prints each benchmark's change and a Mann-Whitney
# U test over the repetitions.
#
#   scripts/bench-compare.sh [--filter REGEX] [--repetitions N] [--rounds K] BASE_REF [NEW_REF]
#
# BASE_REF and NEW_REF are any git revisions (HEAD~1, a branch, a tag, a hash). Each is checked
# out in a detached worktree under build/bench-compare/, configured with the release preset, and
# only purecache_bench is built; the worktrees are removed on exit, however the script ends.
# Without NEW_REF the new side is the working tree as it is, uncommitted changes included, built
# in build/release: what you want before committing. The two binaries run alternately, K rounds
# of N/K repetitions each (defaults: N = 10, K = 2), so that drift on a shared machine hits both
# sides alike; the rounds are merged before comparing. The filter (default: every benchmark) is
# Google Benchmark's --benchmark_filter. JSON results and the report stay in build/bench-compare/.
# Exit status: 0 when compared (a slowdown is for you to judge), 1 when a build fails, 2 for bad
# arguments or refs.
set -euo pipefail
script=bench-compare.sh
usage() {
  echo "usage: scripts/$script [--filter REGEX] [--repetitions N] [--rounds K] BASE_REF [NEW_REF]" >&2
  exit 2
}

filter=.
repetitions=10
rounds=2
refs=()
while [ $# -gt 0 ]; do
  case $1 in
    --filter) [ $# -ge 2 ] || usage; filter=$2; shift 2 ;;
    --repetitions) [ $# -ge 2 ] || usage; repetitions=$2; shift 2 ;;
    --rounds) [ $# -ge 2 ] || usage; rounds=$2; shift 2 ;;
    -h | --help) usage ;;
    -*) echo "$script: unknown option '$1'" >&2; usage ;;
    *) refs+=("$1"); shift ;;
  esac
done
[ ${#refs[@]} -ge 1 ] && [ ${#refs[@]} -le 2 ] || usage
for number in "$repetitions" "$rounds"; do
  [[ $number =~ ^[1-9][0-9]*$ ]] || { echo "$script: '$number' is not a positive integer" >&2; exit 2; }
done
[ "$rounds" -le "$repetitions" ] || { echo "$script: --rounds $rounds exceeds --repetitions $repetitions" >&2; exit 2; }

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD
commit_of() {
  git rev-parse --verify --quiet "$1^{commit}" ||
    { echo "$script: '$1' is not a revision of this repository" >&2; exit 2; }
}
base_commit=$(commit_of "${refs[0]}")
new_commit=
[ ${#refs[@]} -eq 2 ] && new_commit=$(commit_of "${refs[1]}")

# compare.py and its gbench module import scipy and numpy: Debian's python3 has them
# (python3-scipy), a virtualenv or pyenv python3 first on PATH may not.
compare_py=/usr/share/benchmark/compare.py
[ -f "$compare_py" ] ||
  { echo "$script: $compare_py is missing: install libbenchmark-tools (scripts/install-deps.sh)" >&2; exit 2; }
python=/usr/bin/python3
"$python" -c 'import scipy, numpy' 2>/dev/null ||
  { echo "$script: $python cannot import scipy and numpy: install python3-scipy (scripts/install-deps.sh)" >&2; exit 2; }

out=build/bench-compare
mkdir -p "$out"
worktrees=()
cleanup() {
  for tree in "${worktrees[@]}"; do
    git -C "$repo" worktree remove --force "$tree" >/dev/null 2>&1 || rm -rf "$tree"
  done
  git -C "$repo" worktree prune
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Builds purecache_bench of a commit in its own worktree, or of the working tree; sets $binary.
# Not in a command substitution: the worktree list must reach the cleanup trap.
build_commit() {
  local tree="$repo/$out/$1-${2:0:12}"
  rm -rf "$tree"
  git worktree prune
  git worktree add --detach "$tree" "$2" >/dev/null 2>&1 ||
    { echo "$script: cannot check out $2 in $tree" >&2; exit 2; }
  worktrees+=("$tree")
  build_tree "$tree"
}
build_tree() {
  echo "$script: building purecache_bench in $1/build/release" >&2
  (cd "$1" && cmake --preset release >/dev/null &&
    cmake --build --preset release -j2 --target purecache_bench >/dev/null) ||
    { echo "$script: the release build of $1 failed" >&2; exit 1; }
  binary="$1/build/release/tests/bench/purecache_bench"
}

build_commit base "$base_commit"
base_bin=$binary
if [ -n "$new_commit" ]; then
  build_commit new "$new_commit"
  new_name=${refs[1]}
else
  build_tree "$repo"
  new_name="working tree"
fi
new_bin=$binary

per_round=$(( (repetitions + rounds - 1) / rounds ))
for round in $(seq "$rounds"); do
  for side in base new; do
    bin=base_bin
    [ $side = new ] && bin=new_bin
    echo "$script: round $round/$rounds, $side: $per_round repetitions" >&2
    "${!bin}" --benchmark_filter="$filter" --benchmark_repetitions="$per_round" \
      --benchmark_enable_random_interleaving=true --benchmark_format=json \
      --benchmark_out_format=json --benchmark_out="$out/$side.$round.json" >/dev/null
  done
done

# One file per side: every repetition of every round, and their mean, median and stddev
# recomputed over all of them (compare.py's U test reads the repetitions, its table the median).
merge() {
  "$python" - "$@" <<'PY'
import json, statistics, sys
target, sources = sys.argv[1], sys.argv[2:]
merged = None
for path in sources:
    with open(path) as f:
        run = json.load(f)
    if merged is None:
        merged = {"context": run["context"], "benchmarks": []}
    merged["benchmarks"] += [b for b in run["benchmarks"] if b.get("run_type") != "aggregate"]
groups = {}
for b in merged["benchmarks"]:
    groups.setdefault(b["run_name"], []).append(b)
for name, runs in groups.items():
    for aggregate, f in (("mean", statistics.mean), ("median", statistics.median),
                         ("stddev", lambda v: statistics.stdev(v) if len(v) > 1 else 0.0)):
        row = {k: runs[0][k] for k in ("run_name", "family_index", "per_family_instance_index",
                                       "threads", "time_unit") if k in runs[0]}
        row.update(name=f"{name}_{aggregate}", run_type="aggregate", aggregate_name=aggregate,
                   repetitions=len(runs), iterations=len(runs),
                   real_time=f([r["real_time"] for r in runs]),
                   cpu_time=f([r["cpu_time"] for r in runs]))
        merged["benchmarks"].append(row)
with open(target, "w") as f:
    json.dump(merged, f, indent=1)
PY
}
for side in base new; do
  files=()
  for round in $(seq "$rounds"); do files+=("$out/$side.$round.json"); done
  merge "$out/$side.json" "${files[@]}"
done

# compare.py pairs benchmarks by name and silently drops the rest: say what it dropped.
"$python" - "$out/base.json" "$out/new.json" <<'PY' >&2
import json, sys
names = [{b["run_name"] for b in json.load(open(p))["benchmarks"]} for p in sys.argv[1:]]
for side, only in (("base", names[0] - names[1]), ("new", names[1] - names[0])):
    if only:
        print(f"bench-compare.sh: {len(only)} benchmarks only in {side}, not compared:",
              ", ".join(sorted(only)[:5]) + (", ..." if len(only) > 5 else ""))
PY
echo "base: ${refs[0]} ($base_commit), new: $new_name${new_commit:+ ($new_commit)}," \
  "$(( per_round * rounds )) repetitions each, filter '$filter'" | tee "$out/report.txt"
"$python" "$compare_py" -a --no-color benchmarks "$out/base.json" "$out/new.json" | tee -a "$out/report.txt"
