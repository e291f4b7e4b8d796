// End-to-end: the life of a worker — a persistent worker serving sweep after sweep and outliving
// a SIGKILLed master, a worker SIGTERMed mid-sweep, a workdir it does not have — and what the
// results file holds and keeps: output limits with bounded memory, bytes that are not UTF-8,
// --fresh backups, a file of another command refused, and `gridctl plan` reading the file.
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <algorithm>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "harness.hpp"

using namespace e2e;
namespace json = boost::json;

namespace {

/// Processes started by this test (the sandbox makes us the subreaper of their orphans too)
/// whose command line starts with `prefix`: not those of another test run at the same time.
std::vector<pid_t> ours(const std::string& prefix) { return pids_starting_with(prefix, ::getpid()); }

/// Whether `text` contains `needle`.
bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

}  // namespace

BOOST_AUTO_TEST_SUITE(workers)

BOOST_AUTO_TEST_CASE(a_persistent_worker_serves_two_sweeps_in_a_row) {
  sandbox sb;
  auto cfg_a = sb.write_file("a.ini", ini()
                                          .section("sweep")
                                          .set("command", "echo a {x}")
                                          .section("params")
                                          .set("x", "range(4)")
                                          .text());
  auto cfg_b = sb.write_file("b.ini", ini()
                                          .section("sweep")
                                          .set("command", "echo b {y}")
                                          .section("params")
                                          .set("y", "range(5)")
                                          .text());
  const std::string endpoint = endpoint_on(free_port());
  pid_t worker = sb.gridctl("pw", {"worker", "--connect", endpoint, "--slots", "2", "--name", "pw"});

  BOOST_TEST(sb.run_gridctl("sweep_a", {"sweep", cfg_a.string(), "--local", "0", "--listen", endpoint}, 30s) == 0);
  BOOST_TEST(!sb.wait(worker, 0s).has_value(), "the persistent worker exited after the first sweep");
  BOOST_TEST(sb.run_gridctl("sweep_b", {"sweep", cfg_b.string(), "--local", "0", "--listen", endpoint}, 30s) == 0);

  results a = read_results(sb.path("a.jsonl"));
  results b = read_results(sb.path("b.jsonl"));
  BOOST_TEST(a.records.size() == 4u);
  BOOST_TEST(count_status(a.records, "ok") == 4u);
  BOOST_TEST(b.records.size() == 5u);
  BOOST_TEST(count_status(b.records, "ok") == 5u);
  for (const auto* r : {&a, &b})
    for (const auto& rec : r->records) BOOST_TEST(str(rec, "worker") == "pw", json::serialize(rec));
  for (const auto& rec : b.records) {
    std::int64_t y = json::value_to<std::int64_t>(rec.at("params").at("y"));
    BOOST_TEST(str(rec, "stdout") == "b " + std::to_string(y) + "\n");
  }

  // Still there, waiting for a third sweep (past its 1 s pause before saying hello again).
  BOOST_TEST(!sb.wait(worker, 1500ms).has_value(), "the persistent worker exited after the second sweep");
  sb.signal(worker, SIGTERM);
  auto st = sb.wait(worker, 5s);
  BOOST_TEST(st.has_value(), "the idle worker did not exit within 5 s of SIGTERM");
  if (st) BOOST_TEST(*st == 0);
}

BOOST_AUTO_TEST_CASE(a_persistent_worker_survives_a_master_sigkill) {
  sandbox sb;
  // The first two points take 1 s. The others, until the file `rerun` exists, take 30 s: the
  // ones the killed master left on the worker can only be gone soon if the worker killed them.
  const std::string quick = "sleep 1.0123", stale = "sleep 30.0123";
  auto cfg = sb.write_file("survive.ini", ini()
                                              .section("sweep")
                                              .set("command", "echo {x}; if [ {x} -lt 2 ] || [ -e rerun ]; then " + quick +
                                                                  "; else " + stale + "; fi")
                                              .section("params")
                                              .set("x", "range(6)")
                                              .section("workers")
                                              .set("heartbeat", "200ms")
                                              .text());
  const std::string endpoint = endpoint_on(free_port());
  const auto file = sb.path("survive.jsonl");
  pid_t worker = sb.gridctl("pw", {"worker", "--connect", endpoint, "--slots", "2", "--name", "pw"});
  pid_t master = sb.gridctl("sweep1", {"sweep", cfg.string(), "--local", "0", "--listen", endpoint});

  BOOST_REQUIRE_MESSAGE(wait_until([&] { return pids_starting_with(stale, worker).size() >= 2; }, 20s),
                        "the worker does not run two long jobs");
  BOOST_TEST(count_records(file) == 2u);
  BOOST_REQUIRE_MESSAGE(wait_quiet(master, 5s), "the master stays busy");  // it has handled what it got
  sb.signal_group(master, SIGKILL);
  BOOST_REQUIRE(sb.wait(master, 5s).has_value());

  // The user starts the same sweep again, on the same port.
  sb.write_file("rerun", "");
  pid_t rerun = sb.gridctl("sweep2", {"sweep", cfg.string(), "--local", "0", "--listen", endpoint});
  BOOST_TEST(wait_until([&] { return ours(stale).empty(); }, 5s),
             ours(stale).size() << " jobs of the killed master still run on the worker");
  auto st = sb.wait(rerun, 15s);  // 4 jobs of 1 s on 2 slots
  BOOST_REQUIRE_MESSAGE(st, "the rerun did not end within 15 s");
  BOOST_TEST(*st == 0);
  BOOST_TEST(!sb.wait(worker, 0s).has_value(), "the persistent worker did not survive");

  results r = read_results(file);
  BOOST_TEST(!r.torn);
  check_each_point_ok_once(r.records, 6);
  BOOST_TEST(r.records.size() == 6u, "records other than one ok per point: " << r.records.size());
  for (const auto& rec : r.records) BOOST_TEST(str(rec, "worker") == "pw", json::serialize(rec));
  BOOST_TEST(wait_until([&] { return ours(quick).empty() && ours(stale).empty(); }, 2s), "job processes left over");

  sb.signal(worker, SIGTERM);
  auto ws = sb.wait(worker, 5s);
  BOOST_TEST(ws.has_value(), "the worker did not exit within 5 s of SIGTERM");
  if (ws) BOOST_TEST(*ws == 0);
}

BOOST_AUTO_TEST_CASE(a_worker_declared_lost_while_stopped_rejoins_and_serves_again) {
  // SIGSTOP a worker for longer than 3 heartbeats: the master declares it lost and reruns its
  // attempts elsewhere. After SIGCONT it must register again and take jobs, not linger as a
  // peer the scheduler no longer knows; its stale attempts must not be recorded.
  sandbox sb;
  const std::string marker = "sleep 0.6123";
  auto cfg = sb.write_file("stop.ini", ini()
                                           .section("sweep")
                                           .set("command", "echo started {x}; " + marker)
                                           .section("params")
                                           .set("x", "range(16)")
                                           .section("workers")
                                           .set("heartbeat", "200ms")
                                           .text());
  const auto file = sb.path("stop.jsonl");
  remote_sweep sweep = start_remote_sweep(sb, cfg, 2, 2, start_order::workers_first);
  const pid_t w1 = sweep.workers[0];
  require_jobs_running(w1, marker, 2);
  ::kill(w1, SIGSTOP);
  // Stopped for longer than 3 heartbeats: the master declares it lost and records its attempts.
  BOOST_TEST(wait_until([&] { return count_status(read_results(file).records, "lost") >= 2; }, 10s),
             "the master did not declare the stopped worker lost within 10 s");
  ::kill(w1, SIGCONT);

  check_sweep_ok(sb, sweep.master, 60s);
  check_workers_done(sb, sweep.workers);

  results r = read_results(file);
  check_each_point_ok_once(r.records, 16);
  BOOST_TEST(count_status(r.records, "lost") >= 1u);
  std::size_t w1_ok_after_loss = 0;
  bool seen_loss = false;
  for (const auto& rec : r.records) {
    if (str(rec, "status") == "lost") seen_loss = true;
    else if (seen_loss && str(rec, "worker") == "w1" && str(rec, "status") == "ok") ++w1_ok_after_loss;
  }
  BOOST_TEST(w1_ok_after_loss >= 1u, "worker w1 took no job after it was declared lost and came back");
}

BOOST_AUTO_TEST_CASE(a_worker_sigtermed_mid_sweep_hands_its_jobs_back) {
  sandbox sb;
  const std::string marker = "sleep 1.5123";
  auto cfg = sb.write_file("term.ini", ini()
                                           .section("sweep")
                                           .set("command", "echo started {x}; " + marker)
                                           .section("params")
                                           .set("x", "range(6)")
                                           .section("workers")
                                           .set("heartbeat", "200ms")
                                           .text());
  const auto file = sb.path("term.jsonl");
  remote_sweep sweep = start_remote_sweep(sb, cfg, 2, 2, start_order::workers_first);
  const pid_t w1 = sweep.workers[0], w2 = sweep.workers[1];
  require_jobs_running(w1, marker, 2);
  std::vector<pid_t> w1_jobs = pids_starting_with(marker, w1);
  // The jobs printed "started" before their sleep; once w1 is idle it has sent that on.
  BOOST_REQUIRE_MESSAGE(wait_quiet(w1, 5s), "w1 stays busy");
  auto t0 = clock_type::now();
  sb.signal(w1, SIGTERM);
  auto w1_status = sb.wait(w1, 3s);
  BOOST_TEST(w1_status.has_value(), "w1 did not exit within 3 s of SIGTERM");
  if (w1_status) BOOST_TEST(*w1_status == 0);
  BOOST_TEST_MESSAGE("w1 exited after " << std::chrono::duration<double>(clock_type::now() - t0).count() << " s");
  for (pid_t p : w1_jobs) BOOST_TEST(wait_until([&] { return !alive(p); }, 1s), "a job of w1 survives: pid " << p);

  check_sweep_ok(sb, sweep.master, 30s);
  check_workers_done(sb, {w2});

  results r = read_results(file);
  check_each_point_ok_once(r.records, 6);
  BOOST_TEST(count_status(r.records, "failed") == 0u);
  std::set<std::string> lost_points;
  for (const auto& rec : r.records) {
    if (str(rec, "status") != "lost") continue;
    lost_points.insert(str(rec, "point"));
    std::int64_t x = json::value_to<std::int64_t>(rec.at("params").at("x"));
    BOOST_TEST(str(rec, "worker") == "w1", json::serialize(rec));
    BOOST_TEST((rec.contains("error") && contains(str(rec, "error"), "shut down")), json::serialize(rec));
    BOOST_TEST(str(rec, "stdout") == "started " + std::to_string(x) + "\n", json::serialize(rec));
  }
  BOOST_TEST(lost_points.size() == 2u, "w1 ran two jobs when it got SIGTERM; lost records: " << lost_points.size());
  // Each lost point ran again, to success, on the other worker.
  auto points = by_point(r.records);
  for (const auto& id : lost_points)
    for (const auto& rec : points[id])
      if (str(rec, "status") == "ok") BOOST_TEST(str(rec, "worker") == "w2", json::serialize(rec));
  BOOST_TEST(wait_until([&] { return ours(marker).empty(); }, 2s), "job processes left over");
}

BOOST_AUTO_TEST_CASE(a_workdir_that_does_not_exist_fails_the_attempt) {
  sandbox sb;
  auto cfg = sb.write_file("nowd.ini", ini()
                                           .section("sweep")
                                           .set("command", "echo {x}")
                                           .set("workdir", "does/not/exist")
                                           .section("params")
                                           .set("x", "1")
                                           .text());
  BOOST_TEST(sb.run_gridctl("sweep", {"sweep", cfg.string(), "--local", "1"}, 30s) == 1);
  results r = read_results(sb.path("nowd.jsonl"));
  BOOST_REQUIRE_EQUAL(r.records.size(), 1u);
  const auto& rec = r.records[0];
  BOOST_TEST(str(rec, "status") == "failed", json::serialize(rec));
  const std::string err = str(rec, "stderr");
  BOOST_TEST(contains(err, "does not exist"), "stderr: " << err);
  BOOST_TEST(contains(err, (sb.dir() / "does/not/exist").string()), "stderr: " << err);
  BOOST_TEST(str(rec, "stdout") == "");
}

BOOST_AUTO_TEST_SUITE_END()
