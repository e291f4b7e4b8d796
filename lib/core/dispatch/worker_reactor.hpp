// worker_reactor: every decision of a worker, with no I/O. The worker's loop (lib/runtime/
// worker.cpp) feeds it events — a message from the master, a job's output or end, a timer, a
// signal, the connection dropping — with the current time, and carries out what it asks through
// worker_comm (send, arm a timer, reconnect, log, exit) and job_runner (spawn, kill).
//
//   start -> hello (registration n), again after 100 ms, doubling to 2 s, until welcomed;
//            "no master yet" logged once after 10 s
//   welcome -> welcomed: a heartbeat answers each of the master's, and goes out by itself when
//            nothing else did for a heartbeat_ms (also while exiting); jobs run as they
//            come, up to `slots` (`started` says so), the next ones wait in a queue of at most
//            lookahead_cap(slots) (one beyond is answered at once: exit 127); a slot that frees
//            starts the queue's first job (the done says so: next_started); take_back or cancel
//            of a queued job -> `returned`;
//            output travels up to output_limit bytes per stream, the rest is counted;
//            reports (started, output, done) wait while the queue holds more jobs than there
//            are ends held back (the slots that free meanwhile start queued jobs): they go
//            together then (the master must refill the queue), report_hold_max after the first,
//            or before any other message; batches cost the master one wake and one refill,
//            not one each
//   shutdown "unknown" (the first one only), the master silent for 3 heartbeats, or the
//            connection dropped -> our jobs are stale (killed, their ends not reported, holding
//            no slot): hello again with registration n+1 (after a drop, on a new connection)
//   shutdown "end" -> the jobs are stale; --once: exit; else hello again after 1 s
//   welcome of another version, refuse -> exit with status 2
//   CurveZMQ handshake failed (the socket monitor: a master that is not master.pub, or one that
//            refused our key) -> told in words once per reason; --once: exit 2; else libzmq
//            retries, backing off to 5 s, and the hellos wait for it
//   signal -> exiting: no new jobs, queued ones returned, kill the running ones and report
//            them (worker_exiting);
//            once none is left: goodbye (if welcomed), exit
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "job_runner.hpp"
#include "protocol.hpp"
#include "scheduler.hpp"

namespace gridctl {

/// The first hello's wait for a welcome; it doubles up to hello_backoff_max.
inline constexpr std::chrono::milliseconds hello_backoff_first{100};
inline constexpr std::chrono::milliseconds hello_backoff_max{2000};
/// How long the worker says hello before it logs that no master is there yet.
inline constexpr std::chrono::seconds no_master_hint_after{10};
/// After a sweep is over, the wait before saying hello to the next one: the closing master
/// should not be the one that welcomes us.
inline constexpr std::chrono::seconds next_sweep_hello_delay{1};
/// Bytes of stdout kept from the end of a job's output when the front was cut at the limit:
/// enough for the usual "last line is the JSON result".
inline constexpr std::size_t stdout_tail_bytes = 64 * 1024;

/// The worker's timers; the loop keeps one steady timer for each.
enum class worker_timer { hello, heartbeat, report };

/// What the reactor asks of the loop besides running jobs.
class worker_comm {
 public:
  virtual ~worker_comm() = default;
  /// Queues a message to the master.
  virtual void send(const protocol::to_master& m) = 0;
  /// Makes `t` fire at `at` (on_timer), replacing any earlier arming.
  virtual void arm(worker_timer t, steady_time at) = 0;
  virtual void disarm(worker_timer t) = 0;
  /// Drops the connection and connects anew: libzmq 4.3 does not reconnect by itself after a
  /// protocol error (a message above its ZMQ_MAXMSGSIZE).
  virtual void reconnect() = 0;
  /// Every job has ended: stop and exit with `status`. `deliver`: wait (linger) to deliver what
  /// was queued — false when no master knows us, whose queued hellos nobody would read.
  virtual void exit(int status, bool deliver) = 0;
  /// One line for the worker's log (without the newline).
  virtual void log(const std::string& line) = 0;
};

struct worker_settings {
  std::string name;    ///< shown in hellos and log lines
  int slots = 1;       ///< jobs run at once
  bool once = false;   ///< exit when the sweep is over
  std::string master;  ///< the master's endpoint, for log lines
};

class worker_reactor {
 public:
  worker_reactor(worker_settings settings, job_runner& runner, worker_comm& comm);

  /// The loop runs: say hello.
  void start(steady_time now);
  /// A well-formed message from the master.
  void on_message(protocol::to_worker m, steady_time now);
  /// A job printed `bytes` on `stream` (1 stdout, 2 stderr).
  void on_output(job_serial job, int stream, std::string_view bytes, steady_time now);
  /// A job ended (the runner's report, exactly once per spawned job).
  void on_job_ended(job_serial job, const job_exit& e, steady_time now);
  /// A timer armed through worker_comm::arm fired; a firing that an arming since has
  /// superseded (it was already on its way) is ignored.
  void on_timer(worker_timer t, steady_time now);
  /// SIGTERM or SIGINT: exit once the running jobs were killed and reported.
  void on_signal(int signal);
  /// The socket monitor saw the connection to the master drop.
  void on_disconnected(steady_time now);
  /// The socket monitor saw the security handshake fail; `reason` says why in plain words.
  void on_handshake_failed(const std::string& reason);

  bool welcomed() const { return welcomed_; }
  bool exiting() const { return exiting_; }
  /// Running jobs that hold a slot (stale ones do not).
  std::size_t live_jobs() const;
  /// Running jobs, stale ones included.
  std::size_t jobs() const { return jobs_.size(); }

 private:
  struct running_job {
    point_id point = 0;
    int attempt = 0;
    std::uint64_t limit = 0;  ///< output_limit: bytes per stream sent
    std::uint64_t sent[3] = {0, 0, 0};  // by stream (1, 2)
    std::uint64_t dropped[3] = {0, 0, 0};
    std::string stdout_tail;
    bool stale = false;  ///< from a master we no longer serve: killed, and its end not reported
    int slot = 0;        ///< GRIDCTL_SLOT: unique among the live jobs, 0 .. slots-1
  };
  /// The lowest slot number no live job holds (a GPU per job: CUDA_VISIBLE_DEVICES=$GRIDCTL_SLOT).
  int free_slot_number() const;

  void handle(protocol::welcome& w, steady_time now);
  void handle(protocol::refuse& r, steady_time now);
  void handle(protocol::job& j, steady_time now);
  void handle(protocol::cancel& c, steady_time now);
  void handle(protocol::take_back& b, steady_time now);
  /// Starts a job in a free slot.
  void start_job(protocol::job& j);
  /// Starts the queue's first job in a freed slot, if one waits and a slot is free; its
  /// (point, attempt), for the done that freed the slot.
  std::optional<std::pair<point_id, int>> start_next_queued();
  /// Removes a queued job; false if it is not queued.
  bool unqueue(point_id point, int attempt);
  void return_queue();
  void handle(protocol::heartbeat& h, steady_time now);
  void handle(protocol::shutdown& s, steady_time now);

  /// Sends `m` now, after the reports held so far (the master sees messages in order).
  void send(const protocol::to_master& m);
  /// A report about a job: held while the queue holds more jobs than the ends held (the
  /// worker needs nothing from the master yet); sent with the held ones once it holds no more,
  /// report_hold_max after the first was held, or before any other message.
  void report(protocol::to_master m, steady_time now);
  /// Sends the held reports.
  void flush_reports();
  void say_hello(steady_time now);
  void repeat_hello(steady_time now);
  void heartbeat_due(steady_time now);
  void refuse_job(const protocol::job& j);
  void drop_stale_jobs();
  void begin_exit(const std::string& why);
  void finish_exit();
  void arm(worker_timer t, steady_time at);
  void disarm(worker_timer t);
  std::string prefix() const { return "gridctl worker " + settings_.name + ": "; }

  worker_settings settings_;
  job_runner& runner_;
  worker_comm& comm_;
  std::map<job_serial, running_job> jobs_;
  int run_slots_ = 1;  ///< jobs run at once: the welcome's slots (at most ours)
  std::deque<protocol::job> queue_;  ///< sent beyond the free slots, not started
  job_serial next_serial_ = 0;
  std::optional<steady_time> due_[3];  ///< by worker_timer: when it is armed to fire
  std::vector<protocol::to_master> held_;  ///< reports waiting to go out together (report())
  std::chrono::milliseconds heartbeat_{1000};
  std::chrono::milliseconds hello_backoff_ = hello_backoff_first;
  std::uint64_t registration_ = 0;
  steady_time hello_since_{};
  steady_time last_heard_{};
  bool told_waiting_ = false;
  bool sent_since_beat_ = false;  ///< a message went out since our last heartbeat time
  std::string told_handshake_;  ///< the last handshake failure logged (until welcomed)
  bool between_sweeps_ = false;  ///< the hello timer starts a new registration, after a sweep
  bool welcomed_ = false, exiting_ = false, exited_ = false;
  int exit_status_ = 0;
};

}  // namespace gridctl
