// End-to-end: `gridctl status` from another process while a real sweep runs (its master's
// status file), after the master was SIGKILLed (the lock is free: counts from the journal),
// and after a normal end; and the master's log lines for people.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <csignal>
#include <string>
#include <vector>

#include "harness.hpp"

using namespace e2e;
namespace json = boost::json;

namespace {

bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

/// x=1 and x=2 end at once; x=3 fails; the others wait for the file `go`.
fs::path write_config(sandbox& sb, const std::string& values) {
  return sb.write_file("st.ini", ini()
                                     .section("sweep")
                                     .set("command",
                                          "if [ {x} -le 2 ]; then exit 0; fi; "
                                          "if [ {x} = 3 ]; then echo \"cannot open /data/{x}.csv\" >&2; exit 3; fi; "
                                          "while [ ! -e go ]; do sleep 0.02; done")
                                     .set("results", "st.jsonl")
                                     .section("params")
                                     .set("x", values)
                                     .set("kernel", "\"poly 2\"")
                                     .text());
}

/// `gridctl status ARGS --json`: exit 0 and one JSON object on stdout.
json::object status_json(sandbox& sb, const std::string& name, const fs::path& input) {
  exit_status st = sb.run_gridctl(name, {"status", input.string(), "--json"}, 20s);
  std::string out = sb.read_file(sb.path(name + ".out"));
  BOOST_TEST_REQUIRE(st == 0, name << " exited " << st << ": " << sb.read_file(sb.path(name + ".err")));
  json::value v = json::parse(out);
  BOOST_TEST_REQUIRE(v.is_object(), out);
  return v.as_object();
}

std::int64_t count(const json::object& o, const char* key) { return integer(o, key); }

/// Polls `status --json` until `cond` holds on it (or 20 s pass); the last answer.
json::object status_when(sandbox& sb, const fs::path& input, const std::function<bool(const json::object&)>& cond) {
  json::object last;
  int n = 0;
  bool held = wait_until(
      [&] {
        last = status_json(sb, "poll" + std::to_string(n++), input);
        return cond(last);
      },
      20s);
  BOOST_TEST_REQUIRE(held, "status never showed what was waited for; last: " << json::serialize(last));
  return last;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(status_command)

BOOST_AUTO_TEST_CASE(status_json_lists_the_running_jobs_of_a_running_sweep) {
  sandbox sb;
  auto cfg = write_config(sb, "1, 2, 3, 4, 5, 6");
  pid_t master = sb.gridctl("sweep", {"sweep", cfg.string(), "--local", "2"});
  // 1, 2 ok and 3 failed; 4 and 5 wait for `go` on the 2 slots; 6 is pending.
  auto s = status_when(sb, cfg, [](const json::object& o) {
    return o.at("running").as_bool() && o.at("jobs").as_array().size() == 2 && integer(o, "ok") == 2;
  });
  BOOST_TEST(str(s, "state") == "running");
  BOOST_TEST(count(s, "total") == 6);
  BOOST_TEST(count(s, "failed") == 1);
  BOOST_TEST(count(s, "pending") == 1);
  BOOST_TEST(count(s, "workers") == 1);
  BOOST_TEST(count(s, "slots") == 2);
  BOOST_TEST(s.at("eta_s").is_number());  // attempts have ended: the ETA is known
  BOOST_TEST(count(s, "pid") == master);
  std::vector<std::int64_t> xs;
  double previous = 1e9;
  for (const auto& j : s.at("jobs").as_array()) {
    const json::object& job = j.as_object();
    BOOST_TEST(str(job, "point").size() == 16u);
    BOOST_TEST(str(job, "worker").size() > 0u);
    BOOST_TEST(str(job.at("params").as_object(), "kernel") == "poly 2");
    xs.push_back(job.at("params").at("x").as_int64());
    double elapsed = number(job.at("elapsed_s"));
    BOOST_TEST(elapsed <= previous);  // longest first
    previous = elapsed;
  }
  std::sort(xs.begin(), xs.end());
  BOOST_TEST((xs == std::vector<std::int64_t>{4, 5}));

  // The form for people says the same.
  BOOST_TEST(sb.run_gridctl("human", {"status", cfg.string()}) == 0);
  std::string human = sb.read_file(sb.path("human.out"));
  BOOST_TEST(contains(human, "sweep st: running (master pid " + std::to_string(master)), human);
  BOOST_TEST(contains(human, "points: 6 in all, 2 ok, 1 failed, 2 running, 1 pending"), human);
  BOOST_TEST(contains(human, "running jobs, longest first:\n"), human);
  BOOST_TEST(contains(human, "x=4 kernel='poly 2'  on "), human);

  // The status file is the master's, readable by all; then the sweep ends normally.
  auto perms = fs::status(sb.path("st.status.json")).permissions();
  BOOST_TEST(((perms & fs::perms::others_read) != fs::perms::none));
  sb.write_file("go", "");
  auto st = sb.wait(master, 30s);
  BOOST_REQUIRE_MESSAGE(st, "the sweep did not end");
  BOOST_TEST(*st == 1);  // x=3 failed

  auto end = status_json(sb, "after", cfg);
  BOOST_TEST(!end.at("running").as_bool());
  BOOST_TEST(str(end, "state") == "finished");
  BOOST_TEST(count(end, "ok") == 5);
  BOOST_TEST(count(end, "failed") == 1);
  BOOST_TEST(count(end, "pending") == 0);
  BOOST_TEST(end.at("jobs").as_array().empty());
  // The master marked its status file finished.
  json::object file = json::parse(sb.read_file(sb.path("st.status.json"))).as_object();
  BOOST_TEST(!file.at("running").as_bool());
  BOOST_TEST(count(file, "ok") == 5);
  BOOST_TEST(!fs::exists(sb.path("st.status.json.tmp." + std::to_string(master))));

  // The master's log: the failure named by its parameters as it happened, plurals right, and
  // no carriage return in a log file.
  std::string log = sb.err_of(master);
  BOOST_TEST(contains(log, "gridctl: x=3 kernel='poly 2': failed, exit 3 [point "), log);
  BOOST_TEST(contains(log, "]: cannot open /data/3.csv\n"), log);
  BOOST_TEST(contains(log, "joined (2 slots)"), log);
  BOOST_TEST(contains(log, "of 6 points in"), log);
  BOOST_TEST(!contains(log, "\r"), "a carriage return in the log file");
}

BOOST_AUTO_TEST_CASE(after_its_master_was_sigkilled_status_counts_from_the_journal) {
  sandbox sb;
  auto cfg = write_config(sb, "1, 2, 3, 4, 5");
  pid_t master = sb.gridctl("sweep", {"sweep", cfg.string(), "--local", "2"});
  status_when(sb, cfg, [](const json::object& o) {
    return o.at("running").as_bool() && integer(o, "jobs_running") == 2 && integer(o, "ok") == 2;
  });
  sb.signal(master, SIGKILL);
  BOOST_REQUIRE(sb.wait(master, 10s).has_value());

  // The status file still says running; nobody holds the lock: the master is gone.
  BOOST_TEST(json::parse(sb.read_file(sb.path("st.status.json"))).at("running").as_bool());
  auto s = status_json(sb, "dead", cfg);
  BOOST_TEST(!s.at("running").as_bool());
  BOOST_TEST(str(s, "state") == "gone");
  BOOST_TEST(count(s, "total") == 5);
  BOOST_TEST(count(s, "ok") == 2);      // from the journal: x=1, x=2
  BOOST_TEST(count(s, "failed") == 1);  // x=3, no retries
  BOOST_TEST(count(s, "pending") == 2); // x=4, x=5 never ended
  BOOST_TEST(s.at("jobs").as_array().empty());
  BOOST_TEST(s.at("eta_s").is_null());
  BOOST_TEST(contains(str(s, "note"), "the master (pid " + std::to_string(master)), str(s, "note"));
  BOOST_TEST(contains(str(s, "note"), "is gone"));

  BOOST_TEST(sb.run_gridctl("human", {"status", cfg.string()}) == 0);
  std::string human = sb.read_file(sb.path("human.out"));
  BOOST_TEST(contains(human, "sweep st: not running\n"), human);
  BOOST_TEST(contains(human, "is gone"), human);
  BOOST_TEST(contains(human, "points: 5 in all, 2 ok, 1 failed, 2 pending"), human);
}

BOOST_AUTO_TEST_CASE(a_worker_leaving_is_logged_by_name) {
  sandbox sb;
  auto cfg = write_config(sb, "4, 5");
  const std::string endpoint = endpoint_on(free_port());
  pid_t master = start_master(sb, cfg, endpoint);
  pid_t leaver = sb.gridctl("leaver", {"worker", "--connect", endpoint, "--slots", "1", "--name", "leaver"});
  status_when(sb, cfg, [](const json::object& o) { return integer(o, "jobs_running") == 1; });
  sb.signal(leaver, SIGTERM);
  BOOST_REQUIRE(sb.wait(leaver, 20s).has_value());
  BOOST_TEST(wait_until([&] { return contains(sb.err_of(master), "gridctl: worker leaver left"); }, 10s),
             sb.err_of(master));
  BOOST_TEST(contains(sb.err_of(master), "worker leaver joined (1 slot)\n"), sb.err_of(master));
  sb.write_file("go", "");
  start_worker(sb, endpoint, "stayer", 2);
  check_sweep_ok(sb, master, 30s);
}

BOOST_AUTO_TEST_CASE(bad_input_gets_a_clear_message) {
  sandbox sb;
  BOOST_TEST(sb.run_gridctl("missing", {"status", sb.path("nope.ini").string()}) == 2);
  BOOST_TEST(contains(sb.read_file(sb.path("missing.err")), "nope.ini: no such file"));
  auto bad = sb.write_file("bad.ini", "[sweep]\ncommand = echo {x}\n[params]\ny = 1\n");
  BOOST_TEST(sb.run_gridctl("bad", {"status", bad.string()}) == 2);
  BOOST_TEST(contains(sb.read_file(sb.path("bad.err")), "bad.ini:2:"), sb.read_file(sb.path("bad.err")));
  // A results file of another sweep.
  auto cfg = write_config(sb, "1, 2");
  sb.write_file("st.jsonl", "{\"gridctl\": 1, \"sweep\": \"other\", \"command\": \"true\", \"axes\": [\"q\"], "
                            "\"created\": \"2026-01-01T00:00:00.000Z\"}\n");
  BOOST_TEST(sb.run_gridctl("other", {"status", cfg.string()}) == 2);
  BOOST_TEST(contains(sb.read_file(sb.path("other.err")), "st.jsonl"), sb.read_file(sb.path("other.err")));
  // A status file that is garbage is a warning; the journal still answers.
  sb.write_file("st.jsonl", "{\"gridctl\": 1, \"sweep\": \"st\", \"command\": \"x\", \"axes\": [\"x\"], "
                            "\"created\": \"2026-01-01T00:00:00.000Z\"}\n");
  sb.write_file("st.status.json", "garbage");
  BOOST_TEST(sb.run_gridctl("garbage", {"status", sb.path("st.jsonl").string()}) == 0);
  BOOST_TEST(contains(sb.read_file(sb.path("garbage.err")), "st.status.json: not a gridctl status file"));
}

BOOST_AUTO_TEST_SUITE_END()
