// master: the sweep's event loop (see master.hpp).
#include "master.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <sys/resource.h>
#include <unistd.h>
#include <unordered_map>

#include "embedded_worker.hpp"
#include "failure_groups.hpp"
#include "log_throttle.hpp"
#include "machine.hpp"
#include "plural.hpp"
#include "plan_task_source.hpp"
#include "protocol.hpp"
#include "scheduler.hpp"
#include "socket_watcher.hpp"
#include "status_file.hpp"
#include "sweep_status.hpp"
#include "utf8.hpp"
#include "zap_handler.hpp"

namespace gridctl {

void raise_open_files_limit() {
  rlimit lim{};
  if (::getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &lim);
  }
}

namespace {

using clock = std::chrono::steady_clock;
namespace proto = protocol;

/// Output received so far for one running attempt, and what its record needs besides.
struct attempt_output {
  std::string out, err;
  bool out_cut = false, err_cut = false;  ///< a worker sent more than output_limit
  clock::time_point dispatched;
  std::chrono::system_clock::time_point dispatched_wall;
  std::uint64_t index = 0;  ///< point number in the grid (its parameters, for the status)
  worker_id worker = 0;
  std::optional<proto::done> done;  ///< the worker's end report, once it came
};

struct peer {
  std::string routing_id;
  std::string name;  ///< as the worker sent it; printable() before it reaches a log
  std::uint64_t registration = 0;
};

/// Repeats of alike log lines are summed up this often.
constexpr auto log_summary_interval = std::chrono::seconds(10);
/// Times the embedded worker is restarted before the sweep gives up on it.
constexpr int embedded_worker_restarts = 3;
/// The status file is replaced this often (docs/status-file.md: at most once a second).
constexpr auto status_interval = std::chrono::seconds(1);
/// The progress line: redrawn at most 5 times a second on a terminal; in a log file, one
/// plain line this often.
constexpr auto progress_tty_interval = std::chrono::milliseconds(200);
constexpr auto progress_log_interval = std::chrono::seconds(30);

}  // namespace

class master_loop {
 public:
  master_loop(const sweep_config& cfg, const master_options& opts, std::ostream& log)
      : cfg_(cfg),
        opts_(opts),
        log_(log),
        socket_(ctx_, zmq::socket_type::router),
        security_(io_, ctx_, cfg.auth, [this](const std::string& line) { log_line(line); }),
        watcher_(io_, socket_, [this](frame_list&& f) { on_frames(std::move(f)); }),
        deadline_timer_(io_),
        heartbeat_timer_(io_),
        sync_timer_(io_),
        progress_timer_(io_),
        status_timer_(io_),
        signals_(io_, SIGINT, SIGTERM),
        tty_(::isatty(STDERR_FILENO) == 1) {
    socket_.set(zmq::sockopt::router_mandatory, 1);  // a send to a gone peer fails, not vanishes
    socket_.set(zmq::sockopt::router_handover, 1);
    socket_.set(zmq::sockopt::linger, 1000);
    socket_.set(zmq::sockopt::maxmsgsize, int64_t{16} << 20);  // garbage cannot make us allocate much
    socket_.set(zmq::sockopt::backlog, 1024);
    socket_.set(zmq::sockopt::sndhwm, 100000);
    socket_.set(zmq::sockopt::rcvhwm, 100000);
  }

  /// Binds every --listen endpoint and announces it.
  void listen() {
    for (const auto& ep : opts_.endpoints) {
      std::string where = bind(ep);
      log_line("listening on " + where);
    }
  }

  sweep_outcome run(const resume_plan& plan, const sweep_baseline& baseline, results_writer& writer) {
    baseline_ = baseline;
    writer_ = &writer;
    status_file_ = status_path(writer.path());
    scheduler_config sc;
    sc.timeout = cfg_.timeout;
    sc.heartbeat = cfg_.heartbeat;
    sc.kill_grace = cfg_.kill_grace;
    sched_.emplace(sc, std::make_unique<plan_task_source>(plan));
    if (opts_.local_slots > 0) {
      master_security::prepare_private_bind(socket_);
      std::string local = bind("tcp://127.0.0.1:*", false);  // private: the embedded worker's
      embedded_ = std::make_unique<embedded_worker>(local, opts_.local_slots);
      embedded_->start();
    }
    started_ = clock::now();
    started_wall_ = std::chrono::system_clock::now();
    last_summary_ = started_;
    write_status(true);
    signals_.async_wait([this](boost::system::error_code ec, int sig) { on_signal(ec, sig); });
    watcher_.start();
    schedule_heartbeat();
    schedule_sync();
    schedule_progress();
    schedule_status();
    check_finished();
    io_.run();
    return outcome_;
  }

 private:
  std::string bind(const std::string& endpoint, bool public_endpoint = true) {
    try {
      if (public_endpoint) security_.prepare_bind(socket_, endpoint);  // CURVE and ZAP, or plain
      socket_.bind(endpoint);
    } catch (const zmq::error_t& e) {
      throw std::runtime_error("cannot listen on " + endpoint + ": " + e.what());
    }
    return socket_.get(zmq::sockopt::last_endpoint);
  }

  // ---- messages from workers -------------------------------------------------------------
  void on_frames(frame_list&& frames) {
    if (frames.size() < 2) return note_malformed("a message without content");
    std::string routing_id = std::move(frames.front());
    frames.erase(frames.begin());
    auto d = proto::decode_to_master(frames);
    if (!d.msg) return note_malformed(d.error);
    if (auto* h = std::get_if<proto::hello>(&*d.msg)) return on_hello(routing_id, *h);
    auto it = by_routing_id_.find(routing_id);
    if (it != by_routing_id_.end() && !sched_->knows(it->second)) {
      forget(it->second);  // the scheduler declared it lost (silent too long): it must start afresh
      it = by_routing_id_.end();
    }
    if (it == by_routing_id_.end()) {
      // Not registered: a worker of a previous master, or one we declared lost. Tell it to
      // register again (it drops its stale attempts); goodbyes need no answer.
      auto* s = std::get_if<proto::shutdown>(&*d.msg);
      if (!s) send_to(routing_id, proto::shutdown{"unknown"});
      return;
    }
    worker_id w = it->second;
    auto now = clock::now();
    sched_->heard_from(w, now);
    std::visit([&](auto& m) { handle(w, m, now); }, *d.msg);
  }

  /// Writes one line of ours to the log: made printable (peer-supplied names and reasons may
  /// hold control characters), alike lines collapsed (log_throttle), and on a terminal the
  /// progress line cleared first.
  void log_line(const std::string& text) { log_line(text, text); }
  /// The same, alike lines told by `kind_text` (e.g. the line without the point's parameters).
  void log_line(const std::string& text, const std::string& kind_text) {
    std::string line = printable(text);
    if (!throttle_.admit(line, printable(kind_text))) return;
    write_line(line);
  }

  void write_line(const std::string& line) {
    if (tty_) log_ << "\r\033[K";
    log_ << "gridctl: " << line << "\n";
  }

  /// "... N more like this: LINE" for the lines the throttle held back.
  void log_summaries() {
    for (const auto& line : throttle_.summaries()) write_line(line);
    last_summary_ = clock::now();
  }

  void note_malformed(const std::string& what) { log_line("dropped a malformed message: " + what); }

  /// The most slots a worker may claim: [workers] max_slots, or the embedded worker's own.
  int slot_bound() const { return std::max(cfg_.max_worker_slots, opts_.local_slots); }

  /// Whether a routing id is our embedded worker's (the worker's id is NAME/PID/RANDOM).
  bool is_embedded(const std::string& routing_id) const {
    return embedded_ && embedded_->pid() > 0 &&
           routing_id.rfind(host_name() + "/" + std::to_string(embedded_->pid()) + "/", 0) == 0;
  }

  void on_hello(const std::string& routing_id, const proto::hello& h) {
    if (h.version != proto::version) {
      log_line("refused a worker speaking protocol " + std::to_string(h.version) + " (this master speaks " +
               std::to_string(proto::version) + "): run the same gridctl version on master and workers");
      send_to(routing_id, proto::refuse{"the master speaks gridctl protocol " + std::to_string(proto::version) +
                                        ", this worker " + std::to_string(h.version) +
                                        ": run the same gridctl version on master and workers"});
      return;
    }
    auto now = clock::now();
    if (auto it = by_routing_id_.find(routing_id); it != by_routing_id_.end()) {
      if (peers_[it->second].registration == h.registration) {
        // A repeat of a hello we already answered (ours crossed it): answer again, change nothing.
        send_to(routing_id, proto::welcome{proto::version, cfg_.heartbeat.count()});
        return;
      }
      // A new registration (it thought we were gone and dropped its jobs): its old attempts are stale.
      run_actions(sched_->worker_left(it->second, now));
      forget(it->second);
    }
    if (h.slots < 1 || h.slots > slot_bound()) {
      // One peer must not take a whole sweep's jobs (and lose them all when it leaves).
      std::string limit = std::to_string(slot_bound());
      log_line("refused worker " + h.name + ": it claims " + std::to_string(h.slots) +
               " slots, more than max_slots (" + limit + ")");
      send_to(routing_id, proto::refuse{"this worker claims " + std::to_string(h.slots) +
                                        " slots; the master accepts 1 to " + limit +
                                        " per worker ([workers] max_slots): start it with --slots " + limit +
                                        " or less, or raise max_slots"});
      return;
    }
    if (sched_->stopping()) {
      send_to(routing_id, proto::shutdown{"end"});
      return;
    }
    worker_id w = next_worker_id_++;
    peers_[w] = peer{routing_id, h.name, h.registration};
    by_routing_id_[routing_id] = w;
    send_to(routing_id, proto::welcome{proto::version, cfg_.heartbeat.count()});
    if (is_embedded(routing_id)) embedded_peer_ = w;
    log_line("worker " + h.name + " joined (" + counted(static_cast<std::uint64_t>(h.slots), "slot") + ")");
    run_actions(sched_->worker_joined(w, h.slots, now, h.name));
  }

  void handle(worker_id w, proto::output& o, clock::time_point) {
    if (!sched_->is_running(w, o.point, o.attempt)) return;  // late output of a stale attempt
    attempt_output& buf = outputs_[{o.point, o.attempt}];
    std::string& text = o.stream == 1 ? buf.out : buf.err;
    bool& cut = o.stream == 1 ? buf.out_cut : buf.err_cut;
    // Workers send at most output_limit bytes per stream; the cap guards against one that doesn't.
    std::size_t room = cfg_.output_limit > text.size() ? cfg_.output_limit - text.size() : 0;
    if (o.bytes.size() > room) cut = true;
    text.append(o.bytes, 0, std::min(room, o.bytes.size()));
  }

  void handle(worker_id w, proto::done& d, clock::time_point now) {
    if (!sched_->is_running(w, d.point, d.attempt)) return;
    attempt_output& buf = outputs_[{d.point, d.attempt}];
    buf.done = d;
    exit_report report{d.exit_code, d.signal, d.worker_exiting, {}};
    if (cfg_.require_metrics && d.exit_code == 0 && !d.signal) {
      auto missing = missing_metrics(cfg_.metrics, metrics_of(buf));
      if (!missing.empty()) report.failure = missing_metrics_error(missing);
    }
    run_actions(sched_->attempt_ended(w, d.point, d.attempt, report, now));
  }

  void handle(worker_id w, proto::shutdown&, clock::time_point now) {
    // A worker's goodbye: its attempts (if any) go elsewhere right away.
    std::uint64_t jobs = running_on(w);
    log_line("worker " + peers_[w].name + " left" +
             (jobs == 0 ? std::string()
                        : " (" + counted(jobs, "running job") + (sched_->stopping() ? " canceled)" : " to run again)")));
    run_actions(sched_->worker_left(w, now));
    forget(w);
  }

  /// Attempts running on worker `w` now (no end report yet).
  std::uint64_t running_on(worker_id w) const {
    std::uint64_t n = 0;
    for (const auto& [key, buf] : outputs_) n += buf.worker == w && !buf.done;
    return n;
  }

  /// Workers the scheduler declared lost (silent too long) since the last look: told, and
  /// forgotten (a message from one later makes it register again).
  void note_lost_workers() {
    std::vector<worker_id> gone;
    for (const auto& [w, p] : peers_)
      if (!sched_->knows(w)) gone.push_back(w);
    for (worker_id w : gone) {
      log_line("worker " + peers_[w].name + " lost: nothing heard from it for " +
               std::to_string(silent_heartbeats_to_lose) + " heartbeats; its jobs run elsewhere");
      forget(w);
    }
  }

  /// Time passed: deadlines and silent workers.
  void tick() {
    run_actions(sched_->tick(clock::now()));
    note_lost_workers();
  }

  void handle(worker_id, proto::heartbeat&, clock::time_point) {}
  void handle(worker_id, proto::hello&, clock::time_point) {}  // answered by on_hello() before the lookup

  /// The metrics of an attempt's output so far, as its record will have them.
  metric_values metrics_of(const attempt_output& buf) const {
    bool cut = buf.out_cut || (buf.done && buf.done->stdout_dropped > 0);
    std::string_view tail = buf.done ? std::string_view(buf.done->stdout_tail) : std::string_view();
    return compute_metrics(cfg_.metrics, buf.out, buf.err, job_output(buf.out, cut, tail));
  }

  void forget(worker_id w) {
    auto it = peers_.find(w);
    if (it == peers_.end()) return;
    by_routing_id_.erase(it->second.routing_id);
    lost_names_[w] = it->second.name;
    peers_.erase(it);
  }

  // ---- carrying out the scheduler's actions ---------------------------------------------
  void run_actions(std::vector<scheduler_action> actions) {
    // A failed send (the peer is gone) makes more actions; process them in turn.
    while (!actions.empty()) {
      std::vector<scheduler_action> more;
      // Messages first, records after: a freed slot gets its next job without waiting for the
      // previous attempt's record to be formatted and written.
      for (auto& a : actions) {
        if (auto* d = std::get_if<action::dispatch>(&a)) dispatch(*d, more);
        else if (auto* c = std::get_if<action::cancel>(&a)) send_to_worker(c->worker, proto::cancel{c->id, c->attempt});
      }
      for (auto& a : actions)
        if (auto* e = std::get_if<action::ended>(&a)) record(*e);
      actions = std::move(more);
    }
    if (!sched_->stopped_because().empty() && outcome_.stopped_because.empty()) {
      outcome_.stopped_because = sched_->stopped_because();
      log_line("stopping: " + outcome_.stopped_because);
    }
    reschedule_deadline();
    check_finished();
  }

  void dispatch(const action::dispatch& d, std::vector<scheduler_action>& more) {
    std::vector<std::string> values = cfg_.points.values(d.t.index);
    proto::job j;
    j.point = d.t.id;
    j.attempt = d.t.attempt;
    j.command = cfg_.command.render(values);
    j.workdir = cfg_.workdir.string();
    j.env = job_environment(cfg_.points, d.t.id, d.t.attempt, values);
    j.output_limit = cfg_.output_limit;
    j.kill_grace_ms = cfg_.kill_grace.count();
    attempt_output& buf = outputs_[{d.t.id, d.t.attempt}];
    buf.dispatched = clock::now();
    buf.dispatched_wall = std::chrono::system_clock::now();
    buf.index = d.t.index;
    buf.worker = d.worker;
    if (!send_to_worker(d.worker, j)) {
      auto now = clock::now();
      for (auto& a : sched_->worker_left(d.worker, now)) more.push_back(std::move(a));
      forget(d.worker);
    }
  }

  bool send_to_worker(worker_id w, const proto::to_worker& m) {
    auto it = peers_.find(w);
    return it != peers_.end() && send_to(it->second.routing_id, m);
  }

  bool send_to(const std::string& routing_id, const proto::to_worker& m) {
    frame_list frames = proto::encode(m);
    frames.insert(frames.begin(), routing_id);
    return watcher_.send(frames);
  }

  void record(const action::ended& e) {
    std::pair<point_id, int> key{e.t.id, e.t.attempt};
    attempt_output buf;
    if (auto it = outputs_.find(key); it != outputs_.end()) {
      buf = std::move(it->second);
      outputs_.erase(it);
    }
    attempt_record r;
    r.point = e.t.id;
    std::vector<std::string> values = cfg_.points.values(e.t.index);
    for (std::size_t k = 0; k < values.size(); ++k) r.params.emplace_back(cfg_.points.axes()[k].name(), values[k]);
    r.attempt = e.t.attempt;
    r.status = e.status;
    r.started = buf.dispatched_wall;
    r.duration_s = std::chrono::duration<double>(clock::now() - buf.dispatched).count();
    r.stdout_truncated = buf.out_cut;
    r.stderr_truncated = buf.err_cut;
    if (buf.done) {  // lost and unconfirmed attempts have no end report
      const proto::done& d = *buf.done;
      r.exit_code = d.exit_code;
      r.signal = d.signal;
      r.started = std::chrono::system_clock::time_point(std::chrono::milliseconds(d.started_ms));
      r.duration_s = static_cast<double>(d.duration_us) / 1e6;
      r.stdout_truncated = r.stdout_truncated || d.stdout_dropped > 0;
      r.stderr_truncated = r.stderr_truncated || d.stderr_dropped > 0;
      r.stdout_tail = std::move(buf.done->stdout_tail);
    }
    auto pit = peers_.find(e.worker);
    r.worker = pit != peers_.end() ? pit->second.name : lost_names_[e.worker];
    r.stdout_text = std::move(buf.out);
    r.stderr_text = std::move(buf.err);
    r.error = e.error;
    r.uses_try = e.uses_try;
    if (buf.done && !buf.done->error.empty())  // the worker's note on how the attempt ended
      r.error = r.error.empty() ? buf.done->error : r.error + "; " + buf.done->error;
    r.metrics = compute_metrics(cfg_.metrics, r.stdout_text, r.stderr_text, record_output(r));
    try {
      writer_->append(r);
    } catch (const std::exception& ex) {
      fatal_ = ex.what();
      stop_now();
      return;
    }
    if (e.status == attempt_status::ok || e.status == attempt_status::failed || e.status == attempt_status::timeout)
      eta_.attempt_ended(r.duration_s);
    log_attempt_end(e, r);
  }

  /// Each failure, timeout and loss as it happens, alike ones collapsed (failure_log_line).
  /// Failures that used no try are summed up by the "stopping" line instead.
  void log_attempt_end(const action::ended& e, const attempt_record& r) {
    if (e.status == attempt_status::ok || e.status == attempt_status::canceled || !e.uses_try) return;
    failure_line line = failure_log_line(r, e.runs_again);
    log_line(line.text, line.kind);
  }

  // ---- timers and signals ----------------------------------------------------------------
  void reschedule_deadline() {
    steady_time next = sched_->next_deadline();
    if (next == steady_time::max() || next == armed_deadline_) return;
    armed_deadline_ = next;
    deadline_timer_.expires_at(next);
    deadline_timer_.async_wait([this](boost::system::error_code ec) {
      if (ec) return;
      armed_deadline_ = {};
      tick();
    });
  }

  void schedule_heartbeat() {
    heartbeat_timer_.expires_after(cfg_.heartbeat);
    heartbeat_timer_.async_wait([this](boost::system::error_code ec) {
      if (ec || done_) return;
      for (const auto& [w, p] : peers_) send_to(p.routing_id, proto::heartbeat{});
      watcher_.poll();
      security_.poll();
      check_embedded_worker();
      if (done_) return;
      if (clock::now() - last_summary_ >= log_summary_interval) log_summaries();
      tick();
      schedule_heartbeat();
    });
  }

  /// The embedded worker died (its jobs come back as lost), or it is alive but the scheduler
  /// lost it (silent for 3 heartbeats: stopped, or its connection dropped). Kill it in the
  /// latter case, and start it again, a few times: a worker that keeps dying would otherwise
  /// leave a local sweep waiting for ever.
  void check_embedded_worker() {
    if (!embedded_ || sched_->stopping()) return;
    if (embedded_peer_ != 0 && !sched_->knows(embedded_peer_) && !embedded_->exited()) {
      log_line("the embedded worker stopped answering; killing it");
      embedded_->kill();
    }
    if (!embedded_->exited()) return;
    embedded_peer_ = 0;
    if (++embedded_restarts_ > embedded_worker_restarts) {
      embedded_.reset();
      if (opts_.endpoints.empty()) {
        fatal_ = "the embedded worker exited " + std::to_string(embedded_restarts_) + " times (see its messages above)";
        stop_now();
        return;
      }
      log_line("the embedded worker exited " + std::to_string(embedded_restarts_) +
               " times; going on with remote workers only");
      return;
    }
    log_line("the embedded worker exited; starting it again");
    embedded_->start();
  }

  void schedule_sync() {
    // Records reach the kernel at once; fdatasync at most once a second (see results_file.hpp).
    sync_timer_.expires_after(std::chrono::seconds(1));
    sync_timer_.async_wait([this](boost::system::error_code ec) {
      if (ec || done_) return;
      try {
        writer_->sync();
      } catch (const std::exception& ex) {
        fatal_ = ex.what();
        stop_now();
        return;
      }
      schedule_sync();
    });
  }

  void schedule_progress() {
    progress_timer_.expires_after(tty_ ? std::chrono::duration_cast<clock::duration>(progress_tty_interval)
                                       : std::chrono::duration_cast<clock::duration>(progress_log_interval));
    progress_timer_.async_wait([this](boost::system::error_code ec) {
      if (ec || done_) return;
      print_progress(false);
      schedule_progress();
    });
  }

  /// On a terminal the line is redrawn in place (and ends with a newline at the end); in a log
  /// file it is a plain line of its own, never a carriage return.
  void print_progress(bool final_line) {
    std::string line = format_progress(snapshot(!final_line));
    if (tty_) log_ << "\r\033[K" << line << (final_line ? "\n" : "") << std::flush;
    else if (!final_line) write_line(line);
  }

  /// The sweep now: counts over the grid, the running attempts (not yet reported ended).
  sweep_status snapshot(bool running) const {
    sweep_counts c;
    c.total = baseline_.total;
    c.ok = baseline_.ok_before + sched_->points_ok();
    c.failed = baseline_.failed_before + sched_->points_failed();
    c.workers = sched_->workers();
    c.slots = sched_->slots();
    auto now = clock::now();
    std::vector<running_job> jobs;
    if (running) {
      for (const auto& [key, buf] : outputs_) {
        if (buf.done) continue;
        running_job j{key.first, key.second, {}, {}, std::chrono::duration<double>(now - buf.dispatched).count()};
        std::vector<std::string> values = cfg_.points.values(buf.index);
        for (std::size_t k = 0; k < values.size(); ++k) j.params.emplace_back(cfg_.points.axes()[k].name(), values[k]);
        auto pit = peers_.find(buf.worker);
        j.worker = pit != peers_.end() ? pit->second.name : std::string();
        jobs.push_back(std::move(j));
      }
    }
    sweep_status st = make_status(c, std::move(jobs), eta_, std::chrono::duration<double>(now - started_).count());
    st.running = running;
    if (!running) st.eta_s = st.pending == 0 ? std::optional<double>(0) : std::nullopt;
    st.sweep = cfg_.name;
    st.results = writer_->path().string();
    st.host = host_name();
    st.pid = ::getpid();
    st.started = format_utc(started_wall_);
    st.updated = format_utc(std::chrono::system_clock::now());
    return st;
  }

  /// Replaces RESULTS.status.json. A status that cannot be written does not stop the sweep
  /// (the results file is what matters): it is told once.
  void write_status(bool running) {
    try {
      write_status_file(status_file_, format_status_json(snapshot(running)));
    } catch (const std::exception& ex) {
      if (!status_failed_) log_line(std::string("cannot keep the status file (gridctl status will not see this sweep): ") + ex.what());
      status_failed_ = true;
    }
  }

  void schedule_status() {
    status_timer_.expires_after(status_interval);
    status_timer_.async_wait([this](boost::system::error_code ec) {
      if (ec || done_) return;
      write_status(true);
      schedule_status();
    });
  }

  void on_signal(boost::system::error_code ec, int sig) {
    if (ec) return;
    if (sched_->stopping()) {
      log_line("second interrupt: recording running attempts as canceled now");
      stop_now();
      return;
    }
    log_line(std::string(sig == SIGINT ? "interrupted" : "terminated") +
             ": canceling running jobs (again to stop at once)");
    outcome_.interrupted = true;
    signals_.async_wait([this](boost::system::error_code e, int s) { on_signal(e, s); });
    run_actions(sched_->stop(clock::now()));
  }

  /// Ends the run now: every running attempt is recorded canceled without waiting for workers.
  void stop_now() {
    outcome_.interrupted = true;
    if (!sched_->stopping()) run_actions(sched_->stop(clock::now()));
    // Losing every worker ends their attempts as canceled (they are being stopped).
    std::vector<worker_id> ids;
    for (const auto& [w, p] : peers_) ids.push_back(w);
    for (worker_id w : ids) {
      send_to_worker(w, proto::shutdown{"end"});
      auto actions = sched_->worker_left(w, clock::now());
      forget(w);
      run_actions(std::move(actions));
    }
    check_finished();
  }

  void check_finished() {
    if (done_ || !sched_->finished()) return;
    done_ = true;
    for (const auto& [w, p] : peers_) send_to(p.routing_id, proto::shutdown{"end"});
    log_summaries();
    print_progress(true);
    deadline_timer_.cancel();
    heartbeat_timer_.cancel();
    sync_timer_.cancel();
    progress_timer_.cancel();
    status_timer_.cancel();
    signals_.cancel();
    write_status(false);
    outcome_.ok = sched_->points_ok();
    outcome_.failed = sched_->points_failed();
    // Let the shutdown messages leave before the loop ends (linger covers the rest).
    watcher_.stop();
    io_.stop();
    if (embedded_) embedded_->stop();
    if (!fatal_.empty()) throw std::runtime_error(fatal_);
  }

  const sweep_config& cfg_;
  const master_options& opts_;
  sweep_baseline baseline_;
  results_writer* writer_ = nullptr;
  std::filesystem::path status_file_;
  bool status_failed_ = false;  ///< told that the status file cannot be written
  eta_estimator eta_;
  std::ostream& log_;
  boost::asio::io_context io_;
  std::optional<scheduler> sched_;  ///< made by run(), from the plan
  zmq::context_t ctx_;
  zmq::socket_t socket_;
  master_security security_;  ///< after socket_: its ZAP socket closes first
  socket_watcher watcher_;
  boost::asio::steady_timer deadline_timer_, heartbeat_timer_, sync_timer_, progress_timer_, status_timer_;
  boost::asio::signal_set signals_;
  bool tty_;
  log_throttle throttle_;
  clock::time_point last_summary_;
  std::unique_ptr<embedded_worker> embedded_;
  worker_id embedded_peer_ = 0;  ///< the embedded worker's registration, 0 while none
  int embedded_restarts_ = 0;
  std::unordered_map<std::string, worker_id> by_routing_id_;
  std::unordered_map<worker_id, peer> peers_;
  std::unordered_map<worker_id, std::string> lost_names_;
  std::map<std::pair<point_id, int>, attempt_output> outputs_;
  worker_id next_worker_id_ = 1;
  steady_time armed_deadline_{};
  clock::time_point started_;
  std::chrono::system_clock::time_point started_wall_;
  bool done_ = false;
  std::string fatal_;
  sweep_outcome outcome_;
};

master::master(const sweep_config& cfg, const master_options& opts, std::ostream& log)
    : loop_(std::make_unique<master_loop>(cfg, opts, log)) {}
master::~master() = default;
void master::listen() { loop_->listen(); }
sweep_outcome master::run(const resume_plan& plan, const sweep_baseline& baseline, results_writer& writer) {
  return loop_->run(plan, baseline, writer);
}

}  // namespace gridctl
