#!/usr/bin/env bash
# results_bench: `gridctl results` over a 1,000,000-record results file (issue 7's aim: under 3 s
# and 300 MB), with the config (grid order, [metrics] recomputed) and with the results file alone,
# as CSV to /dev/null, and the best 5 by a metric. Prints wall time and peak RSS of each.
#   Usage: bench/results_bench.sh BUILD/apps/gridctl/gridctl
# The generator is looked for beside it (BUILD/bench/gridctl_make_results), or set MAKE_RESULTS.
set -euo pipefail
gridctl=${1:?usage: results_bench.sh GRIDCTL}
make_results=${MAKE_RESULTS:-$(dirname "$gridctl")/../../bench/gridctl_make_results}
[[ -x $make_results ]] || { echo "results_bench: no gridctl_make_results at $make_results" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gridctl-results-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

measure() {  # measure CMD...: sets wall_s and rss_mb (stdout to /dev/null)
  /usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >/dev/null
  read -r wall_s rss_kb <"$tmp/time"
  rss_mb=$(awk -v k="$rss_kb" 'BEGIN {printf "%.1f", k / 1024}')
}
verdict() { awk -v w="$1" -v r="$2" 'BEGIN {print (w < 3 && r < 300) ? "meets the aim" : "MISSES the aim"}'; }

printf '[sweep]\nname = mid\ncommand = echo {a} {b}\n[params]\na = range(1000)\nb = range(1000)\n' >"$tmp/mid.ini"
"$make_results" "$tmp/mid.ini" 1000000
size_mb=$(awk -v b="$(stat -c %s "$tmp/mid.jsonl")" 'BEGIN {printf "%.0f", b / 1048576}')
echo "gridctl results benchmarks ($gridctl; 1,000,000 records, ${size_mb} MB)"
measure "$gridctl" results "$tmp/mid.ini" --format csv
echo "1. results CONFIG --format csv:            ${wall_s} s, peak RSS ${rss_mb} MB  (aim < 3 s, < 300 MB: $(verdict "$wall_s" "$rss_mb"))"
measure "$gridctl" results "$tmp/mid.jsonl" --format csv
echo "2. results RESULTS.jsonl --format csv:     ${wall_s} s, peak RSS ${rss_mb} MB  ($(verdict "$wall_s" "$rss_mb"))"
measure "$gridctl" results "$tmp/mid.ini" --max result --top 5 --format csv
echo "3. results CONFIG --max result --top 5:    ${wall_s} s, peak RSS ${rss_mb} MB  ($(verdict "$wall_s" "$rss_mb"))"
