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
