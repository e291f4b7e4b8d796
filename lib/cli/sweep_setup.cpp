// sweep_setup: config + results file checks shared by plan and sweep.
#include "sweep_setup.hpp"

#include <chrono>
#include <ostream>

namespace gridctl {

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
  if (h.axes != cfg.points.axis_names()) {
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

std::string describe_grid(const grid& g) {
  std::string out;
  for (const auto& a : g.axes()) out += (out.empty() ? "" : " x ") + a.name() + ": " + std::to_string(a.size());
  return out;
}

}  // namespace gridctl
