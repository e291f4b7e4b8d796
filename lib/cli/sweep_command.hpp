// sweep_command: `gridctl sweep CONFIG [options]` — run (or resume) a sweep; the master.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <optional>
#include <string>

namespace gridctl {

/// Command-line options; each set one overrides the config key of the same meaning.
struct sweep_options {
  std::filesystem::path config;
  std::optional<std::string> listen;
  std::optional<int> local;
  std::optional<std::string> results;
  std::optional<std::string> timeout;
  std::optional<int> retries;
  bool retry = false;  ///< also rerun points whose last attempt failed or timed out
  bool fresh = false;  ///< start over; the old results file is kept as FILE.1, FILE.2, ...
};

/// Runs the sweep. Returns 0 (every point ok), 1 (some failed), 2 (usage/config), 3 (runtime),
/// 130 (interrupted). Progress and the summary go to `log`.
int run_sweep(const sweep_options& opts, std::ostream& log);

}  // namespace gridctl
