#!/usr/bin/env bash
# Reproduces the replay throughput table of docs/performance.md: generates a zipf trace (alpha 0.99, 1,000,000 keys,
# 10,000,000 requests) as oracleGeneral and as text, then replays it at capacity 100,000 through
# LRU and LFU, several times each, and prints the median of the whole-process wall time.
# Usage: scripts/bench-sim.sh [runs=5] [extra purecache-sim options...]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
shift || true
cmake --preset release >/dev/null
cmake --build --preset release -j2 --target purecache-sim >/dev/null
sim=build/release/apps/purecache-sim/purecache-sim
dir=build/bench-traces
mkdir -p "$dir"
[ -f "$dir/zipf10m.oracleGeneral.bin" ] || $sim gen zipf --keys 1000000 --requests 10000000 --alpha 0.99 --seed 7 \
  --format oracle-general -o "$dir/zipf10m.oracleGeneral.bin"
[ -f "$dir/zipf10m.txt" ] || $sim gen zipf --keys 1000000 --requests 10000000 --alpha 0.99 --seed 7 -o "$dir/zipf10m.txt"

for trace in zipf10m.oracleGeneral.bin zipf10m.txt; do
  for policy in lru lfu; do
    times=()
    for _ in $(seq "$runs"); do
      start=$(date +%s.%N)
      $sim --policy "$policy" --capacity 100000 --trace "$dir/$trace" "$@" > "$dir/last.json"
      end=$(date +%s.%N)
      times+=("$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f", b - a }')")
    done
    median=$(printf '%s\n' "${times[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    misses=$(grep -o '"misses":[0-9]*' "$dir/last.json" | head -1 | cut -d: -f2)
    awk -v t="$trace" -v p="$policy" -v m="$median" -v x="$misses" \
      'BEGIN { printf "%-28s %-4s median wall %6.3f s  %6.2f M requests/s  (misses %s)\n", t, p, m, 10 / m, x }'
  done
done
