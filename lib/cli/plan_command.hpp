// plan_command: `gridctl plan CONFIG [--limit N]` — validate, count, list commands; runs nothing.
#pragma once

#include <string>

#include <vector>

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <optional>

namespace gridctl {

struct plan_options {
  std::filesystem::path config;
  std::optional<std::uint64_t> limit;  ///< print only the first N commands
};

/// Prints the plan to `out` ("# " summary lines, then one command per line); errors to `err`.
/// Returns an exit status (0, or 2 for a config or results-file problem).
int run_plan(const plan_options& opts, std::ostream& out, std::ostream& err);

/// `gridctl plan ARGS...`: parses the options (program_options errors and usage_error
/// propagate to main) and runs the command; its exit status.
int plan_main(const std::vector<std::string>& args);

}  // namespace gridctl
