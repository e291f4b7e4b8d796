// socket_watcher: the sends made while a batch of received messages is handled go out at its
// end, in order; one that fails (a gone ROUTER peer) comes back through on_send_failed after
// the others went; stop() sends what is held; every message is read.
#include <boost/asio/io_context.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "../unit/temp_dir.hpp"
#include "socket_watcher.hpp"

using namespace gridctl;
using namespace std::chrono_literals;

namespace {

/// A ROUTER watched by a socket_watcher, and a DEALER (plain, blocking with a timeout) talking
/// to it over ipc:// in a temporary directory.
struct pair_of_sockets {
  testing::temp_dir dir{"gridctl_socket_watcher"};
  boost::asio::io_context io;
  zmq::context_t ctx;
  zmq::socket_t router{ctx, zmq::socket_type::router};
  zmq::socket_t dealer{ctx, zmq::socket_type::dealer};

  pair_of_sockets() {
    router.set(zmq::sockopt::router_mandatory, 1);
    router.set(zmq::sockopt::linger, 0);
    dealer.set(zmq::sockopt::linger, 0);
    dealer.set(zmq::sockopt::rcvtimeo, 2000);
    dealer.set(zmq::sockopt::routing_id, std::string("d1"));
    const std::string endpoint = "ipc://" + (dir.path / "s").string();
    router.bind(endpoint);
    dealer.connect(endpoint);
  }
  void send_from_dealer(const std::string& text) { dealer.send(zmq::buffer(text), zmq::send_flags::none); }
  /// The next message the dealer receives, its frames joined with '|'; empty after 2 s.
  std::string dealer_receives() {
    std::string got;
    zmq::message_t m;
    if (!dealer.recv(m)) return got;
    got = m.to_string();
    while (m.more() && dealer.recv(m)) got += "|" + m.to_string();
    return got;
  }
  /// Runs the loop until `done` or 5 s.
  template <class Pred>
  void run_until(Pred done) {
    auto end = std::chrono::steady_clock::now() + 5s;
    while (!done() && std::chrono::steady_clock::now() < end) {
      io.run_for(20ms);
      io.restart();
    }
  }
};

}  // namespace

BOOST_AUTO_TEST_SUITE(socket_watcher_batches)

BOOST_AUTO_TEST_CASE(sends_made_in_a_batch_go_out_at_its_end_in_order_and_a_failed_one_comes_back_after) {
  pair_of_sockets p;
  std::vector<std::string> events;
  std::vector<std::string> failed;
  socket_watcher* self = nullptr;
  socket_watcher w(
      p.io, p.router,
      [&](frame_list&& f) {
        events.push_back("got " + f.at(1));
        // Three sends while the message is handled: two to its sender, one to a peer that
        // does not exist. None may leave before this handler returns.
        BOOST_TEST(self->send({f.at(0), "one " + f.at(1)}));
        BOOST_TEST(self->send({"ghost", "lost"}));  // held: its failure is not known yet
        BOOST_TEST(self->send({f.at(0), "two " + f.at(1)}));
        events.push_back("handled " + f.at(1));
      },
      [&](const frame_list& f) {
        failed.push_back(f.at(0) + ":" + f.at(1));
        events.push_back("failed");
      });
  self = &w;
  w.start();
  p.send_from_dealer("a");
  p.run_until([&] { return !failed.empty(); });
  BOOST_TEST(p.dealer_receives() == "one a");
  BOOST_TEST(p.dealer_receives() == "two a");
  BOOST_TEST_REQUIRE(failed.size() == 1u);
  BOOST_TEST(failed[0] == "ghost:lost");
  BOOST_TEST_REQUIRE(events.size() == 3u);
  BOOST_TEST(events[1] == "handled a");
  BOOST_TEST(events[2] == "failed");  // after the handler, and after the good sends went
  // Outside a batch a send goes at once, and its failure is its return value.
  BOOST_TEST(!w.send({"ghost", "now"}));
  BOOST_TEST(failed.size() == 1u);
  w.stop();
}

BOOST_AUTO_TEST_CASE(stop_inside_a_batch_sends_what_is_held_first) {
  pair_of_sockets p;
  socket_watcher* self = nullptr;
  bool handled = false;
  socket_watcher w(p.io, p.router, [&](frame_list&& f) {
    self->send({f.at(0), "last words"});
    self->stop();  // as the master does when the sweep ends inside a handler
    handled = true;
  });
  self = &w;
  w.start();
  p.send_from_dealer("bye");
  p.run_until([&] { return handled; });
  BOOST_TEST(p.dealer_receives() == "last words");
}

BOOST_AUTO_TEST_CASE(without_holding_a_send_in_a_batch_goes_at_once) {
  pair_of_sockets p;
  socket_watcher* self = nullptr;
  std::vector<bool> results;
  socket_watcher w(
      p.io, p.router, [&](frame_list&& f) {
        results.push_back(self->send({f.at(0), "answer"}));
        results.push_back(self->send({"ghost", "x"}));  // known at once: false
      },
      {}, false);
  self = &w;
  w.start();
  p.send_from_dealer("q");
  p.run_until([&] { return results.size() == 2; });
  BOOST_TEST_REQUIRE(results.size() == 2u);
  BOOST_TEST(results[0]);
  BOOST_TEST(!results[1]);
  BOOST_TEST(p.dealer_receives() == "answer");
  w.stop();
}

BOOST_AUTO_TEST_CASE(every_message_is_read_in_bursts_and_one_by_one_while_the_loop_waits) {
  // ZMQ_FD is edge-triggered: a watcher that waits for the FD while a message is readable
  // without a new edge loses it (ENGINEERING.md: reading one message per wake delivered 1 of
  // 1,000; this test fails so).
  pair_of_sockets p;
  socket_watcher* self = nullptr;
  int got = 0;
  socket_watcher w(p.io, p.router, [&](frame_list&& f) {
    ++got;
    // Sends make edges of their own (libzmq's I/O thread answers them): only the single
    // messages are answered, so that the burst must be read without their help.
    if (f.at(1) == "single") self->send({f.at(0), "ack"});
  });
  self = &w;
  for (int i = 0; i < 500; ++i) p.send_from_dealer("burst");  // waiting before the watcher starts
  w.start();
  p.run_until([&] { return got == 500; });
  BOOST_TEST(got == 500);
  // Now the loop waits on the FD between messages.
  for (int i = 1; i <= 100; ++i) {
    p.send_from_dealer("single");
    p.run_until([&] { return got == 500 + i; });
    BOOST_TEST_REQUIRE(got == 500 + i);
  }
  int acks = 0;
  while (acks < 100 && p.dealer_receives() == "ack") ++acks;
  BOOST_TEST(acks == 100);
  w.stop();
}

BOOST_AUTO_TEST_SUITE_END()
