#!/usr/bin/env bash
# pdsh_ssh_test.sh GRIDCTL PDSH_WORKERS_SCRIPT THINK THINK_INI
# scripts/gridctl-pdsh-workers over real ssh: three namespace hosts (node1-3, own address and
# host name), each running its own sshd; the master and pdsh run in a fourth ("login", which
# holds the bridge). Persistent workers are started first, then the 144-point example runs to
# the end with records from all three host names; `gridctl-pdsh-workers stop` then leaves no
# process on any host but its sshd, and the launching script exits by itself.
# The master listens on the bridge address, so auth = auto is CurveZMQ: the test's keys
# (cl_keys) are on the filesystem all hosts share, as a cluster's home directory is.
# shellcheck disable=SC2317  # (the conditions are called through cl_wait)
set -u
gridctl=${1:?usage: pdsh_ssh_test.sh GRIDCTL PDSH_WORKERS_SCRIPT THINK THINK_INI}
script=${2:?} think=${3:?} think_ini=${4:?}
# shellcheck source=test/cluster/cluster_lib.sh
source "$(dirname "$0")/cluster_lib.sh"
cl_init pdsh_ssh_test 11
cl_keys "$gridctl"
cl_pdsh_hosts
cl_log "hosts and sshd up"
login() { ip netns exec "${cl_ns[login]}" "$@"; }

# ssh itself works, and each host answers with its own name.
# (stdout only: a login shell's profile may print on stderr, e.g. pyenv racing on its shims.)
names=$(login env PDSH_RCMD_TYPE=ssh pdsh -w 'node[1-3]' hostname 2>"$cl_tmp/hostname.err" | sort)
[[ $names == $'node1: node1\nnode2: node2\nnode3: node3' ]] ||
  { echo "FAIL: pdsh over ssh: $names $(cat "$cl_tmp/hostname.err")"; exit 1; }

mkdir -p "$cl_tmp/sweep"
cp "$think_ini" "$cl_tmp/sweep/think.ini"
cp "$think" "$cl_tmp/sweep/think"
endpoint=tcp://${cl_addr[login]}:5555

# Persistent workers first: they wait for the master, so all three join when it starts.
login env PDSH_RCMD_TYPE=ssh GRIDCTL="$gridctl" "$script" -w 'node[1-3]' -s 2 "$endpoint" \
  >"$cl_tmp/workers.out" 2>"$cl_tmp/workers.err" &
launcher=$!
workers_running() { (($(cl_count_procs " worker --connect $endpoint" "${hosts[@]}") == 3)); }
cl_wait 30 workers_running || cl_fail "3 workers did not start: $(cat "$cl_tmp/workers.err")"
cl_log "workers started"

login "$gridctl" sweep "$cl_tmp/sweep/think.ini" --listen "$endpoint" --local 0 >"$cl_tmp/sweep.log" 2>&1
rc=$?
cl_log "sweep done (exit $rc)"
((rc == 0)) || cl_fail "the sweep exited $rc: $(cat "$cl_tmp/sweep.log")"
results=$cl_tmp/sweep/think.jsonl
ok=$(grep -c '"status": "ok"' "$results")
[[ $ok == 144 ]] || cl_fail "expected 144 ok records, found $ok"
for h in "${hosts[@]}"; do
  n=$(grep -c "\"worker\": \"$h\"" "$results")
  ((n > 0)) || cl_fail "no record from host $h"
  echo "records from $h: $n"
done
other=$(grep -v '^{"gridctl"' "$results" | grep -vcE '"worker": "node[123]"')
[[ $other == 0 ]] || cl_fail "$other records from a worker that is not node1-3"

# Stopping through the script: every worker goes, the launcher then exits by itself, and only
# the sshd daemons remain in the hosts' namespaces.
login env PDSH_RCMD_TYPE=ssh "$script" stop -w 'node[1-3]' "$endpoint" >"$cl_tmp/stop.out" 2>&1
rc=$?
((rc == 0)) || cl_fail "stop exited $rc: $(cat "$cl_tmp/stop.out")"
for h in "${hosts[@]}"; do
  grep -qx "$h: stopped 1 worker(s)" "$cl_tmp/stop.out" || cl_fail "stop did not report $h: $(cat "$cl_tmp/stop.out")"
done
launcher_gone() { ! kill -0 "$launcher" 2>/dev/null; }
cl_wait 20 launcher_gone || cl_fail "gridctl-pdsh-workers did not exit after stop: $(cat "$cl_tmp/workers.err")"
wait "$launcher"
rc=$?
((rc == 0)) || cl_fail "gridctl-pdsh-workers exited $rc after stop (workers exit 0 on SIGTERM): $(cat "$cl_tmp/workers.err")"
only_sshd() {
  local h p want
  for h in "${hosts[@]}"; do
    want=$(cat "$cl_tmp/ssh/sshd-$h.pid")
    for p in $(ip netns pids "${cl_ns[$h]}"); do [[ $p == "$want" ]] || return 1; done
  done
}
if ! cl_wait 10 only_sshd; then
  for h in "${hosts[@]}"; do
    ps -o pid=,args= -p "$(ip netns pids "${cl_ns[$h]}" | paste -sd,)" | sed "s/^/left on $h: /"
  done
  cl_fail "processes other than sshd are left on the hosts after stop"
fi
left=$(cl_worker_pidfiles "$endpoint")
[[ -z $left ]] || cl_fail "pidfiles left after the workers exited: $left"
cl_log "stopped"
cl_finish
