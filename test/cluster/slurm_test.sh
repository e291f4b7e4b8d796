#!/usr/bin/env bash
# slurm_test.sh GRIDCTL SWEEP_SBATCH WORKERS_SBATCH
# A real Slurm (slurmctld on "login", slurmd on node1-3, each a namespace host; auth/none, no
# munge; task/affinity, so a step's CPU binding is real):
#   1. sbatch -N3 gridctl-slurm-sweep.sbatch: the master in the batch step, a worker per node
#      through srun. scancel while it runs: the journal is intact (ok records kept, the running
#      jobs canceled) and nothing of the job is left; the same sbatch again resumes and
#      completes: every point exactly one ok, records from all three nodes.
#   2. the login-node shape: the master on "login", sbatch -N3 -c 2 gridctl-slurm-workers.sbatch
#      ENDPOINT: the workers connect back; each has 2 slots, and its jobs run on 2 CPUs.
#   3. sbatch -N1 -c 1 (of whole nodes of 2 CPUs): 1 slot, and the jobs run on 1 CPU — which
#      needs the script to pass the CPUs on to srun (since Slurm 22.05 srun does not inherit -c).
# shellcheck disable=SC2317  # (the conditions are called through cl_wait)
set -u
gridctl=${1:?usage: slurm_test.sh GRIDCTL SWEEP_SBATCH WORKERS_SBATCH}
sweep_sbatch=${2:?} workers_sbatch=${3:?}
# shellcheck source=test/cluster/cluster_lib.sh
source "$(dirname "$0")/cluster_lib.sh"
cl_init slurm_test 13
cl_keys "$gridctl"

nodes=(node1 node2 node3)
cl_hosts login "${nodes[@]}" || { echo "FAIL: cannot make the namespace hosts"; exit 1; }
cl_slurm login "${nodes[@]}" || { echo "FAIL: Slurm did not start"; exit 1; }
cl_log "slurmctld and 3 slurmd up"
cd "$cl_tmp" || exit 1
export GRIDCTL=$gridctl
ncpus=$(nproc --all)

# sbatch from the login node; prints the job id.
submit() { cl_slurm_cmd sbatch --parsable -o "$cl_tmp/job-%j.out" "$@"; }
job_gone() { cl_slurm_job_gone "$1"; }
only_slurmd_left() {
  local h p want
  for h in "${nodes[@]}"; do
    want=$(cat "$cl_tmp/slurm/slurmd-$h.pid")
    for p in $(ip netns pids "${cl_ns[$h]}"); do
      [[ $p == "$want" ]] && continue
      # slurmd's own helpers of a job that just ended go by themselves; anything else is a leak.
      [[ $(ps -o comm= -p "$p") == slurmstepd ]] || return 1
    done
  done
}
# shellcheck disable=SC2002  # (cat: a missing file counts 0)
ok_count() { cat "$1" 2>/dev/null | grep -c '"status": "ok"'; }

# --- 1. the whole sweep as a batch job; scancel; resume ---------------------------------------
cat >"$cl_tmp/batch.ini" <<CONF
[sweep]
command = sleep 1; echo {x}
timeout = 1m
[params]
x = range(30)
CONF
jid=$(submit -N3 "$sweep_sbatch" "$cl_tmp/batch.ini")
cl_log "batch job $jid submitted"
some_ok() { (($(ok_count "$cl_tmp/batch.jsonl") >= 6)); }
cl_wait 60 some_ok || { echo "FAIL: no results from job $jid: $(cat "$cl_tmp"/job-*.out)"; exit 1; }
cl_slurm_cmd scancel "$jid"
cl_log "job $jid canceled"
cl_wait 60 job_gone "$jid" || cl_fail "job $jid still queued 60 s after scancel"
cl_wait 20 only_slurmd_left || cl_fail "processes of job $jid are left: $(ps -o pid=,args= -p "$(cl_ns_pids | paste -sd,)")"
before=$(ok_count "$cl_tmp/batch.jsonl")
echo "after scancel: $before ok; the others: $(grep -v '"status": "ok"' "$cl_tmp/batch.jsonl" | sed 1d |
  grep -oE '"status": "[a-z]+"|"signal": "[A-Z]+"' | paste -sd' ' | sed 's/"//g; s/status: //g; s/ signal: /\//g')"
((before < 30)) || cl_fail "the sweep ended before scancel reached it"
grep -qE '^gridctl: (terminated|interrupted)' "$cl_tmp/job-$jid.out" ||
  cl_fail "the master did not say it was stopped: $(cat "$cl_tmp/job-$jid.out")"
# Slurm's SIGTERM reaches the jobs too, at the same time as their workers: a job that dies of
# it before its worker has seen its own is recorded failed (SIGTERM), hence --retry below.
bad=$(sed 1d "$cl_tmp/batch.jsonl" | grep -vE '"status": "(ok|lost|canceled)"' | grep -v '"signal": "SIGTERM"')
[[ -z $bad ]] || cl_fail "records after scancel that are not ok, lost, canceled or SIGTERM: $bad"

jid=$(submit -N3 "$sweep_sbatch" "$cl_tmp/batch.ini" --retry)
cl_wait 90 job_gone "$jid" || cl_fail "the resumed job $jid did not end within 90 s"
cl_log "resumed job $jid done"
state=$(cl_slurm_job_state "$jid")
[[ $state == COMPLETED ]] || cl_fail "the resumed job ended $state: $(cat "$cl_tmp/job-$jid.out")"
ok_points=$(grep '"status": "ok"' "$cl_tmp/batch.jsonl" | grep -o '"point": "[0-9a-f]*"' | sort)
[[ $(wc -l <<<"$ok_points") == 30 && $(uniq <<<"$ok_points" | wc -l) == 30 ]] ||
  cl_fail "expected 30 points with one ok record each: $(uniq -c <<<"$ok_points" | sort -rn | head -3)"
grep -q "30 points ($before done" "$cl_tmp/job-$jid.out" || cl_fail "the resumed sweep did not start from $before done: $(head -n 2 "$cl_tmp/job-$jid.out")"
for h in "${nodes[@]}"; do
  grep -q "\"worker\": \"$h\"" "$cl_tmp/batch.jsonl" || cl_fail "no record from $h"
done

# --- 2. master on the login node, workers as a Slurm job, -c 2 ---------------------------------
cpus_ini() {
  cat >"$cl_tmp/$1.ini" <<CONF
[sweep]
command = sleep 0.3; grep Cpus_allowed_list /proc/self/status
timeout = 1m
[params]
x = range($2)
CONF
}
# login_sweep NAME SBATCH_OPTIONS...: the master on the login node, the workers a Slurm job.
login_sweep() {
  local name=$1 endpoint=tcp://${cl_addr[login]}:5555 master job rc
  shift
  ip netns exec "${cl_ns[login]}" "$gridctl" sweep "$cl_tmp/$name.ini" --listen "$endpoint" --local 0 \
    >"$cl_tmp/$name.log" 2>&1 &
  master=$!
  job=$(submit "$@" "$workers_sbatch" "$endpoint")
  cl_wait 60 job_gone "$job" || cl_fail "$name: the workers' job $job did not end within 60 s"
  wait "$master"
  rc=$?
  ((rc == 0)) || cl_fail "$name: the sweep exited $rc: $(cat "$cl_tmp/$name.log")"
  [[ $(cl_slurm_job_state "$job") == COMPLETED ]] || cl_fail "$name: job $job ended $(cl_slurm_job_state "$job")"
}
cpus_ini two 12
login_sweep two -N3 -c 2
cl_log "login-node sweep with sbatch -N3 -c 2 done"
n=$(grep -c 'joined (2 slots)' "$cl_tmp/two.log")
((n == 3)) || cl_fail "-c 2: expected 3 workers joined with 2 slots: $(grep joined "$cl_tmp/two.log")"
affinity=$(grep -o 'Cpus_allowed_list:[^"]*' "$cl_tmp/two.jsonl" | sed 's/\\[nt]//g; s/[[:space:]]//g' | sort | uniq -c)
echo "-c 2: jobs' CPUs: $affinity"
[[ $(grep -c '"status": "ok"' "$cl_tmp/two.jsonl") == 12 ]] || cl_fail "-c 2: not 12 ok records"
while read -r _ list; do
  cpus=$(echo "${list#*:}" | awk -F, '{n=0; for (i=1;i<=NF;i++) {split($i,r,"-"); n += (r[2]=="" ? 1 : r[2]-r[1]+1)} print n}')
  ((cpus == 2)) || cl_fail "-c 2: a job ran on $list, not on 2 CPUs"
done <<<"$affinity"

# --- 3. -c 1 on whole nodes of 2 CPUs: srun must get the 1 CPU ---------------------------------
if ((ncpus >= 2)); then
  cpus_ini one 4
  login_sweep one -N1 -c 1
  cl_log "login-node sweep with sbatch -N1 -c 1 done"
  grep -q 'joined (1 slot)' "$cl_tmp/one.log" || cl_fail "-c 1: the worker did not join with 1 slot: $(grep joined "$cl_tmp/one.log")"
  lists=$(grep -o 'Cpus_allowed_list:[^"]*' "$cl_tmp/one.jsonl" | sed 's/\\[nt]//g; s/[[:space:]]//g' | sort -u)
  echo "-c 1: jobs' CPUs: $lists"
  [[ $lists =~ ^Cpus_allowed_list:[0-9]+$ ]] || cl_fail "-c 1: the jobs ran on $lists, not on one CPU"
fi
cl_finish
