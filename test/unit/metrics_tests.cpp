// metrics: extraction from `output` and [metrics] regexes, and the [metrics] section's errors
// (docs/results-file.md, "metrics").
#include <boost/json/parse.hpp>
#include <boost/test/unit_test.hpp>

#include <string>

#include "config.hpp"
#include "metrics.hpp"
#include "regex.hpp"
#include "temp_dir.hpp"

using namespace gridctl;

namespace {
metric_rule rule(const std::string& name, const std::string& value) {
  auto r = parse_metric_rules({metric_entry{name, value, 7}}, "x.ini");
  BOOST_TEST_REQUIRE(r.ok(), (r.ok() ? "" : r.error().text()));
  return r->front();
}
std::string rule_error(const std::string& name, const std::string& value) {
  auto r = parse_metric_rules({metric_entry{name, value, 7}}, "x.ini");
  return r.ok() ? "(no error)" : r.error().text();
}
}  // namespace

BOOST_AUTO_TEST_SUITE(metrics)

BOOST_AUTO_TEST_CASE(output_objects_give_their_numeric_fields_with_dotted_keys) {
  auto m = output_metrics(boost::json::parse(R"({"acc": 0.8, "n": 3, "scores": {"f1": 0.5, "deep": {"x": -1}},
                                                 "name": "svm", "ok": true, "list": [1, 2], "none": null})"));
  metric_values want{{"acc", 0.8}, {"n", 3}, {"scores.f1", 0.5}, {"scores.deep.x", -1}};
  BOOST_TEST(m == want);
}

BOOST_AUTO_TEST_CASE(a_bare_number_is_the_metric_output) {
  BOOST_TEST((output_metrics(boost::json::parse("0.25")) == metric_values{{"output", 0.25}}));
  BOOST_TEST(output_metrics(boost::json::parse("\"text\"")).empty());
  BOOST_TEST(output_metrics(boost::json::parse("[1]")).empty());
}

BOOST_AUTO_TEST_CASE(a_stdout_rule_takes_the_last_match) {
  auto r = rule("accuracy", "/Cross Validation Accuracy = ([0-9.eE+-]+)%/");
  std::string out = "Cross Validation Accuracy = 70%\nnoise\nCross Validation Accuracy = 83.7%\ntail\n";
  BOOST_TEST((compute_metrics({r}, out, "", std::nullopt) == metric_values{{"accuracy", 83.7}}));
  BOOST_TEST(compute_metrics({r}, "", out, std::nullopt).empty());  // a stdout rule ignores stderr
}

BOOST_AUTO_TEST_CASE(a_stderr_rule_searches_stderr_only) {
  auto r = rule("loss", "stderr:/loss=([^ ]+)/");
  BOOST_TEST(r.stream == metric_rule::stderr_stream);
  BOOST_TEST((compute_metrics({r}, "loss=1", "epoch 1 loss=0.5 x", std::nullopt) == metric_values{{"loss", 0.5}}));
  BOOST_TEST(compute_metrics({r}, "loss=1", "", std::nullopt).empty());
}

BOOST_AUTO_TEST_CASE(a_capture_that_is_not_a_number_leaves_the_metric_absent) {
  auto r = rule("acc", "/acc: (\\S+)/");
  BOOST_TEST(compute_metrics({r}, "acc: n/a\n", "", std::nullopt).empty());
  BOOST_TEST(compute_metrics({r}, "acc: nan\n", "", std::nullopt).empty());
  BOOST_TEST(compute_metrics({r}, "acc: 1.5x\n", "", std::nullopt).empty());
  BOOST_TEST((compute_metrics({r}, "acc: +2e3\n", "", std::nullopt) == metric_values{{"acc", 2000}}));
}

BOOST_AUTO_TEST_CASE(a_rule_overrides_an_output_field_of_its_name) {
  auto r = rule("acc", "/acc=([0-9.]+)/");
  auto output = std::optional(boost::json::parse(R"({"acc": 0.1, "loss": 2})"));
  BOOST_TEST((compute_metrics({r}, "acc=0.9", "", output) == metric_values{{"acc", 0.9}, {"loss", 2}}));
  BOOST_TEST((compute_metrics({r}, "nothing", "", output) == metric_values{{"loss", 2}}));
}

BOOST_AUTO_TEST_CASE(a_one_mebibyte_line_is_searched_without_trouble) {
  // std::regex overflows the stack on this (docs/results-file.md); PCRE2 must not.
  std::string out(std::size_t{1} << 20, 'x');
  out += " acc=0.5\n";
  auto r = rule("acc", "/.*acc=([0-9.]+)/");
  BOOST_TEST((compute_metrics({r}, out, "", std::nullopt) == metric_values{{"acc", 0.5}}));
}

BOOST_AUTO_TEST_CASE(missing_metrics_names_the_rules_without_a_value) {
  auto a = rule("a", "/a=(\\d+)/"), b = rule("b", "/b=(\\d+)/");
  BOOST_TEST((missing_metrics({a, b}, {{"a", 1}}) == std::vector<std::string>{"b"}));
  BOOST_TEST(missing_metrics_error({"b"}) == "metric b not found in the output (require_metrics = true)");
  BOOST_TEST((missing_metric_notes({{"accuracy", 12}, {"loss", 0}, {"f1", 1}}) ==
              std::vector<std::string>{"12 ok points have no accuracy", "1 ok point has no f1"}));
}

BOOST_AUTO_TEST_CASE(bad_rules_are_errors_at_their_line) {
  BOOST_TEST(rule_error("acc", "/acc=([0-9/") .starts_with("x.ini:7: metric 'acc': bad regex at offset"));
  BOOST_TEST(rule_error("acc", "/acc=[0-9]+/") ==
             "x.ini:7: metric 'acc': the regex must have exactly one capture group ( ), it has 0 "
             "(write (?: ) for a group that captures nothing)");
  BOOST_TEST(rule_error("acc", "/(a)(b)/").find("it has 2") != std::string::npos);
  BOOST_TEST(rule_error("acc", "acc=(\\d+)") ==
             "x.ini:7: metric 'acc' must be /REGEX/ or stderr:/REGEX/, not 'acc=(\\d+)'");
  BOOST_TEST(rule_error("acc", "stderr:") .starts_with("x.ini:7: metric 'acc' must be"));
  BOOST_TEST(rule_error("1acc", "/(1)/").starts_with("x.ini:7: bad metric name '1acc'"));
  BOOST_TEST(rule_error("a b", "/(1)/").starts_with("x.ini:7: bad metric name"));
}

BOOST_AUTO_TEST_CASE(regex_replace_all_and_no_match) {
  auto re = regex::compile("[0-9]+");
  BOOST_TEST_REQUIRE(re.ok());
  BOOST_TEST(re->replace_all("a1b22c", "N") == "aNbNc");
  BOOST_TEST(!re->find("abc").has_value());
  BOOST_TEST(!regex().last_capture("abc").has_value());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(metrics_config)

BOOST_AUTO_TEST_CASE(the_metrics_section_is_read_with_dotted_names_and_lines) {
  gridctl::testing::temp_dir tmp("gridctl_metrics");
  auto file = tmp.write("m.ini",
                        "[sweep]\ncommand = echo {p}\nrequire_metrics = true\n[params]\np = 1, 2\n"
                        "[metrics]\naccuracy = /Accuracy = ([0-9.]+)%/\nscores.f1 = stderr:/f1 (\\S+)/\n");
  auto cfg = load_config(file);
  BOOST_TEST_REQUIRE(cfg.ok(), (cfg.ok() ? "" : cfg.error().text()));
  BOOST_TEST(cfg->require_metrics);
  BOOST_TEST_REQUIRE(cfg->metrics.size() == 2u);
  BOOST_TEST(cfg->metrics[0].name == "accuracy");
  BOOST_TEST(cfg->metrics[0].pattern == "Accuracy = ([0-9.]+)%");
  BOOST_TEST(cfg->metrics[0].line == 7);
  BOOST_TEST(cfg->metrics[1].name == "scores.f1");
  BOOST_TEST(cfg->metrics[1].stream == metric_rule::stderr_stream);
}

BOOST_AUTO_TEST_CASE(metrics_errors_name_file_and_line) {
  gridctl::testing::temp_dir tmp("gridctl_metrics");
  auto bad = [&](const std::string& body) {
    auto file = tmp.write("b.ini", "[sweep]\ncommand = echo {p}\n[params]\np = 1\n" + body);
    auto cfg = load_config(file);
    return cfg.ok() ? std::string("(loaded)") : cfg.error().text();
  };
  std::string f = (tmp.path / "b.ini").string();
  BOOST_TEST(bad("[metrics]\nacc = /(unclosed/\n").starts_with(f + ":6: metric 'acc': bad regex"));
  BOOST_TEST(bad("[metrics]\nacc = /(a)/\nacc = /(b)/\n").starts_with(f + ":7: duplicate key 'acc' in [metrics]"));
  auto file = tmp.write("r.ini", "[sweep]\ncommand = echo {p}\nrequire_metrics = yes\n[params]\np = 1\n");
  auto cfg = load_config(file);
  BOOST_TEST_REQUIRE(!cfg.ok());
  BOOST_TEST(cfg.error().text() == (tmp.path / "r.ini").string() + ":3: 'require_metrics': must be true or false, not 'yes'");
}

BOOST_AUTO_TEST_SUITE_END()
