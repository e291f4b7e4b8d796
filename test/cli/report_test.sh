#!/bin/sh
# report_test.sh GRIDCTL — `gridctl report` on a small real sweep: the page and the SVG it writes
# (structure, escaping, nothing fetched), and every kind of bad input: an unknown metric or axis,
# a bad --agg, another sweep's results file, an empty results file, a torn last line, a metric
# absent or non-numeric on some points, a file that cannot be written.
gridctl=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")  # absolute: the test changes directory
[ -x "$gridctl" ] || { echo "$0: no gridctl binary at $1" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
. "$here/report_sweep.sh"
dir=$(mktemp -d "${TMPDIR:-/tmp}/gridctl-report-test.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT
failures=0
fail() {
  echo "report_test: FAIL: $*" >&2
  failures=$((failures + 1))
}
# expect CODE NAME ARGS... — runs gridctl ARGS, stdout to $dir/NAME.out and stderr to $dir/NAME.err.
expect() {
  want=$1 name=$2
  shift 2
  "$gridctl" "$@" >"$dir/$name.out" 2>"$dir/$name.err"
  got=$?
  [ "$got" -eq "$want" ] || fail "$name: gridctl $* exited $got, expected $want: $(cat "$dir/$name.err")"
}
has() {  # has NAME FILE TEXT — FILE contains TEXT (fixed string)
  grep -qF -- "$3" "$2" || fail "$1: $2 lacks '$3'"
}
count() { grep -oF -- "$2" "$1" | wc -l; }

make_sweep "$dir" "$gridctl" || exit 1
cd "$dir" || exit 1

# The page, at the default place, its path printed.
expect 0 page report svm.ini --metric accuracy
[ "$(cat page.out)" = "$dir/svm.html" ] || fail "page: printed '$(cat page.out)', expected $dir/svm.html"
html=svm.html
has page "$html" '<!DOCTYPE html>'
[ "$(count "$html" '</title></rect>')" -eq 25 ] || fail "page: $(count "$html" '</title></rect>') cells with a tooltip, expected 5 x 5"
has page "$html" 'accuracy, best over kernel (larger is better)'
has page "$html" 'fill="url(#gridctl-not-ok)"'   # C=1000 gamma=10 failed
has page "$html" 'class="best"'
has page "$html" 'C=1000 gamma=10 (any kernel)'
has page "$html" 'status: 2 failed'
has page "$html" 'stderr: error: diverged after N iterations'   # the failure groups, masked
has page "$html" 'rerun: gridctl sweep svm.ini --retry'
has page "$html" '50 points: 48 ok, 2 failed; 50 attempts recorded'
has page "$html" 'accuracy by gamma'
for outside in '<script' '<link' '<img' 'src=' 'href=' 'https:'; do
  ! grep -qF -- "$outside" "$html" || fail "page: holds '$outside': something fetched from elsewhere"
done
has page page.err '1 ok point has no accuracy'

# The heatmap alone, as a well-formed SVG file; --agg mean and --x/--y.
expect 0 svg report svm.jsonl --metric accuracy --agg mean --x gamma --y kernel -o map.svg
[ "$(cat svg.out)" = map.svg ] || fail "svg: printed '$(cat svg.out)'"
python3 -c '
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
ns = "{http://www.w3.org/2000/svg}"
assert root.tag == ns + "svg", root.tag
cells = [r for r in root.iter(ns + "rect") if r.find(ns + "title") is not None]
assert len(cells) == 10, len(cells)   # 5 gamma x 2 kernels
# Given only the results file, values are sorted ("poly, 2" before "rbf"): records come in the
# order attempts ended, which varies.
assert "kernel=poly, 2" in cells[0].find(ns + "title").text, cells[0].find(ns + "title").text
assert "kernel=rbf" in cells[5].find(ns + "title").text, cells[5].find(ns + "title").text
assert "mean of" in cells[0].find(ns + "title").text
' map.svg || fail "svg: map.svg is not the SVG expected"
! grep -qF '<!DOCTYPE' map.svg || fail "svg: map.svg is a page"

# A metric absent or non-numeric on some points: a note, and still a report.
expect 0 loss report svm.ini --metric loss --min -o loss.html
has loss loss.err '1 ok point has no numeric loss (drawn hatched)'
has loss loss.html 'loss, best over kernel (smaller is better)'

# Bad input: exit 2 and a message that says what.
expect 2 metric report svm.ini --metric acc
has metric metric.err "unknown metric 'acc' (metrics: accuracy, loss)"
expect 2 axis report svm.ini --metric accuracy --x cost
has axis axis.err "no axis 'cost' in this sweep (axes: C, gamma, kernel)"
expect 2 same report svm.ini --metric accuracy --x C --y C
has same same.err "--x and --y name the same axis 'C'"
expect 2 agg report svm.ini --metric accuracy --agg median
has agg agg.err "--agg must be best or mean"
expect 2 nometric report svm.ini
has nometric nometric.err "--metric METRIC is required"
sed 's/^command = sh train.sh/command = sh other.sh/' svm.ini >other.ini
sed -i 's/^\[params\]/results = svm.jsonl\n[params]/' other.ini
expect 2 foreign report other.ini --metric accuracy
has foreign foreign.err "another sweep's file?"
: >empty.jsonl
expect 2 empty report empty.jsonl --metric accuracy
has empty empty.err 'empty.jsonl: the results file is empty'
sed 's/^\[params\]/results = none.jsonl\n[params]/' svm.ini >fresh.ini
expect 2 norecords report fresh.ini --metric accuracy
has norecords norecords.err 'no results yet'
expect 2 missing report nowhere.jsonl --metric accuracy
has missing missing.err 'nowhere.jsonl: no such file'

# A torn last line: a warning naming FILE:LINE, and the report of the rest.
cp svm.jsonl torn.jsonl
printf '{"point": "12ab' >>torn.jsonl
expect 0 torn report torn.jsonl --metric accuracy
has torn torn.err 'warning: torn.jsonl:52: ignoring a torn last line'
has torn torn.html 'torn.jsonl:52: ignoring a torn last line'

# Nowhere to write: exit 3.
expect 3 unwritable report svm.ini --metric accuracy -o "$dir/no/such/dir/x.html"
has unwritable unwritable.err 'cannot write'

# Hostile values are escaped (a value that would be markup).
printf '[sweep]\ncommand = echo {v} >/dev/null; echo {w}\n[params]\nv = "<b>&", x\nw = 1, 2\n' >hostile.ini
"$gridctl" sweep hostile.ini --local 1 >/dev/null 2>&1 || fail "hostile: the sweep failed"
expect 0 hostile report hostile.ini --metric output
has hostile hostile.html 'v=&lt;b&gt;&amp;'
! grep -qF '<b>&' hostile.html || fail "hostile: a value was not escaped"

[ "$failures" -eq 0 ] || { echo "report_test: $failures failures" >&2; exit 1; }
echo "report_test: ok"
