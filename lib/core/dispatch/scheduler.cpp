// scheduler: dispatch to free slots, retries, timeouts, lost workers, interrupts.
#include "scheduler.hpp"

#include <algorithm>

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
  while (!stopping_ && !free_slots_.empty()) {
    worker_id w = free_slots_.front();
    auto wit = workers_.find(w);
    if (wit == workers_.end() || wit->second.draining) {  // a slot of a worker that is going
      free_slots_.pop_front();
      continue;
    }
    auto t = next_task();
    if (!t) return;
    free_slots_.pop_front();
    ++wit->second.busy;
    flight f{w, *t, std::nullopt, stop_reason::none};
    flight_key key{t->id, t->attempt};
    if (cfg_.timeout) {
      f.deadline = now + *cfg_.timeout;
      push_deadline(*f.deadline, key);
    }
    flights_.emplace(key, f);
    out.push_back(action::dispatch{w, *t});
  }
}

void scheduler::release_slot(worker_id w) {
  auto it = workers_.find(w);
  if (it == workers_.end()) return;
  --it->second.busy;
  if (!it->second.draining) free_slots_.push_back(w);
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
  wit->second.draining = true;  // erased below, once its flights know its name
  std::erase(free_slots_, w);  // a later registration under the same id starts afresh
  std::vector<flight_key> keys;
  for (const auto& [key, f] : flights_)
    if (f.worker == w) keys.push_back(key);
  for (const auto& key : keys) {
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
  workers_[w] = worker_state{slots, 0, false, now, std::move(name)};
  total_slots_ += static_cast<std::size_t>(slots);
  for (int i = 0; i < slots; ++i) free_slots_.push_back(w);
  if (next_silence_check_ == steady_time{}) next_silence_check_ = now + cfg_.heartbeat;
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
  if (r.worker_exiting) workers_.at(w).draining = true;
  attempt_status status = classify(it->second, r);
  std::string error = status == attempt_status::lost ? "its worker shut down" : "";
  if (status == attempt_status::ok && !r.failure.empty()) {  // e.g. a required metric is missing
    status = attempt_status::failed;
    error = r.failure;
  }
  const bool cannot_run = status == attempt_status::failed && r.exit_code && (*r.exit_code == 126 || *r.exit_code == 127);
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

  if (!workers_.empty() && now >= next_silence_check_) {
    std::vector<worker_id> silent;
    for (const auto& [w, ws] : workers_)
      if (now - ws.last_heard > silent_heartbeats_to_lose * cfg_.heartbeat) silent.push_back(w);
    for (worker_id w : silent) lose_worker(w, out);
    next_silence_check_ = now + cfg_.heartbeat;
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
  for (auto& [key, f] : flights_) {
    bool already_canceled = f.stopping == stop_reason::timeout;
    if (!already_canceled) f.stopping = stop_reason::interrupt;
    f.deadline = now + answer_window;
    push_deadline(*f.deadline, key);
    if (!already_canceled) out.push_back(action::cancel{f.worker, key.id, key.attempt});
  }
}

steady_time scheduler::next_deadline() const {
  steady_time next = steady_time::max();
  if (!deadlines_.empty()) next = deadlines_.top().first;
  if (!held_.empty() && hold_until_ < next) next = hold_until_;
  if (!workers_.empty() && next_silence_check_ < next) next = next_silence_check_;
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
