// worker_reactor: the worker's registration, job, flow-control and exit rules.
#include "worker_reactor.hpp"

#include <algorithm>
#include <utility>
#include <variant>

#include "utf8.hpp"

namespace gridctl {

namespace proto = protocol;

worker_reactor::worker_reactor(worker_settings settings, job_runner& runner, worker_comm& comm)
    : settings_(std::move(settings)), runner_(runner), comm_(comm) {}

std::size_t worker_reactor::live_jobs() const {
  return static_cast<std::size_t>(std::count_if(jobs_.begin(), jobs_.end(), [](const auto& j) { return !j.second.stale; }));
}

void worker_reactor::start(steady_time now) {
  comm_.log(prefix() + std::to_string(settings_.slots) + " slots, master " + settings_.master);
  last_heard_ = now;
  say_hello(now);
}

// ---- registration ------------------------------------------------------------------------

/// Starts a new registration: says hello now and again, backing off, until welcomed. Hellos
/// sent while no master is there wait in the socket's queue (at most its high-water mark); they
/// all carry the same registration number, so a master that finds several answers each with a
/// welcome and registers the worker once. (ZMQ_IMMEDIATE would avoid the queue, but with it
/// libzmq 4.3.4 here lost the master's last message now and then.)
void worker_reactor::say_hello(steady_time now) {
  if (exiting_) return;
  welcomed_ = false;
  between_sweeps_ = false;
  disarm(worker_timer::heartbeat);
  ++registration_;
  hello_backoff_ = hello_backoff_first;
  hello_since_ = now;
  told_waiting_ = false;
  repeat_hello(now);
}

void worker_reactor::repeat_hello(steady_time now) {
  if (exiting_ || welcomed_) return;
  if (!told_waiting_ && told_handshake_.empty() && now - hello_since_ > no_master_hint_after) {
    // Normal for a persistent worker between sweeps; a hint when the endpoint is wrong.
    comm_.log(prefix() + "no master at " + settings_.master +
              " yet; waiting (is a sweep running with --listen, and is its port reachable?)");
    told_waiting_ = true;
  }
  send(proto::hello{proto::version, settings_.name, settings_.slots, registration_});
  arm(worker_timer::hello, now + hello_backoff_);
  hello_backoff_ = std::min(hello_backoff_ * 2, hello_backoff_max);
}

void worker_reactor::on_message(proto::to_worker m, steady_time now) {
  if (exited_) return;
  last_heard_ = now;
  std::visit([&](auto& msg) { handle(msg, now); }, m);
}

void worker_reactor::handle(proto::welcome& w, steady_time now) {
  if (w.version != proto::version) {
    comm_.log("gridctl worker: the master speaks protocol " + std::to_string(w.version) + ", this worker " +
              std::to_string(proto::version) + ": use the same gridctl version on both");
    exit_status_ = 2;
    begin_exit("protocol mismatch");
    return;
  }
  if (!welcomed_) comm_.log(prefix() + "registered with the master");
  told_handshake_.clear();
  welcomed_ = true;
  between_sweeps_ = false;
  disarm(worker_timer::hello);
  heartbeat_ = std::chrono::milliseconds(w.heartbeat_ms);
  // The master may run fewer jobs at once than we have slots (cores_per_job).
  run_slots_ = w.slots > 0 ? std::min(w.slots, settings_.slots) : settings_.slots;
  arm(worker_timer::heartbeat, now + heartbeat_);
}

void worker_reactor::handle(proto::refuse& r, steady_time) {
  comm_.log("gridctl worker: the master refused this worker: " + printable(r.reason));
  exit_status_ = 2;
  begin_exit("refused");
}

void worker_reactor::handle(proto::shutdown& s, steady_time now) {
  if (s.reason == "unknown") {
    // The master does not know us: it restarted, or it declared us lost. Our jobs are stale.
    // Only the first such answer counts: the master answers every message we sent before our
    // new hello reached it, and a second reset would drop the jobs of the new registration.
    if (!welcomed_ || exiting_) return;  // exiting: its jobs are being stopped anyway
    comm_.log("gridctl worker: the master no longer knows this worker; registering again");
    drop_stale_jobs();
    say_hello(now);
    return;
  }
  comm_.log(prefix() + "the sweep is over");
  drop_stale_jobs();
  if (settings_.once) {
    begin_exit("sweep over");
    return;
  }
  // Persistent: wait for the next sweep's master on the same endpoint. This master may still
  // be closing: say hello after a moment, so it is not the one that welcomes us.
  welcomed_ = false;
  disarm(worker_timer::heartbeat);
  between_sweeps_ = true;
  arm(worker_timer::hello, now + next_sweep_hello_delay);
}

void worker_reactor::on_disconnected(steady_time now) {
  if (exited_ || !welcomed_ || exiting_) return;
  // What was in flight is gone: jobs may have been sent and reports lost.
  comm_.log(prefix() + "the connection to the master dropped; registering again");
  drop_stale_jobs();
  comm_.reconnect();
  say_hello(now);
}

void worker_reactor::on_handshake_failed(const std::string& reason) {
  if (exited_ || exiting_ || reason == told_handshake_) return;
  told_handshake_ = reason;
  if (settings_.once) {
    comm_.log(prefix() + reason);
    exit_status_ = 2;
    begin_exit("no trusted master");
    return;
  }
  comm_.log(prefix() + reason + "; retrying with backoff (every second at most)");
}

void worker_reactor::drop_stale_jobs() {
  flush_reports();  // what was said before the reset goes out as it would have
  queue_.clear();  // never started: the master that sent them no longer knows them
  for (auto& [serial, rj] : jobs_) {
    rj.stale = true;
    runner_.kill(serial);
  }
}

// ---- timers ------------------------------------------------------------------------------

void worker_reactor::arm(worker_timer t, steady_time at) {
  due_[static_cast<int>(t)] = at;
  comm_.arm(t, at);
}

void worker_reactor::disarm(worker_timer t) {
  auto& due = due_[static_cast<int>(t)];
  if (!due) return;
  due.reset();
  comm_.disarm(t);
}

void worker_reactor::on_timer(worker_timer t, steady_time now) {
  auto& due = due_[static_cast<int>(t)];
  if (exited_ || !due || now < *due) return;
  due.reset();
  if (t == worker_timer::report) return flush_reports();
  if (t == worker_timer::heartbeat) return heartbeat_due(now);
  if (between_sweeps_) return say_hello(now);
  repeat_hello(now);
}

void worker_reactor::heartbeat_due(steady_time now) {
  // Heartbeats go on while exiting: jobs may still finish within kill_grace, and a master
  // that heard nothing would declare us lost and drop their results.
  if (!welcomed_) return;
  if (!exiting_ && now - last_heard_ > silent_heartbeats_to_lose * heartbeat_) {
    comm_.log("gridctl worker: the master has been silent for " + std::to_string(silent_heartbeats_to_lose) +
              " heartbeats; registering again");
    drop_stale_jobs();
    say_hello(now);
    return;
  }
  // Any message counts as a heartbeat: a worker that sent anything this round (usually the
  // answer to the master's heartbeat) needs none.
  if (!sent_since_beat_) send(proto::heartbeat{});
  sent_since_beat_ = false;
  arm(worker_timer::heartbeat, now + heartbeat_);
}

void worker_reactor::handle(proto::heartbeat&, steady_time) {
  // Answered at once unless something else went out since our last heartbeat time: the
  // answers of all workers then reach the master together, right after its own round, and it
  // reads them in a few wakes instead of one wake per worker spread over the interval.
  if (welcomed_ && !sent_since_beat_) send(proto::heartbeat{});
}

// ---- sending -----------------------------------------------------------------------------

void worker_reactor::send(const proto::to_master& m) {
  flush_reports();
  sent_since_beat_ = true;
  comm_.send(m);
}

void worker_reactor::report(proto::to_master m, steady_time now) {
  held_.push_back(std::move(m));
  const auto held_ends = static_cast<std::size_t>(
      std::count_if(held_.begin(), held_.end(), [](const proto::to_master& h) { return std::holds_alternative<proto::done>(h); }));
  // Each end held back is a job the master will send to refill the queue once it hears of it.
  // When the held ends are as many as the jobs still queued, half of what the queue held is
  // used up: the master must hear of them now, so that its answer comes while the other half
  // covers the slots that free meanwhile. Until then this report can wait for others (the
  // master then reads them, and sends their jobs, together), but not for long (results,
  // output). An empty queue sends at once: a slot may be idle.
  if (queue_.size() <= held_ends) return flush_reports();
  if (!due_[static_cast<int>(worker_timer::report)]) arm(worker_timer::report, now + report_hold_max);
}

void worker_reactor::flush_reports() {
  if (held_.empty()) return;
  disarm(worker_timer::report);
  std::vector<proto::to_master> held = std::move(held_);
  held_.clear();
  sent_since_beat_ = true;
  for (const proto::to_master& m : held) comm_.send(m);
}

// ---- jobs --------------------------------------------------------------------------------

void worker_reactor::handle(proto::job& j, steady_time now) {
  // A job that comes between our new hello and its welcome was sent to the registration we
  // dropped (a master that was slow, not gone): the master ends it as lost when the hello
  // reaches it. Taken, it would hold a slot of the new registration, whose jobs would then be
  // refused one by one (and fail their points).
  if (!welcomed_ && !exiting_) return;
  if (exiting_) {
    send(proto::returned{j.point, j.attempt});  // not run: the master sends it elsewhere
    return;
  }
  // Stale jobs (being killed after a master reset) do not hold a slot of the new master's.
  if (live_jobs() < static_cast<std::size_t>(run_slots_) && queue_.empty()) {
    start_job(j);
    report(proto::started{j.point, j.attempt}, now);  // the queue is empty: it goes at once
    return;
  }
  if (queue_.size() >= static_cast<std::size_t>(lookahead_cap(run_slots_))) return refuse_job(j);
  queue_.push_back(std::move(j));
}

void worker_reactor::start_job(proto::job& j) {
  const int slot = free_slot_number();  // before this job is in jobs_
  job_serial serial = next_serial_++;
  running_job& rj = jobs_[serial];
  rj.point = j.point;
  rj.attempt = j.attempt;
  rj.limit = j.output_limit;
  rj.slot = slot;
  j.env.emplace_back("GRIDCTL_SLOT", std::to_string(rj.slot));
  runner_.spawn(serial, job_spec{std::move(j.command), std::move(j.workdir), std::move(j.env),
                                 std::chrono::milliseconds(j.kill_grace_ms)});
}

int worker_reactor::free_slot_number() const {
  std::vector<bool> taken(jobs_.size() + 1, false);
  for (const auto& [serial, rj] : jobs_)
    if (!rj.stale && rj.slot < static_cast<int>(taken.size())) taken[static_cast<std::size_t>(rj.slot)] = true;
  int n = 0;
  while (taken[static_cast<std::size_t>(n)]) ++n;
  return n;
}

/// The master never sends more jobs than the slots and lookahead_cap(); should one come anyway
/// (or while exiting), say so at once.
void worker_reactor::refuse_job(const proto::job& j) {
  send(proto::output{j.point, j.attempt, 2, "gridctl: the worker had no free slot or was exiting\n"});
  proto::done d;
  d.point = j.point;
  d.attempt = j.attempt;
  d.exit_code = 127;
  d.worker_exiting = exiting_;  // not the point's fault: re-dispatched without using a try
  send(d);
}

bool worker_reactor::unqueue(point_id point, int attempt) {
  auto it = std::find_if(queue_.begin(), queue_.end(), [&](const proto::job& j) { return j.point == point && j.attempt == attempt; });
  if (it == queue_.end()) return false;
  queue_.erase(it);
  send(proto::returned{point, attempt});
  return true;
}

void worker_reactor::handle(proto::take_back& b, steady_time) {
  // A job that began already stays; the master learns so from its start report, which may be
  // held: it waits for that answer (a slot of another worker is idle), so it goes now.
  if (!unqueue(b.point, b.attempt)) flush_reports();
}

void worker_reactor::return_queue() {
  if (welcomed_)
    for (const proto::job& j : queue_) send(proto::returned{j.point, j.attempt});
  queue_.clear();
}

void worker_reactor::handle(proto::cancel& c, steady_time) {
  if (unqueue(c.point, c.attempt)) return;
  for (auto& [serial, rj] : jobs_)
    if (!rj.stale && rj.point == c.point && rj.attempt == c.attempt) runner_.kill(serial);
}

std::optional<std::pair<point_id, int>> worker_reactor::start_next_queued() {
  if (queue_.empty() || exiting_ || live_jobs() >= static_cast<std::size_t>(run_slots_)) return std::nullopt;
  proto::job next = std::move(queue_.front());
  queue_.pop_front();
  std::pair<point_id, int> started{next.point, next.attempt};
  start_job(next);
  return started;
}

void worker_reactor::on_output(job_serial job, int stream, std::string_view bytes, steady_time now) {
  auto it = jobs_.find(job);
  if (exited_ || it == jobs_.end() || it->second.stale || (stream != 1 && stream != 2)) return;
  running_job& rj = it->second;
  // Flow control: only the first `limit` bytes of each stream travel; the rest is counted
  // (and the end of stdout kept), so a job printing gigabytes costs neither side memory.
  std::uint64_t room = rj.limit > rj.sent[stream] ? rj.limit - rj.sent[stream] : 0;
  std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(room, bytes.size()));
  if (n > 0) {
    report(proto::output{rj.point, rj.attempt, stream, std::string(bytes.substr(0, n))}, now);
    rj.sent[stream] += n;
  }
  rj.dropped[stream] += bytes.size() - n;
  if (stream == 1) {
    rj.stdout_tail.append(bytes);
    if (rj.stdout_tail.size() > stdout_tail_bytes) rj.stdout_tail.erase(0, rj.stdout_tail.size() - stdout_tail_bytes);
  }
}

void worker_reactor::on_job_ended(job_serial job, const job_exit& e, steady_time now) {
  auto it = jobs_.find(job);
  if (exited_ || it == jobs_.end()) return;
  running_job& rj = it->second;
  // Report only to the master that gave the job: after a reset the attempt is stale.
  if (!rj.stale) {
    proto::done d;
    d.point = rj.point;
    d.attempt = rj.attempt;
    d.exit_code = e.exit_code;
    d.signal = e.signal;
    d.started_ms = std::chrono::duration_cast<std::chrono::milliseconds>(e.started.time_since_epoch()).count();
    d.duration_us = e.duration.count();
    d.stdout_dropped = rj.dropped[1];
    d.stderr_dropped = rj.dropped[2];
    if (rj.dropped[1] > 0) d.stdout_tail = std::move(rj.stdout_tail);
    d.worker_exiting = exiting_;
    d.error = e.error;
    jobs_.erase(it);
    // The freed slot takes the queue's first job before anything else is done, and the done
    // says so (no `started` of its own). Its output is read on later turns of the loop, so
    // the master still hears of this end first.
    d.next_started = start_next_queued();
    report(std::move(d), now);
  } else {
    jobs_.erase(it);
  }
  if (exiting_ && jobs_.empty()) finish_exit();
}

// ---- exit --------------------------------------------------------------------------------

void worker_reactor::on_signal(int signal) { begin_exit("signal " + std::to_string(signal)); }

void worker_reactor::begin_exit(const std::string& why) {
  if (exiting_ || exited_) return;
  exiting_ = true;
  comm_.log(prefix() + "exiting (" + why + ")");
  disarm(worker_timer::hello);
  return_queue();
  for (auto& [serial, rj] : jobs_) runner_.kill(serial);
  if (jobs_.empty()) finish_exit();
}

void worker_reactor::finish_exit() {
  exited_ = true;
  if (welcomed_) send(proto::shutdown{"bye"});
  disarm(worker_timer::hello);
  disarm(worker_timer::heartbeat);
  comm_.exit(exit_status_, welcomed_);
}

}  // namespace gridctl
