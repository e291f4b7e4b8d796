// status_file: RESULTS.status.json, beside the results file (README and docs/status-file.md).
// The master replaces it at most once a second by writing a temporary file and renaming it
// over the old one, so that a reader sees the old status or the new one, never half of one.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "input_error.hpp"
#include "sweep_status.hpp"

namespace gridctl {

/// The status file of a results file: its extension replaced, `svm.jsonl` -> `svm.status.json`
/// (a name without extension gets one: `results` -> `results.status.json`).
std::filesystem::path status_path(const std::filesystem::path& results);

/// Writes `text` to `file` atomically (a temporary file in the same directory, mode 0644,
/// renamed over `file`). Throws std::system_error.
void write_status_file(const std::filesystem::path& file, const std::string& text);

/// Reads a status file: nothing when it does not exist, an error when it is not one.
std::optional<parse_result<sweep_status>> read_status_file(const std::filesystem::path& file);

}  // namespace gridctl
