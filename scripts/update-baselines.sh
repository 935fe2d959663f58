#!/usr/bin/env bash
# Regenerates purecache's own baselines, tests/baselines/<trace>.jsonl: one report per run for every
# policy on each shipped trace at three capacities, with both engines (Belady: the fast one only),
# plus byte capacities on the traces that have object sizes. The simulation is deterministic, so
# CI (scripts/check-baselines.sh) fails on any change in counts or memory until this script is run
# and its diff reviewed. It prints how the new runs compare with the old (throughput: printed only).
# Usage: scripts/update-baselines.sh [--sim PATH] [--output-dir DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
sim=build/release/apps/purecache-sim/purecache-sim
out=tests/baselines
while [ $# -gt 0 ]; do
  case $1 in
    --sim) sim=$2; shift 2 ;;
    --output-dir) out=$2; shift 2 ;;
    *) echo "usage: $0 [--sim PATH] [--output-dir DIR]" >&2; exit 2 ;;
  esac
done
[ -x "$sim" ] || { echo "$0: $sim is not built (cmake --build --preset release)" >&2; exit 2; }
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

bounded=lru,lfu,fifo,clock,sieve,s3fifo,arc,wtinylfu,lru-ttl
capacities=1%,5%,10%
ttl=60  # seconds: for ttl and lru-ttl; on the synthetic clock where a trace has no timestamps

# One trace's runs, in a fixed order, into $work/<name>.jsonl.
runs_of() {
  local name=$1; shift  # the rest: the trace's options
  local parts=()
  for engine in library fast; do
    "$sim" sweep "$@" --engine "$engine" --policies "$bounded" --capacities "$capacities" \
      --ttl "$ttl" --jobs 1 --no-progress -o "$work/$engine.count.jsonl" 2>/dev/null
    parts+=("$work/$engine.count.jsonl")
    "$sim" "$@" --engine "$engine" --policy ttl --ttl "$ttl" --no-progress -o "$work/$engine.ttl.json"
    parts+=("$work/$engine.ttl.json")
  done
  "$sim" sweep "$@" --policies belady --capacities "$capacities" --jobs 1 --no-progress \
    -o "$work/belady.jsonl" 2>/dev/null
  parts+=("$work/belady.jsonl")
  if [ "$has_sizes" = yes ]; then
    for engine in library fast; do
      "$sim" sweep "$@" --engine "$engine" --policies "$bounded" --capacity-bytes "$capacities" \
        --ttl "$ttl" --jobs 1 --no-progress -o "$work/$engine.bytes.jsonl" 2>/dev/null
      parts+=("$work/$engine.bytes.jsonl")
    done
  fi
  cat "${parts[@]}" > "$work/$name.jsonl"
}

has_sizes=no
runs_of zipf.txt --trace traces/zipf.txt
runs_of cloudPhysicsIO.txt --trace traces/cloudPhysicsIO.txt.zst
has_sizes=yes
runs_of cloudPhysicsIO.oracleGeneral --trace traces/cloudPhysicsIO.oracleGeneral.bin.zst
runs_of cloudPhysicsIO.csv --trace traces/cloudPhysicsIO.csv.zst \
  --csv-columns key=lbn,timestamp=time,size=size

for new in "$work"/*.jsonl; do
  name=$(basename "$new")
  case $name in *.count.jsonl | *.bytes.jsonl | belady.jsonl) continue ;; esac
  if [ -f "$out/$name" ] && [ "$out" = tests/baselines ]; then
    "$sim" compare "$out/$name" "$new" --format markdown || true
  fi
  # A temporary beside the target, then a rename: a stopped run leaves the old baseline whole.
  cp "$new" "$out/.$name.tmp"
  mv "$out/.$name.tmp" "$out/$name"
done
echo "wrote $(cat "$out"/*.jsonl | wc -l) runs to $out/" >&2
