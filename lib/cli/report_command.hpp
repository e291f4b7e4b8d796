// report_command: `gridctl report CONFIG.ini|RESULTS.jsonl --metric METRIC [options]` (README, "gridctl report")
// — one self-contained HTML page (or, with -o FILE.svg, the heatmap alone) from the results
// file, which it only reads.
#pragma once

#include <vector>

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>

namespace gridctl {

struct report_options {
  std::filesystem::path input;               ///< a config file or a results file
  std::string metric;
  std::optional<std::string> x, y;           ///< axes of the heatmap
  bool smaller_is_better = false;            ///< --min
  std::optional<std::string> agg;            ///< best (default) or mean
  std::optional<std::filesystem::path> output;  ///< default: the results file with .html for .jsonl
};


/// Writes the report and prints its path to `out`; notes and errors to `err`. Returns 0, 2 when
/// nothing can be shown (unknown metric or axis, unreadable, empty or foreign results), 3 when
/// the file cannot be written.
int run_report(const report_options& opts, std::ostream& out, std::ostream& err);

/// `gridctl report ARGS...`: parses the options (program_options errors and usage_error
/// propagate to main) and runs the command; its exit status.
int report_main(const std::vector<std::string>& args);

}  // namespace gridctl
