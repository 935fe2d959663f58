#!/usr/bin/env bash
# contention_plot_test.sh PURECACHE_SIM_BINARY SOURCE_DIR
# A tiny `purecache-sim contention` grid (8 cells of an 8-request trace, milliseconds), drawn by
# scripts/plot_contention.py: the script reads what the subcommand writes (the fixture in
# tests/data/plots is hand-made).
set -euo pipefail
fail() { echo "contention_plot_test: $*" >&2; exit 1; }
[ $# -eq 2 ] || { echo "usage: $0 PURECACHE_SIM_BINARY SOURCE_DIR" >&2; exit 2; }
sim=$(realpath "$1")
source_dir=$2
[ -x "$sim" ] || fail "$1 is not an executable"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$sim" contention --trace "$source_dir/tests/data/golden/abacbada.txt" --capacity 4 --threads 1,2 \
  --clients 2 --shards 1,2 --hand-off inline,scheduled -o "$tmp/grid.jsonl" 2>"$tmp/err" ||
  { cat "$tmp/err" >&2; fail "contention failed"; }
[ "$(wc -l <"$tmp/grid.jsonl")" -eq 8 ] || fail "expected 8 cells, got $(wc -l <"$tmp/grid.jsonl")"
/usr/bin/python3 "$source_dir/scripts/plot_contention.py" "$tmp/grid.jsonl" -o "$tmp/grid.png" ||
  fail "plot_contention.py failed (exit $?)"
[ "$(head -c 8 "$tmp/grid.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
  fail "grid.png is not a PNG"
