# shellcheck shell=bash
# test/cluster/cluster_lib.sh — sourced by the cluster tests: "hosts" made of network
# namespaces on a bridge, each with its own host name (a UTS namespace per daemon started in it),
# sshd per host, a Slurm controller and slurmd per host, and a cleanup trap that removes it all.
#
# Layout: namespace "$cl_prefix-$ROLE" per host; the first host made (the master or login node)
# holds the bridge and gets $cl_net.1, the others .2, .3, ... on veth pairs into the bridge.
# Every process the tests start inside these namespaces (daemons, their sessions, workers,
# jobs) is found again by `ip netns pids` and killed in the trap, so a failed run leaves nothing.
# While a test runs, a blackhole route for its subnet in the root namespace makes a command run
# by mistake from there fail at once instead of leaving through the default route.
# Requires bash; the caller sets -u. Exits 77 (skipped) where namespaces cannot be made.

cl_tmp=""
cl_namespaces=()
cl_pidfiles=()
cl_route=""
cl_failures=0

# cl_keys GRIDCTL: the test's key pairs and authorized_workers in $GRIDCTL_KEYS (gridctl keygen).
cl_keys() {
  "$1" keygen --dir "$GRIDCTL_KEYS" >/dev/null || cl_fail "gridctl keygen failed"
}

# cl_pdsh_hosts: the login host and node1-3 (in `hosts`), each node with its own sshd, for
# gridctl-pdsh-workers over ssh; the workers' pidfiles of $endpoint are removed at cleanup.
cl_pdsh_hosts() {
  # shellcheck disable=SC2317  # (called by the trap)
  cl_before_cleanup() {
    [[ -n ${endpoint:-} ]] && cl_worker_pidfiles "$endpoint" | xargs -r rm -f
    rmdir "/tmp/gridctl-pdsh-workers-$(id -u)" 2>/dev/null
  }
  hosts=(node1 node2 node3)
  cl_hosts login "${hosts[@]}" || { echo "FAIL: cannot make the namespace hosts"; exit 1; }
  cl_ssh_keys
  local h
  for h in "${hosts[@]}"; do
    cl_sshd "$h" || { echo "FAIL: sshd on $h did not start: $(cat "$cl_tmp/ssh/sshd-$h.log")"; exit 1; }
  done
}

# cl_init TEST_NAME SUBNET_THIRD_OCTET: skip unless root and namespaces work, make the temp dir,
# set the trap and the blackhole route.
cl_init() {
  cl_prefix=gc$2-$$
  cl_net=10.213.$2
  if [[ $(id -u) -ne 0 ]]; then
    echo "SKIP: the cluster tests need root (network namespaces, sshd, slurmd)"
    exit 77
  fi
  if ! ip netns add "$cl_prefix-probe" 2>/dev/null; then
    echo "SKIP: this machine cannot create network namespaces (ip netns add failed)"
    exit 77
  fi
  ip netns del "$cl_prefix-probe"
  cl_tmp=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
  chmod 755 "$cl_tmp"
  # CurveZMQ keys of this test (the master listens off loopback, so auth = auto is curve): the
  # hosts share this filesystem as a cluster shares its home directory. Made by cl_keys.
  export GRIDCTL_KEYS=$cl_tmp/keys
  trap cl_cleanup EXIT
  trap 'exit 130' INT TERM HUP
  if ip route add blackhole "$cl_net.0/24" 2>/dev/null; then
    cl_route=$cl_net.0/24
  fi  # else another run of this test holds it: it is still there, and not ours to remove
  cl_t0=$(date +%s%N)
}

cl_ms() { echo $((($(date +%s%N) - cl_t0) / 1000000)); }
cl_log() { echo "[$(cl_ms) ms] $*"; }
cl_fail() {
  echo "FAIL: $*"
  cl_failures=$((cl_failures + 1))
}
cl_finish() {
  if ((cl_failures)); then
    echo "$cl_failures check(s) failed"
    exit 1
  fi
  echo "PASS"
  exit 0
}

# cl_wait SECONDS COMMAND...: run COMMAND every 0.1 s until it succeeds; 1 if it never did.
cl_wait() {
  local deadline=$(($(date +%s%N) + $1 * 1000000000))
  shift
  until "$@"; do
    (($(date +%s%N) < deadline)) || return 1
    sleep 0.1
  done
}

# Pids of every process in our namespaces.
cl_ns_pids() {
  local ns
  for ns in "${cl_namespaces[@]}"; do ip netns pids "$ns" 2>/dev/null; done
}

# shellcheck disable=SC2317  # (the trap)
cl_cleanup() {
  local rc=$? f pids
  set +e
  trap - EXIT INT TERM HUP
  [[ $(type -t cl_before_cleanup) == function ]] && cl_before_cleanup
  for f in "${cl_pidfiles[@]}"; do [[ -s $f ]] && kill -TERM "$(cat "$f")" 2>/dev/null; done
  pids=$(cl_ns_pids)
  # shellcheck disable=SC2086  # one pid per word
  [[ -n $pids ]] && kill -TERM $pids 2>/dev/null
  cl_wait 10 cl_nothing_left
  pids=$(cl_ns_pids)
  # shellcheck disable=SC2086
  [[ -n $pids ]] && kill -KILL $pids 2>/dev/null
  for f in "${cl_pidfiles[@]}"; do [[ -s $f ]] && kill -KILL "$(cat "$f")" 2>/dev/null; done
  cl_wait 5 cl_nothing_left
  for f in "${cl_namespaces[@]}"; do ip netns del "$f" 2>/dev/null; done
  [[ -n $cl_route ]] && ip route del blackhole "$cl_route" 2>/dev/null
  [[ -n $cl_tmp ]] && rm -rf "$cl_tmp"
  exit "$rc"
}

cl_nothing_left() {
  local f
  [[ -z $(cl_ns_pids) ]] || return 1
  for f in "${cl_pidfiles[@]}"; do
    [[ -s $f ]] && kill -0 "$(cat "$f")" 2>/dev/null && return 1
  done
  return 0
}

# cl_hosts MASTER HOST...: make the namespaces; MASTER holds the bridge (address .1), the
# others follow (.2, .3, ...). Sets cl_addr[ROLE] and cl_ns[ROLE].
declare -A cl_addr=() cl_ns=()
cl_hosts() {
  local master=$1 h i=2 ns
  shift
  for h in "$master" "$@"; do
    ns=$cl_prefix-$h
    ip netns add "$ns" || return 1
    cl_namespaces+=("$ns")
    cl_ns[$h]=$ns
    ip -n "$ns" link set lo up
  done
  ns=${cl_ns[$master]}
  ip -n "$ns" link add br0 type bridge
  ip -n "$ns" addr add "$cl_net.1/24" dev br0
  ip -n "$ns" link set br0 up
  cl_addr[$master]=$cl_net.1
  for h; do
    ip link add eth0 netns "${cl_ns[$h]}" type veth peer name "p-$h" netns "$ns" || return 1
    ip -n "$ns" link set "p-$h" master br0 up
    ip -n "${cl_ns[$h]}" addr add "$cl_net.$i/24" dev eth0
    ip -n "${cl_ns[$h]}" link set eth0 up
    cl_addr[$h]=$cl_net.$i
    i=$((i + 1))
  done
}

# cl_in HOST COMMAND...: run COMMAND in HOST's network namespace, with HOST as its host name
# (nsenter rather than `ip netns exec`, which remounts /sys and hides the cgroup tree slurmd wants).
cl_in() {
  local h=$1
  shift
  # shellcheck disable=SC2016  # expanded by that sh
  nsenter --net="/run/netns/${cl_ns[$h]}" unshare --uts sh -c 'hostname "$0" && exec "$@"' "$h" "$@"
}

# cl_ssh_keys: a client key, a host key and an ssh client config naming every host.
cl_ssh_keys() {
  local d=$cl_tmp/ssh h
  mkdir -p "$d"
  ssh-keygen -q -t ed25519 -N '' -f "$d/id" -C gridctl-cluster-test
  ssh-keygen -q -t ed25519 -N '' -f "$d/host_key" -C gridctl-cluster-test-host
  cp "$d/id.pub" "$d/authorized_keys"
  {
    for h in "${!cl_addr[@]}"; do printf 'Host %s\n  HostName %s\n' "$h" "${cl_addr[$h]}"; done
    cat <<CONF
Host *
  User root
  IdentityFile $d/id
  IdentitiesOnly yes
  StrictHostKeyChecking no
  UserKnownHostsFile /dev/null
  GlobalKnownHostsFile /dev/null
  BatchMode yes
  ConnectTimeout 10
  LogLevel ERROR
CONF
  } >"$d/config"
  # pdsh's ssh module runs `ssh $PDSH_SSH_ARGS`: ours reads the test's config, not ~/.ssh.
  export PDSH_SSH_ARGS="-F $d/config -x %h"
}

# cl_sshd HOST: sshd on HOST's address only, root by the test's key only. Its sessions run
# with HOST as their host name.
cl_sshd() {
  local h=$1 d=$cl_tmp/ssh
  # sshd refuses to start without its privilege separation directory (made at boot on a real
  # host; absent in containers). An empty root-owned directory, left in place like the boot one.
  mkdir -p /run/sshd
  cat >"$d/sshd-$h.conf" <<CONF
ListenAddress ${cl_addr[$h]}
Port 22
HostKey $d/host_key
PidFile $d/sshd-$h.pid
AuthorizedKeysFile $d/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PrintMotd no
UseDNS no
CONF
  cl_pidfiles+=("$d/sshd-$h.pid")
  # Not -D: sshd writes its pidfile once it listens, and the wait below is on that.
  cl_in "$h" /usr/sbin/sshd -f "$d/sshd-$h.conf" -E "$d/sshd-$h.log" || return 1
  cl_wait 10 test -s "$d/sshd-$h.pid"
}

# cl_slurm CONTROLLER NODE...: a Slurm cluster without munge (auth/none): slurmctld on the
# CONTROLLER host, one slurmd on each NODE host, every node with this machine's CPUs and
# task/affinity (so a step's CPU binding is real). Client commands: cl_slurm_cmd.
cl_slurm() {
  local ctl=$1 n hw w=$cl_tmp/slurm
  shift
  mkdir -p "$w/state"
  hw=$(slurmd -C | head -1 | grep -oE 'CPUs=[0-9]+ Boards=.* ThreadsPerCore=[0-9]+')
  {
    cat <<CONF
ClusterName=gridctl-test
SlurmctldHost=$ctl(${cl_addr[$ctl]})
AuthType=auth/none
CredType=cred/none
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$w/state
SlurmdSpoolDir=$w/spool-%n
SlurmctldPidFile=$w/slurmctld.pid
SlurmdPidFile=$w/slurmd-%n.pid
SlurmctldLogFile=$w/slurmctld.log
SlurmdLogFile=$w/slurmd-%n.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/affinity
MpiDefault=none
MailProg=/bin/true
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/builtin
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmdTimeout=30
KillWait=10
JobRequeue=0
MinJobAge=600
CONF
    for n; do echo "NodeName=$n NodeAddr=${cl_addr[$n]} $hw"; done
    echo "PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO"
  } >"$w/slurm.conf"
  export SLURM_CONF=$w/slurm.conf
  cl_pidfiles+=("$w/slurmctld.pid")
  cl_in "$ctl" slurmctld || return 1
  for n; do
    cl_pidfiles+=("$w/slurmd-$n.pid")
    cl_in "$n" slurmd || return 1
  done
  cl_slurm_ctl=$ctl
  cl_wait 60 cl_slurm_idle "$#" || {
    echo "Slurm did not come up; sinfo: $(cl_slurm_cmd sinfo 2>&1)"
    tail -n 5 "$w"/*.log
    return 1
  }
}

# cl_slurm_cmd COMMAND...: a Slurm client command on the controller's host (the only place
# from which its address is reachable).
cl_slurm_cmd() { ip netns exec "${cl_ns[$cl_slurm_ctl]}" "$@"; }

cl_slurm_idle() {
  local states
  states=$(cl_slurm_cmd sinfo -h -N -o %t 2>/dev/null | sort | uniq -c | awk '{print $1, $2}')
  [[ $states == "$1 idle" ]]
}

# cl_slurm_wait_job SECONDS JOBID: until the job has left the queue.
cl_slurm_job_gone() { [[ -z $(cl_slurm_cmd squeue -h -j "$1" 2>/dev/null) ]]; }
cl_slurm_job_state() { cl_slurm_cmd scontrol show job -o "$1" | grep -oE 'JobState=[A-Z_]+' | cut -d= -f2; }

# cl_count_procs PATTERN HOST...: how many processes in these hosts' namespaces have a command
# line matching PATTERN (a grep -E pattern); other runs' processes are not counted.
cl_count_procs() {
  local pattern=$1 h pids
  shift
  pids=$(for h; do ip netns pids "${cl_ns[$h]}"; done | paste -sd,)
  [[ -n $pids ]] || { echo 0; return; }
  ps -o args= -p "$pids" | grep -cE -- "$pattern"
}

# cl_worker_pidfiles ENDPOINT: the pidfiles gridctl-pdsh-workers keeps for workers of ENDPOINT
# (ours only: other tests' workers, of other endpoints, may run on hosts of the same names).
cl_worker_pidfiles() {
  local f
  for f in "/tmp/gridctl-pdsh-workers-$(id -u)"/*.pid; do
    [[ -f $f && $(sed -n 2p "$f") == "$1" ]] && echo "$f"
  done
}
