// sweep_command: `gridctl sweep CONFIG [options]` — run (or resume) a sweep; the master.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gridctl {

/// Command-line options; each override sets the config key of the same name (the rows of
/// lib/core/settings.hpp that have `option`), parsed as the config file's value would be.
struct sweep_options {
  std::filesystem::path config;
  std::vector<std::pair<std::string, std::string>> overrides;  ///< key, text as given
  bool retry = false;  ///< also rerun points whose last attempt failed or timed out
  bool fresh = false;  ///< start over; the old results file is kept as FILE.1, FILE.2, ...
};

/// Runs the sweep. Returns 0 (every point ok), 1 (some failed), 2 (usage/config), 3 (runtime),
/// 130 (interrupted). Progress and the summary go to `log`.
int run_sweep(const sweep_options& opts, std::ostream& log);

/// `gridctl sweep ARGS...`: parses the options (program_options errors and usage_error
/// propagate to main) and runs the command; its exit status.
int sweep_main(const std::vector<std::string>& args);

}  // namespace gridctl
