#!/bin/sh
# report_browser_test.sh GRIDCTL — opens the page of `gridctl report` in a real browser (headless
# Chromium, Debian's `chromium`), takes a screenshot, and checks that the heatmap is drawn: the
# PNG (decoded by png_colours.py) has a heatmap area of solid cells in at least 10 distinct colours.
# Skipped (exit 77) when chromium is not installed (scripts/setup installs it).
# GRIDCTL_REPORT_SCREENSHOT=FILE keeps a copy of the screenshot.
gridctl=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")  # absolute: the test changes directory
[ -x "$gridctl" ] || { echo "$0: no gridctl binary at $1" >&2; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
. "$here/report_sweep.sh"
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "report_browser_test: SKIPPED: no chromium (apt-get install chromium, or run scripts/setup)"
  exit 77
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/gridctl-report-browser.XXXXXX") || exit 1
trap 'rm -rf "$dir"' EXIT

make_sweep "$dir" "$gridctl" || exit 1
page=$("$gridctl" report "$dir/svm.ini" --metric accuracy 2>"$dir/report.err") || {
  echo "report_browser_test: gridctl report failed: $(cat "$dir/report.err")" >&2
  exit 1
}
# A profile of its own (HOME and the user data dir in $dir): nothing of the user's is read or
# written. timeout: a browser that hangs fails the test instead of holding it.
HOME=$dir timeout 60 "$browser" --headless --no-sandbox --disable-gpu --user-data-dir="$dir/profile" \
  --hide-scrollbars --screenshot="$dir/shot.png" --window-size=1200,900 "file://$page" >"$dir/browser.log" 2>&1
if [ ! -s "$dir/shot.png" ]; then
  echo "report_browser_test: chromium wrote no screenshot:" >&2
  tail -20 "$dir/browser.log" >&2
  exit 1
fi
[ -z "$GRIDCTL_REPORT_SCREENSHOT" ] || cp "$dir/shot.png" "$GRIDCTL_REPORT_SCREENSHOT"
set -- $(python3 "$here/png_colours.py" "$dir/shot.png") || exit 1
echo "report_browser_test: screenshot $1 x $2, $3 colours; heatmap area ($6,$7)-($8,$9): $4 colours, $5 cell fills"
if [ "$3" -lt 50 ] || [ "$4" -lt 10 ] || [ "$5" -lt 10 ]; then
  echo "report_browser_test: FAIL: the screenshot shows no heatmap (want >= 50 colours, an area with >= 10, >= 10 cell fills)" >&2
  exit 1
fi
echo "report_browser_test: ok"
