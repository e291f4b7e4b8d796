#!/usr/bin/env bash
# svm_example_test: examples/svm as the README runs it — the sweep, the best point by its
# [metrics] regex, the per-axis summary and the report — on a copy of the example folder.
# Usage: svm_example_test.sh GRIDCTL EXAMPLE_DIR
set -euo pipefail
gridctl=${1:?usage: svm_example_test.sh GRIDCTL EXAMPLE_DIR}
example=${2:?usage: svm_example_test.sh GRIDCTL EXAMPLE_DIR}
tmp=$(mktemp -d /tmp/gridctl-svm-example.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "svm_example_test: FAIL: $*" >&2; exit 1; }
cp "$example/svm.ini" "$example/train" "$tmp/"
"$gridctl" sweep "$tmp/svm.ini" --local 2 >"$tmp/sweep.log" 2>&1 || fail "the sweep exited $?: $(cat "$tmp/sweep.log")"
grep -q "done: 49 ok, 0 failed of 49 points" "$tmp/sweep.log" || fail "summary: $(tail -1 "$tmp/sweep.log")"
best=$("$gridctl" results "$tmp/svm.ini" --max accuracy --top 1 --format csv | tr -d '\r' | tail -1)
[[ $best == 10,0.01,ok,1,*,90.9577 ]] || fail "best point: '$best', want C=10 gamma=0.01 accuracy 90.9577"
summary=$("$gridctl" results "$tmp/svm.ini" --summary accuracy --format csv | tr -d '\r')
grep -q '^gamma,0.01,7,' <<<"$summary" || fail "summary has no row for gamma=0.01: $summary"
page=$("$gridctl" report "$tmp/svm.ini" --metric accuracy)
[[ $page == "$tmp/svm.html" && -s $page ]] || fail "report printed '$page'"
grep -q 'best: 90.9577 at C=10 gamma=0.01' "$page" || fail "the report does not name the best point"
echo "svm_example_test: the example's sweep, results, summary and report are as the README shows"
