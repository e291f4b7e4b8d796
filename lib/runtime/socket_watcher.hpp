// socket_watcher: a ZeroMQ socket driven by an Asio loop through its ZMQ_FD.
//
// ZMQ_FD is edge-triggered and only says "look at ZMQ_EVENTS" (zmq_getsockopt(3)): a readable
// FD does not mean a message is waiting, and a send may consume the edge. So: always
// async_wait(wait_read); in the handler read messages until EAGAIN, then go on while ZMQ_EVENTS
// has POLLIN (asked once per batch: each ask is a poll and a getpid in libzmq), at most 64
// messages per turn (then post a continuation so timers and pipes get their turn); after every
// send, post one drain ("kick"). The FD belongs to libzmq: we cancel and release it, never close it.
//
// Sends made while a batch of received messages is handled are held and sent together at the
// end of the batch: libzmq wakes its I/O thread once for them, which writes them to each peer
// in one system call, instead of one wake and one write per message (the master's CPU per job,
// bench/run c). A send that then fails is reported through `on_send_failed`. (A REP socket, whose
// answer must go before the next request can be read, is made with `hold_sends` false.)
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <functional>
#include <string>
#include <vector>
#include <zmq.hpp>

namespace gridctl {

using frame_list = std::vector<std::string>;

class socket_watcher {
 public:
  /// Calls `on_message` with the frames of each message received (for a ROUTER, frame 0 is the
  /// peer's routing id).
  socket_watcher(boost::asio::io_context& io, zmq::socket_t& socket,
                 std::function<void(frame_list&&)> on_message,
                 std::function<void(const frame_list&)> on_send_failed = {}, bool hold_sends = true);
  ~socket_watcher();
  socket_watcher(const socket_watcher&) = delete;
  socket_watcher& operator=(const socket_watcher&) = delete;

  /// Starts watching; drains once (messages may already be queued).
  void start();
  /// Stops watching and gives the FD back to libzmq. No callback runs after this.
  void stop();
  /// Sends a multipart message without blocking; while a batch of received messages is being
  /// handled, at the end of that batch. False when it cannot be sent now (no route to a ROUTER
  /// peer, or the peer's queue is full): the caller decides; messages are small and each is
  /// part of a protocol that tolerates loss (heartbeats, re-dispatch). A held message that
  /// cannot be sent goes to `on_send_failed` instead.
  bool send(frame_list frames);

  /// Looks at ZMQ_EVENTS once more soon. Called on every heartbeat as a safety net: should an
  /// edge of ZMQ_FD ever be missed, a waiting message is still read within one heartbeat.
  void poll() { kick(); }


 private:
  void wait();
  void drain();
  void kick();
  bool send_now(const frame_list& frames);
  /// Sends what was held during a batch; true if there was any.
  bool send_held();

  boost::asio::io_context& io_;
  zmq::socket_t& socket_;
  boost::asio::posix::stream_descriptor fd_;
  std::function<void(frame_list&&)> on_message_;
  std::function<void(const frame_list&)> on_send_failed_;
  bool hold_sends_;             ///< sends made in a batch wait for its end
  bool in_batch_ = false;       ///< on_message_ runs and sends are held
  std::vector<frame_list> held_;  ///< sends made during the batch, in order
  bool stopped_ = true;
  bool waiting_ = false;
  bool kick_posted_ = false;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace gridctl
