// End-to-end: sweeps that something goes wrong in — a worker SIGKILLed with its jobs, the
// master SIGKILLed and rerun, a timeout with grandchildren, SIGINT to the sweep.
#include <boost/test/unit_test.hpp>

#include <csignal>
#include <set>
#include <string>
#include <vector>

#include "harness.hpp"

using namespace e2e;
namespace json = boost::json;

namespace {

double seconds_since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(faults)

BOOST_AUTO_TEST_CASE(a_worker_and_its_jobs_killed_mid_sweep) {
  sandbox sb;
  auto cfg = sb.write_file("lost.ini", ini()
                                           .section("sweep")
                                           .set("command", "echo started {x}; sleep 1.000301")
                                           .section("params")
                                           .set("x", "range(12)")
                                           .section("workers")
                                           .set("heartbeat", "200ms")
                                           .text());
  const auto file = sb.path("lost.jsonl");
  remote_sweep sweep = start_remote_sweep(sb, cfg);
  const pid_t w1 = sweep.workers[0], w2 = sweep.workers[1];

  // Once w1's first two jobs are recorded (their processes are gone), the next two start at
  // once in its freed slots. Kill w1 when both are in `sleep` (so "started" was printed) and w1
  // has sent that output on (it is idle again).
  auto w1_records = [&] {
    std::size_t n = 0;
    for (const auto& rec : read_results(file).records) n += str(rec, "worker") == "w1";
    return n;
  };
  BOOST_REQUIRE_MESSAGE(wait_until([&] { return w1_records() >= 2; }, 20s),
                        "w1 ended no two jobs within 20 s");
  require_jobs_running(w1, "sleep 1.000301", 2, 10s);
  BOOST_REQUIRE_MESSAGE(wait_quiet(w1, 5s), "w1 stays busy");
  sb.kill_tree(w1);
  auto w1_status = sb.wait(w1, 5s);
  BOOST_TEST(w1_status.has_value());

  check_sweep_ok(sb, sweep.master, 60s);
  check_workers_done(sb, {w2});

  results r = read_results(file);
  check_each_point_ok_once(r.records, 12);
  std::size_t lost = 0;
  for (const auto& rec : r.records) {
    if (str(rec, "status") != "lost") continue;
    ++lost;
    std::int64_t x = json::value_to<std::int64_t>(rec.at("params").at("x"));
    BOOST_TEST(str(rec, "worker") == "w1");
    // The output that had reached the master before the worker died is kept.
    BOOST_TEST(str(rec, "stdout") == "started " + std::to_string(x) + "\n", json::serialize(rec));
  }
  BOOST_TEST(lost >= 1u, "no lost record although w1 was killed while running jobs");
  BOOST_TEST(count_status(r.records, "failed") == 0u);
}

BOOST_AUTO_TEST_CASE(the_master_killed_and_rerun_resumes) {
  sandbox sb;
  const std::string marker = "sleep 0.250401";
  auto cfg = sb.write_file("resume.ini", ini()
                                             .section("sweep")
                                             .set("command", marker + "; echo {x}")
                                             .section("params")
                                             .set("x", "range(20)")
                                             .text());
  const auto file = sb.path("resume.jsonl");
  pid_t master = sb.gridctl("sweep1", {"sweep", cfg.string(), "--local", "2"});
  BOOST_REQUIRE_MESSAGE(wait_until([&] { return count_records(file) >= 4; }, 30s), "no 4 records within 30 s");
  std::vector<pid_t> embedded = children_of(master);
  BOOST_REQUIRE_EQUAL(embedded.size(), 1u);
  sb.signal_group(master, SIGKILL);
  BOOST_REQUIRE(sb.wait(master, 5s).has_value());

  // The embedded worker dies with its master (PDEATHSIG) and takes its jobs along.
  BOOST_TEST(wait_until([&] { return !alive(embedded[0]); }, 8s), "the embedded worker outlived its master");
  BOOST_TEST(wait_until([&] { return pids_matching(marker).empty(); }, 8s),
             "job processes outlived the master: " << pids_matching(marker).size());

  results before = read_results(file);
  std::set<std::string> ok_before;
  for (const auto& rec : before.records)
    if (str(rec, "status") == "ok") ok_before.insert(str(rec, "point"));
  BOOST_TEST(ok_before.size() >= 4u);
  BOOST_TEST(ok_before.size() < 20u, "the sweep had finished before the kill; the test proves nothing");

  pid_t rerun = sb.gridctl("sweep2", {"sweep", cfg.string(), "--local", "2"});
  auto st = sb.wait(rerun, 60s);
  BOOST_REQUIRE_MESSAGE(st, "the rerun did not end within 60 s");
  BOOST_TEST(*st == 0);
  results after = read_results(file);
  BOOST_TEST(!after.torn);
  check_each_point_ok_once(after.records, 20);
  // Nothing that was done before ran again.
  for (std::size_t k = before.records.size(); k < after.records.size(); ++k)
    BOOST_TEST(!ok_before.count(str(after.records[k], "point")), "rerun ran a done point: " << json::serialize(after.records[k]));
  BOOST_TEST(wait_until([&] { return pids_matching(marker).empty(); }, 5s));
}

BOOST_AUTO_TEST_CASE(a_timeout_kills_the_grandchildren) {
  sandbox sb;
  const std::string marker = "sleep 30.4711";
  // t = 1: the job and everything it starts ignore SIGTERM, so only the SIGKILL after
  // kill_grace ends them.
  auto cfg = sb.write_file("timeout.ini", ini()
                                              .section("sweep")
                                              .set("command", "sh -c 'if [ {t} = 1 ]; then trap \"\" TERM; fi; " + marker +
                                                                  " & " + marker + "; wait'")
                                              .set("timeout", "500ms")
                                              .set("kill_grace", "500ms")
                                              .section("params")
                                              .set("t", "0, 1")
                                              .text());
  auto t0 = clock_type::now();
  BOOST_TEST(sb.run_gridctl("sweep", {"sweep", cfg.string(), "--local", "2"}, 30s) == 1);
  const double took = seconds_since(t0);
  BOOST_TEST(took < 6.0, "the sweep took " << took << " s");
  BOOST_TEST(wait_until([&] { return pids_matching(marker).empty(); }, 1s),
             pids_matching(marker).size() << " processes of the timed-out jobs survive");

  results r = read_results(sb.path("timeout.jsonl"));
  BOOST_REQUIRE_EQUAL(r.records.size(), 2u);
  for (const auto& rec : r.records) {
    BOOST_TEST(str(rec, "status") == "timeout", json::serialize(rec));
    double d = number(rec.at("duration_s"));
    BOOST_TEST(d < 4.0);
    if (json::value_to<std::int64_t>(rec.at("params").at("t")) == 1)
      BOOST_TEST(d >= 0.8, "SIGTERM-proof job ended after " << d << " s, before timeout + kill_grace");
  }
}

BOOST_AUTO_TEST_CASE(sigint_cancels_running_jobs) {
  sandbox sb;
  const std::string marker = "sleep 30.5522";
  // A long kill_grace: jobs that die of SIGTERM at once must not make the sweep wait for it.
  auto cfg = sb.write_file("int.ini", ini()
                                          .section("sweep")
                                          .set("command", ": {x}; " + marker)
                                          .set("kill_grace", "20s")
                                          .section("params")
                                          .set("x", "range(4)")
                                          .text());
  pid_t master = sb.gridctl("sweep", {"sweep", cfg.string(), "--local", "2"});
  BOOST_REQUIRE_MESSAGE(wait_until([&] { return pids_starting_with(marker, master).size() >= 2; }, 20s),
                        "the jobs did not start");
  auto t0 = clock_type::now();
  sb.signal(master, SIGINT);
  auto st = sb.wait(master, 30s);
  BOOST_REQUIRE_MESSAGE(st, "the sweep did not end within 30 s of SIGINT");
  BOOST_TEST(*st == 130);
  const double took = seconds_since(t0);
  BOOST_TEST(took < 5.0, "the sweep took " << took << " s to stop jobs that die of SIGTERM (kill_grace is 20 s)");
  BOOST_TEST(wait_until([&] { return pids_matching(marker).empty(); }, 2s), "canceled jobs survive");

  results r = read_results(sb.path("int.jsonl"));
  BOOST_TEST(!r.torn);
  BOOST_TEST(r.records.size() == 2u);
  BOOST_TEST(count_status(r.records, "canceled") == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
