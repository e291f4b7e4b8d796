// heatmap, colour_scale and report_html: the model of `gridctl report` (axes, cells, reduction,
// best cell, tooltips, layout, per-axis profiles, colours, ticks) and the structure of the SVG
// and HTML written from it.
#include <boost/test/unit_test.hpp>

#include <algorithm>
#include <string>

#include "colour_scale.hpp"
#include "heatmap.hpp"
#include "number_format.hpp"
#include "report_html.hpp"
#include "report_html.hpp"

using namespace gridctl;

namespace {

/// Rows over axes lr (3 values), depth (2), seed (2); metric "acc" (index 0). One point failed
/// (lr=0.1 depth=2 seed=1), one ok without acc (lr=1 depth=1 seed=2), one with no record
/// (lr=1 depth=2 seed=2: pending).
result_set sample() {
  result_set s;
  s.header.axes = {"lr", "depth", "seed"};
  s.metric_names = {"acc"};
  s.records = 11;
  for (std::string lr : {"0.01", "0.1", "1"})
    for (std::string depth : {"1", "2"})
      for (std::string seed : {"1", "2"}) {
        result_row r;
        r.values = {lr, depth, seed};
        r.status = attempt_status::ok;
        r.attempt = 1;
        double acc = std::stod(lr) * 100 + std::stod(depth) + std::stod(seed) / 10;
        if (lr == "0.1" && depth == "2" && seed == "1") {
          r.status = attempt_status::failed;
          r.exit_code = 3;
          r.set_failure("", "", "error: diverged");
        } else if (lr == "1" && depth == "1" && seed == "2") {
          // ok, but the job printed no acc
        } else if (lr == "1" && depth == "2" && seed == "2") {
          r.status.reset();
          r.attempt = 0;
        } else {
          r.metrics.emplace_back(0, acc);
        }
        s.rows.push_back(r);
      }
  return s;
}

heatmap_model build(const result_set& s, heatmap_request req = {}) {
  auto m = build_heatmap(s, axis_values(s, true), req);
  BOOST_TEST_REQUIRE(m.ok(), (m.ok() ? "" : m.error().text()));
  return *m;
}

std::size_t count(const std::string& text, const std::string& what) {
  std::size_t n = 0;
  for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size())) ++n;
  return n;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(heatmap_model_tests)

BOOST_AUTO_TEST_CASE(viridis_is_computed_from_its_control_points) {
  BOOST_TEST(viridis(0).hex() == "#440154");
  BOOST_TEST(viridis(0.5).hex() == "#21908c");
  BOOST_TEST(viridis(1).hex() == "#fde725");
  BOOST_TEST(viridis(-3).hex() == "#440154");  // clamped
  BOOST_TEST(viridis(7).hex() == "#fde725");
  BOOST_TEST(viridis(0.05).hex() == "#461365");  // halfway between the first two
  // Perceptually ordered: lighter all the way up.
  for (int i = 1; i <= 100; ++i) BOOST_TEST(viridis(i / 100.0).luminance() > viridis((i - 1) / 100.0).luminance(), i);
}

BOOST_AUTO_TEST_CASE(ticks_are_round_and_inside_the_range) {
  auto ticks = [](double lo, double hi, int target) {
    std::string out;
    for (double t : nice_ticks(lo, hi, target)) out += (out.empty() ? "" : " ") + format_rounded(t, 6);
    return out;
  };
  BOOST_TEST(ticks(0, 1, 5) == "0 0.2 0.4 0.6 0.8 1");
  BOOST_TEST(ticks(30.2, 90.25, 6) == "40 50 60 70 80 90");
  BOOST_TEST(ticks(30.2, 90.25, 4) == "40 60 80");
  BOOST_TEST(ticks(-0.003, 0.0021, 3) == "-0.002 0 0.002");
  BOOST_TEST(ticks(1e6, 3.5e6, 5) == "1000000 1500000 2000000 2500000 3000000 3500000");
  BOOST_TEST(ticks(5, 5, 6) == "5");
  colour_scale s = make_colour_scale(10, 20);
  BOOST_TEST(s.position(15) == 0.5);
  BOOST_TEST(s.position(0) == 0);
  BOOST_TEST(s.position(99) == 1);
  BOOST_TEST(make_colour_scale(3, 3).position(3) == 0.5);
}

BOOST_AUTO_TEST_CASE(axis_values_keep_the_config_order_or_sort) {
  result_set s;
  s.header.axes = {"C", "kernel"};
  for (auto [c, k] : {std::pair{"10", "rbf"}, {"1e-06", "poly"}, {"0.5", "rbf"}, {"10", "linear"}}) {
    result_row r;
    r.values = {c, k};
    s.rows.push_back(r);
  }
  auto config = axis_values(s, true);
  BOOST_TEST((config[0] == std::vector<std::string>{"10", "1e-06", "0.5"}));
  auto file = axis_values(s, false);
  BOOST_TEST((file[0] == std::vector<std::string>{"1e-06", "0.5", "10"}));
  BOOST_TEST((file[1] == std::vector<std::string>{"linear", "poly", "rbf"}));  // text: sorted (file order varies)
}

BOOST_AUTO_TEST_CASE(cells_are_row_major_over_the_first_two_axes_with_the_best_of_the_rest) {
  heatmap_model m = build(sample());
  BOOST_TEST(m.x_axis == "lr");
  BOOST_TEST(m.y_axis == "depth");
  BOOST_TEST((m.reduced_axes == std::vector<std::string>{"seed"}));
  BOOST_TEST((m.x_values == std::vector<std::string>{"0.01", "0.1", "1"}));
  BOOST_TEST_REQUIRE(m.cells.size() == 6u);
  BOOST_TEST(*m.at(0, 0).value == 1 + 1 + 0.2);        // lr=0.01 depth=1: best of seeds 1, 2
  BOOST_TEST(*m.at(1, 1).value == 10 + 2 + 0.2);       // seed 1 failed: seed 2 alone
  BOOST_TEST(*m.at(2, 0).value == 100 + 1 + 0.1);      // seed 2 ok without acc
  BOOST_TEST(*m.at(2, 1).value == 100 + 2 + 0.1);      // seed 2 pending
  BOOST_TEST(m.at(2, 1).used == 1u);
  BOOST_TEST(m.at(2, 1).expected == 2u);
  BOOST_TEST(*m.best_cell == 5u);                      // lr=1 depth=2
  BOOST_TEST(m.scale.lo == 2.2);
  BOOST_TEST(m.scale.hi == 102.1);
  const std::string& tip = m.at(2, 1).tooltip;
  BOOST_TEST(tip.find("lr=1 depth=2 seed=1") == 0u, tip);  // the best point's parameters
  BOOST_TEST(tip.find("status: 1 ok, 1 missing") != std::string::npos, tip);
  BOOST_TEST(tip.find("acc: 102.1 (best of 1 point)") != std::string::npos, tip);
}

BOOST_AUTO_TEST_CASE(min_and_mean_change_the_value_and_the_best_cell) {
  heatmap_request req;
  req.smaller_is_better = true;
  heatmap_model m = build(sample(), req);
  BOOST_TEST(*m.at(0, 0).value == 2.1);
  BOOST_TEST(*m.best_cell == 0u);
  req.smaller_is_better = false;
  req.agg = reduction::mean;
  m = build(sample(), req);
  BOOST_TEST(*m.at(0, 0).value == (2.1 + 2.2) / 2);
  BOOST_TEST(!m.at(0, 0).best_row);
  BOOST_TEST(m.at(0, 0).tooltip.find("lr=0.01 depth=1 (any seed)\n") == 0u, m.at(0, 0).tooltip);
  BOOST_TEST(m.at(0, 0).tooltip.find("(mean of 2 points)") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(cells_without_a_value_are_not_ok_or_missing) {
  heatmap_request req;
  req.x = "lr";
  req.y = "seed";  // depth reduced
  result_set s = sample();
  s.rows[10].metrics.clear();  // lr=1 depth=2 seed=1: ok without acc
  heatmap_model m = build(s, req);
  BOOST_TEST((m.reduced_axes == std::vector<std::string>{"depth"}));
  BOOST_TEST((m.at(2, 1).kind == cell_kind::not_ok));  // lr=1 seed=2: one ok without acc, one pending
  BOOST_TEST(!m.at(2, 1).value);
  BOOST_TEST(m.at(2, 1).tooltip.find("status: 1 ok, 1 missing\nacc: none") != std::string::npos, m.at(2, 1).tooltip);

  // One point per cell: a failed point shows its exit and stderr; a pending one is missing.
  req.x = "lr";
  req.y = "depth";
  result_set one = sample();
  one.header.axes.pop_back();
  one.rows.erase(std::remove_if(one.rows.begin(), one.rows.end(), [](const result_row& r) { return r.values[2] != "1"; }),
                 one.rows.end());
  for (auto& r : one.rows) r.values.pop_back();
  one.rows[5].status.reset();  // lr=1 depth=2
  one.rows[5].metrics.clear();
  m = build(one, req);
  BOOST_TEST((m.at(1, 1).kind == cell_kind::not_ok));
  BOOST_TEST(m.at(1, 1).tooltip == "lr=0.1 depth=2\nstatus: failed, exit 3\nstderr: error: diverged\nacc: none");
  BOOST_TEST((m.at(2, 1).kind == cell_kind::missing));
  BOOST_TEST(m.at(2, 1).tooltip == "lr=1 depth=2\nstatus: missing (no record yet)\nacc: none");
  BOOST_TEST(m.at(0, 0).tooltip == "lr=0.01 depth=1\nstatus: ok\nacc: 2.1");
}

BOOST_AUTO_TEST_CASE(a_long_stderr_line_is_cut_between_characters) {
  result_set s;
  s.header.axes = {"p"};
  s.metric_names = {"acc"};
  result_row r;
  r.values = {"1"};
  r.status = attempt_status::failed;
  std::string long_line;
  for (int i = 0; i < 300; ++i) long_line += "\xC3\xA9";  // é: 2 bytes each
  r.set_failure("", "", long_line);
  s.rows.push_back(r);
  heatmap_model m = build(s);
  const std::string& tip = m.cells.at(0).tooltip;
  std::string line = tip.substr(tip.find("stderr: ") + 8);
  line = line.substr(0, line.find('\n'));
  BOOST_TEST(line.size() == 159 * 2 + 3u);  // 159 é and the ellipsis
  BOOST_TEST(line.ends_with("\xC3\xA9\xE2\x80\xA6"));
}

BOOST_AUTO_TEST_CASE(axis_choice_defaults_one_row_maps_and_errors) {
  result_set s = sample();
  // An axis with one value is skipped by the default choice.
  for (auto& r : s.rows) r.values[0] = "0.5";
  heatmap_model m = build(s);
  BOOST_TEST(m.x_axis == "depth");
  BOOST_TEST(m.y_axis == "seed");

  heatmap_request req;
  req.x = "depth";
  for (auto& r : s.rows) r.values[2] = "7";  // now only depth has two values
  m = build(s, req);
  BOOST_TEST(m.x_axis == "depth");
  BOOST_TEST(m.y_axis.empty());  // a one-row map
  BOOST_TEST(m.cells.size() == 2u);
  BOOST_TEST(m.layout.cell_h <= 48);

  req.x = "seed";  // both given: as given, whatever their order in the config
  req.y = "lr";
  m = build(sample(), req);
  BOOST_TEST(m.x_axis == "seed");
  BOOST_TEST(m.y_axis == "lr");
  BOOST_TEST((m.reduced_axes == std::vector<std::string>{"depth"}));
  req.x.reset();  // only --y: x is the first other axis with several values
  m = build(sample(), req);
  BOOST_TEST(m.x_axis == "depth");

  req.x = "rate";
  req.y.reset();
  auto bad = build_heatmap(s, axis_values(s, true), req);
  BOOST_TEST_REQUIRE(!bad.ok());
  BOOST_TEST(bad.error().message == "no axis 'rate' in this sweep (axes: lr, depth, seed)");
  req.x = "seed";
  req.y = "seed";
  bad = build_heatmap(s, axis_values(s, true), req);
  BOOST_TEST_REQUIRE(!bad.ok());
  BOOST_TEST(bad.error().message == "--x and --y name the same axis 'seed'");
}

BOOST_AUTO_TEST_CASE(a_100_by_100_layout_fits_and_thins_its_labels) {
  result_set s;
  s.header.axes = {"a", "b"};
  s.metric_names = {"m"};
  for (int a = 0; a < 100; ++a)
    for (int b = 0; b < 100; ++b) {
      result_row r;
      r.values = {std::to_string(a), std::to_string(b)};
      r.status = attempt_status::ok;
      r.metrics.emplace_back(0, a * b);
      s.rows.push_back(r);
    }
  heatmap_model m = build(s);
  const heatmap_layout& l = m.layout;
  BOOST_TEST(l.cell_w * 100 <= 800);
  BOOST_TEST(l.cell_h * 100 <= 600);
  BOOST_TEST(l.cell_w >= 4);
  BOOST_TEST(static_cast<double>(l.y_label_every) * l.cell_h >= 14);  // a line of text apart
  BOOST_TEST(static_cast<double>(l.x_label_every) * l.cell_w >= 14);
  BOOST_TEST(!l.values_in_cells);
  BOOST_TEST(*m.best_cell == 99u * 100 + 99);

  // 12 x 12: big cells with their values printed, labels not thinned.
  s.rows.resize(0);
  for (int a = 0; a < 12; ++a)
    for (int b = 0; b < 12; ++b) {
      result_row r;
      r.values = {std::to_string(a), std::to_string(b)};
      r.status = attempt_status::ok;
      r.metrics.emplace_back(0, a + b / 10.0);
      s.rows.push_back(r);
    }
  m = build(s);
  BOOST_TEST(m.layout.values_in_cells);
  BOOST_TEST(m.layout.x_label_every == 1u);
  BOOST_TEST(m.layout.y_label_every == 1u);
}

BOOST_AUTO_TEST_CASE(profiles_give_best_and_mean_per_value) {
  result_set s = sample();
  auto p = axis_profiles(s, axis_values(s, true), 0, false);
  BOOST_TEST_REQUIRE(p.size() == 3u);
  BOOST_TEST(p[0].axis == "lr");
  BOOST_TEST(*p[0].best[2] == 102.1);
  BOOST_TEST(*p[0].mean[2] == (101.1 + 102.1) / 2);
  BOOST_TEST(p[0].used[2] == 2u);
  auto low = axis_profiles(s, axis_values(s, true), 0, true);
  BOOST_TEST(*low[0].best[0] == 2.1);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(report_writer)

BOOST_AUTO_TEST_CASE(text_is_escaped_for_xml) {
  BOOST_TEST(xml_escape("a<b & \"c\" 'd'>") == "a&lt;b &amp; &quot;c&quot; &#39;d&#39;&gt;");
  BOOST_TEST(xml_escape(std::string("x\x01y\nz\tw")) == "x\xEF\xBF\xBDy\nz\tw");  // XML 1.0 has no U+0001
  BOOST_TEST(xml_escape("h\xC3\xA9") == "h\xC3\xA9");
}

BOOST_AUTO_TEST_CASE(the_svg_has_a_cell_with_a_tooltip_per_pair_a_scale_and_the_best_marked) {
  result_set s = sample();
  s.rows[0].values[0] = "<script>alert(1)</script>";  // a hostile value, escaped everywhere
  heatmap_model m = build(s);
  std::string svg = heatmap_svg(m, true);
  BOOST_TEST(svg.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""));
  BOOST_TEST(count(svg, "<title>") == 1 + m.cells.size());  // the picture's, and one per cell
  BOOST_TEST(count(svg, "</title></rect>") == m.cells.size());
  BOOST_TEST(svg.find("<script") == std::string::npos);
  BOOST_TEST(svg.find("&lt;script&gt;") != std::string::npos);
  BOOST_TEST(svg.find("id=\"gridctl-not-ok\"") != std::string::npos);
  BOOST_TEST(count(svg, "fill=\"url(#gridctl-not-ok)\"") >= 1u);
  BOOST_TEST(count(svg, "url(#gridctl-viridis)") == 1u);
  BOOST_TEST(count(svg, "class=\"best\"") == 2u);  // on the map and in the legend
  BOOST_TEST(svg.find(viridis(1).hex()) != std::string::npos);  // the best cell is the top colour
  for (double t : m.scale.ticks) BOOST_TEST(svg.find(">" + std::to_string(static_cast<int>(t)) + "<") != std::string::npos);
  BOOST_TEST(heatmap_svg(m, false).starts_with("<svg "));
}

BOOST_AUTO_TEST_CASE(the_page_is_self_contained) {
  result_set s = sample();
  report_page page;
  page.sweep = "demo & co";
  page.command = "./train {lr} {depth} {seed} < /dev/null";
  page.created = "2026-11-29T16:01:02.123Z";
  page.results_file = "/tmp/demo.jsonl";
  page.counts = {{"ok", 10}, {"failed", 1}, {"pending", 1}};
  page.points = 12;
  page.records = 11;
  page.heatmap = build(s);
  page.profiles = axis_profiles(s, axis_values(s, true), 0, false);
  page.failures = "1 point not ok, 1 cause:\n\n1 x failed, exit 3\n  stderr: error: <diverged>\n";
  page.notes = {"1 ok point has no numeric acc (drawn hatched)"};
  std::string html = report_html(page);
  BOOST_TEST(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
  BOOST_TEST(html.ends_with("</body>\n</html>\n"));
  BOOST_TEST(html.find("<meta charset=\"utf-8\">") != std::string::npos);
  for (const char* outside : {"<script", "<link", "<img", "<iframe", "src=", "href=", "@import", "https:"})
    BOOST_TEST(html.find(outside) == std::string::npos, outside);
  BOOST_TEST(count(html, "http://") == 4u);  // only the SVG namespace, once per <svg>
  BOOST_TEST(count(html, "<svg ") == 4u);    // the heatmap and 3 profiles
  BOOST_TEST(html.find("demo &amp; co") != std::string::npos);
  BOOST_TEST(html.find("<code>./train {lr} {depth} {seed} &lt; /dev/null</code>") != std::string::npos);
  BOOST_TEST(html.find("12 points: 10 ok, 1 failed, 1 pending; 11 attempts recorded") != std::string::npos);
  BOOST_TEST(html.find("stderr: error: &lt;diverged&gt;") != std::string::npos);
  BOOST_TEST(html.find("<li>1 ok point has no numeric acc (drawn hatched)</li>") != std::string::npos);
  BOOST_TEST(html.find("acc by lr") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(the_default_file_is_the_results_file_with_html_for_jsonl) {
  BOOST_TEST(default_report_path("/a/svm.jsonl") == "/a/svm.html");
  BOOST_TEST(default_report_path("/a/svm.results") == "/a/svm.results.html");
}

BOOST_AUTO_TEST_SUITE_END()
