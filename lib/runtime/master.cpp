// master: the sweep's event loop (see master.hpp).
#include "master.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cerrno>
#include <filesystem>
#include <cstring>
#include <memory>
#include <optional>
#include <ostream>
#include <sys/resource.h>
#include <unistd.h>

#include "embedded_worker.hpp"
#include "log_throttle.hpp"
#include "machine.hpp"
#include "master_reactor.hpp"
#include "plan_task_source.hpp"
#include "protocol.hpp"
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

class master_loop : master_comm {
 public:
  master_loop(const sweep_config& cfg, const master_options& opts, std::ostream& log)
      : cfg_(cfg),
        opts_(opts),
        log_(log),
        socket_(ctx_, zmq::socket_type::router),
        security_(io_, ctx_, cfg.auth, [this](const std::string& line) { log_line(line); }),
        watcher_(
            io_, socket_, [this](frame_list&& f) { on_frames(std::move(f)); },
            [this](const frame_list& f) { core_->on_unreachable(f.front(), now()); }),
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

  ~master_loop() {
    std::error_code ec;
    if (!private_dir_.empty()) std::filesystem::remove_all(private_dir_, ec);
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
    core_.emplace(cfg_, opts_.local_slots, std::make_unique<plan_task_source>(plan), static_cast<master_comm&>(*this));
    if (opts_.local_slots > 0) {
      // The embedded worker's endpoint stays plain (it is our own child), so it must be private:
      // an ipc:// socket in a directory only this user can enter, not a loopback port that any
      // user of the machine could connect to.
      std::error_code tmp_ec;
      std::string dir = (std::filesystem::temp_directory_path(tmp_ec) / "gridctl-master.XXXXXX").string();  // $TMPDIR, else /tmp
      if (tmp_ec || !::mkdtemp(dir.data()))
        throw std::runtime_error("cannot make a private directory for the embedded worker: " + std::string(std::strerror(errno)));
      private_dir_ = dir;
      master_security::prepare_private_bind(socket_);
      std::string local = bind("ipc://" + private_dir_ + "/embedded", false);
      embedded_ = std::make_unique<embedded_worker>(local, opts_.local_slots);
      start_embedded_worker();
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
    core_->start(now());
    io_.run();  // ends in finished(), which wrote the last records
    if (!core_->fatal().empty()) throw std::runtime_error(core_->fatal());  // the first error told
    if (!last_flush_error_.empty()) throw std::runtime_error(last_flush_error_);
    return core_->outcome();
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
    core_->on_message(routing_id, std::move(*d.msg), now());
  }

  static event_time now() { return {clock::now(), std::chrono::system_clock::now()}; }

  // ---- master_comm: what the reactor asks --------------------------------------------------
  bool send(const std::string& routing_id, const proto::to_worker& m) override {
    frame_list frames = proto::encode(m);
    frames.insert(frames.begin(), routing_id);
    return watcher_.send(std::move(frames));
  }

  void log(const std::string& line, const std::string& kind) override { log_line(line, kind); }

  void record(const attempt_record& r) override {
    // Written at the end of this turn of the loop, with the other records of the batch of
    // messages being handled: one write(2) for them all. A master killed before that turn
    // ends loses them, as it would lose the messages it had not yet read.
    writer_->append_later(r);
    if (!flush_posted_) {
      flush_posted_ = true;
      boost::asio::post(io_, [this] { flush_records(); });
    }
    // Lost and canceled attempts tell nothing about how long a job takes.
    if (r.status == attempt_status::ok || r.status == attempt_status::failed || r.status == attempt_status::timeout)
      eta_.attempt_ended(r.duration_s);
  }

  void flush_records() {
    flush_posted_ = false;
    try {
      writer_->flush();
    } catch (const std::exception& ex) {
      core_->fail(ex.what(), now());
    }
  }

  void wake_at(steady_time next) override {
    if (next == armed_deadline_) return;
    armed_deadline_ = next;
    deadline_timer_.expires_at(next);
    deadline_timer_.async_wait([this](boost::system::error_code ec) {
      if (ec) return;
      armed_deadline_ = {};
      core_->on_tick(now());
    });
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

  // ---- timers and signals ----------------------------------------------------------------
  void schedule_heartbeat() {
    heartbeat_timer_.expires_after(cfg_.heartbeat);
    heartbeat_timer_.async_wait([this](boost::system::error_code ec) {
      if (ec || done_) return;
      core_->send_heartbeats();
      watcher_.poll();
      security_.poll();
      check_embedded_worker();
      if (done_) return;
      if (clock::now() - last_summary_ >= log_summary_interval) log_summaries();
      core_->on_tick(now());
      schedule_heartbeat();
    });
  }

  /// The embedded worker died (its jobs come back as lost), or it is alive but the scheduler
  /// lost it (silent for 3 heartbeats: stopped, or its connection dropped). Kill it in the
  /// latter case, and start it again, a few times: a worker that keeps dying would otherwise
  /// leave a local sweep waiting for ever.
  void check_embedded_worker() {
    if (!embedded_ || core_->stopping()) return;
    if (core_->embedded_unanswering() && !embedded_->exited()) {
      log_line("the embedded worker stopped answering; killing it");
      embedded_->kill();
    }
    if (!embedded_->exited()) return;
    core_->embedded_exited();
    if (++embedded_restarts_ > embedded_worker_restarts) {
      embedded_.reset();
      core_->expect_embedded({}, 0);
      if (opts_.endpoints.empty()) {
        core_->fail("the embedded worker exited " + std::to_string(embedded_restarts_) + " times (see its messages above)",
                    now());
        return;
      }
      log_line("the embedded worker exited " + std::to_string(embedded_restarts_) +
               " times; going on with remote workers only");
      return;
    }
    log_line("the embedded worker exited; starting it again");
    start_embedded_worker();
  }

  void start_embedded_worker() {
    embedded_->start();
    core_->expect_embedded(host_name(), embedded_->pid());  // embedded_worker.cpp names it so
  }

  void schedule_sync() {
    // Records reach the kernel at the end of the turn that made them (flush_records); fdatasync
    // at most once a second (docs/results-file.md, "Durability").
    sync_timer_.expires_after(std::chrono::seconds(1));
    sync_timer_.async_wait([this](boost::system::error_code ec) {
      if (ec || done_) return;
      try {
        writer_->sync();
      } catch (const std::exception& ex) {
        core_->fail(ex.what(), now());
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
    const scheduler& sched = core_->sched();
    c.ok = baseline_.ok_before + sched.points_ok();
    c.failed = baseline_.failed_before + sched.points_failed();
    c.workers = sched.workers();
    c.slots = sched.slots();
    auto now = clock::now();
    std::vector<running_job> jobs;
    if (running) jobs = core_->running_jobs(now);
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
    // A second signal stops at once: nothing is left to wait for after it.
    if (!core_->stopping())
      signals_.async_wait([this](boost::system::error_code e, int s) { on_signal(e, s); });
    core_->on_signal(sig, now());
  }

  /// The reactor is done: the last log lines and status, then the loop ends.
  void finished() override {
    done_ = true;
    // The last records before the last status: a status that says the sweep ended must not
    // come before them. An error is told when run() ends.
    try {
      writer_->flush();
    } catch (const std::exception& ex) {
      last_flush_error_ = ex.what();
    }
    log_summaries();
    print_progress(true);
    deadline_timer_.cancel();
    heartbeat_timer_.cancel();
    sync_timer_.cancel();
    progress_timer_.cancel();
    status_timer_.cancel();
    signals_.cancel();
    write_status(false);
    // Let the shutdown messages leave before the loop ends (linger covers the rest).
    watcher_.stop();
    io_.stop();
    if (embedded_) embedded_->stop();
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
  std::optional<master_reactor> core_;  ///< made by run(), from the plan
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
  std::string private_dir_;  ///< holds the embedded worker's ipc:// endpoint (mode 0700)
  int embedded_restarts_ = 0;
  steady_time armed_deadline_{};
  clock::time_point started_;
  std::chrono::system_clock::time_point started_wall_;
  bool done_ = false;
  bool flush_posted_ = false;  ///< records wait for flush_records() on this turn of the loop
  std::string last_flush_error_;  ///< the last records could not be written (finished())
};

master::master(const sweep_config& cfg, const master_options& opts, std::ostream& log)
    : loop_(std::make_unique<master_loop>(cfg, opts, log)) {}
master::~master() = default;
void master::listen() { loop_->listen(); }
sweep_outcome master::run(const resume_plan& plan, const sweep_baseline& baseline, results_writer& writer) {
  return loop_->run(plan, baseline, writer);
}

}  // namespace gridctl
