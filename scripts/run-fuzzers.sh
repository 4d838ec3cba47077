#!/usr/bin/env bash
# Runs every libFuzzer target of fuzz/ for a bounded time and fails on the
# first crash, leak, timeout or sanitizer report. Usage:
#   run-fuzzers.sh BUILD_DIR SECONDS [TARGET...]
# Each target starts from its committed seeds (fuzz/corpus/<target>/, read
# only) plus what earlier runs found (BUILD_DIR/corpus/<target>/); a crashing
# input is kept as BUILD_DIR/artifacts/<target>-crash-<sha1>, to be turned
# into a unit test in tests/.
set -euo pipefail

build_dir=$1
seconds=$2
shift 2
targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
  targets=(csv_reader json_body event_reader value_coercion http_request)
fi
root=$(cd "$(dirname "$0")/.." && pwd)

failed=()
for t in "${targets[@]}"; do
  corpus="$build_dir/corpus/$t"
  artifacts="$build_dir/artifacts"
  mkdir -p "$corpus" "$artifacts"
  log="$build_dir/$t.log"
  echo "fuzz: $t for ${seconds}s"
  # -timeout: an input taking 10 s is a hang; -rss_limit_mb: a leak or a
  # blow-up past 2 GiB is a failure too.
  if ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
    nice "$build_dir/${t}_fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts/$t-" \
    "$corpus" "$root/fuzz/corpus/$t" >"$log" 2>&1; then
    grep -E '^stat::number_of_executed_units|^Done' "$log" | tr '\n' ' ' | sed 's/^/fuzz:   /'
    echo
  else
    echo "fuzz: $t FAILED; its log is $log:"
    tail -n 40 "$log"
    failed+=("$t")
  fi
done

if [[ ${#failed[@]} -gt 0 ]]; then
  echo "fuzz: crashes in ${failed[*]} (inputs in $build_dir/artifacts/)"
  exit 1
fi
echo "fuzz: ${#targets[@]} targets, no crash"
