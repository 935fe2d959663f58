# Sourced by scripts/bench-sim.sh and scripts/bench-sweep.sh: their options, the release build,
# the 10M-request zipf benchmark traces, and timing helpers. Expects $script (for messages).
# Afterwards: $runs, $cachesim (absolute path or empty), $policies, $sim, $dir, and the cwd is
# the repo.

runs=5
cachesim=
policies=lru,lfu
while [ $# -gt 0 ]; do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --cachesim) cachesim=$2; shift 2 ;;
    --policies) policies=$2; shift 2 ;;
    *) echo "usage: scripts/$script [--runs N] [--cachesim BINARY|BUILD_DIR] [--policies a,b]" >&2; exit 2 ;;
  esac
done
if [ -n "$cachesim" ] && [ -d "$cachesim" ]; then
  for candidate in "$cachesim/bin/cachesim" "$cachesim/cachesim" "$cachesim/_build/bin/cachesim"; do
    [ -x "$candidate" ] && { cachesim=$candidate; break; }
  done
fi
if [ -n "$cachesim" ] && { [ ! -f "$cachesim" ] || [ ! -x "$cachesim" ]; }; then
  echo "$script: $cachesim is not an executable cachesim or a build directory holding one" >&2
  exit 2
fi
[ -n "$cachesim" ] && cachesim=$(realpath "$cachesim")  # before the cd below
cd "$(dirname "${BASH_SOURCE[0]}")/.."

cmake --preset release >/dev/null
cmake --build --preset release -j2 --target purecache-sim >/dev/null
sim=build/release/apps/purecache-sim/purecache-sim
dir=build/bench-traces
mkdir -p "$dir"
[ -f "$dir/zipf10m.oracleGeneral.bin" ] || $sim gen zipf --keys 1000000 --requests 10000000 \
  --alpha 0.99 --seed 7 --format oracle-general -o "$dir/zipf10m.oracleGeneral.bin"
[ -f "$dir/zipf10m.txt" ] || $sim gen zipf --keys 1000000 --requests 10000000 --alpha 0.99 \
  --seed 7 -o "$dir/zipf10m.txt"

# Seconds of wall time of the command, its stdout in $dir/last.out.
wall() {
  local start end
  start=$(date +%s.%N)
  "$@" > "$dir/last.out" 2>/dev/null
  end=$(date +%s.%N)
  awk -v a="$start" -v b="$end" 'BEGIN { printf "%.4f", b - a }'
}
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
