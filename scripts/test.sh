#!/usr/bin/env bash
# Installs what is missing, builds the release preset (-O3, as users and the package get it; the test
# binary's own code at -O1, docs/ci.md) and runs every test. Assertions run in the asan preset of
# .ci/run (debug, _GLIBCXX_ASSERTIONS); the dev preset (-O0, assertions on) is for working on the code.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake --preset release
cmake --build --preset release -j2
ctest --preset release
