#!/usr/bin/env bash
# partition_test.sh GRIDCTL PDSH_WORKERS_SCRIPT
# A cut link: three namespace hosts run persistent workers (started through pdsh over ssh, 2
# slots each) for a sweep of 36 jobs of 2 s. While node1 runs jobs, its bridge port is set
# down (a silent partition: packets vanish, no reset). The master must declare node1 lost after
# 3 heartbeats (not before 2 s, heartbeat = 1s) and run its jobs on the other hosts; the link
# comes back; node1 registers again and takes jobs again; what it reports of its jobs from
# before the cut is dropped. Counted over the journal: every point exactly one ok record.
# shellcheck disable=SC2317  # (the conditions are called through cl_wait)
set -u
gridctl=${1:?usage: partition_test.sh GRIDCTL PDSH_WORKERS_SCRIPT}
script=${2:?}
# shellcheck source=test/cluster/cluster_lib.sh
source "$(dirname "$0")/cluster_lib.sh"
cl_init partition_test 12
cl_keys "$gridctl"
cl_pdsh_hosts
login() { ip netns exec "${cl_ns[login]}" "$@"; }
endpoint=tcp://${cl_addr[login]}:5555
points=36

cat >"$cl_tmp/cut.ini" <<CONF
[sweep]
command = sleep 2; echo {x}
timeout = 1m
[params]
x = range($points)
[workers]
heartbeat = 1s
CONF
results=$cl_tmp/cut.jsonl
log=$cl_tmp/sweep.log

login env PDSH_RCMD_TYPE=ssh GRIDCTL="$gridctl" "$script" -w 'node[1-3]' -s 2 "$endpoint" \
  >"$cl_tmp/workers.out" 2>"$cl_tmp/workers.err" &
workers_running() { (($(cl_count_procs " worker --connect $endpoint" "${hosts[@]}") == 3)); }
cl_wait 30 workers_running || { echo "FAIL: 3 workers did not start: $(cat "$cl_tmp/workers.err")"; exit 1; }

login "$gridctl" sweep "$cl_tmp/cut.ini" --listen "$endpoint" --local 0 >"$log" 2>&1 &
master=$!
joins() { grep -c "worker $1 joined" "$log"; }
all_joined() { (($(joins node1) == 1 && $(joins node2) == 1 && $(joins node3) == 1)); }
cl_wait 20 all_joined || { echo "FAIL: the workers did not join: $(cat "$log")"; exit 1; }
cl_log "sweep running, 3 workers joined"

# node1's first two jobs are done: it has just started its next two. Cut it off now.
first_round() { (($(grep '"status": "ok"' "$results" 2>/dev/null | grep -c '"worker": "node1"') >= 2)); }
cl_wait 20 first_round || { echo "FAIL: node1 finished no job: $(cat "$log")"; exit 1; }
ip -n "${cl_ns[login]}" link set p-node1 down
cut=$(date +%s%N)
cl_log "node1 cut off"

declared_lost() { grep -q 'worker node1 lost' "$log"; }
if cl_wait 15 declared_lost; then
  after=$((($(date +%s%N) - cut) / 1000000))
  cl_log "node1 declared lost ${after} ms after the cut"
  ((after >= 2000)) || cl_fail "node1 was declared lost after $after ms, before 3 heartbeats of 1 s"
else
  cl_fail "node1 was not declared lost within 15 s of the cut: $(cat "$log")"
fi
ip -n "${cl_ns[login]}" link set p-node1 up
rejoined() { (($(joins node1) >= 2)); }
cl_wait 20 rejoined || cl_fail "node1 did not join again within 20 s of the link's return: $(cat "$log")"
rejoin_time=$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)
cl_log "node1 rejoined"

master_done() { ! kill -0 "$master" 2>/dev/null; }
cl_wait 90 master_done || cl_fail "the sweep did not end within 90 s"
wait "$master"
rc=$?
cl_log "sweep done (exit $rc)"
((rc == 0)) || cl_fail "the sweep exited $rc: $(cat "$log")"

# Over the journal: each point exactly one ok record; node1's jobs cut off are lost records;
# node1 ran jobs again after it rejoined.
ok_points=$(grep '"status": "ok"' "$results" | grep -o '"point": "[0-9a-f]*"' | sort)
[[ $(wc -l <<<"$ok_points") == "$points" ]] || cl_fail "expected $points ok records, found $(wc -l <<<"$ok_points")"
[[ $(uniq <<<"$ok_points" | wc -l) == "$points" ]] || cl_fail "points with more than one ok record: $(uniq -d <<<"$ok_points")"
lost=$(grep '"status": "lost"' "$results" | grep -c '"worker": "node1"')
((lost >= 1)) || cl_fail "no lost record for node1's jobs of the cut"
echo "lost records of node1: $lost"
late=$(grep '"status": "ok"' "$results" | grep '"worker": "node1"' | grep -o '"started": "[^"]*"' | cut -d'"' -f4 |
       awk -v t="$rejoin_time" '$0 > t' | wc -l)
((late >= 1)) || cl_fail "node1 ran no job after it rejoined (at $rejoin_time)"
echo "ok records of node1 started after it rejoined: $late"
other=$(grep '"status": "' "$results" | grep -vcE '"status": "(ok|lost)"')
[[ $other == 0 ]] || cl_fail "$other records neither ok nor lost: $(grep -vE '"status": "(ok|lost)"' "$results")"

echo "the master on node1:"; grep node1 "$log" | sed "s/^/  /"
login env PDSH_RCMD_TYPE=ssh "$script" stop -w 'node[1-3]' "$endpoint" >"$cl_tmp/stop.out" 2>&1 ||
  cl_fail "stop failed: $(cat "$cl_tmp/stop.out")"
cl_finish
