// process_tree: what a worker needs to know about processes beyond its own children — read from
// /proc — to find and kill the processes a job left behind, and to reap the orphans that the
// kernel re-parents to it as a child subreaper.
//
// A job's processes are recognised by the GRIDCTL_JOB_TOKEN=... variable the worker puts in the
// job's environment (job_token_var). Why the environment: every process the job starts inherits
// it through fork, exec, setsid and the double fork of a daemon, and /proc/PID/environ keeps the
// environment a process was started with even when it changes its own; the process group does
// not survive setsid, and tracking re-parented pids cannot tell whose orphan arrived when two
// jobs end at once (re-parenting sends no signal). The token is unique per job and per worker
// process, so a reused pid or another worker's job never matches. Only a program that runs
// another with an emptied environment (env -i) escapes it; those are still descendants of the
// worker, and the worker kills all its descendants when it exits.
#pragma once

#include <sys/types.h>

#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace gridctl {

/// Name of the environment variable that marks a job's processes.
inline constexpr const char* job_token_var = "GRIDCTL_JOB_TOKEN";

/// One process as /proc/PID/stat shows it.
struct process_entry {
  pid_t pid = 0;
  pid_t ppid = 0;
  pid_t pgid = 0;
};

/// Every process now, except those that vanish while being read.
std::vector<process_entry> list_processes();
/// The processes descending from `root` (not `root` itself) among `all`.
std::vector<process_entry> descendants(const std::vector<process_entry>& all, pid_t root);
/// The job token in the environment the process was started with; nullopt when it has none or
/// its environment cannot be read (another user's process, or gone).
std::optional<std::string> job_token_of(pid_t pid);

/// SIGKILLs every process of `among` that carries `token`, and the process group it leads if it
/// leads one (so that what it forks meanwhile goes too). Returns how many carried it.
int kill_job_processes(const std::vector<process_entry>& among, const std::string& token);
/// SIGKILLs every descendant of this process and the groups they lead: when the worker exits,
/// all of them are what its jobs left behind.
void kill_all_descendants();

/// Reaps the exited children of this process that `is_job_shell` does not claim: orphans
/// re-parented to the worker. A job shell is left to Boost.Process, which waits for it by its
/// pid from its own SIGCHLD handler (reaping it here would steal its exit status). Returns false
/// when an exited job shell stood first in line, so that children behind it may still wait:
/// call again once Boost.Process had its turn.
bool reap_orphans(const std::function<bool(pid_t)>& is_job_shell);

}  // namespace gridctl
