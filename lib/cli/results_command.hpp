// results_command: `gridctl results CONFIG.ini|RESULTS.jsonl [options]` (README, "Reading the results") — one row
// per point from the results file, which it only reads (no lock, never written).
#pragma once

#include <vector>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>

namespace gridctl {

struct results_options {
  std::filesystem::path input;          ///< a config file or a results file (told apart by content)
  std::optional<std::string> format;    ///< table, csv or jsonl; default: table on a terminal, else csv
  std::optional<std::string> max, min;  ///< sort by this metric, best first
  std::optional<std::uint64_t> top;
  std::optional<std::string> status;    ///< comma list of statuses to keep
  bool pending = false;                 ///< with a config: also points without a record
  bool failures = false;                ///< failure groups instead of rows
  std::optional<std::string> summary;   ///< per-axis summary of this metric instead of rows
};

/// Where the rows go: a terminal gets a table cut to its width.
struct output_target {
  bool terminal = false;
  std::size_t width = 100;
};

/// stdout's target: a terminal or not; its width from COLUMNS, else the terminal's, else 100.
output_target detect_stdout();

/// Prints the rows (or failures, or summary) to `out`, notes and errors to `err`. Returns 0, or
/// 2 for a usage problem (unknown metric, bad option, unreadable input).
int run_results(const results_options& opts, const output_target& target, std::ostream& out, std::ostream& err);

/// `gridctl results ARGS...`: parses the options (program_options errors and usage_error
/// propagate to main) and runs the command; its exit status.
int results_main(const std::vector<std::string>& args);

}  // namespace gridctl
