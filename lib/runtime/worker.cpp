// worker: the worker's event loop.
#include "worker.hpp"

#include <sys/prctl.h>

#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstring>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <ostream>
#include <random>
#include <unistd.h>

#include "job_process.hpp"
#include "process_tree.hpp"
#include "protocol.hpp"
#include "utf8.hpp"
#include "socket_watcher.hpp"
#include "worker_state.hpp"

namespace gridctl {

namespace {

using clock = std::chrono::steady_clock;
namespace proto = protocol;

/// Bytes of stdout kept from the end of a job's output when the front was cut at the limit:
/// enough for the usual "last line is the JSON result".
constexpr std::size_t stdout_tail_bytes = 64 * 1024;

/// Where the socket monitor publishes the DEALER's disconnections (inproc: one context per worker).
constexpr const char* monitor_endpoint = "inproc://gridctl-worker-monitor";

/// The --connect endpoint is unusable: a usage error, not a runtime one.
struct bad_endpoint : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct running_job {
  point_id point = 0;
  int attempt = 0;
  std::shared_ptr<job_process> process;
  std::uint64_t limit = 0;
  std::uint64_t sent[3] = {0, 0, 0};     // by stream (1, 2)
  std::uint64_t dropped[3] = {0, 0, 0};
  std::string stdout_tail;
  std::string token;  ///< the job's token (job_spec::token)
  bool stale = false;  ///< from a master we no longer serve: killed, and its end not reported
};

class worker {
 public:
  worker(const worker_options& opts, std::ostream& log)
      : opts_(opts),
        log_(log),
        socket_(ctx_, zmq::socket_type::dealer),
        monitor_(ctx_, zmq::socket_type::pair),
        watcher_(io_, socket_, [this](frame_list&& f) { on_frames(std::move(f)); }),
        monitor_watcher_(io_, monitor_, [this](frame_list&& f) { on_socket_event(f); }),
        hello_timer_(io_),
        heartbeat_timer_(io_),
        reap_timer_(io_),
        signals_(io_, SIGINT, SIGTERM),
        child_signals_(io_, SIGCHLD),
        state_(opts_.name, log_) {
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
    std::random_device rd;
    // Unique per worker process (and, with the serial, per job) even across reused pids.
    token_prefix_ = std::to_string(::getpid()) + "-" + std::to_string(rd()) + std::to_string(rd()) + "-";
    // A routing id unique to this process: a restarted worker is a new peer to the master.
    std::string id = opts_.name + "/" + std::to_string(::getpid()) + "/" + std::to_string(rd());
    socket_.set(zmq::sockopt::routing_id, id);
    socket_.set(zmq::sockopt::linger, 2000);  // deliver the last reports when exiting
    socket_.set(zmq::sockopt::reconnect_ivl, 100);
    socket_.set(zmq::sockopt::reconnect_ivl_max, 5000);
    socket_.set(zmq::sockopt::maxmsgsize, int64_t{16} << 20);
    // Before connecting, so that no disconnection goes unseen.
    if (::zmq_socket_monitor(socket_.handle(), monitor_endpoint, ZMQ_EVENT_DISCONNECTED) != 0) throw zmq::error_t();
    monitor_.set(zmq::sockopt::linger, 0);
    monitor_.connect(monitor_endpoint);
    try {
      socket_.connect(opts_.connect);
    } catch (const zmq::error_t& e) {
      throw bad_endpoint("cannot connect to '" + opts_.connect + "': " + e.what());
    }
  }

  int run() {
    log_ << "gridctl worker " << opts_.name << ": " << opts_.slots << " slots, master " << opts_.connect << "\n";
    signals_.async_wait([this](boost::system::error_code ec, int sig) {
      if (!ec) begin_exit("signal " + std::to_string(sig));
    });
    watcher_.start();
    monitor_watcher_.start();
    watch_children();
    say_hello();
    io_.run();
    watcher_.stop();
    monitor_watcher_.stop();
    return exit_status_;
  }

 private:
  void send(const proto::message& m) { watcher_.send(proto::encode(m)); }

  /// Starts a new registration: says hello now and again, backing off from 100 ms to 2 s, until
  /// welcomed. Hellos sent while no master is there wait in the socket's queue (at most its
  /// high-water mark); they all carry the same registration number, so a master that finds
  /// several answers each with a welcome and registers the worker once. (ZMQ_IMMEDIATE would
  /// avoid the queue, but with it libzmq 4.3.4 here lost the master's last message now and then.)
  void say_hello() {
    if (exiting_) return;
    welcomed_ = false;
    ++registration_;
    hello_backoff_ = std::chrono::milliseconds(100);
    hello_since_ = clock::now();
    told_waiting_ = false;
    repeat_hello();
  }

  void repeat_hello() {
    if (exiting_ || welcomed_) return;
    if (!told_waiting_ && clock::now() - hello_since_ > std::chrono::seconds(10)) {
      // Normal for a persistent worker between sweeps; a hint when the endpoint is wrong.
      log_ << "gridctl worker " << opts_.name << ": no master at " << opts_.connect
           << " yet; waiting (is a sweep running with --listen, and is its port reachable?)\n";
      told_waiting_ = true;
    }
    send(proto::hello{proto::version, opts_.name, opts_.slots, registration_});
    hello_timer_.expires_after(hello_backoff_);
    hello_backoff_ = std::min(hello_backoff_ * 2, std::chrono::milliseconds(2000));
    hello_timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec) repeat_hello();
    });
  }

  void on_frames(frame_list&& frames) {
    auto d = proto::decode(frames);
    if (!d.msg) {
      log_ << "gridctl worker: dropped a malformed message from the master: " << printable(d.error) << "\n";
      return;
    }
    last_heard_ = clock::now();
    std::visit([this](auto& m) { handle(m); }, *d.msg);
  }

  /// A socket monitor event: 2 bytes of event id, 4 of value, then the endpoint (zmq_socket_monitor(3)).
  void on_socket_event(const frame_list& frames) {
    std::uint16_t event = 0;
    if (frames.empty() || frames[0].size() < sizeof event) return;
    std::memcpy(&event, frames[0].data(), sizeof event);
    if (event != ZMQ_EVENT_DISCONNECTED || !welcomed_ || exiting_) return;
    // What was in flight is gone: jobs may have been sent and reports lost. And libzmq 4.3
    // reconnects only after a network error: after a protocol error (a message above our
    // ZMQ_MAXMSGSIZE) it gives up on the endpoint. So connect again ourselves.
    log_ << "gridctl worker " << opts_.name << ": the connection to the master dropped; registering again\n";
    drop_stale_jobs();
    reconnect();
    say_hello();
  }

  void reconnect() {
    try {
      socket_.disconnect(opts_.connect);
    } catch (const zmq::error_t&) {
      // ENOENT: libzmq already dropped the endpoint
    }
    socket_.connect(opts_.connect);
  }

  void handle(proto::welcome& w) {
    if (w.version != proto::version) {
      log_ << "gridctl worker: the master speaks protocol " << w.version << ", this worker " << proto::version
           << ": use the same gridctl version on both\n";
      exit_status_ = 2;
      begin_exit("protocol mismatch");
      return;
    }
    if (!welcomed_) log_ << "gridctl worker " << opts_.name << ": registered with the master\n";
    welcomed_ = true;
    hello_timer_.cancel();
    heartbeat_ = std::chrono::milliseconds(w.heartbeat_ms);
    schedule_heartbeat();
  }

  void handle(proto::refuse& r) {
    log_ << "gridctl worker: the master refused this worker: " << printable(r.reason) << "\n";
    exit_status_ = 2;
    begin_exit("refused");
  }

  void handle(proto::job& j) {
    // Stale jobs (being killed after a master reset) do not hold a slot of the new master's.
    std::size_t live = 0;
    for (const auto& [serial, rj] : jobs_) live += rj.stale ? 0 : 1;
    if (exiting_ || live >= static_cast<std::size_t>(opts_.slots)) {
      // The master never sends more jobs than slots; should one come anyway, say so at once.
      send(proto::output{j.point, j.attempt, 2, "gridctl: the worker had no free slot or was exiting\n"});
      proto::done d;
      d.point = j.point;
      d.attempt = j.attempt;
      d.exit_code = 127;
      d.worker_exiting = exiting_;  // not the point's fault: re-dispatched without using a try
      send(d);
      return;
    }
    // Jobs are keyed by a number of our own: after a master reset, a new master may send the
    // same (point, attempt) while the stale job of that name is still being killed.
    std::uint64_t serial = next_serial_++;
    running_job& rj = jobs_[serial];
    rj.point = j.point;
    rj.attempt = j.attempt;
    rj.limit = j.output_limit;
    rj.token = token_prefix_ + std::to_string(serial);
    job_spec spec{j.command, j.workdir, j.env, std::chrono::milliseconds(j.kill_grace_ms), rj.token};
    rj.process = std::make_shared<job_process>(
        io_, std::move(spec),
        [this, serial](int stream, std::string_view bytes) { on_output(serial, stream, bytes); },
        [this, serial](const job_exit& e) { on_job_exit(serial, e); });
    rj.process->start();
    if (rj.process->pid() > 0) state_.add(rj.process->pid(), rj.token);
  }

  void on_output(std::uint64_t serial, int stream, std::string_view bytes) {
    auto it = jobs_.find(serial);
    if (it == jobs_.end() || it->second.stale) return;
    running_job& rj = it->second;
    // Flow control: only the first `limit` bytes of each stream travel; the rest is counted
    // (and the end of stdout kept), so a job printing gigabytes costs neither side memory.
    std::uint64_t room = rj.limit > rj.sent[stream] ? rj.limit - rj.sent[stream] : 0;
    std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(room, bytes.size()));
    if (n > 0) {
      send(proto::output{rj.point, rj.attempt, stream, std::string(bytes.substr(0, n))});
      rj.sent[stream] += n;
    }
    rj.dropped[stream] += bytes.size() - n;
    if (stream == 1) {
      rj.stdout_tail.append(bytes);
      if (rj.stdout_tail.size() > stdout_tail_bytes)
        rj.stdout_tail.erase(0, rj.stdout_tail.size() - stdout_tail_bytes);
    }
  }

  void on_job_exit(std::uint64_t serial, const job_exit& e) {
    auto it = jobs_.find(serial);
    if (it == jobs_.end()) return;
    running_job& rj = it->second;
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
    state_.remove(rj.token);
    // Report only to the master that gave the job: after a reset the attempt is stale.
    if (!rj.stale) send(d);
    jobs_.erase(it);
    if (exiting_ && jobs_.empty()) finish_exit();
  }

  void handle(proto::cancel& c) {
    for (auto& [serial, rj] : jobs_)
      if (!rj.stale && rj.point == c.point && rj.attempt == c.attempt) rj.process->kill();
  }

  void handle(proto::heartbeat&) {}

  void handle(proto::shutdown& s) {
    if (s.reason == "unknown") {
      // The master does not know us: it restarted, or it declared us lost. Our jobs are stale.
      // Only the first such answer counts: the master answers every message we sent before our
      // new hello reached it, and a second reset would drop the jobs of the new registration.
      if (!welcomed_ || exiting_) return;  // exiting: its jobs are being stopped anyway
      log_ << "gridctl worker: the master no longer knows this worker; registering again\n";
      drop_stale_jobs();
      say_hello();
      return;
    }
    log_ << "gridctl worker " << opts_.name << ": the sweep is over\n";
    drop_stale_jobs();
    if (opts_.once) {
      begin_exit("sweep over");
      return;
    }
    // Persistent: wait for the next sweep's master on the same endpoint. This master may still
    // be closing: say hello after a moment, so it is not the one that welcomes us.
    welcomed_ = false;
    heartbeat_timer_.cancel();
    hello_timer_.expires_after(std::chrono::seconds(1));
    hello_timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec) say_hello();
    });
  }

  // Messages a worker never receives; decoding accepts them, so they are dropped here.
  void handle(proto::hello&) {}
  void handle(proto::output&) {}
  void handle(proto::done&) {}

  void drop_stale_jobs() {
    for (auto& [serial, rj] : jobs_) {
      rj.stale = true;
      rj.process->kill();
    }
  }

  void schedule_heartbeat() {
    heartbeat_timer_.expires_after(heartbeat_);
    heartbeat_timer_.async_wait([this](boost::system::error_code ec) {
      // Heartbeats go on while exiting: jobs may still finish within kill_grace, and a master
      // that heard nothing would declare us lost and drop their results.
      if (ec || !welcomed_) return;
      if (!exiting_ && clock::now() - last_heard_ > 3 * heartbeat_) {
        log_ << "gridctl worker: the master has been silent for 3 heartbeats; registering again\n";
        drop_stale_jobs();
        say_hello();
        return;
      }
      send(proto::heartbeat{});
      watcher_.poll();
      monitor_watcher_.poll();
      reap();  // safety net, as the polls are
      schedule_heartbeat();
    });
  }

  void watch_children() {
    child_signals_.async_wait([this](boost::system::error_code ec, int) {
      if (ec) return;
      reap();
      watch_children();
    });
  }

  /// Reaps exited orphans; when an exited job shell stands in the way, again once Boost.Process
  /// (whose SIGCHLD handler runs in this loop too) has reaped it.
  void reap() {
    if (reap_orphans([this](pid_t pid) { return is_job_shell(pid); })) return;
    reap_timer_.expires_after(std::chrono::milliseconds(50));
    reap_timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec) reap();
    });
  }

  bool is_job_shell(pid_t pid) const {
    for (const auto& [serial, rj] : jobs_)
      if (rj.process->pid() == pid) return true;
    return false;
  }

  void begin_exit(const std::string& why) {
    if (exiting_) return;
    exiting_ = true;
    log_ << "gridctl worker " << opts_.name << ": exiting (" << why << ")\n";
    hello_timer_.cancel();
    for (auto& [serial, rj] : jobs_) rj.process->kill();
    if (jobs_.empty()) finish_exit();
  }

  void finish_exit() {
    if (welcomed_) send(proto::shutdown{"bye"});
    // Linger only to deliver reports to a master we know; hellos queued for none are dropped.
    else socket_.set(zmq::sockopt::linger, 0);
    heartbeat_timer_.cancel();
    hello_timer_.cancel();
    reap_timer_.cancel();
    signals_.cancel();
    child_signals_.cancel();
    watcher_.stop();
    monitor_watcher_.stop();
    // Every job has ended: anything still below us is what they left behind.
    kill_all_descendants();
    io_.stop();
  }

  worker_options opts_;
  std::ostream& log_;
  boost::asio::io_context io_;
  zmq::context_t ctx_;
  zmq::socket_t socket_;
  zmq::socket_t monitor_;  ///< PAIR: the disconnections of socket_
  socket_watcher watcher_, monitor_watcher_;
  boost::asio::steady_timer hello_timer_, heartbeat_timer_, reap_timer_;
  boost::asio::signal_set signals_, child_signals_;
  worker_state state_;
  std::string token_prefix_;
  std::map<std::uint64_t, running_job> jobs_;  // by serial
  std::uint64_t next_serial_ = 0;
  std::chrono::milliseconds heartbeat_{1000};
  std::chrono::milliseconds hello_backoff_{100};
  std::uint64_t registration_ = 0;
  clock::time_point hello_since_;
  bool told_waiting_ = false;
  clock::time_point last_heard_ = clock::now();
  bool welcomed_ = false, exiting_ = false;
  int exit_status_ = 0;
};

}  // namespace

int run_worker(const worker_options& opts, std::ostream& log) {
  std::ostream silent(nullptr);  // no buffer: writes are dropped
  std::optional<worker> w;
  try {
    w.emplace(opts, opts.quiet ? silent : log);
  } catch (const bad_endpoint& e) {
    log << "gridctl worker: " << e.what() << "\n";
    return 2;
  }
  return w->run();
}

}  // namespace gridctl
