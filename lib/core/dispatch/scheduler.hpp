// scheduler: every decision of a running sweep, with no I/O. The master feeds it events (a
// worker joined, an attempt ended, time passed) with the current time and carries out the
// actions it returns (send a job, send a cancel, record an ended attempt).
//
//   points ---> [retry queue | task_source] --dispatch--> free slot of a worker (FIFO of slots)
//   attempt ends:  ok -> done | failed/timeout -> retry while tries are left, else failed
//   worker silent for 3 heartbeats -> its attempts are `lost` and queued again (same tries);
//   the 3rd loss of a point, once it was lost on at least 2 distinct workers, makes it `failed`.
//   stop() -> no more dispatch; every running attempt is canceled and recorded `canceled`.
//   An attempt that exits 0 is `ok` whatever was asked of it (a cancel, its worker's shutdown).
//   The first attempts of a run all exiting 126/127 (the command cannot run) stop the sweep.
//
// Pull-based with lookahead: a job goes only to a worker with room; a worker's room is its
// hello's slot count plus a small queue (depth_for(): from the measured round trip and job
// durations, 0 when jobs are long compared with the round trip). A flight is `queued` (sent,
// its start not reported), `running` (the worker reported its start: its timeout runs from
// then) or `taking_back` (a slot elsewhere is idle and nothing else is left to run: the worker
// was asked to give it back). A job given back (`returned`), or queued on a worker that is lost
// or leaves, never ran: it goes first in line again, same attempt, no try and no loss used, no
// record. A take-back that crosses the job's start just fails: the job runs where it is.
// Each attempt is identified by (point, attempt number); an end report for an attempt that is
// not running on that worker (late, duplicate, after a loss) is dropped.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <unordered_map>
#include <variant>
#include <vector>

#include "duration.hpp"
#include "grid.hpp"
#include "attempt_status.hpp"

namespace gridctl {

using steady_time = std::chrono::steady_clock::time_point;

/// One attempt to make at one point.
struct task {
  std::uint64_t index = 0;  ///< point number in the grid
  point_id id = 0;
  int attempt = 1;     ///< attempt number (continues the results file's numbering)
  int tries_left = 1;  ///< attempts left for failed/timeout results, this one included
  int losses = 0;      ///< times this point's worker was lost in this run
  /// Names of the workers on which it was lost (distinct): losses fail a point only when they
  /// happened on at least 2 of them, so one bad (or hostile) worker cannot fail points.
  std::vector<std::string> lost_on;
};

/// Yields the points to run, lazily and in order (the resume planner behind it skips done ones).
class task_source {
 public:
  virtual ~task_source() = default;
  virtual std::optional<task> next() = 0;
};

/// The master's handle of a connected worker; never reused within a run.
using worker_id = std::uint64_t;

/// The losses, on distinct workers, that make a point failed; and the silent heartbeats that
/// make a worker lost (named so that the 3s of the README are not magic numbers).
inline constexpr int losses_to_fail = 3;
inline constexpr int min_workers_lost_on = 2;
inline constexpr int silent_heartbeats_to_lose = 3;

struct scheduler_config {
  std::optional<duration> timeout;  ///< per attempt
  duration heartbeat = std::chrono::seconds(1);
  duration kill_grace = std::chrono::seconds(5);
  int max_losses = losses_to_fail;  ///< the loss that makes a point failed (on at least 2 distinct workers)
  /// The first attempts of a run that must all end 126/127 (cannot run) to stop the sweep.
  int unrunnable_stop = 5;
  /// How long an early 126/127 result may wait for that verdict before it is recorded as usual.
  duration unrunnable_hold = std::chrono::seconds(10);
};


/// How a worker said an attempt ended.
struct exit_report {
  std::optional<int> exit_code;
  std::optional<int> signal;
  bool worker_exiting = false;  ///< the worker killed it because it is shutting down
  std::string failure;          ///< non-empty: an exit 0 that counts as failed, and why (require_metrics)
  std::chrono::microseconds duration{0};  ///< how long the job ran (for the lookahead depth)
};

/// The most jobs a worker of `slots` slots may hold beyond them (the worker refuses more):
/// twice its slots, between 32 and 64. Short jobs need it: the worker's reports travel, and the
/// master's answers come back, in batches of up to half the queue (bench/README.md, protocol 4).
inline int lookahead_cap(int slots) { return std::clamp(2 * slots, 32, 64); }
/// The longest a worker's report (started, output, done) waits to go out with others while its
/// queue still holds jobs (worker_reactor::report). The scheduler sizes queues to fill it.
inline constexpr std::chrono::milliseconds report_hold_max{20};
/// Jobs this many round trips long (or longer) get no lookahead: a round trip costs a slot
/// under 0.1 % of its time.
inline constexpr int long_job_round_trips = 1000;

namespace action {
/// Send this attempt to that worker.
struct dispatch {
  worker_id worker = 0;
  task t;
};
/// Ask that worker to stop this attempt (timeout or interrupt).
struct cancel {
  worker_id worker = 0;
  point_id id = 0;
  int attempt = 0;
};
/// Ask that worker to give back this queued attempt (a slot elsewhere is idle).
struct take_back {
  worker_id worker = 0;
  point_id id = 0;
  int attempt = 0;
};
/// The attempt never ran (given back, or queued on a worker that went): no record; its
/// output buffer is dropped. It runs again as the same attempt unless the sweep stops.
struct returned {
  worker_id worker = 0;
  task t;
};
/// The attempt is over: write its record. `error` is gridctl's own note, or empty.
struct ended {
  worker_id worker = 0;
  task t;
  attempt_status status = attempt_status::ok;
  std::string error;
  bool uses_try = true;  ///< false: a failure that does not count against the retry budget
  bool runs_again = false;  ///< the point was queued for another attempt (a retry, or after a loss)
};
}  // namespace action
using scheduler_action = std::variant<action::dispatch, action::cancel, action::ended, action::take_back, action::returned>;

class scheduler {
 public:
  scheduler(scheduler_config cfg, std::unique_ptr<task_source> source);

  /// A worker registered with `slots` slots. `name` tells workers apart for the loss rule
  /// (empty: the worker id stands for it).
  std::vector<scheduler_action> worker_joined(worker_id w, int slots, steady_time now, std::string name = {});
  /// A worker said goodbye or was refused: like a loss, without waiting for silence.
  std::vector<scheduler_action> worker_left(worker_id w, steady_time now);
  /// Any message from a worker proves it alive.
  void heard_from(worker_id w, steady_time now);
  /// A worker reports that a queued attempt began (its timeout starts now).
  std::vector<scheduler_action> attempt_started(worker_id w, point_id id, int attempt, steady_time now);
  /// A worker gave back a queued attempt unstarted (take_back, a cancel, its exit).
  std::vector<scheduler_action> attempt_returned(worker_id w, point_id id, int attempt, steady_time now);
  /// A worker reports an attempt ended. Late or duplicate reports give no actions.
  std::vector<scheduler_action> attempt_ended(worker_id w, point_id id, int attempt, exit_report r,
                                              steady_time now);
  /// Time passed: attempt deadlines, silent workers, cancels that got no answer.
  std::vector<scheduler_action> tick(steady_time now);
  /// Interrupt: dispatch nothing more, cancel everything running.
  std::vector<scheduler_action> stop(steady_time now);

  /// Whether an attempt is running on that worker now (output for other attempts is dropped).
  bool is_running(worker_id w, point_id id, int attempt) const;
  /// Whether that attempt's start was reported (it is not waiting in a worker's queue).
  bool has_started(point_id id, int attempt) const {
    auto it = flights_.find(flight_key{id, attempt});
    return it != flights_.end() && it->second.state == flight_state::running;
  }
  /// When tick() next has something to do.
  steady_time next_deadline() const;
  /// No attempt is running and none will start.
  bool finished();
  bool stopping() const { return stopping_; }
  /// Why the scheduler stopped the sweep by itself (empty: it did not).
  const std::string& stopped_because() const { return stopped_because_; }
  bool knows(worker_id w) const { return workers_.count(w) != 0; }

  std::uint64_t points_ok() const { return ok_; }
  std::uint64_t points_failed() const { return failed_; }
  std::uint64_t running() const { return flights_.size(); }
  /// Extra jobs a worker of `slots` slots may hold now, from the durations and round trips
  /// measured so far (0 until a job has ended).
  int depth_for(int slots) const;
  /// The measured mean job duration and master-to-start round trip (0: none yet).
  duration mean_job() const { return duration(static_cast<duration::rep>(job_us_ / 1000)); }
  double round_trip_us() const { return rtt_us_; }
  std::size_t workers() const { return workers_.size(); }
  std::size_t slots() const { return total_slots_; }

 private:
  struct flight_key {
    point_id id;
    int attempt;
    bool operator==(const flight_key&) const = default;
  };
  struct flight_key_hash {
    std::size_t operator()(const flight_key& k) const { return k.id ^ (static_cast<std::size_t>(k.attempt) << 1); }
  };
  enum class stop_reason { none, timeout, interrupt };
  enum class flight_state { queued, running, taking_back };
  struct flight {
    worker_id worker;
    task t;
    std::optional<steady_time> deadline;  ///< timeout, or when an unanswered cancel is given up on
    stop_reason stopping = stop_reason::none;
    flight_state state = flight_state::queued;
    steady_time sent_at{};
    bool into_idle_slot = false;  ///< sent to a free slot: its start measures the round trip
  };
  struct worker_state {
    int slots = 0;
    int in_flight = 0;  ///< flights on it, queued or running
    int depth = 0;      ///< lookahead: flights it may hold beyond its slots
    bool draining = false;  ///< shutting down: its freed slots take no new job
    steady_time last_heard;
    std::string name;
    std::vector<flight_key> unstarted;  ///< queued flights, oldest first
  };
  /// An early 126/127 end waiting for the verdict "the command cannot run" (see unrunnable_stop).
  struct held_end {
    worker_id worker;
    task t;
    int exit_code;
  };

  void fill_slots(std::vector<scheduler_action>& out, steady_time now);
  void end_flight(flight_key key, attempt_status status, std::string error, std::vector<scheduler_action>& out);
  void lose_worker(worker_id w, std::vector<scheduler_action>& out);
  void release_slot(worker_id w);
  void add_in_flight(worker_state& ws, int delta);
  void set_draining(worker_state& ws);
  void mark_started(flight_key key, flight& f, steady_time now);
  flight* unstarted_flight(worker_id w, flight_key key);
  void take_back_for_idle_slots(std::vector<scheduler_action>& out);
  void update_depth(worker_id w, worker_state& ws);
  void requeue_unstarted(flight_key key, std::vector<scheduler_action>& out);
  attempt_status classify(const flight& f, const exit_report& r);
  void hold_unrunnable(held_end h, steady_time now, std::vector<scheduler_action>& out);
  void finish(worker_id w, const task& t, attempt_status status, std::string error, std::vector<scheduler_action>& out);
  void dispatch_to_free_slots(std::vector<scheduler_action>& out, steady_time now);
  void flush_held(std::vector<scheduler_action>& out);
  void stop_dispatch(steady_time now, std::vector<scheduler_action>& out);
  std::optional<task> next_task();
  void push_deadline(steady_time at, flight_key key);

  scheduler_config cfg_;
  std::unique_ptr<task_source> source_;
  bool source_done_ = false;
  bool stopping_ = false;
  std::deque<task> retry_queue_;
  std::unordered_map<worker_id, worker_state> workers_;
  // Room on workers, oldest first: free slots (a job sent there starts at once), then queue
  // room. Entries are hints, checked when taken (a worker's room may have shrunk since).
  std::deque<worker_id> free_slots_;
  std::deque<worker_id> free_queue_;
  std::size_t idle_slots_ = 0;   ///< free slots of workers that are not draining
  std::size_t taking_back_ = 0;  ///< take_back requests without an answer yet
  // Silence checks: (when, worker), earliest first; a worker heard from since is pushed again.
  using silence_entry = std::pair<steady_time, worker_id>;
  struct later_silence {
    bool operator()(const silence_entry& a, const silence_entry& b) const { return a.first > b.first; }
  };
  std::priority_queue<silence_entry, std::vector<silence_entry>, later_silence> silence_;
  steady_time next_silence_check_{};  ///< silence checks run at most once per heartbeat
  double job_us_ = 0;  ///< mean job duration (moving average), microseconds
  bool rtt_known_ = false;
  double rtt_us_ = 0;  ///< mean time from sending a job to a free slot to hearing it began
  std::unordered_map<flight_key, flight, flight_key_hash> flights_;
  // Attempt deadlines, earliest first; entries whose flight is gone or moved on are skipped.
  using deadline_entry = std::pair<steady_time, flight_key>;
  struct later {
    bool operator()(const deadline_entry& a, const deadline_entry& b) const { return a.first > b.first; }
  };
  std::priority_queue<deadline_entry, std::vector<deadline_entry>, later> deadlines_;
  // Early 126/127 ends: checked until the first other end (or the hold runs out).
  bool checking_unrunnable_ = true;
  std::vector<held_end> held_;
  steady_time hold_until_{};
  std::string stopped_because_;
  std::size_t total_slots_ = 0;
  std::uint64_t ok_ = 0;
  std::uint64_t failed_ = 0;
};

}  // namespace gridctl
