// socket_watcher: the ZMQ_FD recipe of docs/../shared ENGINEERING notes, in one place.
#include "socket_watcher.hpp"

#include <boost/asio/post.hpp>
#include <cerrno>

namespace gridctl {

namespace {
/// Runs a libzmq call again when a signal interrupted it. Our processes take signals (SIGCHLD
/// from jobs, SIGINT/SIGTERM) and cppzmq reports EINTR as an exception.
template <class F>
auto retry_on_eintr(F f) {
  for (;;) {
    try {
      return f();
    } catch (const zmq::error_t& e) {
      if (e.num() != EINTR) throw;
    }
  }
}
}  // namespace

socket_watcher::socket_watcher(boost::asio::io_context& io, zmq::socket_t& socket,
                               std::function<void(frame_list&&)> on_message,
                               std::function<void(const frame_list&)> on_send_failed, bool hold_sends)
    : io_(io),
      socket_(socket),
      fd_(io),
      on_message_(std::move(on_message)),
      on_send_failed_(std::move(on_send_failed)),
      hold_sends_(hold_sends) {}

socket_watcher::~socket_watcher() {
  *alive_ = false;
  stop();
}

void socket_watcher::start() {
  stopped_ = false;
  fd_.assign(socket_.get(zmq::sockopt::fd));
  kick();
}

void socket_watcher::stop() {
  if (stopped_) return;
  // What a batch held goes out first (e.g. the master's last shutdowns); failures no longer matter.
  for (const frame_list& frames : held_) send_now(frames);
  held_.clear();
  stopped_ = true;
  boost::system::error_code ec;
  fd_.cancel(ec);
  fd_.release();  // libzmq owns the descriptor
}

void socket_watcher::wait() {
  if (stopped_ || waiting_) return;
  waiting_ = true;
  std::weak_ptr<bool> alive = alive_;
  fd_.async_wait(boost::asio::posix::stream_descriptor::wait_read, [this, alive](boost::system::error_code ec) {
    if (alive.expired()) return;
    waiting_ = false;
    if (ec || stopped_) return;
    drain();
  });
}

void socket_watcher::kick() {
  if (kick_posted_ || stopped_) return;
  kick_posted_ = true;
  std::weak_ptr<bool> alive = alive_;
  boost::asio::post(io_, [this, alive] {
    if (alive.expired()) return;
    kick_posted_ = false;
    if (!stopped_) drain();
  });
}

void socket_watcher::drain() {
  for (int batch = 0; batch < 64; ++batch) {
    if (stopped_) return;
    frame_list frames;
    zmq::message_t part;
    bool more = true;
    while (more) {
      auto got = retry_on_eintr([&] { return socket_.recv(part, zmq::recv_flags::dontwait); });
      if (!got) break;  // nothing waiting (never mid-message: multipart messages arrive whole)
      if (frames.empty()) frames.reserve(16);  // our longest: done, with the ROUTER's identity, 15
      frames.emplace_back(static_cast<const char*>(part.data()), part.size());
      more = part.more();
    }
    if (frames.empty()) {
      // Nothing to read. Before waiting for the FD, ZMQ_EVENTS must say so too: reading it runs
      // libzmq's command queue, which may make a message readable without a new edge. (Asked
      // here, once per batch, rather than before each message: each ask is a poll and a
      // getpid in libzmq.)
      if (retry_on_eintr([&] { return socket_.get(zmq::sockopt::events); }) & ZMQ_POLLIN) continue;
      // The held sends may have consumed the FD's edge: look once more after them.
      if (send_held()) kick();
      else wait();
      return;
    }
    in_batch_ = hold_sends_;
    on_message_(std::move(frames));
    in_batch_ = false;
  }
  send_held();
  kick();  // more may be waiting: continue after other handlers had a turn
}

bool socket_watcher::send(frame_list frames) {
  if (stopped_) return false;
  if (in_batch_) {
    held_.push_back(std::move(frames));
    return true;
  }
  return send_now(frames);
}

bool socket_watcher::send_held() {
  if (held_.empty()) return false;
  std::vector<frame_list> held = std::move(held_);
  held_.clear();
  // All of them first, in order; then the failures (whose handling may send, or stop us).
  std::vector<const frame_list*> failed;
  for (const frame_list& frames : held)
    if (!send_now(frames)) failed.push_back(&frames);
  for (const frame_list* frames : failed)
    if (on_send_failed_ && !stopped_) on_send_failed_(*frames);
  return true;
}

bool socket_watcher::send_now(const frame_list& frames) {
  if (stopped_) return false;
  bool ok = true;
  try {
    for (std::size_t i = 0; i < frames.size(); ++i) {
      auto flags = zmq::send_flags::dontwait;
      if (i + 1 < frames.size()) flags = flags | zmq::send_flags::sndmore;
      if (!retry_on_eintr([&] { return socket_.send(zmq::buffer(frames[i]), flags); })) {
        ok = false;
        break;
      }
    }
  } catch (const zmq::error_t&) {
    ok = false;  // EHOSTUNREACH: the ROUTER peer is gone (ZMQ_ROUTER_MANDATORY)
  }
  kick();  // the send may have consumed the FD's edge
  return ok;
}

}  // namespace gridctl
