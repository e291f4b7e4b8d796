#!/usr/bin/env bash
# bench/status_bench.sh — does `gridctl status` answer fast on a big sweep? A 2*10^6-point
# config whose results file already holds 1,000,000 records (gridctl_make_results), resumed by
# a real master (`sweep --local 2`, jobs that sleep), then:
#   1. `gridctl status CONFIG --json` while the master runs, 20 times: wall time of each
#      (aim: every one < 100 ms — it reads the status file, never the journal);
#   2. the same on the results file (`status RESULTS.jsonl --json`);
#   3. after the master is SIGKILLed, `status CONFIG --json` (informative: counts from the
#      1,000,000-record journal).
# Builds nothing: build first, then
#   bench/status_bench.sh [GRIDCTL_BINARY]      default build/apps/gridctl/gridctl
# The generator is looked for beside it (BUILD/bench/gridctl_make_results), or set MAKE_RESULTS.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
gridctl=${1:-$root/build/apps/gridctl/gridctl}
[[ -x $gridctl ]] || { echo "status_bench: no gridctl binary at $gridctl (build first, or pass its path)" >&2; exit 2; }
gridctl=$(cd "$(dirname "$gridctl")" && pwd)/$(basename "$gridctl")
make_results=${MAKE_RESULTS:-$(dirname "$gridctl")/../../bench/gridctl_make_results}
[[ -x $make_results ]] || { echo "status_bench: no gridctl_make_results at $make_results (or set MAKE_RESULTS)" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gridctl-status-bench.XXXXXX")
master=
cleanup() {
  if [[ -n $master ]] && kill -0 "$master" 2>/dev/null; then kill -TERM "$master"; wait "$master" || true; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

ms_since() { awk -v a="$1" -v b="$EPOCHREALTIME" 'BEGIN {printf "%.1f", (b - a) * 1000}'; }

# time_status N ARGS... — runs `gridctl status ARGS` N times; sets `summary` (min / median /
# max in ms) and `verdict` (all under 100 ms or not).
time_status() {
  local n=$1 i start
  shift
  : >"$tmp/times"
  for ((i = 0; i < n; i++)); do
    start=$EPOCHREALTIME
    "$gridctl" status "$@" >"$tmp/out" 2>"$tmp/err"
    ms_since "$start" >>"$tmp/times"
    echo >>"$tmp/times"
  done
  summary=$(sort -n "$tmp/times" | awk 'NF {v[++k] = $1} END {printf "min %.1f ms, median %.1f ms, max %.1f ms", v[1], v[int((k + 1) / 2)], v[k]}')
  verdict=$(sort -n "$tmp/times" | awk 'NF {max = $1} END {print (max < 100) ? "meets the aim" : "MISSES the aim"}')
}

printf '[sweep]\nname = big\ncommand = sleep 30 # {a} {b}\nresults = big.jsonl\n[params]\na = range(2000)\nb = range(1000)\n' >"$tmp/big.ini"
"$make_results" "$tmp/big.ini" 1000000
size_mb=$(awk -v b="$(stat -c %s "$tmp/big.jsonl")" 'BEGIN {printf "%.0f", b / 1048576}')
echo "gridctl status benchmark ($gridctl): 2*10^6 points, 1,000,000 records (${size_mb} MB)"

cd "$tmp"
"$gridctl" sweep big.ini --local 2 2>"$tmp/sweep.err" &
master=$!
# Wait (up to 60 s) until the master has read the journal and published its status.
for ((i = 0; i < 600; i++)); do
  grep -q '"jobs_running": 2' big.status.json 2>/dev/null && break
  sleep 0.1
done
grep -q '"jobs_running": 2' big.status.json || { echo "status_bench: the master published no status" >&2; cat "$tmp/sweep.err" >&2; exit 1; }

time_status 20 big.ini --json
grep -q '"state": "running"' "$tmp/out" || { echo "status_bench: status did not see the sweep running" >&2; cat "$tmp/out" >&2; exit 1; }
echo "1. status CONFIG --json, master running:   ${summary}  (aim < 100 ms: $verdict)"
time_status 20 big.jsonl --json
echo "2. status RESULTS --json, master running:  ${summary}  (aim < 100 ms: $verdict)"

kill -KILL "$master"
wait "$master" 2>/dev/null || true
master=
time_status 3 big.ini --json
grep -q '"state": "gone"' "$tmp/out" || { echo "status_bench: status did not see the master gone" >&2; cat "$tmp/out" >&2; exit 1; }
echo "3. status CONFIG --json, master SIGKILLed: ${summary}  (informative: counts from the journal)"
