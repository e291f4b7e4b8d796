// job_runner: how the worker's reactor starts and stops jobs without knowing about processes.
// lib/runtime's process_runner runs each job as a job_process; the reactor's tests use a
// recording fake. Either way the runner tells the reactor what a job printed and how it ended
// (worker_reactor::on_output, on_job_ended), later, from the event loop.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gridctl {

/// The reactor's number for a job it started; never reused within a worker process. Not the
/// (point, attempt) of the job: after a master reset, a new master may send the same pair while
/// the stale job of that name is still being killed.
using job_serial = std::uint64_t;

/// What to run: `/bin/sh -c command` in `workdir` with `env` added to the worker's environment.
struct job_spec {
  std::string command;
  std::string workdir;
  std::vector<std::pair<std::string, std::string>> env;
  std::chrono::milliseconds kill_grace{5000};  ///< from kill()'s SIGTERM to its SIGKILL
};

/// How a job ended.
struct job_exit {
  std::optional<int> exit_code;
  std::optional<int> signal;
  std::chrono::system_clock::time_point started;
  std::chrono::microseconds duration{0};
  std::string error;  ///< the worker's note on how the attempt ended (protocol::done::error)
};

class job_runner {
 public:
  virtual ~job_runner() = default;
  /// Starts a job. It ends exactly once (on_job_ended), also when it cannot start (exit 127).
  virtual void spawn(job_serial job, const job_spec& spec) = 0;
  /// SIGTERM to the job's process group, SIGKILL after its grace. No-op once it has ended.
  virtual void kill(job_serial job) = 0;
};

}  // namespace gridctl
