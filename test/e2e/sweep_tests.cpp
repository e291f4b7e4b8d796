// End-to-end: sweeps that go as planned — the example grid on the embedded worker, remote
// workers sharing a sweep, retries and the rerun rules, and refusals (busy endpoint, bad config).
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include "harness.hpp"

using namespace e2e;
namespace json = boost::json;

BOOST_AUTO_TEST_SUITE(sweeps)

BOOST_AUTO_TEST_CASE(a_job_gets_the_workers_environment_its_own_variables_and_dev_null_as_stdin) {
  sandbox sb;
  // The worker builds each job's environment itself (no copy per job): the worker's variables,
  // gridctl's replacing any of the same name (a stale GRIDCTL_SLOT here), the job token; stdin
  // is /dev/null whatever the worker's is (here /dev/zero), for every job, not the first only.
  auto cfg = sb.write_file("env.ini", ini()
                                          .section("sweep")
                                          .set("command", ": {x}; printf '%s|%s|%s|' \"$GRIDCTL_SLOT\" \"$E2E_FROM_WORKER\" "
                                                          "\"$(readlink /proc/self/fd/0)\"; test -n \"$GRIDCTL_JOB_TOKEN\" && echo token")
                                          .section("params")
                                          .set("x", "range(6)")
                                          .text());
  pid_t p = sb.start("sweep",
                     {"/bin/sh", "-c", "exec '" + gridctl_path() + "' sweep '" + cfg.string() + "' --local 2 </dev/zero"},
                     {{"E2E_FROM_WORKER", "inherited"}, {"GRIDCTL_SLOT", "99"}});
  auto st = sb.wait(p, 30s);
  BOOST_REQUIRE(st);
  BOOST_TEST(*st == 0, sb.err_of(p));
  results r = read_results(sb.path("env.jsonl"));
  BOOST_REQUIRE_EQUAL(r.records.size(), 6u);
  for (const auto& rec : r.records) {
    const std::string out = str(rec, "stdout");
    BOOST_TEST((out == "0|inherited|/dev/null|token\n" || out == "1|inherited|/dev/null|token\n"), out);
  }
}

BOOST_AUTO_TEST_CASE(example_grid_on_the_embedded_worker) {
  sandbox sb;
  const std::string command = think_path() + " {p} {q} 0";
  // examples/think.ini, with the think binary of this build and no sleep.
  auto cfg = sb.write_file("think.ini", ini()
                                            .section("sweep")
                                            .set("command", command)
                                            .set("timeout", "1m")
                                            .set("retries", "1")
                                            .section("params")
                                            .set("p", "logspace(-6, 5, 12)")
                                            .set("q", "logspace(-6, 5, 12)")
                                            .text());
  auto t0 = clock_type::now();
  BOOST_TEST(sb.run_gridctl("sweep", {"sweep", cfg.string(), "--local", "2"}, 90s) == 0);
  const double wall_s = std::chrono::duration<double>(clock_type::now() - t0).count();

  results r = read_results(sb.path("think.jsonl"));  // default: <stem>.jsonl beside the config
  BOOST_TEST(!r.torn);
  // The header, per SPEC.
  BOOST_TEST(integer(r.header, "gridctl") == 1);
  BOOST_TEST(str(r.header, "sweep") == "think");
  BOOST_TEST(str(r.header, "command") == command);
  BOOST_TEST(json::serialize(r.header.at("axes")) == R"(["p","q"])");
  BOOST_TEST(std::regex_match(str(r.header, "created"),
                              std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z)")),
             "created: " << str(r.header, "created"));

  BOOST_TEST(r.records.size() == 144u);
  std::set<std::string> ids;
  std::set<std::pair<int, int>> cells;  // (log10 p, log10 q) of each record
  const std::regex hex16("[0-9a-f]{16}");
  for (const auto& rec : r.records) {
    std::string id = str(rec, "point");
    BOOST_TEST(std::regex_match(id, hex16), "point id " << id);
    ids.insert(id);
    BOOST_TEST(str(rec, "status") == "ok");
    BOOST_TEST(integer(rec, "attempt") == 1);
    BOOST_TEST(integer(rec, "exit_code") == 0);
    BOOST_TEST(rec.at("signal").is_null());
    BOOST_TEST(!str(rec, "worker").empty());
    BOOST_TEST(str(rec, "stderr") == "");
    // No attempt can take longer than the whole sweep (a wrong unit, ms for s, would).
    const double d = number(rec.at("duration_s"));
    BOOST_TEST((d >= 0.0 && d <= wall_s), "duration_s " << d << " of a sweep that took " << wall_s << " s");
    const json::object& params = rec.at("params").as_object();
    BOOST_REQUIRE_EQUAL(params.size(), 2u);
    double p = number(params.at("p")), q = number(params.at("q"));
    int lp = static_cast<int>(std::lround(std::log10(p))), lq = static_cast<int>(std::lround(std::log10(q)));
    BOOST_TEST(std::abs(p / std::pow(10.0, lp) - 1) < 1e-12, "p = " << p);
    BOOST_TEST(std::abs(q / std::pow(10.0, lq) - 1) < 1e-12, "q = " << q);
    cells.insert({lp, lq});
    BOOST_REQUIRE_MESSAGE(rec.contains("output"), "no output in " << json::serialize(rec));
    const json::object& out = rec.at("output").as_object();
    BOOST_TEST(std::abs(number(out.at("result")) - std::sin(p + 2 * q)) <= 1e-12);
    BOOST_TEST(number(out.at("p")) == p);
    BOOST_TEST(number(out.at("q")) == q);
  }
  BOOST_TEST(ids.size() == 144u);    // each point exactly once
  BOOST_TEST(cells.size() == 144u);  // and every cell of the grid
  for (const auto& [lp, lq] : cells) BOOST_TEST((lp >= -6 && lp <= 5 && lq >= -6 && lq <= 5));
}

BOOST_AUTO_TEST_CASE(three_remote_workers_share_a_sweep) {
  sandbox sb;
  auto cfg = sb.write_file("share.ini", ini()
                                            .section("sweep")
                                            .set("command", think_path() + " {x} 0 0.1")
                                            .section("params")
                                            .set("x", "range(30)")
                                            .text());
  // Workers first, so that all three join at about the same time.
  remote_sweep sweep = start_remote_sweep(sb, cfg, 3, 2, start_order::workers_first);
  check_sweep_ok(sb, sweep.master, 60s);
  check_workers_done(sb, sweep.workers);

  results r = read_results(sb.path("share.jsonl"));
  BOOST_TEST(r.records.size() == 30u);
  BOOST_TEST(count_status(r.records, "ok") == 30u);
  BOOST_TEST(by_point(r.records).size() == 30u);
  std::set<std::string> names;
  for (const auto& rec : r.records) {
    names.insert(str(rec, "worker"));
    // Each job sleeps 0.1 s (think's third argument).
    const double d = number(rec.at("duration_s"));
    BOOST_TEST((d >= 0.1 && d < 5.0), "duration_s " << d << " of a job that sleeps 0.1 s");
  }
  for (const auto& n : names) BOOST_TEST((n == "w1" || n == "w2" || n == "w3"), "worker " << n);
  BOOST_TEST(names.size() >= 2u, "only " << names.size() << " worker(s) got jobs");
}

BOOST_AUTO_TEST_CASE(retries_and_the_rerun_rules) {
  sandbox sb;
  auto cfg = sb.write_file("retry.ini", ini()
                                            .section("sweep")
                                            .set("command", "test {x} -ne 3")
                                            .set("retries", "1")
                                            .section("params")
                                            .set("x", "range(5)")
                                            .text());
  const auto file = sb.path("retry.jsonl");
  BOOST_TEST(sb.run_gridctl("sweep1", {"sweep", cfg.string(), "--local", "2"}) == 1);
  results r1 = read_results(file);
  BOOST_REQUIRE_EQUAL(r1.records.size(), 6u);
  std::string bad;
  for (const auto& [id, recs] : by_point(r1.records)) {
    std::int64_t x = json::value_to<std::int64_t>(recs.front().at("params").at("x"));
    if (x != 3) {
      BOOST_TEST(recs.size() == 1u);
      BOOST_TEST(str(recs[0], "status") == "ok");
      continue;
    }
    bad = id;
    BOOST_REQUIRE_EQUAL(recs.size(), 2u);
    for (int k = 0; k < 2; ++k) {
      BOOST_TEST(str(recs[k], "status") == "failed");
      BOOST_TEST(integer(recs[k], "exit_code") == 1);
      BOOST_TEST(integer(recs[k], "attempt") == k + 1);
    }
  }
  BOOST_REQUIRE(!bad.empty());

  // A plain rerun: the failed point used up its retries; nothing runs, still "some failed".
  const std::string before = sb.read_file(file);
  BOOST_TEST(sb.run_gridctl("sweep2", {"sweep", cfg.string(), "--local", "2"}) == 1);
  BOOST_TEST(sb.read_file(file) == before, "a plain rerun wrote to the results file");

  // --retry: only the failed point, with a fresh retry budget: attempts 3 and 4.
  BOOST_TEST(sb.run_gridctl("sweep3", {"sweep", cfg.string(), "--local", "2", "--retry"}) == 1);
  results r3 = read_results(file);
  BOOST_REQUIRE_EQUAL(r3.records.size(), 8u);
  for (std::size_t k = 6; k < 8; ++k) {
    BOOST_TEST(str(r3.records[k], "point") == bad);
    BOOST_TEST(str(r3.records[k], "status") == "failed");
    BOOST_TEST(integer(r3.records[k], "attempt") == static_cast<std::int64_t>(k - 3));
  }
}

BOOST_AUTO_TEST_CASE(an_endpoint_that_cannot_be_bound_is_a_runtime_error) {
  sandbox sb;
  auto cfg = sb.write_file("busy.ini", ini()
                                           .section("sweep")
                                           .set("command", "true")
                                           .section("params")
                                           .set("x", "1, 2")
                                           .text());
  listening_socket taken;  // open for the whole test
  const std::string endpoint = "tcp://127.0.0.1:" + std::to_string(taken.port());
  pid_t master = start_master(sb, cfg, endpoint);
  auto st = sb.wait(master, 20s);
  BOOST_REQUIRE_MESSAGE(st, "the sweep did not give up on a busy endpoint within 20 s");
  BOOST_TEST(*st == 3);
  BOOST_TEST(sb.err_of(master).find(endpoint) != std::string::npos, "stderr: " << sb.err_of(master));
}

BOOST_AUTO_TEST_CASE(a_config_error_is_exit_2_and_runs_nothing) {
  sandbox sb;
  auto cfg = sb.write_file("bad.ini", "[sweep]\n"
                                      "command = touch ran-{x}\n"
                                      "\n"
                                      "[params]\n"
                                      "x = range(0, 10, 0)\n");
  pid_t p = sb.gridctl("sweep", {"sweep", cfg.string(), "--local", "1"});
  auto st = sb.wait(p, 20s);
  BOOST_REQUIRE(st);
  BOOST_TEST(*st == 2);
  const std::string err = sb.err_of(p);
  BOOST_TEST(err.find("bad.ini:5:") != std::string::npos, "stderr: " << err);
  BOOST_TEST(!fs::exists(sb.path("bad.jsonl")));
  for (int x = 0; x < 10; ++x) BOOST_TEST(!fs::exists(sb.path("ran-" + std::to_string(x))));

  // An unknown key, too.
  auto cfg2 = sb.write_file("bad2.ini", "[sweep]\ncommand = touch ran-{x}\ncolour = blue\n[params]\nx = 1\n");
  pid_t p2 = sb.gridctl("sweep2", {"sweep", cfg2.string(), "--local", "1"});
  auto st2 = sb.wait(p2, 20s);
  BOOST_REQUIRE(st2);
  BOOST_TEST(*st2 == 2);
  BOOST_TEST(sb.err_of(p2).find("bad2.ini:3:") != std::string::npos, "stderr: " << sb.err_of(p2));
  BOOST_TEST(!fs::exists(sb.path("ran-1")));
}

BOOST_AUTO_TEST_SUITE_END()
