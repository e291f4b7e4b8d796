// results_table and result_rows: what `gridctl results` shows — latest attempt per point,
// metrics recomputed from stored output, sorting, CSV quoting, table cutting, the summary.
#include <boost/test/unit_test.hpp>

#include <string>

#include "config.hpp"
#include "failure_groups.hpp"
#include "result_rows.hpp"
#include "results_table.hpp"
#include "temp_dir.hpp"

using namespace gridctl;

namespace {

/// A result_set of hand-made rows over axes p and q with metrics "acc" (index 0) and "loss" (1).
result_set sample() {
  result_set s;
  s.header.axes = {"p", "q"};
  s.metric_names = {"acc", "loss"};
  auto row = [&](std::string p, std::string q, attempt_status st, std::optional<double> acc) {
    result_row r;
    r.values = {std::move(p), std::move(q)};
    r.status = st;
    r.attempt = 1;
    r.duration_s = 1.5;
    if (acc) r.metrics.emplace_back(0, *acc);
    s.rows.push_back(r);
  };
  row("1", "a", attempt_status::ok, 0.5);
  row("1", "b", attempt_status::ok, std::nullopt);
  row("2", "a", attempt_status::failed, std::nullopt);
  row("2", "b", attempt_status::ok, 0.9);
  row("3", "a", attempt_status::ok, 0.7);
  return s;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(results_table)

BOOST_AUTO_TEST_CASE(max_sorts_best_first_and_rows_without_the_metric_last) {
  result_set s = sample();
  row_selection sel;
  sel.sort_by = 0;
  sel.descending = true;
  BOOST_TEST((select_rows(s, sel) == std::vector<std::size_t>{3, 4, 0, 1, 2}));
  sel.descending = false;
  BOOST_TEST((select_rows(s, sel) == std::vector<std::size_t>{0, 4, 3, 1, 2}));
  sel.top = 1;
  BOOST_TEST((select_rows(s, sel) == std::vector<std::size_t>{0}));
}

BOOST_AUTO_TEST_CASE(status_filters_by_the_latest_status) {
  result_set s = sample();
  row_selection sel;
  sel.statuses = {"failed", "timeout"};
  BOOST_TEST((select_rows(s, sel) == std::vector<std::size_t>{2}));
}

BOOST_AUTO_TEST_CASE(csv_quotes_what_rfc_4180_needs_and_ends_lines_with_crlf) {
  BOOST_TEST(csv_field("plain") == "plain");
  BOOST_TEST(csv_field("a, b") == "\"a, b\"");
  BOOST_TEST(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  BOOST_TEST(csv_field("two\nlines") == "\"two\nlines\"");
  BOOST_TEST(csv_field(" padded") == "\" padded\"");
  BOOST_TEST(csv_field("") == "");
  text_table t{{"p", "acc"}, {false, true}, {{"x,y", "0.5"}, {"z", ""}}};
  BOOST_TEST(format_csv(t) == "p,acc\r\n\"x,y\",0.5\r\nz,\r\n");
}

BOOST_AUTO_TEST_CASE(rows_table_has_axes_status_attempt_duration_then_metrics) {
  result_set s = sample();
  text_table t = rows_table(s, {0, 2});
  BOOST_TEST((t.header == std::vector<std::string>{"p", "q", "status", "attempt", "duration_s", "acc", "loss"}));
  BOOST_TEST((t.rows[0] == std::vector<std::string>{"1", "a", "ok", "1", "1.5", "0.5", ""}));
  BOOST_TEST(t.rows[1][2] == "failed");
}

BOOST_AUTO_TEST_CASE(a_metric_named_like_a_column_gets_a_prefix) {
  result_set s = sample();
  s.metric_names = {"p", "status", "zeta"};
  BOOST_TEST((metric_columns(s) == std::vector<std::string>{"metrics.p", "metrics.status", "zeta"}));
}

BOOST_AUTO_TEST_CASE(the_table_is_aligned_and_numbers_are_right_aligned) {
  text_table t{{"name", "n"}, {false, true}, {{"a", "1"}, {"bbb", "100"}}};
  BOOST_TEST(format_table(t, 80) == "name    n\na       1\nbbb   100\n");
}

BOOST_AUTO_TEST_CASE(a_table_too_wide_is_cut_with_an_ellipsis_to_the_width) {
  std::string long_value(50, 'v');
  text_table t{{"p", "q", "acc"}, {false, false, true}, {{long_value, "short", "0.5"}}};
  std::string out = format_table(t, 30);
  std::size_t nl = out.find('\n');
  std::string row = out.substr(nl + 1, out.size() - nl - 2);
  BOOST_TEST(display_width(row) <= 30u);
  BOOST_TEST(row.find("\xE2\x80\xA6") != std::string::npos);  // the ellipsis
  BOOST_TEST(row.find("short") != std::string::npos);         // narrow columns are left alone
  BOOST_TEST(row.find("0.5") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(fit_width_cuts_whole_utf8_characters) {
  BOOST_TEST(fit_width("abcdef", 4) == "abc\xE2\x80\xA6");
  BOOST_TEST(fit_width("abc", 3) == "abc");
  BOOST_TEST(fit_width("\xC3\xA9\xC3\xA9\xC3\xA9", 2) == "\xC3\xA9\xE2\x80\xA6");  // ééé -> é…
  BOOST_TEST(fit_width("a\tb", 5) == "a b");
  BOOST_TEST(display_width("\xC3\xA9t\xC3\xA9") == 3u);
}

BOOST_AUTO_TEST_CASE(summary_gives_ok_mean_min_max_per_axis_value) {
  result_set s = sample();
  text_table t = summary_table(s, 0);
  BOOST_TEST((t.header == std::vector<std::string>{"axis", "value", "ok", "mean", "min", "max"}));
  BOOST_TEST_REQUIRE(t.rows.size() == 5u);  // p: 1, 2, 3; q: a, b
  BOOST_TEST((t.rows[0] == std::vector<std::string>{"p", "1", "2", "0.5", "0.5", "0.5"}));
  BOOST_TEST((t.rows[1] == std::vector<std::string>{"p", "2", "1", "0.9", "0.9", "0.9"}));
  BOOST_TEST((t.rows[3] == std::vector<std::string>{"q", "a", "2", "0.6", "0.5", "0.7"}));
  BOOST_TEST((t.rows[4] == std::vector<std::string>{"q", "b", "2", "0.9", "0.9", "0.9"}));
}

BOOST_AUTO_TEST_CASE(summary_leaves_the_numbers_empty_for_a_value_with_no_ok_point) {
  result_set s = sample();
  s.rows[3].status = attempt_status::failed;  // p=2 has no ok point now
  text_table t = summary_table(s, 0);
  BOOST_TEST((t.rows[1] == std::vector<std::string>{"p", "2", "0", "", "", ""}));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(result_rows)

namespace {
const char* header_line = R"({"gridctl": 1, "sweep": "s", "command": "./job {p}", "axes": ["p"], "created": "x"})";
std::string record(const std::string& point, const std::string& p, int attempt, const std::string& status,
                   const std::string& stdout_json, const std::string& extra = "") {
  return R"({"point": ")" + point + R"(", "params": {"p": )" + p + R"(}, "attempt": )" + std::to_string(attempt) +
         R"(, "status": ")" + status + R"(", "exit_code": 0, "signal": null, "duration_s": 0.5, "stdout": )" +
         stdout_json + R"(, "stderr": "")" + extra + "}";
}
}  // namespace

BOOST_AUTO_TEST_CASE(the_latest_attempt_of_each_point_in_file_order) {
  gridctl::testing::temp_dir tmp("gridctl_rows");
  auto file = tmp.write("r.jsonl", std::string(header_line) + "\n" +
                                       record("00000000000000b2", "2", 1, "failed", "\"\"") + "\n" +
                                       record("00000000000000a1", "1", 1, "ok", "\"\"", R"(, "metrics": {"acc": 0.5})") + "\n" +
                                       record("00000000000000b2", "2", 2, "ok", "\"\"", R"(, "output": {"acc": 0.75})") + "\n" +
                                       "{\"point\": \"torn");
  auto set = read_result_set(file);
  BOOST_TEST_REQUIRE(set.ok(), (set.ok() ? "" : set.error().text()));
  BOOST_TEST(set->records == 3u);
  BOOST_TEST_REQUIRE(set->rows.size() == 2u);
  BOOST_TEST(set->rows[0].values[0] == "2");
  BOOST_TEST(set->rows[0].attempt == 2);
  BOOST_TEST(set->rows[0].status_text() == "ok");
  BOOST_TEST(set->rows[0].metric(0).value_or(-1) == 0.75);  // from "output": a record older than "metrics"
  BOOST_TEST(set->rows[1].metric(0).value_or(-1) == 0.5);
  BOOST_TEST_REQUIRE(set->warnings.size() == 1u);
  BOOST_TEST(set->warnings[0].find(":5: ignoring a torn last line") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(a_metric_added_to_the_config_later_is_computed_from_stored_stdout) {
  gridctl::testing::temp_dir tmp("gridctl_rows");
  auto cfg_file = tmp.write("s.ini",
                            "[sweep]\nname = s\ncommand = ./job {p}\nresults = r.jsonl\n[params]\np = 1, 2, 3\n"
                            "[metrics]\nacc = /Accuracy = ([0-9.]+)%/\n");
  auto cfg = load_config(cfg_file);
  BOOST_TEST_REQUIRE(cfg.ok(), (cfg.ok() ? "" : cfg.error().text()));
  const grid& g = cfg->points;
  auto id = [&](std::uint64_t i) { return format_point_id(g.id_of(g.values(i))); };
  tmp.write("r.jsonl", std::string(header_line) + "\n" +
                           record(id(2), "3", 1, "ok", R"("Accuracy = 91.5%\n")", R"(, "metrics": {})") + "\n" +
                           record(id(0), "1", 1, "ok", R"("no number here\n")", R"(, "metrics": {})") + "\n");
  auto set = read_result_set(*cfg, true);
  BOOST_TEST_REQUIRE(set.ok(), (set.ok() ? "" : set.error().text()));
  BOOST_TEST_REQUIRE(set->rows.size() == 3u);  // grid order, with the pending point 2
  BOOST_TEST(set->rows[0].values[0] == "1");
  BOOST_TEST(!set->rows[0].metric(0).has_value());
  BOOST_TEST(set->rows[1].status_text() == "pending");
  BOOST_TEST(set->rows[2].metric(0).value_or(-1) == 91.5);
  auto notes = missing_metric_notes(ok_without_metrics(*set, cfg->metrics));
  BOOST_TEST((notes == std::vector<std::string>{"1 ok point has no acc"}));
}

BOOST_AUTO_TEST_CASE(a_results_file_of_another_command_is_refused) {
  gridctl::testing::temp_dir tmp("gridctl_rows");
  auto cfg_file = tmp.write("s.ini", "[sweep]\ncommand = ./other {p}\nresults = r.jsonl\n[params]\np = 1\n");
  tmp.write("r.jsonl", std::string(header_line) + "\n");
  auto cfg = load_config(cfg_file);
  BOOST_TEST_REQUIRE(cfg.ok());
  auto set = read_result_set(*cfg, false);
  BOOST_TEST_REQUIRE(!set.ok());
  BOOST_TEST(set.error().message.find("is for the command './job {p}'") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(an_empty_results_file_is_an_error) {
  gridctl::testing::temp_dir tmp("gridctl_rows");
  auto set = read_result_set(tmp.write("e.jsonl", ""));
  BOOST_TEST_REQUIRE(!set.ok());
  BOOST_TEST(set.error().message.find("empty") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(failure_groups)

BOOST_AUTO_TEST_CASE(masking_hides_paths_hex_ids_and_numbers) {
  BOOST_TEST(mask_stderr_line("open /tmp/run7/a.csv failed at 0x7f3a (code 12)") ==
             "open PATH failed at HEX (code N)");
  BOOST_TEST(mask_stderr_line("point 9f2c4e1a0b7d3c55: loss 1.5e-3 > 2") == "point HEX: loss N > N");
  BOOST_TEST(mask_stderr_line("see data/train.csv line 3") == "see PATH line N");
  BOOST_TEST(mask_stderr_line("Segmentation fault") == "Segmentation fault");
}

BOOST_AUTO_TEST_CASE(failures_group_by_status_exit_and_masked_stderr_biggest_first) {
  result_set s;
  s.header.axes = {"p"};
  auto row = [&](std::string p, attempt_status st, std::optional<int> code, std::string sig, std::string err) {
    result_row r;
    r.values = {std::move(p)};
    r.status = st;
    r.exit_code = code;
    r.set_failure(std::move(sig), "", std::move(err));
    s.rows.push_back(r);
  };
  row("1", attempt_status::failed, 1, "", "cannot open /data/1.csv");
  row("2", attempt_status::ok, 0, "", "");
  row("3", attempt_status::timeout, std::nullopt, "SIGTERM", "");
  row("4", attempt_status::failed, 1, "", "cannot open /data/4.csv");
  row("5", attempt_status::failed, 1, "", "cannot open /data/5.csv");
  row("6", attempt_status::failed, 1, "", "cannot open /data/6.csv");
  row("7", attempt_status::failed, 2, "", "cannot open /data/7.csv");  // another exit code
  row("8", attempt_status::canceled, std::nullopt, "", "");             // not a failure
  auto groups = group_failures(s.rows);
  BOOST_TEST_REQUIRE(groups.size() == 3u);
  BOOST_TEST(groups[0].count == 4u);
  BOOST_TEST(groups[0].exit == "exit 1");
  BOOST_TEST(groups[0].signature == "cannot open PATH");
  BOOST_TEST((groups[0].examples == std::vector<std::size_t>{0, 3, 4}));  // up to 3
  BOOST_TEST(groups[1].status == "timeout");  // ties keep the order of first appearance
  BOOST_TEST(groups[1].exit == "SIGTERM");
  BOOST_TEST(groups[2].exit == "exit 2");
  std::string text = format_failures(groups, s, "svm.ini");
  BOOST_TEST(text.starts_with("6 points not ok, 3 causes:\n"));
  BOOST_TEST(text.find("4 x failed, exit 1\n  stderr: cannot open PATH\n  e.g.   p=1\n") != std::string::npos);
  BOOST_TEST(text.find("and 1 more\n  rerun: gridctl sweep svm.ini --retry\n") != std::string::npos);
}

BOOST_AUTO_TEST_SUITE_END()
