// sweep_status: the ETA from durations seen so far, the status built from counts and running
// attempts, its JSON round trip, the status file written atomically, and the lines for people.
#include <boost/test/unit_test.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "log_throttle.hpp"
#include "results_reader.hpp"
#include "results_writer.hpp"
#include "status_file.hpp"
#include "sweep_status.hpp"
#include "temp_dir.hpp"

using namespace gridctl;

namespace {
running_job job(point_id id, double elapsed, const std::string& worker = "node07") {
  return running_job{id, 1, {{"C", "0.1"}, {"kernel", "poly 2"}}, worker, elapsed};
}
sweep_counts counts(std::uint64_t total, std::uint64_t ok, std::uint64_t failed, std::size_t slots) {
  return sweep_counts{total, ok, failed, 1, slots};
}
}  // namespace

BOOST_AUTO_TEST_SUITE(sweep_status_suite)

BOOST_AUTO_TEST_CASE(the_eta_is_unknown_before_any_attempt_ended_or_without_slots) {
  eta_estimator eta;
  BOOST_TEST(!eta.seconds_left(10, {job(1, 5)}, 4).has_value());
  eta.attempt_ended(2.0);
  BOOST_TEST(eta.seconds_left(10, {}, 4).has_value());
  BOOST_TEST(!eta.seconds_left(10, {}, 0).has_value());  // every worker gone
  BOOST_TEST(*eta.seconds_left(0, {}, 0) == 0.0);        // nothing left: done, whatever else
}

BOOST_AUTO_TEST_CASE(the_eta_spreads_the_work_left_over_the_slots_in_use) {
  eta_estimator eta;
  eta.attempt_ended(1.0);
  eta.attempt_ended(3.0);  // mean 2 s
  // 8 pending points of 2 s on 4 slots, nothing running: 4 s.
  BOOST_TEST(*eta.seconds_left(8, {}, 4) == 4.0);
  // Two running for 1.5 s have 0.5 s left each: (8*2 + 0.5 + 0.5) / 4.
  BOOST_TEST(*eta.seconds_left(8, {job(1, 1.5), job(2, 1.5)}, 4) == 17.0 / 4);
  // One point left on 100 slots uses one slot: 2 s, not 0.02 s.
  BOOST_TEST(*eta.seconds_left(1, {}, 100) == 2.0);
  // A job running longer than the mean counts as almost done, never negative.
  BOOST_TEST(*eta.seconds_left(0, {job(1, 10)}, 4) == 0.0);
}

BOOST_AUTO_TEST_CASE(make_status_counts_pending_and_lists_the_longest_jobs_first) {
  eta_estimator eta;
  eta.attempt_ended(1.0);
  auto s = make_status(counts(100, 10, 2, 4), {job(1, 0.5), job(2, 9.0), job(3, 3.0)}, eta, 6.0);
  BOOST_TEST(s.running);
  BOOST_TEST(s.total == 100u);
  BOOST_TEST(s.pending == 85u);  // 100 - 10 ok - 2 failed - 3 running
  BOOST_TEST(s.jobs_running == 3u);
  BOOST_TEST(s.jobs_per_s == 1.0 / 6.0);
  BOOST_TEST_REQUIRE(s.jobs.size() == 3u);
  BOOST_TEST(s.jobs[0].point == 2u);
  BOOST_TEST(s.jobs[1].point == 3u);
  BOOST_TEST(s.jobs[2].point == 1u);
  BOOST_TEST(s.eta_s.has_value());
}

BOOST_AUTO_TEST_CASE(a_huge_number_of_running_jobs_is_counted_but_listed_only_in_part) {
  std::vector<running_job> many;
  for (std::size_t i = 0; i < max_listed_jobs + 500; ++i) many.push_back(job(i, static_cast<double>(i)));
  auto s = make_status(counts(1'000'000, 0, 0, many.size()), std::move(many), eta_estimator{}, 1.0);
  BOOST_TEST(s.jobs_running == max_listed_jobs + 500);
  BOOST_TEST(s.jobs.size() == max_listed_jobs);
  BOOST_TEST(s.jobs.front().elapsed_s == static_cast<double>(max_listed_jobs + 499));  // the longest kept
  BOOST_TEST(!s.eta_s.has_value());
}

BOOST_AUTO_TEST_CASE(the_json_form_reads_back_as_it_was) {
  eta_estimator eta;
  eta.attempt_ended(2.0);
  auto s = make_status(counts(12, 3, 1, 2), {job(0x9f2c4e1a0b7d3c55, 1.25)}, eta, 4.0);
  s.sweep = "svm";
  s.results = "/tmp/svm.jsonl";
  s.host = "node01";
  s.pid = 4242;
  s.started = "2026-11-29T16:01:02.123Z";
  s.updated = "2026-11-29T16:01:06.123Z";
  std::string text = format_status_json(s);
  BOOST_TEST(text.find("\"params\": {\"C\": 0.1, \"kernel\": \"poly 2\"}") != std::string::npos, text);
  BOOST_TEST(text.find("\"point\": \"9f2c4e1a0b7d3c55\"") != std::string::npos, text);
  auto back = parse_status_json(text, "svm.status.json");
  BOOST_TEST_REQUIRE(back.ok(), (back.ok() ? std::string() : back.error().text()));
  BOOST_TEST(back->running);
  BOOST_TEST(back->sweep == "svm");
  BOOST_TEST(back->pid == 4242);
  BOOST_TEST(back->total == 12u);
  BOOST_TEST(back->pending == 7u);
  BOOST_TEST(back->slots == 2u);
  BOOST_TEST(*back->eta_s == *s.eta_s);
  BOOST_TEST_REQUIRE(back->jobs.size() == 1u);
  BOOST_TEST(back->jobs[0].point == 0x9f2c4e1a0b7d3c55u);
  BOOST_TEST(back->jobs[0].params == s.jobs[0].params);
  BOOST_TEST(back->jobs[0].elapsed_s == 1.25);
  // An unknown ETA is null.
  s.eta_s.reset();
  BOOST_TEST(format_status_json(s).find("\"eta_s\": null") != std::string::npos);
  BOOST_TEST(!parse_status_json(format_status_json(s), "x")->eta_s.has_value());
}

BOOST_AUTO_TEST_CASE(anything_else_is_refused_with_its_name) {
  BOOST_TEST(parse_status_json("", "a.status.json").error().text() == "a.status.json: not a gridctl status file");
  BOOST_TEST(parse_status_json("{\"gridctl\": 1}", "a").error().message == "not a gridctl status file");
  BOOST_TEST(parse_status_json("{\"gridctl_status\": 9}", "a").error().message.find("another gridctl version") !=
             std::string::npos);
  auto bad = parse_status_json("{\"gridctl_status\": 1, \"running\": \"yes\"}", "a");
  BOOST_TEST(bad.error().message == "malformed status file: \"running\" is not true or false");
}

BOOST_AUTO_TEST_CASE(the_status_file_is_beside_the_results_file) {
  BOOST_TEST(status_path("/data/svm.jsonl") == "/data/svm.status.json");
  BOOST_TEST(status_path("/data/results") == "/data/results.status.json");
}

BOOST_AUTO_TEST_CASE(the_status_file_is_replaced_whole_and_readable_by_all) {
  testing::temp_dir dir;
  auto file = dir.path / "svm.status.json";
  BOOST_TEST(!read_status_file(file).has_value());  // none yet
  ::umask(077);  // a private umask must not hide the status from other users
  sweep_status s;
  s.total = 5;
  write_status_file(file, format_status_json(s));
  s.total = 6;
  write_status_file(file, format_status_json(s));
  ::umask(022);
  struct stat st {};
  BOOST_TEST_REQUIRE(::stat(file.c_str(), &st) == 0);
  BOOST_TEST((st.st_mode & 0777) == 0644u);
  auto back = read_status_file(file);
  BOOST_TEST_REQUIRE((back && *back));
  BOOST_TEST((**back).total == 6u);
  // No temporary file is left behind.
  std::size_t entries = 0;
  for ([[maybe_unused]] const auto& e : std::filesystem::directory_iterator(dir.path)) ++entries;
  BOOST_TEST(entries == 1u);
  // Garbage there is an error, not a crash.
  dir.write("svm.status.json", "{\"gridctl_status\": 1, \"to");
  auto garbage = read_status_file(file);
  BOOST_TEST_REQUIRE(garbage.has_value());
  BOOST_TEST(!garbage->ok());
}

BOOST_AUTO_TEST_CASE(the_results_lock_tells_whether_a_sweep_runs) {
  testing::temp_dir dir;
  auto file = dir.path / "r.jsonl";
  BOOST_TEST(!results_lock::held(file));  // no file
  {
    results_lock lock = results_lock::acquire(file);
    BOOST_TEST(results_lock::held(file));
  }
  BOOST_TEST(!results_lock::held(file));
  // The probe itself leaves the file free for a sweep to lock.
  results_lock again = results_lock::acquire(file);
  BOOST_TEST(results_lock::held(file));
}

BOOST_AUTO_TEST_CASE(utc_times_read_back) {
  auto t = std::chrono::system_clock::time_point(std::chrono::milliseconds(1'795'000'000'123));
  BOOST_TEST((parse_utc(format_utc(t)) == t));
  BOOST_TEST(!parse_utc("yesterday").has_value());
  BOOST_TEST(!parse_utc("2026-11-29T16:01:02.123Z trailing").has_value());
}

BOOST_AUTO_TEST_CASE(lines_for_people) {
  BOOST_TEST(describe_params({{"C", "0.1"}, {"gamma", "3"}}) == "C=0.1 gamma=3");
  BOOST_TEST(describe_params({{"kernel", "poly 2"}}) == "kernel='poly 2'");
  BOOST_TEST(format_seconds(0.42) == "0.4s");
  BOOST_TEST(format_seconds(42) == "42s");
  BOOST_TEST(format_seconds(192) == "3m 12s");
  BOOST_TEST(format_seconds(7500) == "2h 05m");
  BOOST_TEST(format_eta(std::nullopt) == "ETA unknown");
  BOOST_TEST(format_eta(192.0) == "ETA 3m 12s");
  BOOST_TEST(format_rate(0.523) == "0.52");
  BOOST_TEST(format_rate(1234) == "1.2k");

  auto s = make_status(sweep_counts{100, 10, 2, 1, 1}, {job(1, 1)}, eta_estimator{}, 10);
  BOOST_TEST(format_progress(s) == "[12/100] 12%  ok 10  failed 2  running 1  1 worker, 1 slot  0.00 jobs/s  ETA unknown");
  eta_estimator eta;
  for (int i = 0; i < 12; ++i) eta.attempt_ended(1.0);
  s = make_status(sweep_counts{100, 10, 2, 1, 1}, {job(1, 0.5)}, eta, 10);
  BOOST_TEST(format_progress(s) == "[12/100] 12%  ok 10  failed 2  running 1  1 worker, 1 slot  1.2 jobs/s  ETA 1m 27s");
  BOOST_TEST(format_progress(s).find('\r') == std::string::npos);
  s.workers = 2;
  s.slots = 8;
  BOOST_TEST(format_progress(s).find("2 workers, 8 slots") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(alike_failures_of_different_points_are_one_kind_for_the_throttle) {
  // The master judges failure lines by their cause without the point's parameters.
  log_throttle t;
  int shown = 0;
  for (const char* kernel : {"rbf", "poly", "linear", "sigmoid", "custom"})
    shown += t.admit(std::string("kernel=") + kernel + ": failed, exit 1: out of memory", "failed, exit 1: out of memory");
  BOOST_TEST(shown == 3);
  BOOST_TEST(t.summaries().size() == 1u);
}

BOOST_AUTO_TEST_SUITE_END()

#include "failure_groups.hpp"

BOOST_AUTO_TEST_SUITE(failure_log_line_suite)

BOOST_AUTO_TEST_CASE(a_failure_is_named_by_its_parameters_with_its_exit_and_last_stderr_line) {
  attempt_record r;
  r.point = 0x9f2c4e1a0b7d3c55;
  r.params = {{"C", "0.1"}, {"kernel", "poly 2"}};
  r.attempt = 1;
  r.status = attempt_status::failed;
  r.exit_code = 3;
  r.worker = "node07";
  r.stderr_text = "loading\nerror: cannot open /data/run7/train.csv\n\n";
  auto line = failure_log_line(r, true);
  BOOST_TEST(line.text ==
             "C=0.1 kernel='poly 2': failed, exit 3 [point 9f2c4e1a0b7d3c55, attempt 1 on node07; runs again]: "
             "error: cannot open /data/run7/train.csv");
  BOOST_TEST(line.kind == "failed, exit 3: error: cannot open PATH");

  // The same failure at another point, on another worker, is the same kind.
  attempt_record other = r;
  other.point = 1;
  other.params = {{"C", "10"}, {"kernel", "rbf"}};
  other.worker = "node08";
  other.stderr_text = "error: cannot open /data/run8/train.csv";
  BOOST_TEST(failure_log_line(other, false).kind == line.kind);

  // A signal, a timeout, a loss.
  r.exit_code.reset();
  r.signal = 9;
  r.stderr_text.clear();
  BOOST_TEST(failure_log_line(r, false).text ==
             "C=0.1 kernel='poly 2': failed, SIGKILL [point 9f2c4e1a0b7d3c55, attempt 1 on node07]");
  r.signal.reset();
  r.status = attempt_status::lost;
  r.error = "worker lost";
  BOOST_TEST(failure_log_line(r, true).text ==
             "C=0.1 kernel='poly 2': lost (worker lost) [point 9f2c4e1a0b7d3c55, attempt 1 on node07; runs again]");
}

BOOST_AUTO_TEST_SUITE_END()
