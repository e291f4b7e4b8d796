// End-to-end: while every job sleeps, the master and the embedded worker sleep too (no busy
// polling). A generous bound, not a benchmark.
#include <boost/test/unit_test.hpp>

#include <string>
#include <thread>
#include <vector>

#include "harness.hpp"

using namespace e2e;

BOOST_AUTO_TEST_SUITE(idle)

BOOST_AUTO_TEST_CASE(master_and_worker_use_no_cpu_while_jobs_sleep) {
  sandbox sb;
  const std::string marker = "sleep 2.0613";
  auto cfg = sb.write_file("idle.ini", ini()
                                           .section("sweep")
                                           .set("command", ": {x}; " + marker)
                                           .section("params")
                                           .set("x", "1, 2")
                                           .text());
  pid_t master = sb.gridctl("sweep", {"sweep", cfg.string(), "--local", "2"});
  BOOST_REQUIRE_MESSAGE(wait_until([&] { return pids_starting_with(marker).size() >= 2; }, 10s), "the jobs did not start");
  std::vector<pid_t> kids = children_of(master);
  BOOST_REQUIRE_EQUAL(kids.size(), 1u);
  const pid_t worker = kids[0];
  std::this_thread::sleep_for(300ms);  // past start-up
  auto m0 = cpu_seconds(master), w0 = cpu_seconds(worker);
  std::this_thread::sleep_for(1300ms);
  auto m1 = cpu_seconds(master), w1 = cpu_seconds(worker);
  BOOST_REQUIRE(m0 && m1 && w0 && w1);
  BOOST_TEST(*m1 - *m0 < 0.2, "the master used " << *m1 - *m0 << " s of CPU in 1.3 s of idle sweep");
  BOOST_TEST(*w1 - *w0 < 0.2, "the embedded worker used " << *w1 - *w0 << " s of CPU in 1.3 s");
  auto st = sb.wait(master, 30s);
  BOOST_REQUIRE(st);
  BOOST_TEST(*st == 0);
}

BOOST_AUTO_TEST_SUITE_END()
