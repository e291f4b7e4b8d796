#!/usr/bin/env bash
# bench/plan_bench.sh — does the foundation scale? Wall time and peak RSS of `gridctl plan`:
#   1. a 10^7-point config (a = range(10000), b = range(1000)), no results file, --limit 10:
#      the grid is lazy, so this should cost next to nothing (aim < 1 s, < 50 MB);
#   2. a 10^6-point config with a 1,000,000-record results file (written by
#      gridctl_make_results, real point ids, every 10th point failed), --limit 10: reading the
#      journal and planning the resume (aim < 3 s, < 300 MB);
#   3. the 10^7-point config with the same 1,000,000 records (informative: the resume counts
#      cost a pass over the whole grid).
# Builds nothing: build first (cmake --build build), then
#   bench/plan_bench.sh [GRIDCTL_BINARY]      default build/apps/gridctl/gridctl
# The generator is looked for beside it (BUILD/bench/gridctl_make_results), or set MAKE_RESULTS.
# Peak RSS comes from /usr/bin/time (Debian package `time`) when installed, else from VmHWM in
# /proc/PID/status, sampled until the process exits.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
gridctl=${1:-$root/build/apps/gridctl/gridctl}
[[ -x $gridctl ]] || { echo "plan_bench: no gridctl binary at $gridctl (build first, or pass its path)" >&2; exit 2; }
gridctl=$(cd "$(dirname "$gridctl")" && pwd)/$(basename "$gridctl")
make_results=${MAKE_RESULTS:-$(dirname "$gridctl")/../../bench/gridctl_make_results}
[[ -x $make_results ]] || {
  echo "plan_bench: no gridctl_make_results at $make_results (cmake --build BUILD --target gridctl_make_results, or set MAKE_RESULTS)" >&2
  exit 2
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gridctl-plan-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

now_ns() { date +%s%N; }

# measure CMD... — runs CMD (stdout to $tmp/out), sets wall_s and rss_mb.
measure() {
  if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >"$tmp/out"
    read -r wall_s rss_kb <"$tmp/time"
  else
    local start pid hwm=0 v
    start=$(now_ns)
    "$@" >"$tmp/out" &
    pid=$!
    while kill -0 "$pid" 2>/dev/null; do
      v=$(awk '/^VmHWM:/ {print $2}' "/proc/$pid/status" 2>/dev/null || true)
      [[ -n $v && $v -gt $hwm ]] && hwm=$v
      sleep 0.01
    done
    wait "$pid"
    wall_s=$(awk -v ns=$(($(now_ns) - start)) 'BEGIN {printf "%.2f", ns / 1e9}')
    rss_kb=$hwm
  fi
  rss_mb=$(awk -v k="$rss_kb" 'BEGIN {printf "%.1f", k / 1024}')
}

verdict() {  # verdict WALL_S RSS_MB MAX_S MAX_MB
  awk -v w="$1" -v r="$2" -v mw="$3" -v mr="$4" 'BEGIN {print (w < mw && r < mr) ? "meets the aim" : "MISSES the aim"}'
}

printf '[sweep]\nname = big\ncommand = echo {a} {b}\n[params]\na = range(10000)\nb = range(1000)\n' >"$tmp/big.ini"
printf '[sweep]\nname = mid\ncommand = echo {a} {b}\n[params]\na = range(1000)\nb = range(1000)\n' >"$tmp/mid.ini"

echo "gridctl plan benchmarks ($gridctl)"

measure "$gridctl" plan "$tmp/big.ini" --limit 10
echo "1. plan, 10^7 points, no results:          ${wall_s} s, peak RSS ${rss_mb} MB  (aim < 1 s, < 50 MB: $(verdict "$wall_s" "$rss_mb" 1 50))"

gen_start=$(now_ns)
"$make_results" "$tmp/mid.ini" 1000000
gen_s=$(awk -v ns=$(($(now_ns) - gen_start)) 'BEGIN {printf "%.2f", ns / 1e9}')
size_mb=$(awk -v b="$(stat -c %s "$tmp/mid.jsonl")" 'BEGIN {printf "%.0f", b / 1048576}')
echo "   (wrote 1,000,000 records, ${size_mb} MB, in ${gen_s} s)"
measure "$gridctl" plan "$tmp/mid.ini" --limit 10
grep -q '1000000 records; 900000 done, 100000 failed' "$tmp/out" ||
  { echo "plan_bench: unexpected plan output:" >&2; head -3 "$tmp/out" >&2; exit 1; }
echo "2. plan, 10^6 points, 10^6 records:        ${wall_s} s, peak RSS ${rss_mb} MB  (aim < 3 s, < 300 MB: $(verdict "$wall_s" "$rss_mb" 3 300))"

# The same records under the 10^7-point config: the first 10^6 points of both grids have the
# same values (b varies fastest), hence the same ids; only the header's sweep name differs.
sed '1s/"sweep": "mid"/"sweep": "big"/' "$tmp/mid.jsonl" >"$tmp/big.jsonl"
rm "$tmp/mid.jsonl"
measure "$gridctl" plan "$tmp/big.ini" --limit 10
grep -q '1000000 records; 900000 done' "$tmp/out" ||
  { echo "plan_bench: unexpected plan output:" >&2; head -3 "$tmp/out" >&2; exit 1; }
echo "3. plan, 10^7 points, 10^6 records:        ${wall_s} s, peak RSS ${rss_mb} MB  (informative)"
