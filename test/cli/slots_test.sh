#!/usr/bin/env bash
# slots_test: GRIDCTL_SLOT (0 .. slots-1, unique among a worker's running jobs, e.g. for
# CUDA_VISIBLE_DEVICES) and [sweep] cores_per_job (a worker of S slots runs S / N jobs at once),
# with the real binary and its embedded worker. Usage: slots_test.sh GRIDCTL
set -euo pipefail
gridctl=${1:?usage: slots_test.sh GRIDCTL}
tmp=$(mktemp -d /tmp/gridctl-slots-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "slots_test: FAIL: $*" >&2; exit 1; }

# Each job takes the directory of its slot: two jobs with one slot number at once would collide.
cat >"$tmp/slot.ini" <<'INI'
[sweep]
command = mkdir "s$GRIDCTL_SLOT" || exit 9; sleep 0.2; rmdir "s$GRIDCTL_SLOT"; echo "{{\"slot\": $GRIDCTL_SLOT, \"p\": {p}}}"
[params]
p = range(8)
INI
"$gridctl" sweep "$tmp/slot.ini" --local 2 >"$tmp/slot.log" 2>&1 || fail "GRIDCTL_SLOT sweep exited $?: $(cat "$tmp/slot.log")"
slots=$("$gridctl" results "$tmp/slot.ini" --format csv | tr -d '\r' |
  awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "slot") c = i; next } { print $c }' | sort -u | tr '\n' ' ')
[[ $slots == "0 1 " ]] || fail "GRIDCTL_SLOT took the values '$slots', want '0 1 '"

# One lock for all jobs: with cores_per_job = 2 on 2 slots they run one at a time.
cat >"$tmp/cores.ini" <<'INI'
[sweep]
command = mkdir lock || exit 9; sleep 0.2; rmdir lock; : {p}
cores_per_job = 2
[params]
p = range(6)
INI
"$gridctl" sweep "$tmp/cores.ini" --local 2 >"$tmp/cores.log" 2>&1 || fail "cores_per_job = 2 ran jobs at once: $(cat "$tmp/cores.log")"
grep -q "joined (2 slots; 1 at once, 2 cores per job)" "$tmp/cores.log" || fail "no join line: $(cat "$tmp/cores.log")"
# The control: with cores_per_job = 1 the same jobs overlap (and collide), so the check above can fail.
sed -i 's/^cores_per_job = 2$/cores_per_job = 1/' "$tmp/cores.ini"
rm -f "$tmp/cores.jsonl"
if "$gridctl" sweep "$tmp/cores.ini" --local 2 >"$tmp/control.log" 2>&1; then
  fail "the control (cores_per_job = 1, 2 slots) never ran two jobs at once"
fi
echo "slots_test: GRIDCTL_SLOT is 0 or 1 on 2 slots; cores_per_job = 2 runs one job at a time"
