# report_sweep.sh — sourced by the report tests: make_sweep DIR GRIDCTL runs a small real sweep in
# DIR (svm.ini, 5 C x 5 gamma x 2 kernels = 50 points, on 2 local slots) whose job prints a
# libsvm-like accuracy line and a JSON line with a loss. Kinds of points on purpose:
#   C=1000 gamma=10 (both kernels) fail with a stderr line: a not-ok cell;
#   C=0.1 gamma=0.001 kernel=rbf prints no accuracy: ok without the metric (its cell keeps poly's);
#   C=10 gamma=1 kernel=poly reports a non-numeric loss ("high").
make_sweep() {
  local dir=$1 gridctl=$2
  cat >"$dir/svm.ini" <<'INI'
[sweep]
command = sh train.sh {C} {gamma} {kernel}
[params]
C = logspace(-1, 3, 5)
gamma = 0.001, 0.01, 0.1, 1, 10
kernel = rbf, "poly, 2"
[metrics]
accuracy = /Cross Validation Accuracy = ([0-9.eE+-]+)%/
INI
  cat >"$dir/train.sh" <<'SH'
C=$1; g=$2; k=$3
if [ "$C" = 1000 ] && [ "$g" = 10 ]; then echo "error: diverged after 123 iterations" >&2; exit 3; fi
awk -v C="$C" -v g="$g" -v k="$k" 'BEGIN {
  lc = log(C) / log(10); lg = log(g) / log(10)
  a = 90 - 3 * (lc - 1.2) ^ 2 - 4 * (lg + 1.7) ^ 2 + (k == "rbf" ? 2 : 0)
  if (!(C == 0.1 && g == 0.001 && k == "rbf")) printf "Cross Validation Accuracy = %.2f%%\n", a
  if (C == 10 && g == 1 && k != "rbf") print "{\"loss\": \"high\"}"; else printf "{\"loss\": %.4f}\n", (100 - a) / 100
}'
SH
  "$gridctl" sweep "$dir/svm.ini" --local 2 >"$dir/sweep.log" 2>&1
  local rc=$?
  if [ "$rc" -ne 1 ]; then  # 1: some points failed, as planned
    echo "report test: the sweep exited $rc, expected 1:" >&2
    cat "$dir/sweep.log" >&2
    return 1
  fi
}
