// End-to-end: a worker recovering from what killed or cut off its predecessor — a worker
// SIGKILLed with a job running leaves the job's grandchild behind, and the next worker of the
// same name on the node kills it (a live worker of that name is left alone); a dropped
// connection (here: a frame above the worker's 16 MiB message limit) makes the worker register
// again, with a fake master on a ROUTER socket of the test's own.
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <csignal>
#include <string>
#include <vector>
#include <zmq.hpp>

#include "harness.hpp"

using namespace e2e;

namespace {

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

/// The next message on `router`, waiting at most `limit`; empty when none came.
std::vector<std::string> receive(zmq::socket_t& router, clock_type::duration limit) {
  auto end = clock_type::now() + limit;
  while (clock_type::now() < end) {
    std::vector<std::string> frames;
    zmq::message_t part;
    if (!router.recv(part, zmq::recv_flags::none)) continue;  // ZMQ_RCVTIMEO passed
    frames.emplace_back(static_cast<const char*>(part.data()), part.size());
    while (part.more()) {
      (void)router.recv(part, zmq::recv_flags::none);
      frames.emplace_back(static_cast<const char*>(part.data()), part.size());
    }
    return frames;
  }
  return {};
}

/// The registration number of the next hello, skipping other messages; 0 when none came.
std::uint64_t next_hello(zmq::socket_t& router, std::string& routing_id, clock_type::duration limit,
                         std::uint64_t newer_than = 0) {
  auto end = clock_type::now() + limit;
  while (clock_type::now() < end) {
    auto f = receive(router, end - clock_type::now());
    if (f.size() == 6 && f[1] == "hello" && std::stoull(f[5]) > newer_than) {
      routing_id = f[0];
      return std::stoull(f[5]);
    }
  }
  return 0;
}

void send(zmq::socket_t& router, const std::vector<std::string>& frames) {
  for (std::size_t i = 0; i < frames.size(); ++i)
    router.send(zmq::buffer(frames[i]), i + 1 < frames.size() ? zmq::send_flags::sndmore : zmq::send_flags::none);
}

}  // namespace

BOOST_AUTO_TEST_SUITE(worker_recovery)

BOOST_AUTO_TEST_CASE(the_next_worker_of_the_name_kills_what_a_sigkilled_worker_left) {
  sandbox sb;
  // `; true`: the shell cannot exec the sleep, which is therefore a grandchild of the worker,
  // beyond the shell's death signal.
  const std::string marker = "sleep 300.8642";
  auto cfg = sb.write_file("kill.ini", ini()
                                           .section("sweep")
                                           .set("command", ": {x}; " + marker + "; true")
                                           .section("params")
                                           .set("x", "1")
                                           .text());
  const std::string endpoint = endpoint_on(free_port());
  const std::vector<std::pair<std::string, std::string>> env = {{"XDG_RUNTIME_DIR", sb.dir().string()}};
  auto worker_args = [&](const std::string& connect) {
    return std::vector<std::string>{gridctl_path(), "worker", "--connect", connect, "--slots", "1", "--name", "kw"};
  };
  pid_t first = sb.start("first", worker_args(endpoint), env);
  start_master(sb, cfg, endpoint);
  BOOST_REQUIRE_MESSAGE(wait_until([&] { return pids_starting_with(marker, first).size() == 1; }, 20s),
                        "the job did not start");
  pid_t grandchild = pids_starting_with(marker, first).front();

  // A live worker of the same name (connected elsewhere) leaves the first one's job alone.
  pid_t sibling = sb.start("sibling", worker_args(endpoint_on(free_port())), env);
  BOOST_REQUIRE(wait_until([&] { return contains(sb.err_of(sibling), "slots, master"); }, 10s));
  BOOST_TEST(alive(grandchild), "a live worker's job was killed by another worker of its name");
  BOOST_TEST(!contains(sb.err_of(sibling), "previous worker"), sb.err_of(sibling));

  sb.signal(first, SIGKILL);
  BOOST_REQUIRE(sb.wait(first, 5s).has_value());
  BOOST_REQUIRE_MESSAGE(alive(grandchild), "the grandchild died with its worker: the test proves nothing");

  pid_t next = sb.start("next", worker_args(endpoint_on(free_port())), env);
  BOOST_TEST(wait_until([&] { return !alive(grandchild); }, 10s), "the grandchild of the SIGKILLed worker survives");
  BOOST_TEST(wait_until([&] { return contains(sb.err_of(next), "previous worker of this name"); }, 5s), sb.err_of(next));
  BOOST_TEST(!fs::exists(sb.dir() / "gridctl" / ("worker-kw." + std::to_string(first))), "the dead worker's file remains");
  BOOST_TEST(fs::exists(sb.dir() / "gridctl" / ("worker-kw." + std::to_string(sibling))), "the live worker's file is gone");
}

BOOST_AUTO_TEST_CASE(a_dropped_connection_makes_the_worker_register_again) {
  sandbox sb;
  zmq::context_t ctx;
  zmq::socket_t router = fake_master(ctx);
  router.set(zmq::sockopt::linger, 0);
  router.set(zmq::sockopt::router_handover, 1);  // as the master's: the reconnected peer replaces the old
  router.set(zmq::sockopt::rcvtimeo, 100);
  router.bind("tcp://127.0.0.1:*");
  const std::string endpoint = router.get(zmq::sockopt::last_endpoint);
  pid_t worker = sb.gridctl("w", {"worker", "--connect", endpoint, "--slots", "1", "--name", "dw"});

  std::string id;
  std::uint64_t first = next_hello(router, id, 10s);
  BOOST_REQUIRE_MESSAGE(first > 0, "no hello from the worker");
  // A heartbeat of a minute: a silent master would only be noticed after 3 minutes.
  send(router, {id, "welcome", protocol, "60000", "0"});
  BOOST_REQUIRE(wait_until([&] { return contains(sb.err_of(worker), "registered with the master"); }, 5s));

  // One frame above the worker's ZMQ_MAXMSGSIZE: libzmq drops the connection (and reconnects).
  send(router, {id, "heartbeat", std::string((16u << 20) + 1024, 'x')});
  std::uint64_t again = next_hello(router, id, 5s, first);
  BOOST_TEST(again > first, "the worker did not say hello again after its connection dropped");
  BOOST_TEST(contains(sb.err_of(worker), "connection to the master dropped"), sb.err_of(worker));
}

BOOST_AUTO_TEST_SUITE_END()
