#!/usr/bin/env bash
# Compares purecache-sim's miss counts with libCacheSim's, run for run: every policy both have, on
# the shipped traces and generated ones, at several capacities, counting objects (count mode) and
# bytes (byte mode, traces with sizes). libCacheSim's cachesim prints ratios to 4 digits only, so
# the comparison builds scripts/libcachesim/exact_counts.c against the libCacheSim build directory
# and reads exact counts. purecache never needs libCacheSim to build or test; this script is how
# docs/policies.md's table was made.
#
# usage: scripts/check-libcachesim.sh CACHESIM_OR_BUILD_DIR [--policies a,b] [--markdown FILE]
# exit: 0 every run within its tolerance, 1 some run differs, 2 bad usage or a missing tool.
set -euo pipefail

usage() {
  echo "usage: scripts/check-libcachesim.sh CACHESIM_OR_BUILD_DIR [--policies a,b] [--markdown FILE]" >&2
  exit 2
}
[ $# -ge 1 ] || usage
target=$1
shift
policies="lru,lfu,fifo,clock,sieve,s3fifo,arc,wtinylfu,wtinylfu-lcs,belady"
markdown=
while [ $# -gt 0 ]; do
  case $1 in
    --policies) policies=$2; shift 2 ;;
    --markdown) markdown=$(realpath -m "$2"); shift 2 ;;
    *) usage ;;
  esac
done

# The build directory: given, or two levels above a cachesim binary (BUILD/bin/cachesim).
if [ -f "$target" ]; then
  build=$(realpath "$(dirname "$target")/..")
else
  build=$(realpath "$target")
fi
if [ ! -f "$build/CMakeCache.txt" ]; then
  echo "check-libcachesim: $target is neither libCacheSim's build directory nor its bin/cachesim" >&2
  exit 2
fi
source_dir=$(sed -n 's/^CMAKE_HOME_DIRECTORY:INTERNAL=//p' "$build/CMakeCache.txt")

cd "$(dirname "${BASH_SOURCE[0]}")/.."
repo=$PWD
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# libCacheSim's counts, from its own library.
mapfile -t archives < <(find "$build/libCacheSim" -name '*.a')
gcc -O2 -w -o "$work/exact_counts" scripts/libcachesim/exact_counts.c \
  -I"$source_dir/libCacheSim/include" -I"$source_dir/libCacheSim/bin/cachesim" \
  $(pkg-config --cflags glib-2.0) -Wl,--start-group "${archives[@]}" -Wl,--end-group \
  $(pkg-config --libs glib-2.0) -lzstd -lm -lpthread -lstdc++ -ldl

cmake --preset release >/dev/null
cmake --build --preset release -j2 --target purecache-sim >/dev/null
sim=$repo/build/release/apps/purecache-sim/purecache-sim

# Traces. Names keep "oracleGeneral": libCacheSim's Belady checks the file name for it.
zstd -qd traces/cloudPhysicsIO.oracleGeneral.bin.zst -o "$work/cloudPhysicsIO.oracleGeneral.bin"
zstd -qd traces/cloudPhysicsIO.txt.zst -o "$work/cloudPhysicsIO.txt"
cp traces/zipf.txt "$work/zipf.txt"
"$sim" gen zipf --keys 20000 --requests 200000 --alpha 0.9 --seed 11 --format oracle-general \
  -o "$work/zipf-gen.oracleGeneral.bin"
"$sim" gen mix --keys 20000 --requests 200000 --alpha 0.8 --seed 12 --format oracle-general \
  -o "$work/mix-gen.oracleGeneral.bin"
"$sim" gen loop --keys 3000 --requests 60000 --seed 13 -o "$work/loop-gen.txt"

# trace | libCacheSim trace type | count-mode capacities | byte-mode capacities ("" = none)
runs=(
  "cloudPhysicsIO.oracleGeneral.bin|oracleGeneral|100,1000,5000,20000|1000000,10000000,100000000,1000000000"
  "cloudPhysicsIO.txt|txt|100,1000,5000,20000|"
  "zipf.txt|txt|10,100,1000|"
  "zipf-gen.oracleGeneral.bin|oracleGeneral|100,1000,5000|10000000,100000000,300000000"
  "mix-gen.oracleGeneral.bin|oracleGeneral|100,1000,5000|10000000,100000000,300000000"
  "loop-gen.txt|txt|1000,2999,3000|"
)

libcachesim_name() {
  case $1 in
    wtinylfu | wtinylfu-lcs) echo wtinyLFU ;;
    *) echo "$1" ;;
  esac
}

# How purecache runs a row's policy. wtinylfu-lcs is W-TinyLFU with libCacheSim's sketch
# (libcachesim_sketch=true) through the library engine, whose sketch hashes the trace's own ids as
# libCacheSim does (the fast engine hashes interned ids): it must agree exactly.
purecache_args() {
  case $1 in
    wtinylfu-lcs) echo "--policy wtinylfu --policy-params wtinylfu:libcachesim_sketch=true --engine library" ;;
    *) echo "--policy $1 --engine fast" ;;
  esac
}

# Relative difference in misses allowed: W-TinyLFU's default design differs from libCacheSim's
# (docs/policies.md); every other policy must agree exactly. Below 100 entries libCacheSim's
# W-TinyLFU has a window of 0 and caches nothing, ours keeps every limit at least 1: not compared.
tolerance() {
  case $1 in
    wtinylfu) echo 0.02 ;;
    *) echo 0 ;;
  esac
}

table=$work/table.md
echo "| trace | mode | policy | capacity | purecache misses | libCacheSim misses | difference |" > "$table"
echo "|---|---|---|---:|---:|---:|---:|" >> "$table"
failures=0
checked=0
for policy in ${policies//,/ }; do
  if ! "$sim" --help | grep -qE "^ +${policy%-lcs}: "; then
    echo "check-libcachesim: skipping $policy: not a purecache policy in this build" >&2
    continue
  fi
  for run in "${runs[@]}"; do
    IFS='|' read -r trace type counts bytes <<< "$run"
    # libCacheSim's Belady reads next-access times from oracleGeneral files only.
    [ "$policy" = belady ] && [ "$type" != oracleGeneral ] && continue
    for mode in count byte; do
      capacities=$counts
      [ "$mode" = byte ] && capacities=$bytes
      [ -n "$capacities" ] || continue
      count_flag=1
      [ "$mode" = byte ] && count_flag=0
      theirs=$("$work/exact_counts" "$work/$trace" "$type" "$(libcachesim_name "$policy")" \
        "$capacities" "$count_flag" 2>/dev/null)
      for capacity in ${capacities//,/ }; do
        if [[ $policy == wtinylfu* ]] && [ "$mode" = count ] && [ "$capacity" -lt 100 ]; then
          continue
        fi
        option=--capacity
        [ "$mode" = byte ] && option=--capacity-bytes
        # shellcheck disable=SC2046  # purecache_args is a list of words
        ours=$("$sim" --trace "$work/$trace" $(purecache_args "$policy") "$option" "$capacity" \
          --jsonl --no-progress | /usr/bin/env python3 -c \
          'import json, sys; print(json.load(sys.stdin)["misses"])')
        their_misses=$(awk -v c="$capacity" '$1 == c { print $3 }' <<< "$theirs")
        verdict=$(/usr/bin/env python3 - "$ours" "$their_misses" "$(tolerance "$policy")" <<'EOF'
import sys
ours, theirs, tolerance = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
relative = abs(ours - theirs) / max(theirs, 1)
print(f"{(ours - theirs) / max(theirs, 1):+.2%}", "ok" if relative <= tolerance else "FAIL")
EOF
        )
        read -r difference status <<< "$verdict"
        [ "$ours" = "$their_misses" ] && difference=0
        echo "| $trace | $mode | $policy | $capacity | $ours | $their_misses | $difference |" >> "$table"
        checked=$((checked + 1))
        if [ "$status" = FAIL ]; then
          failures=$((failures + 1))
          echo "check-libcachesim: $trace $mode $policy $capacity: purecache $ours, libCacheSim $their_misses" >&2
        fi
      done
    done
  done
done

cat "$table"
[ -z "$markdown" ] || cp "$table" "$markdown"
echo "check-libcachesim: $checked runs, $failures outside tolerance" >&2
[ "$failures" -eq 0 ]
