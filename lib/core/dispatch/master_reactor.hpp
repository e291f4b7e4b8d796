// master_reactor: every decision of the master besides the scheduler's, with no I/O. The
// master's loop (lib/runtime/master.cpp) feeds it events — a decoded message from a peer, time
// passed, a signal, a fatal error — with the current time, and carries out what it asks through
// master_comm (send to a routing id, log a line, append a record, wake at a deadline, finish).
//
//   message from a routing id
//     hello ------------------> peer_registry judges it: refuse | welcome again | replace the
//                               old registration (its attempts lost) | accept: welcome, the
//                               scheduler gets the worker's slots ("shutdown end" if stopping)
//     anything else, unknown -> "shutdown unknown" (a goodbye gets no answer)
//     started, returned ------> the scheduler (a queued job began / came back unstarted)
//     output, done -----------> attempt_outputs (capped) | the scheduler (require_metrics);
//                               a done's next_started is a start, told to the scheduler first
//     shutdown (goodbye) -----> the worker leaves; its attempts run elsewhere
//   scheduler actions: dispatch -> job sent (a failed send: the worker left), cancel and
//                      take_back -> sent, returned -> its output buffer dropped,
//                      ended -> record assembled (make_record) and appended, failures logged
//   tick: deadlines and silent workers; the ones the scheduler lost are forgotten
//   signal: first -> stop (cancel everything running); second -> stop_now
//   fail(why) or a record that cannot be appended -> stop_now: every worker told "end" and
//            left, the running attempts recorded canceled; the run ends with the error
//   the scheduler finished -> "shutdown end" to every peer, comm.finished()
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "attempt_output.hpp"
#include "config.hpp"
#include "peer_registry.hpp"
#include "protocol.hpp"
#include "results_format.hpp"
#include "scheduler.hpp"
#include "sweep_status.hpp"

namespace gridctl {

/// When an event happened: steady for deadlines and durations, wall for the records' `started`.
struct event_time {
  steady_time steady;
  std::chrono::system_clock::time_point wall;
};

/// How the sweep ended.
struct sweep_outcome {
  bool interrupted = false;
  std::uint64_t ok = 0;      ///< points that ended ok in this run
  std::uint64_t failed = 0;  ///< points that failed for good in this run
  std::string stopped_because;  ///< set when gridctl stopped the sweep by itself (the command cannot run)
};

/// What the reactor asks of the master's loop.
class master_comm {
 public:
  virtual ~master_comm() = default;
  /// Queues a message to the peer with this routing id; false when the peer is gone. A send
  /// the loop held (to write a batch together) and that then failed comes back through
  /// master_reactor::on_unreachable.
  virtual bool send(const std::string& routing_id, const protocol::to_worker& m) = 0;
  /// One line for the master's log (without "gridctl: " and the newline); alike lines are told
  /// by `kind` (the loop's log_throttle collapses them).
  virtual void log(const std::string& line, const std::string& kind) = 0;
  /// Appends an ended attempt's record to the results file; throws std::exception when it cannot.
  virtual void record(const attempt_record& r) = 0;
  /// Call on_tick() at `at` (the scheduler's next deadline), replacing an earlier wake-up.
  virtual void wake_at(steady_time at) = 0;
  /// The sweep is over (every peer was told "end"): stop the loop. Called once.
  virtual void finished() = 0;
};

class master_reactor {
 public:
  /// `local_slots`: the embedded worker's slots (it may claim more than max_slots).
  master_reactor(const sweep_config& cfg, int local_slots, std::unique_ptr<task_source> source, master_comm& comm);

  /// The loop runs: a plan with nothing to run finishes at once.
  void start(event_time now);
  /// A well-formed message from the peer with this routing id.
  void on_message(const std::string& routing_id, protocol::to_master m, event_time now);
  /// A message to this peer could not be sent (it is gone): like a goodbye.
  void on_unreachable(const std::string& routing_id, event_time now);
  /// Time passed: deadlines and silent workers (call at wake_at times and every heartbeat).
  void on_tick(event_time now);
  /// Sends a heartbeat to every peer.
  void send_heartbeats();
  /// SIGINT or SIGTERM.
  void on_signal(int signal, event_time now);
  /// A fatal error outside the reactor (e.g. the results file cannot be synced): stop now; the
  /// run ends with `why` (the first such error is kept).
  void fail(const std::string& why, event_time now);

  /// The embedded worker now runs as `pid` (its hello comes from NAME/PID/...); 0: none.
  void expect_embedded(const std::string& name, std::int64_t pid) { peers_.expect_embedded(name, pid); }
  /// The embedded worker registered, but the scheduler lost it (silent for 3 heartbeats).
  bool embedded_unanswering() const;
  /// The embedded worker process exited.
  void embedded_exited() { peers_.embedded_exited(); }

  bool stopping() const { return sched_.stopping(); }
  bool done() const { return done_; }
  const scheduler& sched() const { return sched_; }
  /// The attempts running now, for the status (no end report yet).
  std::vector<running_job> running_jobs(steady_time now) const;
  const sweep_outcome& outcome() const { return outcome_; }
  /// The error that stopped the run, or empty.
  const std::string& fatal() const { return fatal_; }

 private:
  void on_hello(const std::string& routing_id, const protocol::hello& h, event_time now);
  void handle(worker_id w, protocol::output& o, event_time now);
  void handle(worker_id w, protocol::done& d, event_time now);
  void handle(worker_id w, protocol::started& m, event_time now);
  void handle(worker_id w, protocol::returned& m, event_time now);
  void handle(worker_id w, protocol::shutdown& s, event_time now);
  void handle(worker_id, protocol::heartbeat&, event_time) {}
  void handle(worker_id, protocol::hello&, event_time) {}  // on_hello() answered it before the lookup

  void run(std::vector<scheduler_action> actions, event_time now);
  void dispatch(const action::dispatch& d, event_time now, std::vector<scheduler_action>& more);
  bool send_to_worker(worker_id w, const protocol::to_worker& m);
  void record(const action::ended& e, event_time now);
  void leave(worker_id w, event_time now, std::vector<scheduler_action>& more);
  void stop_now(event_time now);
  void check_finished();
  void say(const std::string& line) { comm_.log(line, line); }
  /// The most slots a worker may claim: [workers] max_slots, or the embedded worker's own.
  int slot_bound() const;

  const sweep_config& cfg_;
  int local_slots_;
  master_comm& comm_;
  scheduler sched_;
  peer_registry peers_;
  attempt_outputs outputs_;
  sweep_outcome outcome_;
  std::string fatal_;
  bool stopped_now_ = false;  ///< stop_now() ran (a failing record must not start it again)
  bool done_ = false;
};

}  // namespace gridctl
