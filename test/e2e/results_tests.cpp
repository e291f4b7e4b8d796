// End-to-end: a real sweep whose job prints libsvm-style text, then `gridctl results` in each
// format, a metric added after the sweep, --failures, and require_metrics.
#include <boost/json.hpp>
#include <boost/test/unit_test.hpp>

#include <sstream>
#include <string>
#include <vector>

#include "harness.hpp"

using namespace e2e;
namespace json = boost::json;

namespace {

/// C=3 prints no accuracy line (a pipeline that lost its output), C=4 fails with a stderr line.
const char* job_script =
    "#!/bin/sh\n"
    "C=$1\n"
    "if [ \"$C\" = 4 ]; then echo \"error: cannot read /data/run$C/train.csv\" >&2; exit 4; fi\n"
    "echo \"optimization finished, #iter = 12$C\"\n"
    "if [ \"$C\" = 3 ]; then exit 0; fi\n"
    "echo \"Cross Validation Accuracy = 8$C.5%\"\n";

fs::path write_config(sandbox& sb, const std::string& name, const std::string& extra_metric, bool require) {
  ini cfg;
  cfg.section("sweep").set("command", "sh " + sb.path("train.sh").string() + " {C} {kernel}").set("results", "svm.jsonl");
  if (require) cfg.set("require_metrics", "true");
  cfg.section("params").set("C", "1, 2, 3, 4").set("kernel", "rbf, \"poly, 2\"");
  cfg.section("metrics").set("accuracy", "/Cross Validation Accuracy = ([0-9.eE+-]+)%/");
  if (!extra_metric.empty()) cfg.set("tenths", extra_metric);
  return sb.write_file(name, cfg.text());
}

/// Runs `gridctl results ARGS` to completion; its stdout.
std::string results_of(sandbox& sb, const std::string& name, std::vector<std::string> args, int want_status = 0) {
  args.insert(args.begin(), "results");
  BOOST_TEST(sb.run_gridctl(name, args) == want_status, name << " stderr: " << sb.read_file(sb.path(name + ".err")));
  return sb.read_file(sb.path(name + ".out"));
}

}  // namespace

BOOST_AUTO_TEST_SUITE(results_command)

BOOST_AUTO_TEST_CASE(a_sweep_read_back_as_table_csv_and_jsonl) {
  sandbox sb;
  sb.write_file("train.sh", job_script);
  auto cfg = write_config(sb, "svm.ini", "", false);
  BOOST_TEST(sb.run_gridctl("sweep", {"sweep", cfg.string(), "--local", "2"}) == 1);  // C=4 failed
  std::string sweep_err = sb.read_file(sb.path("sweep.err"));
  BOOST_TEST(sweep_err.find("gridctl: 2 ok points have no accuracy") != std::string::npos, sweep_err);

  // Every record carries "metrics".
  results r = read_results(sb.path("svm.jsonl"));
  BOOST_TEST_REQUIRE(r.records.size() == 8u);
  for (const auto& rec : r.records) BOOST_TEST(rec.contains("metrics"));

  // jsonl: one object per point, in grid order, with the metric where the job printed it.
  std::string jsonl = results_of(sb, "jsonl", {cfg.string(), "--format", "jsonl"});
  std::istringstream lines(jsonl);
  std::vector<json::object> rows;
  for (std::string line; std::getline(lines, line);) rows.push_back(json::parse(line).as_object());
  BOOST_TEST_REQUIRE(rows.size() == 8u);
  BOOST_TEST(json::serialize(rows[0].at("params")) == R"({"C":1,"kernel":"rbf"})");
  BOOST_TEST(number(rows[0].at("metrics").at("accuracy")) == 81.5);
  BOOST_TEST(rows[4].at("metrics").as_object().empty());  // C=3 printed no accuracy
  BOOST_TEST(str(rows[6], "status") == "failed");

  // csv (the default when piped): a header row, RFC 4180 quoting of "poly, 2".
  std::string csv = results_of(sb, "csv", {cfg.string()});
  BOOST_TEST(csv.starts_with("C,kernel,status,attempt,duration_s,accuracy\r\n"), csv);
  BOOST_TEST(csv.find("\r\n1,\"poly, 2\",ok,1,") != std::string::npos, csv);
  // Python's csv module reads it back as 8 rows of 6 fields (pandas reads what it reads).
  sb.write_file("check.py",
                "import csv, sys\n"
                "rows = list(csv.reader(open(sys.argv[1], newline='')))\n"
                "assert rows[0] == ['C', 'kernel', 'status', 'attempt', 'duration_s', 'accuracy'], rows[0]\n"
                "assert len(rows) == 9 and all(len(r) == 6 for r in rows), rows\n"
                "assert rows[2][1] == 'poly, 2' and rows[2][5] == '81.5', rows[2]\n");
  pid_t py = sb.start("python", {"/usr/bin/python3", sb.path("check.py").string(), sb.path("csv.out").string()});
  auto py_status = sb.wait(py, 30s);
  BOOST_TEST((py_status && *py_status == 0), "python: " << sb.err_of(py));

  // table: aligned, sorted best first, cut to COLUMNS.
  pid_t t = sb.start("table", {gridctl_path(), "results", cfg.string(), "--format", "table", "--max", "accuracy", "--top", "2"},
                     {{"COLUMNS", "60"}});
  auto table_status = sb.wait(t, 30s);
  BOOST_TEST((table_status && *table_status == 0));
  std::string table = sb.out_of(t);
  std::istringstream tl(table);
  std::vector<std::string> tlines;
  for (std::string line; std::getline(tl, line);) tlines.push_back(line);
  BOOST_TEST_REQUIRE(tlines.size() == 3u, table);
  BOOST_TEST(tlines[0].starts_with("C  kernel"), table);
  BOOST_TEST(tlines[1].starts_with("2  "), table);  // 82.5 is the best accuracy
  BOOST_TEST(tlines[1].find("82.5") != std::string::npos, table);

  // An unknown metric lists the metrics there are.
  results_of(sb, "unknown", {cfg.string(), "--max", "acc"}, 2);
  BOOST_TEST(sb.read_file(sb.path("unknown.err")).find("unknown metric 'acc' (metrics: accuracy)") != std::string::npos);

  // --failures: the failed point, its masked stderr and the rerun command.
  std::string failures = results_of(sb, "failures", {cfg.string(), "--failures"});
  BOOST_TEST(failures.find("2 x failed, exit 4\n  stderr: error: cannot read PATH\n") != std::string::npos, failures);
  BOOST_TEST(failures.find("rerun: gridctl sweep " + cfg.string() + " --retry") != std::string::npos, failures);
}

BOOST_AUTO_TEST_CASE(a_metric_added_after_the_sweep_needs_no_rerun) {
  sandbox sb;
  sb.write_file("train.sh", job_script);
  auto cfg = write_config(sb, "svm.ini", "", false);
  BOOST_TEST(sb.run_gridctl("sweep", {"sweep", cfg.string(), "--local", "2"}) == 1);
  auto size_before = fs::file_size(sb.path("svm.jsonl"));
  auto later = write_config(sb, "svm.ini", R"(/Accuracy = [0-9]+\.([0-9])%/)", false);
  std::string csv = results_of(sb, "csv", {later.string(), "--format", "csv"});
  BOOST_TEST(csv.starts_with("C,kernel,status,attempt,duration_s,accuracy,tenths\r\n"), csv);
  BOOST_TEST(csv.find("\r\n1,rbf,ok,1,") != std::string::npos);
  BOOST_TEST(csv.find(",81.5,5\r\n") != std::string::npos, csv);
  BOOST_TEST(fs::file_size(sb.path("svm.jsonl")) == size_before);  // results never writes
  // And the sweep itself sees nothing to run: [metrics] is not part of its identity.
  BOOST_TEST(sb.run_gridctl("again", {"sweep", later.string(), "--local", "1"}) == 1);
  BOOST_TEST(read_results(sb.path("svm.jsonl")).records.size() == 8u);
}

BOOST_AUTO_TEST_CASE(require_metrics_records_an_exit_zero_without_them_as_failed) {
  sandbox sb;
  sb.write_file("train.sh", job_script);
  auto cfg = write_config(sb, "svm.ini", "", true);
  BOOST_TEST(sb.run_gridctl("sweep", {"sweep", cfg.string(), "--local", "2"}) == 1);
  std::size_t missing = 0;
  for (const auto& rec : read_results(sb.path("svm.jsonl")).records) {
    if (rec.at("params").at("C").as_int64() != 3) continue;
    ++missing;
    BOOST_TEST(str(rec, "status") == "failed");
    BOOST_TEST(integer(rec, "exit_code") == 0);
    BOOST_TEST(str(rec, "error") == "metric accuracy not found in the output (require_metrics = true)");
  }
  BOOST_TEST(missing == 2u);
}

BOOST_AUTO_TEST_SUITE_END()
