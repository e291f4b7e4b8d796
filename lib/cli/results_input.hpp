// results_input: what `gridctl results` and `gridctl report` share — reading CONFIG.ini or
// RESULTS.jsonl (told apart by content) into a result_set, the notes about what the rows do not
// show, and looking a metric up by name.
#pragma once

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

#include "config.hpp"
#include "result_rows.hpp"

namespace gridctl {

/// A results file read directly, or through its config.
struct results_input {
  std::optional<sweep_config> config;  ///< when the input was a config
  std::filesystem::path results_file;
  result_set set;
};

/// A results file starts with '{' (its JSON header); anything else is taken for a config, but
/// a blank file only when its name ends in .ini (a sweep that has not written yet leaves an empty
/// results file, which deserves "the results file is empty", not a config error).
bool looks_like_results(const std::filesystem::path& file);

/// Reads `input` (with a config and `pending`: also the points without a record). On a missing
/// file, a config error or an unreadable or foreign results file, prints why to `err` and
/// returns nothing.
std::optional<results_input> read_results_input(const std::filesystem::path& input, bool pending, std::ostream& err);

/// Warnings (skipped lines), points outside the grid, ok points without a declared metric:
/// one sentence each, without the "gridctl: " prefix.
std::vector<std::string> result_notes(const results_input& in);

/// The index of metric `name`, or prints the metrics there are to `err` and returns nothing.
std::optional<std::uint32_t> find_metric(const result_set& set, const std::string& name, std::ostream& err);

}  // namespace gridctl
