#!/usr/bin/env bash
# run_fuzz.sh FUZZER SEED_CORPUS SECONDS — a bounded libFuzzer run for ctest: new inputs go to a
# temporary corpus (the committed seeds are only read), a crash fails the test and its input is
# kept in the build directory (turn it into a unit test). -seed fixes the run's randomness.
set -euo pipefail
fuzzer=$1 seeds=$2 seconds=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
artifacts=$(dirname "$fuzzer")/artifacts
mkdir -p "$artifacts"
TMPDIR=$work "$fuzzer" -seed=1 -max_total_time="$seconds" -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 \
  -artifact_prefix="$artifacts/" "$work" "$seeds" 2>&1 | tail -n 25
