// End-to-end: a job that leaves something behind. A process that left the job's process group
// (setsid, a daemon) and keeps its output open must not hold the attempt — or the sweep — for
// ever: the worker kills it kill_grace after the job's shell exited and says so in `error`,
// and reaps it (no zombie). A background process that stayed in the group is the job's own:
// its output still belongs to the attempt.
#include <unistd.h>

#include <boost/test/unit_test.hpp>
#include <csignal>
#include <string>

#include "harness.hpp"

using namespace e2e;
namespace json = boost::json;

namespace {

/// Processes started by this test whose command line starts with `prefix`.
std::vector<pid_t> ours(const std::string& prefix) { return pids_starting_with(prefix, ::getpid()); }

}  // namespace

BOOST_AUTO_TEST_SUITE(job_escape)

BOOST_AUTO_TEST_CASE(a_process_that_left_the_group_and_holds_the_output_is_killed_after_kill_grace) {
  sandbox sb;
  const std::string marker = "sleep 600.4321";
  auto cfg = sb.write_file("escape.ini", ini()
                                             .section("sweep")
                                             .set("command", "setsid sh -c 'echo from-escaped; exec " + marker +
                                                                 "' & echo {x}")
                                             .set("kill_grace", "500ms")
                                             .section("params")
                                             .set("x", "range(3)")
                                             .text());
  // A persistent worker, so that we can look at it (leftovers, zombies) after the sweep.
  const std::string endpoint = endpoint_on(free_port());
  pid_t worker = sb.gridctl("w", {"worker", "--connect", endpoint, "--slots", "3", "--name", "w"});
  BOOST_TEST(sb.run_gridctl("sweep", {"sweep", cfg.string(), "--local", "0", "--listen", endpoint}, 30s) == 0);

  results r = read_results(sb.path("escape.jsonl"));
  check_each_point_ok_once(r.records, 3);
  for (const auto& rec : r.records) {
    BOOST_TEST_CONTEXT(json::serialize(rec)) {
      BOOST_TEST(integer(rec, "exit_code") == 0);
      std::string out = str(rec, "stdout");
      std::string x = std::to_string(json::value_to<std::int64_t>(rec.at("params").at("x")));
      BOOST_TEST(out.find(x + "\n") != std::string::npos);
      BOOST_TEST(out.find("from-escaped\n") != std::string::npos, "output of the escaped process was lost");
      BOOST_TEST(str(rec, "error") == "a process left behind by the job held its output open; it was killed");
      double d = number(rec.at("duration_s"));
      BOOST_TEST(d >= 0.5, "ended before kill_grace: " << d);
      BOOST_TEST(d < 3.0, "ended long after kill_grace: " << d);
    }
  }
  BOOST_TEST(wait_until([&] { return ours(marker).empty(); }, 2s), ours(marker).size() << " escaped processes survive");
  BOOST_TEST(wait_until([&] { return zombie_children_of(worker).empty(); }, 2s),
             zombie_children_of(worker).size() << " zombies left under the worker");
  sb.signal(worker, SIGTERM);
  auto st = sb.wait(worker, 5s);
  BOOST_TEST(st.has_value(), "the worker did not exit within 5 s of SIGTERM");
}

BOOST_AUTO_TEST_CASE(a_background_process_in_the_group_keeps_the_attempt_open_past_kill_grace) {
  sandbox sb;
  auto cfg = sb.write_file("late.ini", ini()
                                           .section("sweep")
                                           .set("command", "(sleep 1.5; echo late) & echo early {x}")
                                           .set("kill_grace", "200ms")
                                           .section("params")
                                           .set("x", "1")
                                           .text());
  BOOST_TEST(sb.run_gridctl("sweep", {"sweep", cfg.string(), "--local", "1"}, 30s) == 0);
  results r = read_results(sb.path("late.jsonl"));
  BOOST_REQUIRE_EQUAL(r.records.size(), 1u);
  const auto& rec = r.records[0];
  BOOST_TEST(str(rec, "status") == "ok", json::serialize(rec));
  BOOST_TEST(str(rec, "stdout") == "early 1\nlate\n");
  BOOST_TEST(!rec.contains("error"), json::serialize(rec));
  BOOST_TEST(number(rec.at("duration_s")) >= 1.4);
}

BOOST_AUTO_TEST_CASE(a_worker_that_exits_kills_what_its_jobs_left_behind) {
  // The output is closed, so the attempt ends at once; the daemon lives on under the worker
  // until the worker exits.
  sandbox sb;
  const std::string marker = "sleep 600.4322";
  auto cfg = sb.write_file("daemon.ini", ini()
                                             .section("sweep")
                                             .set("command", "setsid " + marker + " >/dev/null 2>&1 & echo {x}")
                                             .section("params")
                                             .set("x", "1")
                                             .text());
  const std::string endpoint = endpoint_on(free_port());
  pid_t worker = sb.gridctl("w", {"worker", "--connect", endpoint, "--slots", "1", "--name", "w"});
  BOOST_TEST(sb.run_gridctl("sweep", {"sweep", cfg.string(), "--local", "0", "--listen", endpoint}, 30s) == 0);
  BOOST_TEST(ours(marker).size() == 1u, "the daemon does not run under the worker");
  sb.signal(worker, SIGTERM);
  BOOST_TEST(sb.wait(worker, 5s).has_value(), "the worker did not exit within 5 s of SIGTERM");
  BOOST_TEST(wait_until([&] { return ours(marker).empty(); }, 2s), "the daemon survived its worker");
}

BOOST_AUTO_TEST_SUITE_END()
