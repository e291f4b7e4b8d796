// worker_command: `gridctl worker --connect ENDPOINT [options]` — serve jobs on this node.
#pragma once

#include <vector>

#include <iosfwd>
#include <optional>
#include <string>

namespace gridctl {

struct worker_command_options {
  std::string connect;
  std::optional<int> slots;  ///< default: usable_cpus()
  std::optional<std::string> name;  ///< default: host name
  bool once = false;
  bool quiet = false;
  std::string auth = "auto";  ///< auto, curve or none (README, "Security")
};

/// Returns the exit status: 0, 2 (bad options, or refused by the master), 3 (runtime error).
int run_worker_command(const worker_command_options& opts, std::ostream& log);

/// `gridctl worker ARGS...`: parses the options (program_options errors and usage_error
/// propagate to main) and runs the command; its exit status.
int worker_main(const std::vector<std::string>& args);

}  // namespace gridctl
