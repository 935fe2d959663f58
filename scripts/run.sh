#!/usr/bin/env bash
# Installs what is missing, builds the release preset and runs the main job:
# purecache-sim replaying traces/zipf.txt through LFU. Extra arguments go to purecache-sim.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release >&2
cmake --build --preset release -j2 --target purecache-sim >&2  # stdout carries only the report
exec build/release/apps/purecache-sim/purecache-sim --policy lfu --trace traces/zipf.txt "$@"
