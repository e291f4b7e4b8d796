// worker: `gridctl worker` — a DEALER socket and the jobs it runs, on one Asio loop.
//
//   start -> say hello (again every second until welcomed) -> welcomed: run jobs as they come,
//   stream their output, report each end -> master silent for 3 heartbeats, or it says it does
//   not know us (it restarted): kill our now-stale jobs, say hello again.
//   The connection drops (its socket monitor says so; messages may have been lost with it): the
//   same as a silent master.
//   SIGTERM/SIGINT: take no new jobs, kill running ones (SIGTERM, then SIGKILL after the grace),
//   report them, say goodbye, kill what the jobs left behind, exit.
//   --once: exit when the master says the sweep is over.
//
// The worker is a child subreaper: what a job leaves behind when its shell exits is re-parented
// to the worker instead of init, so that it can be found and killed (job_process.hpp); the
// worker reaps those orphans itself, leaving its job shells to Boost.Process. worker_state.hpp
// covers a worker killed with SIGKILL.
#pragma once

#include <iosfwd>
#include <string>

namespace gridctl {

struct worker_options {
  std::string connect;  ///< master endpoint, e.g. tcp://node01:5555
  int slots = 1;        ///< jobs run at once
  std::string name;     ///< shown in records; default: host name
  bool once = false;    ///< exit after the first sweep served
  bool quiet = false;   ///< log nothing (the embedded worker: the sweep reports for it)
};

/// Runs the worker until it is told to stop. Returns the process exit status
/// (0, 2 when the master refused us, 3 on a runtime error).
int run_worker(const worker_options& opts, std::ostream& log);

}  // namespace gridctl
