// worker: `gridctl worker` — a DEALER socket and the jobs it runs, on one Asio loop. The rules
// (registration and its backoff, slots, flow control, heartbeats, resets, the exit sequence) are
// worker_reactor's (lib/core/worker_reactor.hpp, with its state diagram); this loop feeds it the
// socket's messages, the socket monitor's disconnections, its timers, SIGINT/SIGTERM and the
// jobs' output and ends (process_runner.hpp), and carries out what it asks.
//
// The worker is a child subreaper: what a job leaves behind when its shell exits is re-parented
// to the worker instead of init, so that it can be found and killed (job_process.hpp); the
// worker reaps those orphans itself, leaving its job shells to Boost.Process. worker_state.hpp
// covers a worker killed with SIGKILL.
#pragma once

#include <iosfwd>
#include <optional>
#include <string>

#include "key_store.hpp"

namespace gridctl {

struct worker_options {
  std::string connect;  ///< master endpoint, e.g. tcp://node01:5555
  int slots = 1;        ///< jobs run at once
  std::string name;     ///< shown in records; default: host name
  bool once = false;    ///< exit after the first sweep served
  bool quiet = false;   ///< log nothing (the embedded worker: the sweep reports for it)
  /// CurveZMQ: our key pair and the master's public key we pin; nothing: plain (auth none).
  std::optional<worker_keys> keys;
  std::string key_dir;  ///< where `keys` came from, for messages
};

/// Runs the worker until it is told to stop. Returns the process exit status
/// (0, 2 when the master refused us, 3 on a runtime error).
int run_worker(const worker_options& opts, std::ostream& log);

}  // namespace gridctl
