// resume: which points a sweep runs given what its results file holds (docs/results-file.md, "Resume rules"), and
// read_existing_results, which refuses a results file that belongs to another sweep.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <system_error>
#include <vector>

#include "axis.hpp"
#include "grid.hpp"
#include "results_reader.hpp"
#include "results_writer.hpp"
#include "resume.hpp"
#include "sweep_setup.hpp"
#include "temp_dir.hpp"

namespace fs = std::filesystem;
using namespace gridctl;

namespace {

struct temp_dir : gridctl::testing::temp_dir {
  temp_dir() : gridctl::testing::temp_dir("gridctl-resume-tests") {}
};

point_history history(int last_attempt, int failures, attempt_status last, bool ok) {
  point_history h;
  h.last_attempt = last_attempt;
  h.failures = failures;
  h.last_status = last;
  h.ok = ok;
  return h;
}

const char* verdict_name(resume_decision::verdict_kind v) {
  switch (v) {
    case resume_decision::run: return "run";
    case resume_decision::done: return "done";
    case resume_decision::exhausted: return "exhausted";
  }
  return "?";
}

struct resume_case {
  const char* what;
  bool has_history;
  point_history h;
  int retries;
  bool retry_failed;
  resume_decision::verdict_kind verdict;
  int next_attempt;  // checked when the verdict is run
  int tries_left;    // checked when the verdict is run
};

attempt_record record(const grid& g, std::uint64_t index, int attempt, attempt_status st) {
  attempt_record r;
  std::vector<std::string> values = g.values(index);
  r.point = g.id_of(values);
  for (std::size_t k = 0; k < values.size(); ++k) r.params.emplace_back(g.axes()[k].name(), values[k]);
  r.attempt = attempt;
  r.status = st;
  r.worker = "w";
  return r;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(resume_rules)

BOOST_AUTO_TEST_CASE(decide_resume_table) {
  using st = attempt_status;
  const auto run = resume_decision::run, done = resume_decision::done, exhausted = resume_decision::exhausted;
  const std::vector<resume_case> cases = {
      {"new point", false, {}, 2, false, run, 1, 3},
      {"new point, --retry", false, {}, 2, true, run, 1, 3},
      {"new point, no retries", false, {}, 0, false, run, 1, 1},
      {"ok at once", true, history(1, 0, st::ok, true), 2, false, done, 0, 0},
      {"ok after failures", true, history(3, 2, st::ok, true), 2, false, done, 0, 0},
      {"ok, --retry", true, history(3, 2, st::ok, true), 2, true, done, 0, 0},
      {"ok earlier, later record failed", true, history(4, 1, st::failed, true), 2, false, done, 0, 0},
      {"failed, retries used up", true, history(3, 3, st::failed, false), 2, false, exhausted, 0, 0},
      {"timeout, retries used up", true, history(3, 3, st::timeout, false), 2, false, exhausted, 0, 0},
      {"failed once, no retries", true, history(1, 1, st::failed, false), 0, false, exhausted, 0, 0},
      {"failed beyond the budget", true, history(5, 5, st::failed, false), 2, false, exhausted, 0, 0},
      {"failed, retries used up, --retry", true, history(3, 3, st::failed, false), 2, true, run, 4, 3},
      {"timeout, retries used up, --retry", true, history(3, 3, st::timeout, false), 2, true, run, 4, 3},
      {"failed once of three", true, history(1, 1, st::failed, false), 2, false, run, 2, 2},
      {"timed out twice of three", true, history(2, 2, st::timeout, false), 2, false, run, 3, 1},
      {"canceled after one failure", true, history(2, 1, st::canceled, false), 2, false, run, 3, 2},
      {"canceled at once", true, history(1, 0, st::canceled, false), 2, false, run, 2, 3},
      {"lost", true, history(1, 0, st::lost, false), 2, false, run, 2, 3},
      {"lost after a failure", true, history(2, 1, st::lost, false), 1, false, run, 3, 1},
  };
  for (const auto& c : cases) {
    const point_history* h = c.has_history ? &c.h : nullptr;
    resume_decision d = decide_resume(h, c.retries, c.retry_failed);
    BOOST_TEST_INFO(c.what);
    BOOST_TEST(verdict_name(d.verdict) == verdict_name(c.verdict));
    if (c.verdict == run) {
      BOOST_TEST_INFO(c.what);
      BOOST_TEST(d.next_attempt == c.next_attempt);
      BOOST_TEST_INFO(c.what);
      BOOST_TEST(d.tries_left == c.tries_left);
    }
  }
}

BOOST_AUTO_TEST_CASE(canceled_after_the_whole_budget_still_runs) {
  // retries = 1: two failures, then a --retry run was canceled. "Everything else runs".
  point_history h = history(3, 2, attempt_status::canceled, false);
  resume_decision d = decide_resume(&h, 1, false);
  BOOST_TEST(verdict_name(d.verdict) == "run");
  BOOST_TEST(d.next_attempt == 4);
  BOOST_TEST(d.tries_left >= 1);
}

BOOST_AUTO_TEST_CASE(count_over_a_grid_with_a_history) {
  temp_dir dir;
  const fs::path file = dir.path / "r.jsonl";
  grid g({axis::from_list("a", {"1", "2", "3"}), axis::from_list("b", {"x", "y"})});
  BOOST_TEST_REQUIRE(g.size() == 6u);
  {
    results_header h;
    h.sweep = "t";
    h.command = "./t {a} {b}";
    h.axes = g.axis_names();
    auto w = results_writer::create(file, h);
    w.append(record(g, 0, 1, attempt_status::ok));        // 0: done
    w.append(record(g, 1, 1, attempt_status::failed));    // 1: exhausted with retries = 1
    w.append(record(g, 1, 2, attempt_status::timeout));
    w.append(record(g, 2, 1, attempt_status::failed));    // 2: one try left
    w.append(record(g, 3, 1, attempt_status::canceled));  // 3: runs
    w.append(record(g, 4, 1, attempt_status::lost));      // 4: runs
    // 5: no record. And a point that is not in this grid (an axis value was removed):
    grid other({axis::from_list("a", {"9"}), axis::from_list("b", {"x"})});
    w.append(record(other, 0, 1, attempt_status::ok));
  }
  auto hist = read_results(file);
  BOOST_TEST_REQUIRE(hist.ok());
  BOOST_TEST_REQUIRE(hist->points.size() == 6u);

  resume_plan plan(g, &*hist, 1, false);
  resume_counts c = plan.count();
  BOOST_TEST(c.total == 6u);
  BOOST_TEST(c.done == 1u);
  BOOST_TEST(c.exhausted == 1u);
  BOOST_TEST(c.to_run == 4u);
  BOOST_TEST(&plan.points() == &g);

  const char* expected[] = {"done", "exhausted", "run", "run", "run", "run"};
  const int next[] = {2, 3, 2, 2, 2, 1};
  for (std::uint64_t i = 0; i < 6; ++i) {
    point_id id = 0;
    resume_decision d = plan.decide(i, &id);
    BOOST_TEST_INFO("point " << i);
    BOOST_TEST(id == g.id_of(g.values(i)));
    BOOST_TEST_INFO("point " << i);
    BOOST_TEST(verdict_name(d.verdict) == expected[i]);
    BOOST_TEST_INFO("point " << i);
    BOOST_TEST(d.next_attempt == next[i]);
    BOOST_TEST(verdict_name(plan.decide_id(id).verdict) == expected[i]);
  }
  BOOST_TEST(plan.decide(2).tries_left == 1);

  resume_counts r = resume_plan(g, &*hist, 1, true).count();
  BOOST_TEST(r.done == 1u);
  BOOST_TEST(r.exhausted == 0u);
  BOOST_TEST(r.to_run == 5u);

  resume_counts more = resume_plan(g, &*hist, 5, false).count();  // a larger budget
  BOOST_TEST(more.exhausted == 0u);
  BOOST_TEST(more.to_run == 5u);
}

BOOST_AUTO_TEST_CASE(count_without_a_history_is_immediate, *boost::unit_test::timeout(10)) {
  grid g({axis::from_range("a", 0, 1000, 1), axis::from_range("b", 0, 1000, 1), axis::from_range("c", 0, 1000, 1)});
  BOOST_TEST_REQUIRE(g.size() == 1000000000u);
  const auto t0 = std::chrono::steady_clock::now();
  resume_counts c = resume_plan(g, nullptr, 2, false).count();
  results_history empty;
  resume_counts c2 = resume_plan(g, &empty, 2, false).count();
  const auto elapsed = std::chrono::steady_clock::now() - t0;
  BOOST_TEST(c.total == 1000000000u);
  BOOST_TEST(c.to_run == 1000000000u);
  BOOST_TEST(c.done == 0u);
  BOOST_TEST(c.exhausted == 0u);
  BOOST_TEST(c2.to_run == 1000000000u);
  BOOST_TEST(std::chrono::duration_cast<std::chrono::milliseconds>(elapsed).count() < 100);

  resume_plan plan(g, nullptr, 2, false);
  point_id id = 0;
  resume_decision d = plan.decide(999999999u, &id);
  BOOST_TEST(verdict_name(d.verdict) == "run");
  BOOST_TEST(d.next_attempt == 1);
  BOOST_TEST(d.tries_left == 3);
  BOOST_TEST(id == g.id_of({"999", "999", "999"}));
}

BOOST_AUTO_TEST_SUITE_END()

// ---- read_existing_results: the results file must belong to this sweep ----------------------

namespace {

struct setup_fixture {
  temp_dir dir;
  sweep_config cfg;
  setup_fixture() {
    cfg.name = "t";
    cfg.file = dir.path / "t.ini";
    cfg.results = dir.path / "t.jsonl";
    cfg.points = grid({axis::from_list("a", {"1", "2"}), axis::from_list("b", {"x"})});
    set_command("./run {a} {b}");
  }
  void set_command(const std::string& text) {
    auto c = command_template::parse(text, cfg.points.axis_names());
    if (!c) throw std::runtime_error("bad command in the test: " + c.error().text());
    cfg.command = *c;
  }
  void write_results() {
    auto w = results_writer::create(cfg.results, make_header(cfg));
    w.append(record(cfg.points, 0, 1, attempt_status::ok));
  }
};

}  // namespace

BOOST_FIXTURE_TEST_SUITE(results_ownership, setup_fixture)

BOOST_AUTO_TEST_CASE(no_file_or_an_empty_file_means_no_history) {
  std::ostringstream err;
  auto none = read_existing_results(cfg, err);
  BOOST_TEST_REQUIRE(none.ok());
  BOOST_TEST(!none->history.has_value());
  std::ofstream(cfg.results).close();
  auto empty = read_existing_results(cfg, err);
  BOOST_TEST_REQUIRE(empty.ok());
  BOOST_TEST(!empty->history.has_value());
  BOOST_TEST(err.str().empty());
}

BOOST_AUTO_TEST_CASE(make_header_describes_the_sweep) {
  results_header h = make_header(cfg);
  BOOST_TEST(h.version == results_format_version);
  BOOST_TEST(h.sweep == "t");
  BOOST_TEST(h.command == "./run {a} {b}");
  BOOST_TEST((h.axes == std::vector<std::string>{"a", "b"}));
  BOOST_TEST(h.created.size() == 24u);
  BOOST_TEST(h.created.back() == 'Z');
}

BOOST_AUTO_TEST_CASE(the_same_sweep_is_accepted) {
  write_results();
  std::ostringstream err;
  auto found = read_existing_results(cfg, err);
  BOOST_TEST_REQUIRE(found.ok(), (found.ok() ? "" : found.error().text()));
  BOOST_TEST_REQUIRE(found->history.has_value());
  BOOST_TEST(found->history->records == 1u);
  BOOST_TEST(err.str().empty());
}

BOOST_AUTO_TEST_CASE(warnings_about_a_torn_line_are_printed) {
  write_results();
  std::ofstream(cfg.results, std::ios::app) << "{\"point\": \"00";
  std::ostringstream err;
  auto found = read_existing_results(cfg, err);
  BOOST_TEST_REQUIRE(found.ok());
  BOOST_TEST_REQUIRE(found->history.has_value());
  BOOST_TEST(found->history->records == 1u);
  BOOST_TEST(err.str().find("warning") != std::string::npos, err.str());
  BOOST_TEST(err.str().find(cfg.results.string() + ":3") != std::string::npos, err.str());
}

BOOST_AUTO_TEST_CASE(another_command_is_refused_with_a_hint) {
  write_results();
  set_command("./other {a} {b}");
  std::ostringstream err;
  auto found = read_existing_results(cfg, err);
  BOOST_TEST_REQUIRE(!found.ok());
  BOOST_TEST(found.error().message.find("--fresh") != std::string::npos, found.error().message);
  BOOST_TEST(found.error().message.find("./run {a} {b}") != std::string::npos, found.error().message);
  BOOST_TEST(found.error().text().find(cfg.results.string()) == 0u);
}

BOOST_AUTO_TEST_CASE(other_axes_are_refused_with_a_hint) {
  // The same command text, so that only the axes differ: one axis more, then one renamed.
  write_results();
  cfg.points = grid({axis::from_list("a", {"1", "2"}), axis::from_list("b", {"x"}), axis::from_list("c", {"z"})});
  set_command("./run {a} {b}");
  std::ostringstream err;
  auto found = read_existing_results(cfg, err);
  BOOST_TEST_REQUIRE(!found.ok());
  BOOST_TEST(found.error().message.find("--fresh") != std::string::npos, found.error().message);
  BOOST_TEST(found.error().message.find("axes") != std::string::npos, found.error().message);
  BOOST_TEST(found.error().where == cfg.results.string());

  cfg.points = grid({axis::from_list("a", {"1", "2"}), axis::from_list("c", {"x"})});
  set_command("./run {a}");
  write_results();
  cfg.points = grid({axis::from_list("a", {"1", "2"}), axis::from_list("b", {"x"})});
  set_command("./run {a}");
  auto renamed = read_existing_results(cfg, err);
  BOOST_TEST_REQUIRE(!renamed.ok());
  BOOST_TEST(renamed.error().message.find("--fresh") != std::string::npos, renamed.error().message);
}

BOOST_AUTO_TEST_CASE(the_same_axes_in_another_order_resume) {
  // Point ids hash the axes sorted by name, so reordering [params] keeps every id: the file's
  // records still count, matched by id.
  write_results();  // axes [a, b]; point 0 (a=1, b=x) is ok
  cfg.points = grid({axis::from_list("b", {"x"}), axis::from_list("a", {"1", "2"})});
  set_command("./run {a} {b}");
  std::ostringstream err;
  auto found = read_existing_results(cfg, err);
  BOOST_TEST_REQUIRE(found.ok(), (found.ok() ? "" : found.error().text()));
  BOOST_TEST_REQUIRE(found->history.has_value());
  resume_plan plan(cfg.points, &*found->history, 0, false);
  resume_counts c = plan.count();
  BOOST_TEST(c.done == 1u);
  BOOST_TEST(c.to_run == 1u);
  BOOST_TEST((cfg.points.values(0) == std::vector<std::string>{"x", "1"}));
  BOOST_TEST(plan.decide(0).verdict == resume_decision::done);
  BOOST_TEST(plan.decide(1).verdict == resume_decision::run);
}

BOOST_AUTO_TEST_CASE(a_foreign_file_is_refused) {
  std::ofstream(cfg.results) << "{\"foo\": 1}\n";
  std::ostringstream err;
  auto found = read_existing_results(cfg, err);
  BOOST_TEST_REQUIRE(!found.ok());
  BOOST_TEST(found.error().message.find("not a gridctl results file") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
