#!/usr/bin/env bash
# reorder_resume_test.sh GRIDCTL_BINARY
# Reordering the axes of [params] resumes the sweep: point ids do not depend on axis order, so
#   1. a finished 2 x 2 sweep, run again with its two keys swapped, has 4 points done, 0 to run,
#      and writes no record;
#   2. a value added to the (now first) axis runs only the 2 new points, whose records list the
#      params in the config's new order;
#   3. a different set of axes is still refused (exit 2).
set -u
gridctl=${1:?usage: reorder_resume_test.sh GRIDCTL_BINARY}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/reorder_resume_test.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

config() {  # config PARAMS_LINES...
  { printf '[sweep]\nname = r\ncommand = echo {a} {b}\n[params]\n'; printf '%s\n' "$@"; } > "$tmp/r.ini"
}

config "a = 1, 2" "b = x, y"
"$gridctl" sweep "$tmp/r.ini" --local 1 > "$tmp/out1" 2>&1 || { cat "$tmp/out1"; fail "first sweep failed"; }
[ "$(wc -l < "$tmp/r.jsonl")" -eq 5 ] || fail "first sweep: expected a header and 4 records"

config "b = x, y" "a = 1, 2"
"$gridctl" sweep "$tmp/r.ini" --local 1 > "$tmp/out2" 2>&1 || { cat "$tmp/out2"; fail "reordered sweep failed"; }
grep -q "(4 done, 0 failed before, 0 to run)" "$tmp/out2" || { cat "$tmp/out2"; fail "reordered sweep did not resume"; }
[ "$(wc -l < "$tmp/r.jsonl")" -eq 5 ] || fail "reordered sweep wrote records"

config "b = x, y, z" "a = 1, 2"
"$gridctl" sweep "$tmp/r.ini" --local 1 > "$tmp/out3" 2>&1 || { cat "$tmp/out3"; fail "extended sweep failed"; }
grep -q "(4 done, 0 failed before, 2 to run)" "$tmp/out3" || { cat "$tmp/out3"; fail "extended sweep: wrong counts"; }
[ "$(tail -n 2 "$tmp/r.jsonl" | grep -c '"params": {"b": "z", "a": ')" -eq 2 ] ||
  { tail -n 2 "$tmp/r.jsonl"; fail "new records do not list b, a in the config's order"; }

config "b = x, y, z" "a = 1, 2" "c = 1"
"$gridctl" plan "$tmp/r.ini" > "$tmp/out4" 2>&1
status=$?
[ "$status" -eq 2 ] || { cat "$tmp/out4"; fail "another set of axes: exit $status, expected 2"; }
grep -q "this results file is for the axes \[a, b\]" "$tmp/out4" || { cat "$tmp/out4"; fail "no axes message"; }
echo "PASS"
