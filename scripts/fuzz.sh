#!/usr/bin/env bash
# Builds the fuzz preset (clang, libFuzzer, ASan + UBSan) and runs every fuzz target for SECONDS,
# as many at once as there are cores, each on a scratch copy of its seed corpus (tests/fuzz/corpus/<target>/, left untouched). Prints one
# line per target and fails if any target crashed, timed out or ran out of memory; the input that
# did it is saved as build/fuzz/findings/<target>/crash-* (or timeout-*, oom-*) beside <target>.log.
# Usage: scripts/fuzz.sh [SECONDS=30] [TARGET...]    (docs/fuzzing.md)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
shift || true

build_log=$(mktemp)
work=$(mktemp -d)
# The targets' scratch files (tests/fuzz/scratch_dir.hpp), on tmpfs; removed even after a crash.
scratch=$(mktemp -d -p /dev/shm 2>/dev/null || mktemp -d)
trap 'rm -rf "$work" "$build_log" "$scratch"' EXIT
if ! { cmake --preset fuzz && cmake --build --preset fuzz -j2; } >"$build_log" 2>&1; then
  cat "$build_log"
  exit 1
fi

targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for dir in tests/fuzz/corpus/*/; do targets+=("$(basename "$dir")"); done
fi
bin=build/fuzz/tests/fuzz
findings=$PWD/build/fuzz/findings
# One target: its summary line (and, if it failed, the first error line and the inputs saved) in
# $work/<target>.summary, and ok or FAILED in $work/<target>.status.
run_target() {
  local target=$1 max_len status=ok log execs cov
  case $target in
    cli) max_len=1024 ;;    # argument lists
    zstd) max_len=4096 ;;   # compressed: a few KB can decompress to many MB
    *) max_len=16384 ;;
  esac
  cp -r "tests/fuzz/corpus/$target" "$work/$target"
  rm -rf "${findings:?}/$target"
  mkdir -p "$findings/$target"
  log=$findings/$target.log
  PURECACHE_FUZZ_SCRATCH=$scratch "$bin/fuzz_$target" "$work/$target" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
    -max_len="$max_len" -artifact_prefix="$findings/$target/" -print_final_stats=1 >"$log" 2>&1 ||
    status=FAILED
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+' "$log" | tail -1 || true)
  {
    printf '%-15s %-6s %10s execs  %s\n' "$target" "$status" "${execs:-?}" "${cov:-no coverage line}"
    if [ "$status" != ok ]; then
      grep -m1 -E '^==[0-9]+==ERROR|^==fuzz target|SUMMARY|ERROR: libFuzzer' "$log" || true
      ls "$findings/$target"
    fi
  } >"$work/$target.summary"
  echo "$status" >"$work/$target.status"
  rm -rf "${work:?}/$target"
}

# As many targets at once as there are cores: each is one single-threaded process.
jobs=$(nproc)
for target in "${targets[@]}"; do
  while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n || true; done
  run_target "$target" &
done
wait
failed=()
for target in "${targets[@]}"; do
  cat "$work/$target.summary" 2>/dev/null || echo "$target: no result"
  [ "$(cat "$work/$target.status" 2>/dev/null)" = ok ] || failed+=("$target")
done

if [ ${#failed[@]} -gt 0 ]; then
  echo "fuzz: ${#failed[@]} target(s) failed: ${failed[*]} (logs and inputs in $findings)" >&2
  exit 1
fi
