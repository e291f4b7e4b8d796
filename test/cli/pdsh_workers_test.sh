#!/usr/bin/env bash
# pdsh_workers_test.sh GRIDCTL_BINARY PDSH_WORKERS_SCRIPT
# Tests scripts/gridctl-pdsh-workers through pdsh's exec module (the "remote" command runs
# locally, no ssh needed):
#   1. a sweep master (--local 0 --listen) and two workers started by the script with --once:
#      both join, the sweep ends 0 with 20 ok records, the script exits 0 once the workers have
#      exited by themselves;
#   1b. SIGTERM to the script stops the (persistent) workers and their jobs; it exits 130;
#   2. a host whose worker fails (GRIDCTL=/bin/false): exit 1, the host named;
#   3. usage errors exit 2, --help exits 0;
#   4. arguments reach the worker unchanged through pdsh's ssh module (a stand-in `ssh` that,
#      like the real one, joins its arguments and hands them to a shell) and its exec module;
#      when one host of two fails, that one only is named.
# Exits 77 (skipped) when pdsh or its exec module is missing.
set -u

gridctl=${1:?usage: pdsh_workers_test.sh GRIDCTL_BINARY PDSH_WORKERS_SCRIPT}
script=${2:?usage: pdsh_workers_test.sh GRIDCTL_BINARY PDSH_WORKERS_SCRIPT}
gridctl=$(cd "$(dirname "$gridctl")" && pwd)/$(basename "$gridctl")

if ! command -v pdsh >/dev/null; then
  echo "SKIP: pdsh is not installed (Debian package pdsh)"
  exit 77
fi
if ! pdsh -L 2>/dev/null | grep -q '^Module: rcmd/exec'; then
  echo "SKIP: pdsh has no exec rcmd module (pdsh -L)"
  exit 77
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/pdsh_workers_test.XXXXXX")
bg_pids=()
cleanup() {
  local p
  # The script first: on SIGTERM it stops its workers itself.
  for p in "${bg_pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for _ in 1 2 3 4 5 6 7 8 9 10; do
    local alive=0
    for p in "${bg_pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    ((alive)) || break
    sleep 0.5
  done
  for p in "${bg_pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
  # Workers that outlived it (pdsh's exec module detaches them): by the pids they wrote.
  if [[ -f $tmp/worker-pids ]]; then
    while read -r p; do kill -KILL "$p" 2>/dev/null; done <"$tmp/worker-pids"
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# A free TCP port on 127.0.0.1 from 20000-30000, checked with ss (python3 may be absent).
free_port() {
  local used port i
  used=$(ss -Htln 2>/dev/null | awk '{print $4}' | sed 's/.*://' | sort -u)
  port=$((20000 + (RANDOM * 32768 + RANDOM + $$) % 10000))
  for ((i = 0; i < 10000; i++)); do
    if ! grep -qx "$port" <<<"$used"; then
      echo "$port"
      return 0
    fi
    port=$((port == 29999 ? 20000 : port + 1))
  done
  return 1
}
port_listening() { ss -Htln 2>/dev/null | awk '{print $4}' | grep -qx "127.0.0.1:$1"; }

# GRIDCTL for the workers: records its pid (cleanup's last resort), then becomes gridctl.
cat >"$tmp/gridctl-logged" <<EOF
#!/bin/sh
echo \$\$ >>'$tmp/worker-pids'
exec '$gridctl' "\$@"
EOF
chmod +x "$tmp/gridctl-logged"

# --- 1. two workers through pdsh (exec), --once ---------------------------------------------
# The jobs wait for the file `go`, created once both workers have joined: otherwise one worker
# could run all 20 before the other connects, and a --once worker that never served a sweep
# waits for its master forever.
cat >"$tmp/echo.ini" <<'EOF'
[sweep]
command = while [ ! -e go ]; do sleep 0.05; done; echo {x}
[params]
x = range(20)
EOF
port=$(free_port) || { echo "FAIL: no free port in 20000-30000"; exit 1; }
endpoint=tcp://127.0.0.1:$port
"$gridctl" sweep "$tmp/echo.ini" --local 0 --listen "$endpoint" >"$tmp/sweep.log" 2>&1 &
sweep_pid=$!
bg_pids+=("$sweep_pid")
for ((i = 0; i < 100; i++)); do
  port_listening "$port" && break
  kill -0 "$sweep_pid" 2>/dev/null || break
  sleep 0.1
done
port_listening "$port" || fail "the sweep does not listen on $endpoint: $(cat "$tmp/sweep.log")"

PDSH_RCMD_TYPE=exec GRIDCTL=$tmp/gridctl-logged \
  "$script" -w localhost,127.0.0.1 -s 2 "$endpoint" -- --once >"$tmp/pdsh.out" 2>"$tmp/pdsh.err" &
pdsh_script_pid=$!
bg_pids+=("$pdsh_script_pid")
for ((i = 0; i < 300; i++)); do
  (($(grep -c 'joined' "$tmp/sweep.log") >= 2)) && break
  sleep 0.1
done
(($(grep -c 'joined' "$tmp/sweep.log") >= 2)) ||
  fail "two workers did not join within 30 s; sweep log: $(cat "$tmp/sweep.log"); script stderr: $(cat "$tmp/pdsh.err")"
touch "$tmp/go"

# The sweep ends by itself; then the --once workers exit, then pdsh, then the script.
for ((i = 0; i < 600; i++)); do
  kill -0 "$sweep_pid" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$sweep_pid" 2>/dev/null; then
  fail "the sweep did not end within 60 s"
fi
wait "$sweep_pid"
sweep_rc=$?
((sweep_rc == 0)) || fail "sweep exited $sweep_rc, expected 0; its log: $(cat "$tmp/sweep.log")"
results=$tmp/echo.jsonl
ok=$(grep -c '"status": "ok"' "$results" 2>/dev/null)
records=$(($(wc -l <"$results" 2>/dev/null || echo 1) - 1))
[[ $ok == 20 ]] || fail "expected 20 ok records in $results, found ${ok:-none}"
[[ $records == 20 ]] || fail "expected 20 records in $results, found $records"

for ((i = 0; i < 300; i++)); do
  kill -0 "$pdsh_script_pid" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$pdsh_script_pid" 2>/dev/null; then
  fail "gridctl-pdsh-workers did not exit within 30 s of the sweep's end (--once workers);" \
    "its stderr: $(cat "$tmp/pdsh.err")"
else
  wait "$pdsh_script_pid"
  rc=$?
  ((rc == 0)) || fail "gridctl-pdsh-workers exited $rc, expected 0; stderr: $(cat "$tmp/pdsh.err")"
  grep -q 'failed on' "$tmp/pdsh.err" && fail "it reported failed hosts: $(cat "$tmp/pdsh.err")"
fi
[[ -f $tmp/worker-pids && $(wc -l <"$tmp/worker-pids") -eq 2 ]] ||
  fail "expected 2 workers started, pids: $(cat "$tmp/worker-pids" 2>/dev/null)"
bg_pids=()

# --- 1b. interrupted: SIGTERM to the script stops persistent workers and their jobs -----------
cat >"$tmp/sleep.ini" <<'EOF'
[sweep]
command = sleep 37.{x}
[params]
x = range(4)
EOF
port=$(free_port) || { echo "FAIL: no free port in 20000-30000"; exit 1; }
endpoint=tcp://127.0.0.1:$port
mv "$tmp/worker-pids" "$tmp/worker-pids.1" 2>/dev/null
"$gridctl" sweep "$tmp/sleep.ini" --local 0 --listen "$endpoint" >"$tmp/sweep2.log" 2>&1 &
sweep_pid=$!
bg_pids=("$sweep_pid")
for ((i = 0; i < 100; i++)); do
  port_listening "$port" && break
  sleep 0.1
done
PDSH_RCMD_TYPE=exec GRIDCTL=$tmp/gridctl-logged \
  "$script" -w localhost,127.0.0.1 -s 1 "$endpoint" >"$tmp/int.out" 2>"$tmp/int.err" &
pdsh_script_pid=$!
bg_pids+=("$pdsh_script_pid")
for ((i = 0; i < 100; i++)); do  # both jobs running
  (($(pgrep -c -f 'sleep 37\.[0-9]') >= 2)) && break
  sleep 0.1
done
(($(pgrep -c -f 'sleep 37\.[0-9]') >= 2)) || fail "interrupt case: the jobs did not start"
kill -TERM "$pdsh_script_pid"
for ((i = 0; i < 200; i++)); do
  kill -0 "$pdsh_script_pid" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$pdsh_script_pid" 2>/dev/null; then
  fail "interrupt case: the script did not exit within 20 s of SIGTERM; stderr: $(cat "$tmp/int.err")"
else
  wait "$pdsh_script_pid"
  rc=$?
  ((rc == 130)) || fail "interrupt case: the script exited $rc, expected 130; stderr: $(cat "$tmp/int.err")"
fi
while read -r p; do
  kill -0 "$p" 2>/dev/null && fail "interrupt case: worker $p still runs after the script exited"
done < <(cat "$tmp/worker-pids" 2>/dev/null)
pgrep -f 'sleep 37\.[0-9]' >/dev/null && fail "interrupt case: jobs still run after the workers exited"
kill -TERM "$sweep_pid"
wait "$sweep_pid"
cat "$tmp/worker-pids" >>"$tmp/worker-pids.1" 2>/dev/null
mv "$tmp/worker-pids.1" "$tmp/worker-pids"
bg_pids=()

# --- 2. a host whose worker fails -----------------------------------------------------------
PDSH_RCMD_TYPE=exec GRIDCTL=/bin/false timeout 60 \
  "$script" -w localhost -s 1 tcp://127.0.0.1:1 -- --once >"$tmp/fail.out" 2>"$tmp/fail.err"
rc=$?
((rc == 1)) || fail "with a failing worker: exit $rc, expected 1; stderr: $(cat "$tmp/fail.err")"
grep -qx 'gridctl-pdsh-workers: failed on: localhost' "$tmp/fail.err" ||
  fail "with a failing worker: no 'failed on: localhost' line; stderr: $(cat "$tmp/fail.err")"

# --- 3. usage ---------------------------------------------------------------------------------
"$script" >/dev/null 2>&1
rc=$?
((rc == 2)) || fail "no arguments: exit $rc, expected 2"
"$script" -w localhost >/dev/null 2>&1
rc=$?
((rc == 2)) || fail "no ENDPOINT: exit $rc, expected 2"
"$script" tcp://127.0.0.1:1 >/dev/null 2>&1
rc=$?
((rc == 2)) || fail "no -w: exit $rc, expected 2"
"$script" -w localhost -s zero tcp://127.0.0.1:1 >/dev/null 2>&1
rc=$?
((rc == 2)) || fail "-s zero: exit $rc, expected 2"
"$script" --help >"$tmp/help.out" 2>&1
rc=$?
((rc == 0)) || fail "--help: exit $rc, expected 0"
grep -q '^usage: gridctl-pdsh-workers -w HOSTLIST' "$tmp/help.out" || fail "--help prints no usage line"

# --- 4. through a shell, as with ssh ----------------------------------------------------------
# A stand-in for ssh: skip options, then the host; the rest is joined and run by a shell, as
# the real ssh does (with PDSH_TEST_HOST set to the host, so a binary can fail on one host).
mkdir -p "$tmp/bin"
cat >"$tmp/bin/ssh" <<'EOF'
#!/bin/sh
while :; do case $1 in -l|-p|-o|-i) shift 2 ;; -*) shift ;; *) break ;; esac; done
PDSH_TEST_HOST=$1
export PDSH_TEST_HOST
shift
exec sh -c "$*"
EOF
cat >"$tmp/print-args" <<'EOF'
#!/bin/sh
for a; do printf '<%s>' "$a"; done
echo
EOF
cat >"$tmp/fail-on-127" <<'EOF'
#!/bin/sh
[ "$PDSH_TEST_HOST" = 127.0.0.1 ] && exit 3
exit 0
EOF
chmod +x "$tmp/bin/ssh" "$tmp/print-args" "$tmp/fail-on-127"

# Arguments reach the worker unchanged: shell metacharacters, quotes, and % (which pdsh
# itself would expand: %h is the host name).
tricky="it's \$HOME \"q\" \\ *; \`x\` %h %% 100%"
PATH=$tmp/bin:$PATH PDSH_RCMD_TYPE=ssh GRIDCTL=$tmp/print-args timeout 60 \
  "$script" -w localhost -s 3 tcp://127.0.0.1:1 -- --name "$tricky" >"$tmp/ssh.out" 2>"$tmp/ssh.err"
rc=$?
((rc == 0)) || fail "through the ssh module: exit $rc, expected 0; stderr: $(cat "$tmp/ssh.err")"
want="localhost: <worker><--connect><tcp://127.0.0.1:1><--slots><3><--name><$tricky>"
grep -qxF "$want" "$tmp/ssh.out" ||
  fail "through the ssh module: arguments changed; want '$want', got '$(cat "$tmp/ssh.out")'"
# The same through the exec module.
PDSH_RCMD_TYPE=exec GRIDCTL=$tmp/print-args timeout 60 \
  "$script" -w localhost tcp://127.0.0.1:1 -- --name "$tricky" >"$tmp/exec.out" 2>"$tmp/exec.err"
want="localhost: <worker><--connect><tcp://127.0.0.1:1><--name><$tricky>"
grep -qxF "$want" "$tmp/exec.out" ||
  fail "through the exec module: arguments changed; want '$want', got '$(cat "$tmp/exec.out")'"

# One host of two fails: that one only is named.
PATH=$tmp/bin:$PATH PDSH_RCMD_TYPE=ssh GRIDCTL=$tmp/fail-on-127 timeout 60 \
  "$script" -w localhost,127.0.0.1 tcp://127.0.0.1:1 >"$tmp/fail2.out" 2>"$tmp/fail2.err"
rc=$?
((rc == 1)) || fail "one failing host of two: exit $rc, expected 1; stderr: $(cat "$tmp/fail2.err")"
grep -qx 'gridctl-pdsh-workers: failed on: 127.0.0.1' "$tmp/fail2.err" ||
  fail "one failing host of two: expected 'failed on: 127.0.0.1'; stderr: $(cat "$tmp/fail2.err")"

if ((failures)); then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all checks passed"
