// sweep_setup: config + results file checks shared by plan and sweep.
#include "sweep_setup.hpp"

#include <algorithm>
#include <chrono>
#include <ostream>

#include "shell_quote.hpp"

namespace gridctl {

namespace {
bool same_axes(std::vector<std::string> a, std::vector<std::string> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  return a == b;
}
}  // namespace

parse_result<existing_results> read_existing_results(const sweep_config& cfg, std::ostream& err) {
  existing_results found;
  std::error_code ec;
  if (!std::filesystem::exists(cfg.results, ec) || std::filesystem::file_size(cfg.results, ec) == 0)
    return found;
  auto hist = read_results(cfg.results);
  if (!hist) return hist.error();
  for (const auto& w : hist->warnings) err << "gridctl: warning: " << w << "\n";
  if (hist->valid_bytes == 0) return found;  // only a torn header: nothing was recorded
  const auto& h = hist->header;
  const std::string hint = " (use --fresh to start over, keeping the old file as a backup, or set another 'results')";
  if (h.command != cfg.command.text())
    return input_error{cfg.results.string(),
                       "this results file is for the command '" + h.command + "', not '" + cfg.command.text() + "'" + hint};
  // Point ids hash the axes sorted by name, and records are matched by id: the order of the
  // keys in [params] may change between runs, the set of axes may not.
  if (!same_axes(h.axes, cfg.points.axis_names())) {
    std::string axes;
    for (const auto& a : h.axes) axes += (axes.empty() ? "" : ", ") + a;
    return input_error{cfg.results.string(), "this results file is for the axes [" + axes + "]" + hint};
  }
  found.history = std::move(*hist);
  return found;
}

results_header make_header(const sweep_config& cfg) {
  results_header h;
  h.sweep = cfg.name;
  h.command = cfg.command.text();
  h.axes = cfg.points.axis_names();
  h.created = format_utc(std::chrono::system_clock::now());
  return h;
}

void warn_unused_axes(const sweep_config& cfg, std::ostream& err) {
  const auto& axes = cfg.points.axes();
  for (std::size_t k = 0; k < axes.size(); ++k)
    if (!cfg.command.uses_axis(static_cast<int>(k)))
      err << "gridctl: warning: " << cfg.file.string() << ": the command does not use {" << axes[k].name()
          << "}; jobs see it only as $GRIDCTL_P_" << axes[k].name() << "\n";
}

void warn_quoted_placeholders(const sweep_config& cfg, std::ostream& err) {
  for (const auto& q : cfg.command.quoted_placeholders()) {
    const axis& a = cfg.points.axes()[static_cast<std::size_t>(q.axis)];
    auto example = a.first_quoted_value();
    if (!example) continue;  // no value gets quotes of gridctl's: the extra quotes are harmless
    const std::string placeholder = "{" + a.name() + "}";
    const std::string written = q.quote + placeholder + q.quote;
    const std::string effect = q.quote == '"' ? "the value " + *example + " reaches the job as " +
                                                    shell_quote(*example) + ", quotes included"
                                              : "its quotes close yours, so the value " + *example + " ends up unquoted";
    err << "gridctl: warning: " << cfg.file.string() << ":" << cfg.command_line << ": the command writes " << written
        << ", but gridctl quotes values for /bin/sh itself: " << effect
        << "; write " << placeholder << " without the quotes\n";
  }
}

std::string describe_grid(const grid& g) {
  std::string out;
  for (const auto& a : g.axes()) out += (out.empty() ? "" : " x ") + a.name() + ": " + std::to_string(a.size());
  return out;
}

}  // namespace gridctl
