// results_reader: a results file read back into the per-point history that resume needs
// (docs/results-file.md: torn last line, malformed lines, foreign or newer files).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "input_error.hpp"
#include "point_table.hpp"
#include "results_format.hpp"

namespace gridctl {

/// A results file read back.
struct results_history {
  results_header header;
  point_table points;
  std::uint64_t records = 0;
  std::uint64_t valid_bytes = 0;      ///< length up to the end of the last complete line
  std::vector<std::string> warnings;  ///< "FILE:LINE: ..." for skipped lines
};

/// Reads a results file. A torn last line (no newline, not JSON) and malformed lines are
/// skipped with a warning; a file that is not gridctl's, or from a newer gridctl, is an error.
parse_result<results_history> read_results(const std::filesystem::path& file);

}  // namespace gridctl
