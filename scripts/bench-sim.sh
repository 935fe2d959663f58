#!/usr/bin/env bash
# Reproduces the replay throughput table of docs/performance.md: generates a zipf trace (alpha 0.99,
# 1,000,000 keys, 10,000,000 requests) as oracleGeneral and as text, then replays it at capacity
# 100,000 through each policy (default LRU and LFU) with both engines (Belady: the fast one only,
# an application cannot know the future), RUNS times each, alternating, and prints the
# median whole-process wall time. Given libCacheSim's cachesim (the binary, or its build
# directory), runs it on the same traces in the same rounds and prints how many times faster
# each engine is (> 1: purecache is faster).
# Usage: scripts/bench-sim.sh [--runs N] [--cachesim PATH] [--policies a,b]
set -euo pipefail
script=bench-sim.sh
source "$(dirname "$0")/bench-common.sh"
field() { grep -o "\"$1\":[0-9.e+-]*" "$dir/last.out" | head -1 | cut -d: -f2; }

printf '%-26s %-8s %-9s %12s %12s %10s %s\n' trace policy engine "median wall" "M req/s" "miss ratio" \
  "${cachesim:+speed vs cachesim}"
for trace in zipf10m.oracleGeneral.bin zipf10m.txt; do
  case $trace in *.bin) lcs_type=oracleGeneral ;; *) lcs_type=txt ;; esac
  for policy in ${policies//,/ }; do
    engines="library fast"
    lcs=$cachesim
    # An application cannot know the future; libCacheSim reads it from oracleGeneral files only.
    [ "$policy" = belady ] && engines=fast
    [ "$policy" = belady ] && [ "$lcs_type" = txt ] && lcs=
    declare -A times=() ratios=()
    for _ in $(seq "$runs"); do
      for engine in $engines; do
        times[$engine]+=" $(wall "$sim" --policy "$policy" --capacity 100000 --engine "$engine" \
          --no-progress --trace "$dir/$trace")"
        ratios[$engine]=$(field miss_ratio)
      done
      if [ -n "$lcs" ]; then
        # cachesim writes TRACE.cachesim into its working directory: keep it in $dir.
        lcs_policy=$policy
        [ "$policy" = wtinylfu ] && lcs_policy=wtinyLFU
        times[cachesim]+=" $(wall env -C "$dir" "$cachesim" "$trace" "$lcs_type" "$lcs_policy" 100000 \
          --ignore-obj-size 1)"
        ratios[cachesim]=$(grep -o 'miss ratio [0-9.]*' "$dir/last.out" | tail -1 | cut -d' ' -f3)
      fi
    done
    reference=
    [ -n "$lcs" ] && reference=$(median ${times[cachesim]})
    for engine in $engines ${lcs:+cachesim}; do
      m=$(median ${times[$engine]})
      versus=
      [ -n "$reference" ] && [ "$engine" != cachesim ] &&
        versus=$(awk -v r="$reference" -v m="$m" 'BEGIN { printf "%.2fx", r / m }')
      awk -v t="$trace" -v p="$policy" -v e="$engine" -v m="$m" -v r="${ratios[$engine]}" -v v="$versus" \
        'BEGIN { printf "%-26s %-8s %-9s %10.3f s %12.2f %10.4f %s\n", t, p, e, m, 10 / m, r, v }'
    done
    unset times ratios
  done
done
