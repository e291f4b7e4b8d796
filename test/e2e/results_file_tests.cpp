// End-to-end: the results file as the real binary writes it — bounded memory with huge
// outputs, invalid UTF-8, --fresh, a file of another command, the lock, and what plan reports.
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

/// The process's peak resident set size (VmHWM) in bytes; nullopt once it is gone or a zombie.
std::optional<std::uint64_t> peak_rss(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmHWM:", 0) == 0) return std::stoull(line.substr(6)) * 1024;  // "VmHWM:   5120 kB"
  return std::nullopt;
}

/// The wall clock as a results file's header writes "created" (UTC, milliseconds): two such
/// strings compare as the times they name.
std::string utc_now() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  char buf[80];  // room for any int the compiler can imagine in each field
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

/// Whether `text` contains `needle`.
bool contains(const std::string& text, const std::string& needle) { return text.find(needle) != std::string::npos; }

}  // namespace

BOOST_AUTO_TEST_SUITE(results_file)

BOOST_AUTO_TEST_CASE(output_limits_keep_memory_bounded) {
  sandbox sb;
  // 200 MB of stdout, then the result on its last line; 1 MB of stderr.
  auto cfg = sb.write_file("big.ini", ini()
                                          .section("sweep")
                                          .set("command", "head -c 200000000 /dev/zero | tr '\\0' x; echo; "
                                                          "echo '{{\"r\": 7}}'; head -c 1000000 /dev/zero | tr '\\0' e >&2; : {x}")
                                          .set("output_limit", "64K")
                                          .section("params")
                                          .set("x", "1")
                                          .text());
  pid_t master = sb.gridctl("sweep", {"sweep", cfg.string(), "--local", "1"});
  // VmHWM is a high-water mark: the last reading before each process exits covers its life.
  pid_t worker = 0;
  std::uint64_t master_peak = 0, worker_peak = 0;
  std::optional<exit_status> st;
  auto end = clock_type::now() + 60s;
  for (;;) {
    if (!worker)
      if (auto kids = children_of(master); kids.size() == 1) worker = kids[0];
    if (auto m = peak_rss(master)) master_peak = std::max(master_peak, *m);
    if (worker)
      if (auto w = peak_rss(worker)) worker_peak = std::max(worker_peak, *w);
    if ((st = sb.wait(master, 0s)) || clock_type::now() >= end) break;
    std::this_thread::sleep_for(50ms);
  }
  BOOST_REQUIRE_MESSAGE(st, "the sweep did not end within 60 s");
  BOOST_TEST(*st == 0);
  BOOST_TEST_MESSAGE("peak RSS: master " << master_peak / 1024 << " KiB, embedded worker " << worker_peak / 1024 << " KiB");
  BOOST_TEST(master_peak > 0u);
  BOOST_TEST(worker_peak > 0u, "never saw the embedded worker");
  BOOST_TEST(master_peak < 100u << 20, "the master's peak RSS was " << master_peak / 1024 << " KiB");
  BOOST_TEST(worker_peak < 100u << 20, "the embedded worker's peak RSS was " << worker_peak / 1024 << " KiB");

  results r = read_results(sb.path("big.jsonl"));
  BOOST_REQUIRE_EQUAL(r.records.size(), 1u);
  const auto& rec = r.records[0];
  BOOST_TEST(str(rec, "status") == "ok");
  const std::string out = str(rec, "stdout"), err = str(rec, "stderr");
  BOOST_TEST(out.size() == 65536u);
  BOOST_TEST(out == std::string(65536, 'x'));
  BOOST_TEST(err.size() == 65536u);
  BOOST_TEST(err == std::string(65536, 'e'));
  BOOST_TEST((rec.contains("stdout_truncated") && rec.at("stdout_truncated") == json::value(true)));
  BOOST_TEST((rec.contains("stderr_truncated") && rec.at("stderr_truncated") == json::value(true)));
  BOOST_REQUIRE_MESSAGE(rec.contains("output"), "no output taken from the tail of stdout");
  BOOST_TEST(json::serialize(rec.at("output")) == R"({"r":7})");
}

BOOST_AUTO_TEST_CASE(invalid_utf8_and_binary_output_keep_the_file_valid) {
  sandbox sb;
  // \377\376: never valid; a NUL; \342\202 before X and at the end: cut multibyte sequences.
  auto cfg = sb.write_file("bin.ini", ini()
                                          .section("sweep")
                                          .set("command", "printf '\\377\\376 nul:\\000: mid:\\342\\202X cut:\\342\\202'; "
                                                          "printf 'e\\377' >&2; : {x}")
                                          .section("params")
                                          .set("x", "1")
                                          .text());
  BOOST_TEST(sb.run_gridctl("sweep", {"sweep", cfg.string(), "--local", "1"}, 30s) == 0);
  const auto file = sb.path("bin.jsonl");
  results r = read_results(file);  // Boost.JSON checks UTF-8 too: every line parsed
  BOOST_TEST(!r.torn);
  BOOST_REQUIRE_EQUAL(r.records.size(), 1u);
  const auto& rec = r.records[0];
  const std::string fffd = "\xEF\xBF\xBD";
  const std::string out = str(rec, "stdout");
  BOOST_TEST(contains(out, fffd), "stdout: " << json::serialize(rec.at("stdout")));
  // One U+FFFD per maximal invalid subpart (docs/results-file.md).
  BOOST_TEST(out == fffd + fffd + " nul:" + std::string(1, '\0') + ": mid:" + fffd + "X cut:" + fffd,
             "stdout: " << json::serialize(rec.at("stdout")));
  BOOST_TEST(str(rec, "stderr") == "e" + fffd);
  BOOST_TEST(!rec.contains("output"));
}

BOOST_AUTO_TEST_CASE(fresh_keeps_the_old_file) {
  sandbox sb;
  auto cfg = sb.write_file("fresh.ini", ini()
                                            .section("sweep")
                                            .set("command", "echo {x}")
                                            .section("params")
                                            .set("x", "1, 2")
                                            .text());
  const auto file = sb.path("fresh.jsonl");
  const fs::path backup1 = file.string() + ".1", backup2 = file.string() + ".2";
  BOOST_TEST(sb.run_gridctl("sweep1", {"sweep", cfg.string(), "--local", "1"}, 30s) == 0);
  const std::string first = sb.read_file(file);
  BOOST_REQUIRE_EQUAL(count_records(file), 2u);
  const std::string first_created = str(read_results(file).header, "created");
  BOOST_REQUIRE(wait_until([&] { return utc_now() > first_created; }, 1s));  // a later "created" in the new header

  BOOST_TEST(sb.run_gridctl("sweep2", {"sweep", cfg.string(), "--local", "1", "--fresh"}, 30s) == 0);
  BOOST_REQUIRE(fs::exists(backup1));
  BOOST_TEST(sb.read_file(backup1) == first, "FILE.1 is not the old file");
  const std::string second = sb.read_file(file);
  BOOST_TEST(second != first);
  results r2 = read_results(file);
  results r1 = read_results(backup1);
  BOOST_TEST(integer(r2.header, "gridctl") == 1);
  BOOST_TEST(str(r2.header, "command") == "echo {x}");
  BOOST_TEST(str(r2.header, "created") != str(r1.header, "created"), "the new file kept the old header");
  BOOST_TEST(r2.records.size() == 2u, "a fresh start runs every point again");
  BOOST_TEST(count_status(r2.records, "ok") == 2u);
  BOOST_TEST(!fs::exists(backup2));

  BOOST_TEST(sb.run_gridctl("sweep3", {"sweep", cfg.string(), "--local", "1", "--fresh"}, 30s) == 0);
  BOOST_REQUIRE(fs::exists(backup2));
  BOOST_TEST(sb.read_file(backup1) == first, "FILE.1 changed");
  BOOST_TEST(sb.read_file(backup2) == second, "FILE.2 is not the second file");
  results r3 = read_results(file);
  BOOST_TEST(r3.records.size() == 2u);
  BOOST_TEST(!fs::exists(file.string() + ".3"));
}

BOOST_AUTO_TEST_CASE(a_results_file_of_another_command_is_refused) {
  sandbox sb;
  auto cfg = sb.write_file("other.ini", ini()
                                            .section("sweep")
                                            .set("command", "echo {x}")
                                            .section("params")
                                            .set("x", "1, 2")
                                            .text());
  const auto file = sb.path("other.jsonl");
  BOOST_TEST(sb.run_gridctl("sweep1", {"sweep", cfg.string(), "--local", "1"}, 30s) == 0);
  const std::string before = sb.read_file(file);

  sb.write_file("other.ini", ini()
                                 .section("sweep")
                                 .set("command", "echo again {x}")
                                 .section("params")
                                 .set("x", "1, 2")
                                 .text());
  pid_t p = sb.gridctl("sweep2", {"sweep", cfg.string(), "--local", "1"});
  auto st = sb.wait(p, 20s);
  BOOST_REQUIRE(st);
  BOOST_TEST(*st == 2);
  BOOST_TEST(contains(sb.err_of(p), "--fresh"), "stderr: " << sb.err_of(p));
  BOOST_TEST(sb.read_file(file) == before, "the refused sweep changed the results file");
  BOOST_TEST(!fs::exists(file.string() + ".1"));
}

BOOST_AUTO_TEST_CASE(a_second_sweep_on_the_same_results_file_is_refused) {
  // Two masters appending to one journal would interleave it; the second one must not start,
  // and --fresh must not rename the file from under the first one either.
  sandbox sb;
  auto cfg = sb.write_file("busy.ini", ini()
                                           .section("sweep")
                                           .set("command", "sleep 1.5")
                                           .section("params")
                                           .set("x", "1, 2")
                                           .text());
  const auto file = sb.path("busy.jsonl");
  pid_t first = sb.gridctl("first", {"sweep", cfg.string(), "--local", "2"});
  BOOST_REQUIRE(wait_until([&] { return fs::exists(file) && fs::file_size(file) > 0; }, 10s));
  for (const char* extra : {"--retry", "--fresh"}) {
    pid_t second = sb.gridctl(std::string("second") + extra, {"sweep", cfg.string(), "--local", "2", extra});
    auto st = sb.wait(second, 20s);
    BOOST_REQUIRE(st);
    BOOST_TEST(*st == 3);
    BOOST_TEST(contains(sb.err_of(second), "in use"), "stderr: " << sb.err_of(second));
  }
  BOOST_TEST(!fs::exists(file.string() + ".1"));
  auto st = sb.wait(first, 30s);
  BOOST_REQUIRE(st);
  BOOST_TEST(*st == 0);
  BOOST_TEST(read_results(file).records.size() == 2u);
}

BOOST_AUTO_TEST_CASE(plan_reports_what_the_results_file_says) {
  sandbox sb;
  auto cfg = sb.write_file("plan.ini", ini()
                                           .section("sweep")
                                           .set("command", "test {x} -ne 3")
                                           .set("retries", "0")
                                           .section("params")
                                           .set("x", "range(5)")
                                           .text());
  pid_t before = sb.gridctl("plan1", {"plan", cfg.string()});
  auto st1 = sb.wait(before, 20s);
  BOOST_REQUIRE(st1);
  BOOST_TEST(*st1 == 0);
  const std::string out1 = sb.out_of(before);
  BOOST_TEST(contains(out1, "5 points"), "plan: " << out1);
  BOOST_TEST(contains(out1, "5 to run"), "plan: " << out1);
  BOOST_TEST(!fs::exists(sb.path("plan.jsonl")), "plan created the results file");

  BOOST_TEST(sb.run_gridctl("sweep", {"sweep", cfg.string(), "--local", "2"}, 30s) == 1);
  const std::string file_before = sb.read_file(sb.path("plan.jsonl"));
  pid_t after = sb.gridctl("plan2", {"plan", cfg.string()});
  auto st2 = sb.wait(after, 20s);
  BOOST_REQUIRE(st2);
  BOOST_TEST(*st2 == 0);
  const std::string out2 = sb.out_of(after);
  BOOST_TEST(contains(out2, "4 done, 1 failed"), "plan: " << out2);
  BOOST_TEST(contains(out2, "0 to run"), "plan: " << out2);
  // Then the commands, one a line, as a shell script would run them.
  std::vector<std::string> commands;
  std::istringstream lines(out2);
  for (std::string line; std::getline(lines, line);)
    if (!line.empty() && line[0] != '#') commands.push_back(line);
  BOOST_TEST(commands.size() == 5u);
  if (commands.size() == 5u) BOOST_TEST(commands[3] == "test 3 -ne 3");
  BOOST_TEST(sb.read_file(sb.path("plan.jsonl")) == file_before, "plan wrote to the results file");
}

BOOST_AUTO_TEST_SUITE_END()
