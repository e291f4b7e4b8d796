// master: the sweep's event loop. One thread, one io_context: a ZeroMQ ROUTER socket (watched
// through ZMQ_FD), steady timers (the scheduler's next deadline, heartbeats, fsync batching,
// progress, status) and SIGINT/SIGTERM. Every decision is master_reactor's (lib/core: the peers,
// the scheduler, the attempts' output and records); this file translates socket, timer and
// signal events into calls on it and carries out what it asks through master_comm: send,
// log, append records to the results file. It also runs the embedded worker and publishes the
// sweep's status (RESULTS.status.json, the progress line).
#pragma once

#include <cstdint>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "config.hpp"
#include "master_reactor.hpp"
#include "resume.hpp"
#include "results_writer.hpp"

namespace gridctl {

struct master_options {
  std::vector<std::string> endpoints;  ///< ROUTER binds, e.g. tcp://*:5555; may be empty
  int local_slots = 0;                 ///< >0: start an embedded worker with that many slots
};

/// What the results file held before this run, for the status file and the progress line.
struct sweep_baseline {
  std::uint64_t total = 0;          ///< points of the grid
  std::uint64_t ok_before = 0;      ///< points ok before this run
  std::uint64_t failed_before = 0;  ///< points failed for good before this run (and not rerun)
};

class master_loop;

/// The sweep's master. listen() binds every endpoint before anything else changes (so that a
/// port in use costs nothing, e.g. no `--fresh` rename); run() then runs the sweep until every
/// point to run has ended, or until interrupted, keeping RESULTS.status.json (status_file.hpp)
/// up to date. Both throw std::runtime_error for runtime failures (cannot bind, cannot write
/// results).
class master {
 public:
  master(const sweep_config& cfg, const master_options& opts, std::ostream& log);
  ~master();
  master(const master&) = delete;
  master& operator=(const master&) = delete;

  void listen();
  sweep_outcome run(const resume_plan& plan, const sweep_baseline& baseline, results_writer& writer);

 private:
  std::unique_ptr<master_loop> loop_;
};

/// Raises the soft open-files limit to the hard limit (a ROUTER needs a descriptor per peer).
void raise_open_files_limit();

}  // namespace gridctl
