// worker: the worker's event loop. It translates socket, monitor, timer, process and signal
// events into calls on worker_reactor (lib/core), and carries out what the reactor asks.
#include "worker.hpp"

#include <sys/prctl.h>

#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <ostream>
#include <random>
#include <unistd.h>

#include "process_runner.hpp"
#include "process_tree.hpp"
#include "protocol.hpp"
#include "utf8.hpp"
#include "socket_watcher.hpp"
#include "worker_reactor.hpp"

namespace gridctl {

namespace {

using clock = std::chrono::steady_clock;
namespace proto = protocol;

/// Where the socket monitor publishes the DEALER's disconnections (inproc: one context per worker).
constexpr const char* monitor_endpoint = "inproc://gridctl-worker-monitor";

/// The socket monitor's events the worker acts on.
constexpr int monitored_events = ZMQ_EVENT_DISCONNECTED | ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                                 ZMQ_EVENT_HANDSHAKE_FAILED_AUTH;

/// A failed security handshake in words: what it most likely means and what to do.
std::string handshake_failure(std::uint16_t event, std::uint32_t value, const worker_options& o) {
  std::string at = "the master at " + o.connect;
  if (event == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)
    return at + " refused this worker's key (" + o.key_dir + "/worker.pub is not in its authorized_workers: add it there)";
  if (event == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL && value == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH)
    return o.keys ? at + " does not use CurveZMQ (auth = none there?): this worker will not take its jobs; run both "
                         "with the same auth"
                  : at + " requires CurveZMQ keys: start this worker with --auth curve (keys in ~/.config/gridctl)";
  return at + " failed the CurveZMQ handshake: it is not the master whose key is " + o.key_dir +
         "/master.pub (another master, or keys made again there? copy its master.pub here)";
}

/// How soon to try reaping again when an exited job shell stood in the way (reap()).
constexpr std::chrono::milliseconds reap_retry{50};

/// The --connect endpoint is unusable: a usage error, not a runtime one.
struct bad_endpoint : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class worker : worker_comm {
 public:
  worker(const worker_options& opts, std::ostream& log)
      : opts_(opts),
        log_(log),
        socket_(ctx_, zmq::socket_type::dealer),
        monitor_(ctx_, zmq::socket_type::pair),
        watcher_(io_, socket_, [this](frame_list&& f) { on_frames(f); }),
        monitor_watcher_(io_, monitor_, [this](frame_list&& f) { on_socket_event(f); }),
        hello_timer_(io_),
        heartbeat_timer_(io_),
        report_timer_(io_),
        reap_timer_(io_),
        signals_(io_, SIGINT, SIGTERM),
        child_signals_(io_, SIGCHLD),
        runner_(
            io_, opts_.name, log_,
            [this](job_serial job, int stream, std::string_view bytes) { reactor_.on_output(job, stream, bytes, clock::now()); },
            [this](job_serial job, const job_exit& e) { reactor_.on_job_ended(job, e, clock::now()); }),
        reactor_(worker_settings{opts_.name, opts_.slots, opts_.once, opts_.connect}, runner_, *this) {
    ::prctl(PR_SET_CHILD_SUBREAPER, 1);
    std::random_device rd;
    // A routing id unique to this process: a restarted worker is a new peer to the master.
    std::string id = opts_.name + "/" + std::to_string(::getpid()) + "/" + std::to_string(rd());
    socket_.set(zmq::sockopt::routing_id, id);
    socket_.set(zmq::sockopt::linger, 2000);  // deliver the last reports when exiting
    // A persistent worker must join a new master within 100 ms of its start (bench/run f):
    // libzmq retries the connection every 50 ms, without backing off. With CURVE a refused
    // handshake costs the master a ZAP round, so retries back off, to once a second.
    socket_.set(zmq::sockopt::reconnect_ivl, 50);
    socket_.set(zmq::sockopt::reconnect_ivl_max, opts_.keys ? 1000 : 0);
    socket_.set(zmq::sockopt::maxmsgsize, int64_t{16} << 20);
    // Before connecting, so that no disconnection goes unseen.
    if (opts_.keys) {  // CurveZMQ client: pin the master's key
      socket_.set(zmq::sockopt::curve_serverkey, opts_.keys->master_public);
      socket_.set(zmq::sockopt::curve_publickey, opts_.keys->own.public_key);
      socket_.set(zmq::sockopt::curve_secretkey, opts_.keys->own.secret_key);
    }
    if (::zmq_socket_monitor(socket_.handle(), monitor_endpoint, monitored_events) != 0) throw zmq::error_t();
    monitor_.set(zmq::sockopt::linger, 0);
    monitor_.connect(monitor_endpoint);
    try {
      socket_.connect(opts_.connect);
    } catch (const zmq::error_t& e) {
      throw bad_endpoint("cannot connect to '" + opts_.connect + "': " + e.what());
    }
  }

  int run() {
    signals_.async_wait([this](boost::system::error_code ec, int sig) {
      if (!ec) reactor_.on_signal(sig);
    });
    watcher_.start();
    monitor_watcher_.start();
    watch_children();
    reactor_.start(clock::now());
    io_.run();
    watcher_.stop();
    monitor_watcher_.stop();
    return exit_status_;
  }

 private:
  // ---- events in -------------------------------------------------------------------------
  void on_frames(const frame_list& frames) {
    auto d = proto::decode_to_worker(frames);
    if (!d.msg) {
      log_ << "gridctl worker: dropped a malformed message from the master: " << printable(d.error) << "\n";
      return;
    }
    reactor_.on_message(std::move(*d.msg), clock::now());
  }

  /// A socket monitor event: 2 bytes of event id, 4 of value, then the endpoint (zmq_socket_monitor(3)).
  /// A connection that drops while its handshake is under way (the master could not decrypt
  /// our hello: we pinned another key) is a failed handshake too.
  void on_socket_event(const frame_list& frames) {
    std::uint16_t event = 0;
    std::uint32_t value = 0;
    if (frames.empty() || frames[0].size() < sizeof event + sizeof value) return;
    std::memcpy(&event, frames[0].data(), sizeof event);
    std::memcpy(&value, frames[0].data() + sizeof event, sizeof value);
    if (event == ZMQ_EVENT_DISCONNECTED) return reactor_.on_disconnected(clock::now());
    if (event == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL && !opts_.keys) return;  // a plain peer went away
    reactor_.on_handshake_failed(handshake_failure(event, value, opts_));
  }

  boost::asio::steady_timer& timer(worker_timer t) {
    switch (t) {
      case worker_timer::hello: return hello_timer_;
      case worker_timer::heartbeat: return heartbeat_timer_;
      case worker_timer::report: break;
    }
    return report_timer_;
  }

  void on_heartbeat_timer() {
    // Safety nets, on every heartbeat: should an edge of a ZMQ_FD or a SIGCHLD ever be missed,
    // what waits is still seen within one heartbeat.
    watcher_.poll();
    monitor_watcher_.poll();
    reap();
    reactor_.on_timer(worker_timer::heartbeat, clock::now());
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
    if (reap_orphans([this](pid_t pid) { return runner_.is_job_shell(pid); })) return;
    reap_timer_.expires_after(reap_retry);
    reap_timer_.async_wait([this](boost::system::error_code ec) {
      if (!ec) reap();
    });
  }

  // ---- actions out (worker_comm) -----------------------------------------------------------
  void send(const proto::to_master& m) override { watcher_.send(proto::encode(m)); }

  void arm(worker_timer t, steady_time at) override {
    timer(t).expires_at(at);
    timer(t).async_wait([this, t](boost::system::error_code ec) {
      if (ec) return;
      if (t == worker_timer::heartbeat) on_heartbeat_timer();
      else reactor_.on_timer(t, clock::now());
    });
  }

  void disarm(worker_timer t) override { timer(t).cancel(); }

  void reconnect() override {
    try {
      socket_.disconnect(opts_.connect);
    } catch (const zmq::error_t&) {
      // ENOENT: libzmq already dropped the endpoint
    }
    socket_.connect(opts_.connect);
  }

  void log(const std::string& line) override { log_ << line << "\n"; }

  void exit(int status, bool deliver) override {
    exit_status_ = status;
    // Linger only to deliver reports to a master we know; hellos queued for none are dropped.
    if (!deliver) socket_.set(zmq::sockopt::linger, 0);
    hello_timer_.cancel();
    heartbeat_timer_.cancel();
    report_timer_.cancel();
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
  boost::asio::steady_timer hello_timer_, heartbeat_timer_, report_timer_, reap_timer_;
  boost::asio::signal_set signals_, child_signals_;
  process_runner runner_;
  worker_reactor reactor_;
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
