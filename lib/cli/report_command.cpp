// report_command: options -> result_set -> heatmap model and page -> file (written to a
// temporary file and renamed, so that a browser reloading it never sees half a page).
#include "report_command.hpp"

#include <iostream>

#include "command_line.hpp"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <ostream>

#include "exit_codes.hpp"
#include "failure_groups.hpp"
#include "heatmap.hpp"
#include "report_html.hpp"
#include "results_input.hpp"

namespace gridctl {

namespace {

bool is_svg(const std::filesystem::path& p) {
  std::string ext = p.extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext == ".svg";
}

/// Writes `text` to `path` through a temporary file beside it; an error message, or empty.
std::string write_file(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::path tmp = path;
  tmp += ".tmp." + std::to_string(::getpid());
  {
    std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
    if (f) f.write(text.data(), static_cast<std::streamsize>(text.size()));
    if (f) f.close();
    if (!f) {
      std::string why = std::strerror(errno);
      std::error_code ec;
      std::filesystem::remove(tmp, ec);
      return "cannot write " + path.string() + ": " + why;
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return "cannot write " + path.string() + ": " + ec.message();
  }
  return {};
}

/// Points per status, in the order the page lists them; statuses no point has are left out.
std::vector<std::pair<std::string, std::uint64_t>> status_counts(const result_set& set) {
  std::vector<std::pair<std::string, std::uint64_t>> out;
  for (const char* s : {"ok", "failed", "timeout", "lost", "canceled", "pending"}) {
    auto n = static_cast<std::uint64_t>(
        std::count_if(set.rows.begin(), set.rows.end(), [&](const result_row& r) { return r.status_text() == s; }));
    if (n) out.emplace_back(s, n);
  }
  return out;
}

/// Notes about the metric itself: ok points without it (when [metrics] does not already say so),
/// or no value anywhere.
void metric_notes(const results_input& in, const heatmap_model& m, std::uint32_t metric, std::vector<std::string>& notes) {
  bool declared = in.config && std::any_of(in.config->metrics.begin(), in.config->metrics.end(),
                                           [&](const metric_rule& r) { return r.name == m.metric; });
  std::uint64_t without = 0;
  for (const auto& r : in.set.rows)
    if (r.status == attempt_status::ok && !r.metric(metric)) ++without;
  if (without && !declared)
    notes.push_back(std::to_string(without) + (without == 1 ? " ok point has" : " ok points have") + " no numeric " +
                    m.metric + " (drawn hatched)");
  if (!m.best_cell) notes.push_back("no point has a value of " + m.metric + ": the heatmap shows only statuses");
}

report_page make_page(const results_input& in, heatmap_model m, const std::vector<std::vector<std::string>>& values,
                      std::uint32_t metric, std::vector<std::string> notes, const std::string& sweep_ref) {
  const result_set& set = in.set;
  report_page page;
  page.sweep = set.header.sweep;
  page.command = set.header.command;
  page.created = set.header.created;
  page.results_file = in.results_file.string();
  page.counts = status_counts(set);
  page.points = set.rows.size();
  page.records = set.records;
  page.profiles = axis_profiles(set, values, metric, m.smaller_is_better);
  page.failures = format_failures(group_failures(set.rows), set, sweep_ref);
  page.notes = std::move(notes);
  page.heatmap = std::move(m);
  return page;
}

}  // namespace

int run_report(const report_options& o, std::ostream& out, std::ostream& err) {
  if (o.agg && *o.agg != "best" && *o.agg != "mean") {
    err << "gridctl: report: --agg must be best or mean, not '" << *o.agg << "'\n";
    return exit_code::usage;
  }
  auto in = read_results_input(o.input, true, err);
  if (!in) return exit_code::usage;
  const result_set& set = in->set;
  std::vector<std::string> notes = result_notes(*in);
  for (const auto& note : notes) err << "gridctl: " << note << "\n";
  if (set.records == 0) {
    err << "gridctl: no results yet in " << in->results_file.string() << ": nothing to report\n";
    return exit_code::usage;
  }
  auto metric = find_metric(set, o.metric, err);
  if (!metric) return exit_code::usage;

  heatmap_request req;
  req.metric = *metric;
  req.x = o.x;
  req.y = o.y;
  req.smaller_is_better = o.smaller_is_better;
  req.agg = o.agg && *o.agg == "mean" ? reduction::mean : reduction::best;
  const auto values = axis_values(set, in->config.has_value());
  auto model = build_heatmap(set, values, req);
  if (!model) {
    err << "gridctl: report: " << model.error().text() << "\n";
    return exit_code::usage;
  }
  std::size_t before = notes.size();
  metric_notes(*in, *model, *metric, notes);
  for (std::size_t i = before; i < notes.size(); ++i) err << "gridctl: " << notes[i] << "\n";

  const std::filesystem::path path = o.output ? *o.output : default_report_path(in->results_file);
  std::string text;
  if (is_svg(path)) {
    text = heatmap_svg(*model, true);
  } else {
    const std::string sweep_ref = in->config ? o.input.string() : "CONFIG.ini";
    text = report_html(make_page(*in, std::move(*model), values, *metric, std::move(notes), sweep_ref));
  }
  if (std::string problem = write_file(path, text); !problem.empty()) {
    err << "gridctl: " << problem << "\n";
    return exit_code::runtime;
  }
  out << path.string() << "\n";
  return exit_code::ok;
}

/// `gridctl report ...`: its options (its --help), then the command.
int report_main(const std::vector<std::string>& args) {
  po::options_description named(
      "gridctl report CONFIG.ini|RESULTS.jsonl --metric METRIC [options]\n\n"
      "Write one self-contained HTML page (inline SVG; nothing fetched, opens from disk) and print\n"
      "its path: a heatmap of METRIC over two axes (every other axis reduced to its best point, or\n"
      "the mean), a plot of the best and mean METRIC per value of each axis, the failure groups,\n"
      "the command and the counts. Reads the results file only.\n\noptions");
  named.add_options()("help,h", "show this help")
      ("metric", po::value<std::string>(), "the metric to draw (required)")
      ("x", po::value<std::string>(), "axis across (default: the first axis with more than one value)")
      ("y", po::value<std::string>(), "axis down (default: the next such axis; none: a one-row map)")
      ("min", "smaller METRIC is better (default: larger is better)")
      ("agg", po::value<std::string>(), "best or mean: how the other axes are reduced (default best)")
      ("output,o", po::value<std::string>(), "the file to write (default RESULTS.html beside the results); FILE.svg: the heatmap alone");
  auto parsed = parse_with_config(args, named, "report");
  if (!parsed) return exit_code::ok;
  const po::variables_map& vm = *parsed;
  if (!vm.count("metric")) throw usage_error("report: --metric METRIC is required");
  report_options o;
  o.input = vm["config"].as<std::string>();
  o.metric = vm["metric"].as<std::string>();
  o.x = optional_value<std::string>(vm, "x");
  o.y = optional_value<std::string>(vm, "y");
  o.smaller_is_better = vm.count("min") > 0;
  o.agg = optional_value<std::string>(vm, "agg");
  if (auto out = optional_value<std::string>(vm, "output")) o.output = *out;
  return run_report(o, std::cout, std::cerr);
}

}  // namespace gridctl
