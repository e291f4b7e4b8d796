// master_reactor: the master's decisions (see master_reactor.hpp).
#include "master_reactor.hpp"

#include <algorithm>
#include <csignal>
#include <exception>
#include <iterator>
#include <tuple>
#include <utility>
#include <variant>

#include "failure_groups.hpp"
#include "metrics.hpp"
#include "plural.hpp"

namespace gridctl {

namespace proto = protocol;

namespace {

scheduler_config scheduler_config_of(const sweep_config& cfg) {
  scheduler_config sc;
  sc.timeout = cfg.timeout;
  sc.heartbeat = cfg.heartbeat;
  sc.kill_grace = cfg.kill_grace;
  return sc;
}

}  // namespace

master_reactor::master_reactor(const sweep_config& cfg, int local_slots, std::unique_ptr<task_source> source,
                               master_comm& comm)
    : cfg_(cfg),
      local_slots_(local_slots),
      comm_(comm),
      sched_(scheduler_config_of(cfg), std::move(source)),
      outputs_(cfg.output_limit) {}

void master_reactor::start(event_time) { check_finished(); }

int master_reactor::slot_bound() const { return std::max(cfg_.max_worker_slots, local_slots_); }

// ---- messages from workers ---------------------------------------------------------------

void master_reactor::on_message(const std::string& routing_id, proto::to_master m, event_time now) {
  if (auto* h = std::get_if<proto::hello>(&m)) return on_hello(routing_id, *h, now);
  std::optional<worker_id> w = peers_.find(routing_id);
  if (w && !sched_.knows(*w)) {
    peers_.forget(*w);  // the scheduler declared it lost (silent too long): it must start afresh
    w.reset();
  }
  if (!w) {
    // Not registered: a worker of a previous master, or one we declared lost. Tell it to
    // register again (it drops its stale attempts); goodbyes need no answer.
    if (!std::holds_alternative<proto::shutdown>(m)) comm_.send(routing_id, proto::shutdown{"unknown"});
    return;
  }
  sched_.heard_from(*w, now.steady);
  std::visit([&](auto& msg) { handle(*w, msg, now); }, m);
}

void master_reactor::on_unreachable(const std::string& routing_id, event_time now) {
  std::optional<worker_id> w = peers_.find(routing_id);
  if (!w || !sched_.knows(*w)) return;
  std::vector<scheduler_action> actions;
  leave(*w, now, actions);
  run(std::move(actions), now);
}

void master_reactor::on_hello(const std::string& routing_id, const proto::hello& h, event_time now) {
  // cores_per_job = N: a worker of S slots (its CPUs) runs S / N jobs at once, at least one.
  const int jobs_at_once = std::max(1, h.slots / cfg_.cores_per_job);
  const proto::welcome welcome{proto::version, cfg_.heartbeat.count(), jobs_at_once};
  hello_verdict v = peers_.judge(routing_id, h, slot_bound());
  if (v.what == hello_verdict::repeat) {
    comm_.send(routing_id, welcome);  // ours crossed it: answer again, change nothing
    return;
  }
  if (v.replaces) {
    // A new registration (it thought we were gone and dropped its jobs): its old attempts are stale.
    run(sched_.worker_left(*v.replaces, now.steady), now);
    peers_.forget(*v.replaces);
  }
  if (v.what == hello_verdict::refuse) {
    say(v.log_line);
    comm_.send(routing_id, proto::refuse{v.reason});
    return;
  }
  if (sched_.stopping()) {
    comm_.send(routing_id, proto::shutdown{"end"});
    return;
  }
  worker_id w = peers_.accept(routing_id, h);
  comm_.send(routing_id, welcome);
  std::string line = "worker " + h.name + " joined (" + counted(static_cast<std::uint64_t>(h.slots), "slot");
  if (cfg_.cores_per_job > 1)
    line += "; " + std::to_string(jobs_at_once) + " at once, " + std::to_string(cfg_.cores_per_job) + " cores per job";
  say(line + ")");
  run(sched_.worker_joined(w, jobs_at_once, now.steady, h.name), now);
}

void master_reactor::handle(worker_id w, proto::output& o, event_time) {
  if (!sched_.is_running(w, o.point, o.attempt)) return;  // late output of a stale attempt
  outputs_.append(o);
}

void master_reactor::handle(worker_id w, proto::started& m, event_time now) {
  run(sched_.attempt_started(w, m.point, m.attempt, now.steady), now);
}

void master_reactor::handle(worker_id w, proto::returned& m, event_time now) {
  run(sched_.attempt_returned(w, m.point, m.attempt, now.steady), now);
}

void master_reactor::handle(worker_id w, proto::done& d, event_time now) {
  // The queued job that took this attempt's slot began first (no take-back must go for it);
  // the actions of both are carried out in one pass.
  std::vector<scheduler_action> actions;
  if (d.next_started) actions = sched_.attempt_started(w, d.next_started->first, d.next_started->second, now.steady);
  if (sched_.is_running(w, d.point, d.attempt)) {
    exit_report report{d.exit_code, d.signal, d.worker_exiting, {}, std::chrono::microseconds(d.duration_us)};
    const point_id point = d.point;
    const int attempt = d.attempt;
    const attempt_output& buf = outputs_.ended(std::move(d));  // d is not read after this
    if (cfg_.require_metrics && report.exit_code == 0 && !report.signal) {
      auto missing = missing_metrics(cfg_.metrics, metrics_so_far(cfg_.metrics, buf));
      if (!missing.empty()) report.failure = missing_metrics_error(missing);
    }
    auto ended = sched_.attempt_ended(w, point, attempt, report, now.steady);
    actions.insert(actions.end(), std::make_move_iterator(ended.begin()), std::make_move_iterator(ended.end()));
  }
  run(std::move(actions), now);
}

void master_reactor::handle(worker_id w, proto::shutdown&, event_time now) {
  // A worker's goodbye: its attempts (if any) go elsewhere right away.
  std::uint64_t jobs = outputs_.running_on(w);
  say("worker " + peers_.name_of(w) + " left" +
      (jobs == 0 ? std::string()
                 : " (" + counted(jobs, "running job") + (sched_.stopping() ? " canceled)" : " to run again)")));
  run(sched_.worker_left(w, now.steady), now);
  peers_.forget(w);
}

// ---- time, signals, failures -------------------------------------------------------------

void master_reactor::on_tick(event_time now) {
  run(sched_.tick(now.steady), now);
  // Told, and forgotten: a message from one later makes it register again.
  for (const std::string& name : peers_.forget_lost(sched_))
    say("worker " + name + " lost: nothing heard from it for " + std::to_string(silent_heartbeats_to_lose) +
        " heartbeats; its jobs run elsewhere");
}

void master_reactor::send_heartbeats() {
  // Every round, to every worker, whatever else it was sent: a worker tells a silent master by
  // its own clock, and a skipped round would halve its margin (2 rounds of silence instead of 1,
  // against its limit of 3) on a loaded machine. Sends are cheap; the receiving side is not.
  for (worker_id w : peers_.ids()) send_to_worker(w, proto::heartbeat{});
}

void master_reactor::on_signal(int signal, event_time now) {
  if (sched_.stopping()) {
    say("second interrupt: recording running attempts as canceled now");
    stop_now(now);
    return;
  }
  say(std::string(signal == SIGINT ? "interrupted" : "terminated") + ": canceling running jobs (again to stop at once)");
  outcome_.interrupted = true;
  run(sched_.stop(now.steady), now);
}

void master_reactor::fail(const std::string& why, event_time now) {
  if (fatal_.empty()) fatal_ = why;
  stop_now(now);
}

bool master_reactor::embedded_unanswering() const {
  std::optional<worker_id> e = peers_.embedded();
  return e && !sched_.knows(*e);
}

std::vector<running_job> master_reactor::running_jobs(steady_time now) const {
  std::vector<running_job> jobs;
  for (const auto& [key, buf] : outputs_.all()) {
    if (buf.done || !sched_.has_started(key.first, key.second)) continue;  // ended, or still queued
    const peer* p = peers_.get(buf.worker);
    jobs.push_back(running_job{key.first, key.second, point_params(cfg_.points, buf.index),
                               p ? p->name : std::string(),
                               std::chrono::duration<double>(now - buf.dispatched).count()});
  }
  std::sort(jobs.begin(), jobs.end(), [](const running_job& a, const running_job& b) {  // the same order each time
    return std::tie(a.point, a.attempt) < std::tie(b.point, b.attempt);
  });
  return jobs;
}

// ---- carrying out the scheduler's actions -------------------------------------------------

void master_reactor::run(std::vector<scheduler_action> actions, event_time now) {
  // A failed send (the peer is gone) makes more actions; process them in turn.
  while (!actions.empty()) {
    std::vector<scheduler_action> more;
    // Messages first, records after: a freed slot gets its next job without waiting for the
    // previous attempt's record to be formatted and written.
    for (auto& a : actions) {
      if (auto* d = std::get_if<action::dispatch>(&a)) dispatch(*d, now, more);
      else if (auto* c = std::get_if<action::cancel>(&a)) send_to_worker(c->worker, proto::cancel{c->id, c->attempt});
      else if (auto* b = std::get_if<action::take_back>(&a)) send_to_worker(b->worker, proto::take_back{b->id, b->attempt});
      else if (auto* r = std::get_if<action::returned>(&a)) outputs_.take(r->t.id, r->t.attempt);
    }
    for (auto& a : actions)
      if (auto* e = std::get_if<action::ended>(&a)) record(*e, now);
    actions = std::move(more);
  }
  if (!sched_.stopped_because().empty() && outcome_.stopped_because.empty()) {
    outcome_.stopped_because = sched_.stopped_because();
    say("stopping: " + outcome_.stopped_because);
  }
  if (!fatal_.empty() && !stopped_now_) stop_now(now);  // a record could not be written
  if (steady_time next = sched_.next_deadline(); next != steady_time::max()) comm_.wake_at(next);
  check_finished();
}

void master_reactor::dispatch(const action::dispatch& d, event_time now, std::vector<scheduler_action>& more) {
  std::vector<std::string> values = cfg_.points.values(d.t.index);
  proto::job j;
  j.point = d.t.id;
  j.attempt = d.t.attempt;
  j.command = cfg_.command.render(values);
  j.workdir = cfg_.workdir.string();
  j.env = job_environment(cfg_.points, d.t.id, d.t.attempt, values);
  j.output_limit = cfg_.output_limit;
  j.kill_grace_ms = cfg_.kill_grace.count();
  outputs_.dispatched(d.t, d.worker, now.steady, now.wall);
  if (!send_to_worker(d.worker, std::move(j))) leave(d.worker, now, more);
}

void master_reactor::leave(worker_id w, event_time now, std::vector<scheduler_action>& more) {
  for (auto& a : sched_.worker_left(w, now.steady)) more.push_back(std::move(a));
  peers_.forget(w);
}

bool master_reactor::send_to_worker(worker_id w, const proto::to_worker& m) {
  const peer* p = peers_.get(w);
  return p && comm_.send(p->routing_id, m);
}

void master_reactor::record(const action::ended& e, event_time now) {
  attempt_record r = make_record(e, outputs_.take(e.t.id, e.t.attempt), cfg_.points, cfg_.metrics,
                                 peers_.name_of(e.worker), now.steady);
  try {
    comm_.record(r);
  } catch (const std::exception& ex) {
    if (fatal_.empty()) fatal_ = ex.what();  // run() stops the sweep once these actions are done
    return;
  }
  // Each failure, timeout and loss as it happens, alike ones collapsed (failure_log_line).
  // Failures that used no try are summed up by the "stopping" line instead.
  if (e.status == attempt_status::ok || e.status == attempt_status::canceled || !e.uses_try) return;
  failure_line line = failure_log_line(r, e.runs_again);
  comm_.log(line.text, line.kind);
}

/// Ends the run now: every running attempt is recorded canceled without waiting for workers.
void master_reactor::stop_now(event_time now) {
  stopped_now_ = true;
  outcome_.interrupted = true;
  if (!sched_.stopping()) run(sched_.stop(now.steady), now);
  // Losing every worker ends their attempts as canceled (they are being stopped).
  for (worker_id w : peers_.ids()) {
    send_to_worker(w, proto::shutdown{"end"});
    auto actions = sched_.worker_left(w, now.steady);
    peers_.forget(w);
    run(std::move(actions), now);
  }
  check_finished();
}

void master_reactor::check_finished() {
  if (done_ || !sched_.finished()) return;
  done_ = true;
  for (worker_id w : peers_.ids()) send_to_worker(w, proto::shutdown{"end"});
  outcome_.ok = sched_.points_ok();
  outcome_.failed = sched_.points_failed();
  comm_.finished();
}

}  // namespace gridctl
