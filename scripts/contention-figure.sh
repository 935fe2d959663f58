#!/usr/bin/env bash
# Regenerates the contention study's figure, docs/figures/contention-zipf.png, from traces/zipf.txt
# with the purecache-sim of BUILD_DIR (default build/release): LRU at 10% of the distinct keys,
# 2 and 8 clients, threads 1, 2 and 4, 1, 4 and 16 shards, both hand-off modes, each cell the median of
# 5 runs; then plot_contention.py. The study's table on stderr gives the numbers.
# Every cell is a timing: run it on an idle machine. Usage: scripts/contention-figure.sh [BUILD_DIR].
# See docs/concurrency.md#the-contention-study.
set -euo pipefail
script=contention-figure.sh
# shellcheck source=scripts/figure-common.sh
source "$(dirname "$0")/figure-common.sh"

# The study's table and any oversubscription warning go to stderr, for the reader to see.
"$sim" contention --trace traces/zipf.txt --policy lru --capacity 10% --clients 2,8 \
    --threads 1,2,4 --shards 1,4,16 --hand-off inline,scheduled --repeat 5 --no-progress \
    -o "$work/contention-zipf.jsonl"
scripts/plot_contention.py "$work/contention-zipf.jsonl" -o "$out/contention-zipf.png"
ls -1 "$out/contention-zipf.png" >&2
