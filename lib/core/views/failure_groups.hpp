// failure_groups: `results --failures` (and later `report`): the points whose latest attempt is
// failed, timeout or lost, grouped by cause — status, exit code or signal, gridctl's note, and
// the last non-empty stderr line with the parts that differ from point to point masked
// (numbers, hex ids, paths) — so that 300 failures read as the three problems they are.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "result_rows.hpp"

namespace gridctl {

/// `line` with paths as PATH, hex ids as HEX and numbers as N:
/// "open /tmp/a/7.csv failed at 0x7f3a (code 12)" -> "open PATH failed at HEX (code N)".
std::string mask_stderr_line(std::string_view line);

/// The master's log line for an attempt that ended failed, timeout or lost, and its kind.
struct failure_line {
  /// "C=0.1 kernel=rbf: failed, exit 1 [point 9f2c4e1a0b7d3c55, attempt 1 on node07; runs again]: LAST STDERR LINE"
  std::string text;
  /// What makes failures alike for the log's throttle: the cause and the masked stderr line,
  /// without the point and the worker (300 points failing the same way are one kind).
  std::string kind;
};
failure_line failure_log_line(const attempt_record& r, bool runs_again);

/// One cause and the points it hit.
struct failure_group {
  std::string status;                 ///< failed, timeout or lost
  std::string exit;                   ///< "exit 1", "SIGKILL", or empty
  std::string error;                  ///< gridctl's note, or empty
  std::string signature;              ///< the masked stderr line, or empty
  std::uint64_t count = 0;
  std::vector<std::size_t> examples;  ///< up to 3 row indices, first in row order
};

/// Groups the failed, timeout and lost rows of `rows`: biggest group first, ties in order of
/// first appearance.
std::vector<failure_group> group_failures(const std::vector<result_row>& rows);

/// The failure report: each group with its count, up to 3 example points (axis=value ...),
/// and the command that reruns them (`sweep_ref` names the config, e.g. "think.ini").
std::string format_failures(const std::vector<failure_group>& groups, const result_set& set,
                            const std::string& sweep_ref);

}  // namespace gridctl
