#!/usr/bin/env bash
# Reproduces the "Threads" table of docs/performance.md: the library engine on the 10M-request
# zipf benchmark trace (see bench-sim.sh) at capacity 100,000, with 2 clients, on 1 thread and on
# 2 threads, 16 shards or 1 lock. Every round runs each configuration once, in turn, so that a
# ratio compares runs made within seconds of each other: on a shared VM the same configuration
# can vary 2x between minutes, and only same-round ratios mean anything. Prints each
# configuration's median throughput and its per-round ratios to the first one (1 thread,
# 16 shards), with their median, quartiles and how many rounds reach 1.5x.
# Throughput excludes reading the trace into memory (throughput.load_seconds).
# Usage: scripts/bench-threads.sh [--rounds N] [--policy P]
set -euo pipefail
rounds=15
policy=lru
while [ $# -gt 0 ]; do
  case $1 in
    --rounds) rounds=$2; shift 2 ;;
    --policy) policy=$2; shift 2 ;;
    *) echo "usage: scripts/bench-threads.sh [--rounds N] [--policy P]" >&2; exit 2 ;;
  esac
done
script=bench-threads.sh
set --  # bench-common.sh's own options do not apply here
source "$(dirname "$0")/bench-common.sh"

configs=(
  "1 16 inline"     # the reference: one thread, both clients on it
  "2 16 scheduled"
  "2 16 inline"
  "1 1 inline"
  "2 1 scheduled"
)
results=$(mktemp)
trap 'rm -f "$results"' EXIT
for round in $(seq "$rounds"); do
  for i in "${!configs[@]}"; do
    read -r threads shards hand_off <<< "${configs[$i]}"
    "$sim" --policy "$policy" --capacity 100000 --engine library --no-progress \
      --threads "$threads" --clients 2 --shards "$shards" --hand-off "$hand_off" \
      --trace "$dir/zipf10m.oracleGeneral.bin" > "$dir/last.out"
    rate=$(grep -o '"requests_per_second":[0-9.e+-]*' "$dir/last.out" | head -1 | cut -d: -f2)
    echo "$round $i $rate" >> "$results"
  done
done

printf '%-34s %10s %14s %26s %8s\n' configuration "M req/s" "median ratio" \
  "quartiles (min-max)" ">= 1.5x"
# The K-th smallest (1-based) of the numbers on stdin.
nth() { sort -g | sed -n "$1p"; }
for i in "${!configs[@]}"; do
  read -r threads shards hand_off <<< "${configs[$i]}"
  label="$threads thread(s), $([ "$shards" = 1 ] && echo "1 lock" || echo "$shards shards"), $hand_off"
  rates=$(awk -v want="$i" '$2 == want { print $3 }' "$results")
  # Each round's rate over that round's reference rate.
  ratios=$(awk -v want="$i" '$2 == 0 { reference[$1] = $3 } $2 == want { print $3 / reference[$1] }' \
    "$results")
  n=$(wc -l <<< "$ratios")
  met=$(awk '$1 >= 1.5' <<< "$ratios" | wc -l)
  printf '%-34s %10.2f %14.2f %11.2f-%.2f (%.2f-%.2f) %5d/%d\n' "$label" \
    "$(nth $(((n + 1) / 2)) <<< "$rates" | awk '{ print $1 / 1e6 }')" \
    "$(nth $(((n + 1) / 2)) <<< "$ratios")" "$(nth $(((n + 3) / 4)) <<< "$ratios")" \
    "$(nth $(((3 * n + 3) / 4)) <<< "$ratios")" "$(nth 1 <<< "$ratios")" "$(nth "$n" <<< "$ratios")" \
    "$met" "$n"
done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); policy $policy, $rounds rounds"
