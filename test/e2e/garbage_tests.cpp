// End-to-end: what reaches the master's port is not always a gridctl worker. Raw bytes,
// malformed and oversized ZeroMQ messages, a peer of another protocol version, and a
// registered "worker" that sends nonsense about its job and then vanishes must not disturb the
// sweep: it finishes with every point ok.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>
#include <zmq.hpp>

#include "harness.hpp"

using namespace e2e;
namespace json = boost::json;

namespace {

std::string random_bytes(std::mt19937& rng, std::size_t n) {
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng() & 0xff);
  return s;
}

/// A plain TCP connection to 127.0.0.1:port that writes `bytes` and closes; retried while the
/// master is not listening yet.
void raw_write(int port, const std::string& bytes) {
  auto end = clock_type::now() + 5s;
  for (;;) {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    BOOST_REQUIRE(fd >= 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<std::uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0) {
      std::size_t off = 0;
      while (off < bytes.size()) {
        ssize_t n = ::send(fd, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
        if (n <= 0) break;  // the master may hang up on garbage: fine
        off += static_cast<std::size_t>(n);
      }
      ::close(fd);
      return;
    }
    ::close(fd);
    BOOST_REQUIRE_MESSAGE(clock_type::now() < end, "cannot connect to 127.0.0.1:" << port);
    std::this_thread::sleep_for(50ms);
  }
}

}  // namespace

BOOST_AUTO_TEST_SUITE(garbage)

BOOST_AUTO_TEST_CASE(garbage_on_the_port_does_not_disturb_the_sweep) {
  sandbox sb;
  auto cfg = sb.write_file("garbage.ini", ini()
                                              .section("sweep")
                                              // Held until the garbage is sent: the sweep
                                              // cannot end before, whatever the machine's speed.
                                              .set("command", "while [ ! -e go ]; do sleep 0.05; done; echo {x}")
                                              .section("params")
                                              .set("x", "range(20)")
                                              .section("workers")
                                              .set("heartbeat", "200ms")
                                              .text());
  const int port = free_port();
  const std::string endpoint = "tcp://127.0.0.1:" + std::to_string(port);
  pid_t master = sb.gridctl("sweep", {"sweep", cfg.string(), "--local", "2", "--listen", endpoint});
  std::mt19937 rng(20261129);
  zmq::context_t ctx;

  // (c) A peer that registers properly, takes a job, talks nonsense about it, streams some
  // output (not UTF-8), and vanishes without a word: the job is lost and runs elsewhere.
  {
    // Linger: what it queued still leaves after the socket is closed, before the master can
    // notice its silence (3 heartbeats).
    zmq::socket_t fake = dealer(ctx, endpoint, 5000ms);
    send_frames(fake, {"hello", protocol, "fake", "1", "0"});
    BOOST_REQUIRE_MESSAGE(receive_type(fake, "welcome", 5000ms), "no welcome for a proper hello");
    auto job = receive_type(fake, "job", 5000ms);
    BOOST_REQUIRE_MESSAGE(job, "the registered fake worker got no job");
    BOOST_REQUIRE(job->size() >= 3u);
    const std::string point = (*job)[1], attempt = (*job)[2];
    send_frames(fake, {"started", point, attempt});  // it began: its loss is recorded
    send_frames(fake, {"done", point, attempt, "", "", "yesterday", "0", "0", "0", "", "0"});
    send_frames(fake, {"done", point});
    send_frames(fake, {"output", point, attempt, "3", "bad stream\n"});
    send_frames(fake, {"output", point, "-1", "1", "bad attempt\n"});
    send_frames(fake, {"welcome", protocol, "1000", "0"});     // only a master sends these
    send_frames(fake, {"cancel", point, attempt});
    send_frames(fake, {"job", point, attempt, "true", "/", "", "0", "0"});
    send_frames(fake, {"done", "0000000000000000", "1", "0", "", "0", "0", "0", "0", "", "0"});  // not its job
    send_frames(fake, {"output", point, attempt, "1", "started \xff\xfe\xc0 bad utf8\n"});
  }

  // (a) Raw bytes on plain TCP connections.
  raw_write(port, random_bytes(rng, 64 * 1024));
  raw_write(port, "");
  raw_write(port, std::string("\xff\x7f\xff\xff\xff\xff\xff\xff\xff\x7f", 10) + random_bytes(rng, 4096));
  raw_write(port, "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");

  // (b) Malformed messages from a real ZeroMQ peer that never registered.
  {
    zmq::socket_t d = dealer(ctx, endpoint);
    send_frames(d, {""});
    send_frames(d, {"", "", ""});
    send_frames(d, {"done", "nothex", "x"});
    send_frames(d, {"hello", "abc"});
    send_frames(d, {"hello", protocol});
    send_frames(d, {"hello", protocol, "x", "0"});
    send_frames(d, {"job", "0123456789abcdef", "1", "true", "/", "", "0", "0"});
    send_frames(d, {"output", "0123456789abcdef", "1", "1", "hi"});
    send_frames(d, {"heartbeat"});
    send_frames(d, {random_bytes(rng, 1 << 20)});
    send_frames(d, {"output", random_bytes(rng, 16), random_bytes(rng, 1 << 20)});
    send_frames(d, frames(1000, std::string()));
    // Another protocol version: refused, with a reason.
    send_frames(d, {"hello", "999", "x", "1"});
    auto refuse = receive_type(d, "refuse", 5000ms);
    BOOST_TEST(refuse.has_value(), "no 'refuse' for a hello of protocol 999");
    if (refuse) {
      BOOST_TEST(refuse->size() == 2u);
      BOOST_TEST(!refuse->back().empty());
    }
  }
  // The jobs wait for `go`: a master that is gone now was killed by the garbage.
  BOOST_REQUIRE_MESSAGE(!sb.wait(master, 0s).has_value(), "the master ended while it received garbage");
  sb.write_file("go", "");

  auto st = sb.wait(master, 60s);
  BOOST_REQUIRE_MESSAGE(st, "the sweep did not end within 60 s");
  BOOST_TEST(*st == 0);
  BOOST_TEST(sb.err_of(master).find("999") != std::string::npos, "stderr: " << sb.err_of(master));

  results r = read_results(sb.path("garbage.jsonl"));  // every line parses, despite the bytes
  BOOST_TEST(!r.torn);
  check_each_point_ok_once(r.records, 20);
  BOOST_TEST(count_status(r.records, "failed") == 0u);
  std::size_t fake_records = 0;
  for (const auto& rec : r.records) {
    if (str(rec, "worker") != "fake") continue;
    ++fake_records;
    BOOST_TEST(str(rec, "status") == "lost", json::serialize(rec));
    const std::string out = str(rec, "stdout");
    BOOST_TEST(out.find("started ") == 0u, "stdout: " << out);
    BOOST_TEST(out.find(" bad utf8\n") != std::string::npos, "stdout: " << out);
    BOOST_TEST(out.find("bad stream") == std::string::npos);
    BOOST_TEST(out.find("bad attempt") == std::string::npos);
  }
  BOOST_TEST(fake_records == 1u);
}

BOOST_AUTO_TEST_CASE(a_worker_refused_by_its_master_says_why_and_exits_2) {
  // The other side of a version mismatch: a "master" (a bare ROUTER) that refuses the hello,
  // and one that sends the worker garbage first. The worker must survive the garbage, print
  // the master's reason and exit 2.
  sandbox sb;
  zmq::context_t ctx;
  zmq::socket_t master = fake_master(ctx);
  master.set(zmq::sockopt::linger, 0);
  master.set(zmq::sockopt::rcvtimeo, 100);
  const std::string endpoint = "tcp://127.0.0.1:" + std::to_string(free_port());
  master.bind(endpoint);
  pid_t w = sb.gridctl("w", {"worker", "--connect", endpoint, "--slots", "1", "--name", "old"});
  auto hello = receive(master, 10000ms);  // frame 0 is the routing id, frame 1 the type
  BOOST_REQUIRE_MESSAGE(hello && hello->size() >= 2 && (*hello)[1] == "hello", "no hello from the worker");
  const std::string id = hello->front();
  send_frames(master, {id, "welcome", "x"});               // malformed
  send_frames(master, {id, "job", "nothex", "1"});         // malformed
  send_frames(master, {id, "bogus"});                      // unknown type
  send_frames(master, {id, "refuse", "this master speaks gridctl protocol 7"});
  auto st = sb.wait(w, 10s);
  BOOST_REQUIRE_MESSAGE(st, "the refused worker did not exit");
  BOOST_TEST(*st == 2);
  BOOST_TEST(sb.err_of(w).find("protocol 7") != std::string::npos, "stderr: " << sb.err_of(w));
  BOOST_TEST(sb.err_of(w).find("malformed") != std::string::npos, "stderr: " << sb.err_of(w));
}

BOOST_AUTO_TEST_SUITE_END()
