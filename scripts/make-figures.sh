#!/usr/bin/env bash
# Regenerates the README's figures in docs/figures/ from the shipped traces with the
# purecache-sim of BUILD_DIR (default build/release): sweeps and miss-ratio curves of both
# traces, a timeline of the cloudPhysics replay, then plot_mrc.py, plot_compare.py and
# plot_timeline.py. Usage: scripts/make-figures.sh [BUILD_DIR]. See docs/plots.md.
set -euo pipefail
script=make-figures.sh
# shellcheck source=scripts/figure-common.sh
source "$(dirname "$0")/figure-common.sh"

# Runs purecache-sim with stdout to $1; its stderr (summary table, progress) goes to a log
# shown only when it fails.
run() {
  local result=$1
  shift
  if ! "$sim" "$@" >"$result" 2>"$work/stderr"; then
    echo "make-figures.sh: error: $sim $* failed:" >&2
    cat "$work/stderr" >&2
    exit 1
  fi
}

for trace in traces/zipf.txt traces/cloudPhysicsIO.oracleGeneral.bin.zst; do
  name=$(basename "$trace")
  name=${name%%.*}  # zipf, cloudPhysicsIO
  echo "make-figures.sh: $name" >&2
  # The library engine: the same counts as the fast one, plus lock holds and backend memory.
  # Sweeps with --jobs 1, so no run's lock holds share the machine with another's.
  run "$work/$name-sweep.jsonl" sweep --trace "$trace" --policies lru,lfu \
      --capacities 0.1%,0.5%,1%,2%,5%,10%,20%,50% --engine library --jobs 1
  # These traces are small (10^4 to 10^5 keys): sampled at 0.1, not the 0.01 large traces take.
  run "$work/$name-sweep-sampled.jsonl" sweep --trace "$trace" --policies lru,lfu \
      --capacities 0.1%,0.5%,1%,2%,5%,10%,20%,50% --sample-rate 0.1
  run "$work/$name-mrc.json" mrc --trace "$trace" --points 60
  run "$work/$name-mrc-sampled.json" mrc --trace "$trace" --points 60 --sample-rate 0.1
  scripts/plot_mrc.py "$work/$name-sweep.jsonl" "$work/$name-sweep-sampled.jsonl" \
      "$work/$name-mrc.json" "$work/$name-mrc-sampled.json" -o "$out/mrc-$name.png"
  scripts/plot_compare.py "$work/$name-sweep.jsonl" -o "$out/compare-$name.png"
done

run "$work/timeline.json" --policy lru -c 1% --trace traces/cloudPhysicsIO.oracleGeneral.bin.zst \
    --timeline-window 10000
scripts/plot_timeline.py "$work/timeline.json" -o "$out/timeline-cloudPhysicsIO.png"

ls -1 "$out"/*.png >&2
