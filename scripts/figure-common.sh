# shellcheck shell=bash disable=SC2154  # $script is set by the sourcing script
# Sourced by scripts/make-figures.sh and scripts/contention-figure.sh: the purecache-sim they
# plot with and a scratch directory. Expects $script (for messages) and the script's BUILD_DIR
# argument, if any, as $1 (default build/release). Afterwards: $sim, $out (docs/figures, created),
# $work (removed on exit), and the cwd is the repo.

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 2
build_dir=${1:-build/release}
sim=$build_dir/apps/purecache-sim/purecache-sim
if [ ! -x "$sim" ]; then
  echo "$script: error: $sim not found; build it first:" \
       "cmake --preset release && cmake --build --preset release --target purecache-sim" >&2
  exit 2
fi
out=docs/figures
mkdir -p "$out"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
