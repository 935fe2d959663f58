#!/usr/bin/env bash
# Installs what is missing, builds the dev preset (-O0, assertions on) and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset dev
cmake --build --preset dev -j2
ctest --preset dev
