// keygen_command: `gridctl keygen [--dir DIR] [--force]` — the CurveZMQ keys of a cluster
// (README, "Security").
#pragma once

#include <string>
#include <vector>

#include <iosfwd>
#include <optional>
#include <string>

namespace gridctl {

struct keygen_options {
  std::optional<std::string> dir;  ///< default: $GRIDCTL_KEYS, else ~/.config/gridctl
  bool force = false;              ///< replace existing keys
};

/// Returns the exit status: 0, or 3 when the keys cannot be written (or exist, without --force).
int run_keygen(const keygen_options& opts, std::ostream& out, std::ostream& log);

/// `gridctl keygen ARGS...`: parses the options and runs the command; its exit status.
int keygen_main(const std::vector<std::string>& args);

}  // namespace gridctl
