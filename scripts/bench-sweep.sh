#!/usr/bin/env bash
# Reproduces the capacity-planning speed table of docs/performance.md on the 10M-request zipf trace
# of scripts/bench-sim.sh (generated if missing), RUNS rounds, alternating, median wall time:
#   - sweep: lru,lfu x 10k,30k,100k,300k with --jobs 2, against the same 8 caches as single
#     --engine fast replays one after another, and (given --cachesim) against libCacheSim's
#     cachesim running the 8 caches in one command with --num-thread 2;
#   - mrc: the exact LRU curve (--points 100), and at sample rates 0.01 and 0.001, against one
#     --engine fast LRU replay at capacity 100k.
# Usage: scripts/bench-sweep.sh [--runs N] [--cachesim BINARY|BUILD_DIR]
set -euo pipefail
script=bench-sweep.sh
source "$(dirname "$0")/bench-common.sh"
trace=zipf10m.oracleGeneral.bin
singles() {
  for p in lru lfu; do
    for c in 10000 30000 100000 300000; do
      "$sim" --engine fast --policy "$p" --capacity "$c" --no-progress --trace "$dir/$trace" || return
    done
  done
}

declare -A times=()
for _ in $(seq "$runs"); do
  times[sweep]+=" $(wall "$sim" sweep --trace "$dir/$trace" --policies lru,lfu \
    --capacities 10000,30000,100000,300000 --jobs 2 --no-progress)"
  times[singles]+=" $(wall singles)"
  if [ -n "$cachesim" ]; then
    times[cachesim]+=" $(wall env -C "$dir" "$cachesim" "$trace" oracleGeneral lru,lfu \
      10000,30000,100000,300000 --ignore-obj-size 1 --num-thread 2)"
  fi
  times[replay]+=" $(wall "$sim" --engine fast --policy lru --capacity 100000 --no-progress \
    --trace "$dir/$trace")"
  times[mrc]+=" $(wall "$sim" mrc --trace "$dir/$trace" --points 100)"
  times[shards01]+=" $(wall "$sim" mrc --trace "$dir/$trace" --points 100 --sample-rate 0.01)"
  times[shards001]+=" $(wall "$sim" mrc --trace "$dir/$trace" --points 100 --sample-rate 0.001)"
done

row() { printf '%-58s %8.2f s  %s\n' "$1" "$2" "$3"; }
sweep=$(median ${times[sweep]})
singles_t=$(median ${times[singles]})
row "sweep, 8 runs, --jobs 2" "$sweep" ""
row "8 single --engine fast replays, one after another" "$singles_t" \
  "$(awk -v a="$sweep" -v b="$singles_t" 'BEGIN { printf "sweep / singles = %.2f", a / b }')"
if [ -n "$cachesim" ]; then
  lcs=$(median ${times[cachesim]})
  row "cachesim, the same 8 caches, --num-thread 2" "$lcs" \
    "$(awk -v a="$sweep" -v b="$lcs" 'BEGIN { printf "cachesim / sweep = %.1fx", b / a }')"
fi
replay=$(median ${times[replay]})
row "one --engine fast LRU replay, capacity 100k" "$replay" ""
for m in mrc shards01 shards001; do
  t=$(median ${times[$m]})
  case $m in mrc) label="mrc exact, 100 points" ;; shards01) label="mrc --sample-rate 0.01" ;;
    *) label="mrc --sample-rate 0.001" ;; esac
  row "$label" "$t" "$(awk -v a="$t" -v b="$replay" 'BEGIN { printf "/ replay = %.2f", a / b }')"
done
