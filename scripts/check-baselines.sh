#!/usr/bin/env bash
# CI's regression gate on purecache itself: replays every run of tests/baselines/ again and compares
# it with the stored report. The simulation is deterministic, so any change in hits, misses,
# evictions, missed bytes or backend memory fails (exit 1) until the baselines are knowingly
# updated with scripts/update-baselines.sh; runs that no longer match up fail with exit 2.
# Throughput and lock-hold times are printed, not gated: CI machines are shared.
# Usage: scripts/check-baselines.sh [--sim PATH]
set -euo pipefail
cd "$(dirname "$0")/.."
sim=build/release/apps/purecache-sim/purecache-sim
[ "${1:-}" = --sim ] && sim=$2
new=$(mktemp -d)
trap 'rm -rf "$new"' EXIT
scripts/update-baselines.sh --sim "$sim" --output-dir "$new"
status=0
for base in tests/baselines/*.jsonl; do
  name=$(basename "$base")
  echo "== $name" >&2
  code=0
  "$sim" compare "$base" "$new/$name" --exact --format table || code=$?
  [ "$code" -le "$status" ] || status=$code  # 2 (runs do not match up) outranks 1
done
[ "$status" -eq 0 ] || echo "baselines changed: if intended, run scripts/update-baselines.sh and commit its diff" >&2
exit "$status"
