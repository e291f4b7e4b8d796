// scheduler: dispatch to free slots, retries, timeouts, lost workers, interrupts.
#include "scheduler.hpp"

#include <algorithm>
#include <cmath>

// GCC 12 at -O2 reports a false "maybe uninitialized" inside std::variant's move of
// action::ended (GCC bug 105937-like); every member has an initializer.
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

namespace gridctl {

scheduler::scheduler(scheduler_config cfg, std::unique_ptr<task_source> source)
    : cfg_(cfg), source_(std::move(source)) {}

std::optional<task> scheduler::next_task() {
  if (!retry_queue_.empty()) {
    task t = retry_queue_.front();
    retry_queue_.pop_front();
    return t;
  }
  if (source_done_) return std::nullopt;
  auto t = source_->next();
  if (!t) source_done_ = true;
  return t;
}

void scheduler::push_deadline(steady_time at, flight_key key) { deadlines_.emplace(at, key); }

void scheduler::fill_slots(std::vector<scheduler_action>& out, steady_time now) {
  dispatch_to_free_slots(out, now);
  // Nothing runs and nothing more could start: no verdict on held 126/127 ends can come.
  if (flights_.empty() && !held_.empty()) {
    flush_held(out);
    dispatch_to_free_slots(out, now);  // their retries, if any
  }
}

void scheduler::dispatch_to_free_slots(std::vector<scheduler_action>& out, steady_time now) {
  while (!stopping_) {
    // The worker with the oldest free slot, else the oldest queue room. Hints whose worker is
    // gone, draining or full are dropped.
    worker_id w = 0;
    worker_state* ws = nullptr;
    std::deque<worker_id>* from = nullptr;
    for (auto* q : {&free_slots_, &free_queue_}) {
      while (!q->empty()) {
        auto wit = workers_.find(q->front());
        const bool slot = q == &free_slots_;
        if (wit != workers_.end() && !wit->second.draining &&
            wit->second.in_flight < wit->second.slots + (slot ? 0 : wit->second.depth)) {
          w = q->front();
          ws = &wit->second;
          from = q;
          break;
        }
        q->pop_front();
      }
      if (ws) break;
    }
    if (!ws) return;
    auto t = next_task();
    if (!t) {
      take_back_for_idle_slots(out);
      return;
    }
    from->pop_front();
    flight f{w, *t, std::nullopt, stop_reason::none, flight_state::queued, now, ws->in_flight < ws->slots};
    flight_key key{t->id, t->attempt};
    add_in_flight(*ws, +1);
    ws->unstarted.push_back(key);
    flights_.emplace(key, f);
    out.push_back(action::dispatch{w, *t});
  }
}

namespace {
std::size_t idle_slots_of(int slots, int in_flight, bool draining) {
  return draining ? 0 : static_cast<std::size_t>(std::max(0, slots - in_flight));
}
}  // namespace

void scheduler::add_in_flight(worker_state& ws, int delta) {
  idle_slots_ -= idle_slots_of(ws.slots, ws.in_flight, ws.draining);
  ws.in_flight += delta;
  idle_slots_ += idle_slots_of(ws.slots, ws.in_flight, ws.draining);
}

void scheduler::set_draining(worker_state& ws) {
  idle_slots_ -= idle_slots_of(ws.slots, ws.in_flight, ws.draining);
  ws.draining = true;
}

/// When nothing is left to send and a slot is idle, a job queued elsewhere (beyond that
/// worker's slots) is asked back, one per idle slot.
void scheduler::take_back_for_idle_slots(std::vector<scheduler_action>& out) {
  if (stopping_) return;
  while (taking_back_ < idle_slots_) {
    flight* victim = nullptr;
    flight_key victim_key{};
    for (auto& [w, ws] : workers_) {
      if (ws.draining || ws.in_flight <= ws.slots) continue;
      // The newest queued flight not already being taken back; count those being taken back.
      int asked = 0;
      flight* newest = nullptr;
      flight_key newest_key{};
      for (const flight_key& k : ws.unstarted) {
        flight& f = flights_.at(k);
        if (f.state == flight_state::taking_back) ++asked;
        else if (f.stopping == stop_reason::none) newest = &f, newest_key = k;
      }
      if (newest && ws.in_flight - ws.slots > asked) {
        victim = newest;
        victim_key = newest_key;
        break;
      }
    }
    if (!victim) return;
    victim->state = flight_state::taking_back;
    ++taking_back_;
    out.push_back(action::take_back{victim->worker, victim_key.id, victim_key.attempt});
  }
}

void scheduler::release_slot(worker_id w) {
  auto it = workers_.find(w);
  if (it == workers_.end()) return;
  worker_state& ws = it->second;
  add_in_flight(ws, -1);
  if (ws.draining) return;
  if (ws.in_flight < ws.slots) free_slots_.push_back(w);
  else free_queue_.push_back(w);
}

void scheduler::mark_started(flight_key key, flight& f, steady_time now) {
  if (f.state == flight_state::running) return;
  if (f.state == flight_state::taking_back) --taking_back_;  // too late: it runs where it is
  f.state = flight_state::running;
  auto wit = workers_.find(f.worker);
  if (wit != workers_.end()) std::erase(wit->second.unstarted, key);
  if (cfg_.timeout && f.stopping == stop_reason::none) {
    f.deadline = now + *cfg_.timeout;
    push_deadline(*f.deadline, key);
  }
}

/// The flight `key` on worker `w` if it has not started (queued or being taken back).
scheduler::flight* scheduler::unstarted_flight(worker_id w, flight_key key) {
  auto it = flights_.find(key);
  if (it == flights_.end() || it->second.worker != w || it->second.state == flight_state::running) return nullptr;
  return &it->second;
}

std::vector<scheduler_action> scheduler::attempt_started(worker_id w, point_id id, int attempt, steady_time now) {
  std::vector<scheduler_action> out;
  heard_from(w, now);
  const flight_key key{id, attempt};
  flight* fp = unstarted_flight(w, key);
  if (!fp) return out;  // late, duplicate, or already known to run
  flight& f = *fp;
  const bool was_taking_back = f.state == flight_state::taking_back;
  if (f.into_idle_slot) {
    // Sent to a free slot: from sending to its start, that slot was idle (the round trip).
    double sample = std::chrono::duration<double, std::micro>(now - f.sent_at).count();
    rtt_us_ = rtt_known_ ? rtt_us_ + (sample - rtt_us_) / 8 : sample;
    rtt_known_ = true;
  }
  mark_started(key, f, now);
  if (was_taking_back) take_back_for_idle_slots(out);  // ask another worker instead
  return out;
}

std::vector<scheduler_action> scheduler::attempt_returned(worker_id w, point_id id, int attempt, steady_time now) {
  std::vector<scheduler_action> out;
  heard_from(w, now);
  const flight_key key{id, attempt};
  if (!unstarted_flight(w, key)) return out;  // late, duplicate, or it ran
  requeue_unstarted(key, out);
  release_slot(w);
  fill_slots(out, now);
  return out;
}

/// A flight that never started leaves: no record; first in line again unless stopping.
void scheduler::requeue_unstarted(flight_key key, std::vector<scheduler_action>& out) {
  auto it = flights_.find(key);
  flight f = std::move(it->second);
  flights_.erase(it);
  if (f.state == flight_state::taking_back) --taking_back_;
  auto wit = workers_.find(f.worker);
  if (wit != workers_.end()) std::erase(wit->second.unstarted, key);
  if (!stopping_) retry_queue_.push_front(f.t);
  out.push_back(action::returned{f.worker, std::move(f.t)});
}

int scheduler::depth_for(int slots) const {
  if (job_us_ <= 0) return 0;  // nothing measured yet: the first jobs go to free slots only
  const double rtt = rtt_known_ ? rtt_us_ : 1000.0;  // 1 ms until measured
  if (job_us_ >= long_job_round_trips * rtt) return 0;
  // S T / D jobs end on this worker in a span T. The worker reports when half its queue is
  // used up (worker_reactor::report), so the other half must cover a round trip: T = 2 R,
  // twice a round trip for the jitter of a loaded machine. And the worker may hold its reports
  // up to report_hold_max anyway: a queue that covers the ends of that span too lets them travel
  // to the master, and its answer travel back, together (each exchange costs the master more
  // than the jobs it carries: bench/README.md, "transport floor").
  const double hold_us = std::chrono::duration<double, std::micro>(report_hold_max).count();
  const double need = 2.0 * slots * std::max(2.0 * rtt, hold_us) / job_us_;
  return std::min(lookahead_cap(slots), std::max(1, static_cast<int>(std::ceil(need))));
}

void scheduler::update_depth(worker_id w, worker_state& ws) {
  const int depth = depth_for(ws.slots);
  for (int i = ws.depth; i < depth; ++i) free_queue_.push_back(w);  // more room: hints
  ws.depth = depth;
}

void scheduler::end_flight(flight_key key, attempt_status status, std::string error,
                           std::vector<scheduler_action>& out) {
  auto it = flights_.find(key);
  flight f = std::move(it->second);
  flights_.erase(it);
  finish(f.worker, f.t, status, std::move(error), out);
}

void scheduler::finish(worker_id w, const task& t, attempt_status status, std::string error,
                       std::vector<scheduler_action>& out) {
  task next = t;
  next.attempt = t.attempt + 1;
  const std::size_t queued = retry_queue_.size();
  switch (status) {
    case attempt_status::ok:
      ++ok_;
      break;
    case attempt_status::failed:
    case attempt_status::timeout:
      if (t.tries_left > 1 && !stopping_) {
        next.tries_left = t.tries_left - 1;
        retry_queue_.push_back(next);
      } else if (t.tries_left <= 1) {
        ++failed_;
      }
      break;
    case attempt_status::lost: {
      next.losses = t.losses + 1;
      auto wit = workers_.find(w);
      std::string name = wit != workers_.end() && !wit->second.name.empty() ? wit->second.name
                                                                             : "#" + std::to_string(w);
      if (std::find(next.lost_on.begin(), next.lost_on.end(), name) == next.lost_on.end()) next.lost_on.push_back(name);
      if (next.losses >= cfg_.max_losses && next.lost_on.size() >= static_cast<std::size_t>(min_workers_lost_on)) {
        status = attempt_status::failed;
        error = "its worker was lost " + std::to_string(next.losses) + " times, on " +
                std::to_string(next.lost_on.size()) + " workers";
        ++failed_;
      } else if (!stopping_) {
        retry_queue_.push_back(next);
      }
      break;
    }
    case attempt_status::canceled:
      break;
  }
  action::ended e{w, t, status, std::move(error)};
  e.runs_again = retry_queue_.size() > queued;
  out.push_back(std::move(e));
}

void scheduler::lose_worker(worker_id w, std::vector<scheduler_action>& out) {
  auto wit = workers_.find(w);
  if (wit == workers_.end()) return;
  total_slots_ -= static_cast<std::size_t>(wit->second.slots);
  set_draining(wit->second);  // erased below, once its flights know its name
  std::erase(free_slots_, w);  // a later registration under the same id starts afresh
  std::erase(free_queue_, w);
  std::vector<flight_key> keys;
  for (const auto& [key, f] : flights_)
    if (f.worker == w) keys.push_back(key);
  for (const auto& key : keys) {
    if (flights_.at(key).state != flight_state::running) {  // it never ran: not a loss
      requeue_unstarted(key, out);
      continue;
    }
    // A cancel we sent and never saw confirmed still ends as what it was meant to be.
    stop_reason why = flights_.at(key).stopping;
    attempt_status status = why == stop_reason::interrupt ? attempt_status::canceled
                            : why == stop_reason::timeout ? attempt_status::timeout
                                                          : attempt_status::lost;
    end_flight(key, status, status == attempt_status::lost ? "its worker was lost" : "", out);
  }
  workers_.erase(w);
}

std::vector<scheduler_action> scheduler::worker_joined(worker_id w, int slots, steady_time now, std::string name) {
  std::vector<scheduler_action> out;
  if (workers_.count(w)) lose_worker(w, out);
  worker_state& ws = workers_[w];
  ws = worker_state{slots, 0, 0, false, now, std::move(name), {}};
  idle_slots_ += static_cast<std::size_t>(slots);
  total_slots_ += static_cast<std::size_t>(slots);
  for (int i = 0; i < slots; ++i) free_slots_.push_back(w);
  update_depth(w, ws);
  silence_.emplace(now + silent_heartbeats_to_lose * cfg_.heartbeat, w);
  fill_slots(out, now);
  return out;
}

std::vector<scheduler_action> scheduler::worker_left(worker_id w, steady_time now) {
  std::vector<scheduler_action> out;
  lose_worker(w, out);
  fill_slots(out, now);
  return out;
}

void scheduler::heard_from(worker_id w, steady_time now) {
  auto it = workers_.find(w);
  if (it != workers_.end()) it->second.last_heard = now;
}

std::vector<scheduler_action> scheduler::attempt_ended(worker_id w, point_id id, int attempt, exit_report r,
                                                       steady_time now) {
  std::vector<scheduler_action> out;
  heard_from(w, now);
  flight_key key{id, attempt};
  auto it = flights_.find(key);
  if (it == flights_.end() || it->second.worker != w) return out;  // late or duplicate
  mark_started(key, it->second, now);  // an end report says it began, if nothing did before
  worker_state& ws = workers_.at(w);
  if (r.worker_exiting) set_draining(ws);
  attempt_status status = classify(it->second, r);
  std::string error = status == attempt_status::lost ? "its worker shut down" : "";
  if (status == attempt_status::ok && !r.failure.empty()) {  // e.g. a required metric is missing
    status = attempt_status::failed;
    error = r.failure;
  }
  const bool cannot_run = status == attempt_status::failed && r.exit_code && (*r.exit_code == 126 || *r.exit_code == 127);
  // A program that cannot run ends at once: that says nothing of how long jobs take, and a
  // deep queue would only run more of them before the sweep stops.
  if (r.duration.count() > 0 && !cannot_run) {
    const double us = static_cast<double>(r.duration.count());
    job_us_ = job_us_ == 0 ? us : job_us_ + (us - job_us_) / 8;
    update_depth(w, ws);
  }
  if (cannot_run && checking_unrunnable_) {
    held_end h{w, it->second.t, *r.exit_code};
    flights_.erase(it);
    hold_unrunnable(std::move(h), now, out);
  } else {
    if (!cannot_run) flush_held(out);  // the command does run: held ends are ordinary failures
    end_flight(key, status, std::move(error), out);
  }
  release_slot(w);
  fill_slots(out, now);
  return out;
}

attempt_status scheduler::classify(const flight& f, const exit_report& r) {
  // The status says what happened to the job, not what we asked of it: a job that finished
  // with exit 0 despite a cancel, a timeout's SIGTERM or its worker's shutdown is ok.
  if (r.exit_code == 0 && !r.signal) return attempt_status::ok;
  switch (f.stopping) {
    case stop_reason::timeout: return attempt_status::timeout;
    case stop_reason::interrupt: return attempt_status::canceled;
    case stop_reason::none: break;
  }
  // A worker shutting down (SIGTERM) kills its jobs: not the point's fault, so like a loss.
  return r.worker_exiting ? attempt_status::lost : attempt_status::failed;
}

void scheduler::hold_unrunnable(held_end h, steady_time now, std::vector<scheduler_action>& out) {
  if (held_.empty()) hold_until_ = now + cfg_.unrunnable_hold;
  held_.push_back(std::move(h));
  if (held_.size() < static_cast<std::size_t>(cfg_.unrunnable_stop)) return;
  // Every attempt so far failed to start the command: running the rest would fail each point
  // one by one. Record these as failures that use no try, so a rerun (after fixing the
  // program's path or permissions) runs them, and stop.
  checking_unrunnable_ = false;
  const int code = held_.back().exit_code;
  stopped_because_ = "the command cannot run: the first " + std::to_string(held_.size()) +
                     " attempts all exited " + std::to_string(code) +
                     (code == 127 ? " (command not found)" : " (permission denied or not executable)") +
                     "; see their stderr in the results file, fix the command and run the sweep again";
  for (held_end& held : held_)
    out.push_back(action::ended{held.worker, held.t, attempt_status::failed,
                                "the command could not run; the sweep stopped, this attempt used no try", false});
  held_.clear();
  stop_dispatch(now, out);
}

void scheduler::flush_held(std::vector<scheduler_action>& out) {
  checking_unrunnable_ = false;
  std::vector<held_end> held = std::move(held_);
  held_.clear();
  for (held_end& h : held) finish(h.worker, h.t, attempt_status::failed, "", out);
}

bool scheduler::is_running(worker_id w, point_id id, int attempt) const {
  auto it = flights_.find(flight_key{id, attempt});
  return it != flights_.end() && it->second.worker == w;
}

std::vector<scheduler_action> scheduler::tick(steady_time now) {
  std::vector<scheduler_action> out;
  // How long a worker has to confirm a cancel: the kill grace plus a heartbeat's worth of lag.
  const duration answer_window = cfg_.kill_grace + silent_heartbeats_to_lose * cfg_.heartbeat;
  std::vector<worker_id> unresponsive;
  while (!deadlines_.empty() && deadlines_.top().first <= now) {
    auto [at, key] = deadlines_.top();
    deadlines_.pop();
    auto it = flights_.find(key);
    if (it == flights_.end() || it->second.deadline != at) continue;  // stale entry
    flight& f = it->second;
    if (f.stopping == stop_reason::none) {
      f.stopping = stop_reason::timeout;
      f.deadline = now + answer_window;
      push_deadline(*f.deadline, key);
      out.push_back(action::cancel{f.worker, key.id, key.attempt});
    } else {
      // The worker neither ended the attempt nor went silent: it cannot be trusted with slots.
      unresponsive.push_back(f.worker);
    }
  }
  for (worker_id w : unresponsive) lose_worker(w, out);
  if (!held_.empty() && now >= hold_until_) flush_held(out);  // no verdict in time: ordinary failures

  // Each worker is checked when it would have been silent too long, not on every tick; and
  // those checks are batched once per heartbeat, so 1,000 workers do not wake the loop 1,000
  // times per 3 heartbeats.
  const duration silence = silent_heartbeats_to_lose * cfg_.heartbeat;
  if (now >= next_silence_check_ && !silence_.empty() && silence_.top().first <= now) {
    next_silence_check_ = now + cfg_.heartbeat;
    while (!silence_.empty() && silence_.top().first <= now) {
      worker_id w = silence_.top().second;
      silence_.pop();
      auto it = workers_.find(w);
      if (it == workers_.end()) continue;
      if (now - it->second.last_heard > silence) lose_worker(w, out);
      else silence_.emplace(it->second.last_heard + silence + duration(1), w);
    }
  }
  fill_slots(out, now);
  return out;
}

std::vector<scheduler_action> scheduler::stop(steady_time now) {
  std::vector<scheduler_action> out;
  if (stopping_) return out;
  flush_held(out);
  stop_dispatch(now, out);
  return out;
}

void scheduler::stop_dispatch(steady_time now, std::vector<scheduler_action>& out) {
  stopping_ = true;
  retry_queue_.clear();
  const duration answer_window = cfg_.kill_grace + silent_heartbeats_to_lose * cfg_.heartbeat;
  // Queued jobs are canceled first: a worker that reads a running job's cancel first would
  // start a queued one in the freed slot, only to kill it when its own cancel comes.
  for (bool queued : {true, false}) {
    for (auto& [key, f] : flights_) {
      if ((f.state == flight_state::queued) != queued) continue;
      bool already_canceled = f.stopping == stop_reason::timeout;
      if (!already_canceled) f.stopping = stop_reason::interrupt;
      f.deadline = now + answer_window;
      push_deadline(*f.deadline, key);
      if (!already_canceled) out.push_back(action::cancel{f.worker, key.id, key.attempt});
    }
  }
}

steady_time scheduler::next_deadline() const {
  steady_time next = steady_time::max();
  if (!deadlines_.empty()) next = deadlines_.top().first;
  if (!held_.empty() && hold_until_ < next) next = hold_until_;
  if (!silence_.empty()) next = std::min(next, std::max(silence_.top().first, next_silence_check_));
  return next;
}

bool scheduler::finished() {
  if (!flights_.empty() || !held_.empty()) return false;
  if (stopping_) return true;
  if (!retry_queue_.empty()) return false;
  if (source_done_) return true;
  auto t = source_->next();
  if (!t) {
    source_done_ = true;
    return true;
  }
  retry_queue_.push_front(*t);  // looked ahead: it is simply the next point to run
  return false;
}

}  // namespace gridctl
