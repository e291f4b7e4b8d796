// sweep_setup: what `plan` and `sweep` both do before running anything — load the config and
// read the results file, checking that it belongs to this sweep.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <optional>

#include "config.hpp"
#include "input_error.hpp"
#include "results_reader.hpp"

namespace gridctl {

/// The results file as found on disk.
struct existing_results {
  std::optional<results_history> history;  ///< none when the file does not exist or is empty
};

/// Reads `cfg.results` if it exists. Refuses (with a hint to --fresh or another `results`) a
/// file whose header names another command or another set of axes (their order may differ).
/// Warnings go to `err`.
parse_result<existing_results> read_existing_results(const sweep_config& cfg, std::ostream& err);

/// The header a new results file for `cfg` starts with.
results_header make_header(const sweep_config& cfg);

/// Warns on `err` about each axis the command does not mention: its values then reach the job
/// only as GRIDCTL_P_<name>, and the commands of different points look the same.
void warn_unused_axes(const sweep_config& cfg, std::ostream& err);

/// Warns on `err` about each placeholder written inside quotes of its own ("{v}" or '{v}') whose
/// axis has a value gridctl quotes: the job would get literal quotes, or the value split.
void warn_quoted_placeholders(const sweep_config& cfg, std::ostream& err);

/// "p: 12 x q: 12", the shape of the grid.
std::string describe_grid(const grid& g);

}  // namespace gridctl
