#!/usr/bin/env bash
# bench/report_bench.sh — `gridctl report` of a 100 x 100 grid (10,000 records written by
# gridctl_make_results: real point ids, every 10th point failed, metric `result`): wall time,
# peak RSS and the size of the page (aim: under 1 s, HTML under 2 MB), and the same for -o FILE.svg.
# Builds nothing: build first (cmake --build build), then
#   bench/report_bench.sh [GRIDCTL_BINARY]      default build/apps/gridctl/gridctl
# The generator is looked for beside it (BUILD/bench/gridctl_make_results), or set MAKE_RESULTS.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
gridctl=${1:-$root/build/apps/gridctl/gridctl}
[[ -x $gridctl ]] || { echo "report_bench: no gridctl binary at $gridctl (build first, or pass its path)" >&2; exit 2; }
gridctl=$(cd "$(dirname "$gridctl")" && pwd)/$(basename "$gridctl")
make_results=${MAKE_RESULTS:-$(dirname "$gridctl")/../../bench/gridctl_make_results}
[[ -x $make_results ]] || { echo "report_bench: no gridctl_make_results at $make_results (or set MAKE_RESULTS)" >&2; exit 2; }

tmp=$(mktemp -d "${TMPDIR:-/tmp}/gridctl-report-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# measure CMD... — runs CMD, sets wall_s and rss_mb (from /usr/bin/time when installed).
measure() {
  if [[ -x /usr/bin/time ]]; then
    /usr/bin/time -f '%e %M' -o "$tmp/time" "$@" >/dev/null 2>"$tmp/err"
    read -r wall_s rss_kb <"$tmp/time"
    rss_mb=$(awk -v k="$rss_kb" 'BEGIN {printf "%.1f", k / 1024}')
  else
    local start=$(date +%s%N)
    "$@" >/dev/null 2>"$tmp/err"
    wall_s=$(awk -v ns=$(($(date +%s%N) - start)) 'BEGIN {printf "%.3f", ns / 1e9}')
    rss_mb="?"
  fi
}
verdict() { awk -v w="$1" -v s="$2" 'BEGIN {print (w < 1 && s < 2) ? "meets the aim" : "MISSES the aim"}'; }

printf '[sweep]\nname = grid\ncommand = echo {a} {b}\n[params]\na = range(100)\nb = range(100)\n' >"$tmp/grid.ini"
"$make_results" "$tmp/grid.ini" 10000
echo "gridctl report benchmark ($gridctl)"
for run in 1 2; do
  measure "$gridctl" report "$tmp/grid.ini" --metric result
  size_mb=$(awk -v b="$(stat -c %s "$tmp/grid.html")" 'BEGIN {printf "%.2f", b / 1048576}')
  echo "run $run: report 100 x 100 (10,000 points) -> HTML: ${wall_s} s, peak RSS ${rss_mb} MB, ${size_mb} MB  (aim < 1 s, < 2 MB: $(verdict "$wall_s" "$size_mb"))"
done
measure "$gridctl" report "$tmp/grid.ini" --metric result -o "$tmp/grid.svg"
size_mb=$(awk -v b="$(stat -c %s "$tmp/grid.svg")" 'BEGIN {printf "%.2f", b / 1048576}')
echo "       report 100 x 100 -> SVG only:  ${wall_s} s, peak RSS ${rss_mb} MB, ${size_mb} MB"
grep -c '</title></rect>' "$tmp/grid.svg" | grep -qx 10000 || { echo "report_bench: the SVG does not hold 10,000 cells" >&2; exit 1; }
