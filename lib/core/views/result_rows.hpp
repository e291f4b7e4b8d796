// result_rows: what `gridctl results` shows, read from a results file without writing it (no
// lock; safe while a sweep appends). One row per point: its latest attempt (highest attempt
// number; on a tie the later line). Metrics come from each record's "metrics" object, or from
// its "output" for records written before gridctl kept metrics; the config's [metrics] rules,
// when given, are evaluated again on the stored stdout/stderr, so a metric added (or a regex
// fixed) after the sweep needs no rerun.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "attempt_status.hpp"
#include "config.hpp"
#include "grid.hpp"
#include "input_error.hpp"
#include "metrics.hpp"
#include "results_reader.hpp"

namespace gridctl {

/// One point's latest attempt, or a point with no record (status pending).
struct result_row {
  point_id point = 0;
  std::vector<std::string> values;      ///< one per axis, as text
  std::optional<attempt_status> status; ///< nothing: pending (no record yet)
  int attempt = 0;                      ///< 0 when pending
  std::optional<double> duration_s;
  std::optional<int> exit_code;
  std::vector<std::pair<std::uint32_t, double>> metrics;  ///< (index in metric_names, value), by index

  /// "SIGKILL", or empty.
  const std::string& signal() const { return failure_ ? failure_->signal : no_text(); }
  /// gridctl's note, or empty.
  const std::string& error() const { return failure_ ? failure_->error : no_text(); }
  /// The last non-empty stderr line (kept for rows not ok), or empty.
  const std::string& stderr_line() const { return failure_ ? failure_->stderr_line : no_text(); }
  /// Sets the three texts above (kept apart: most rows have none, and a million rows are read).
  void set_failure(std::string signal, std::string error, std::string stderr_line);

  /// The value of metric number `index`, or nothing.
  std::optional<double> metric(std::uint32_t index) const;
  /// "status" of the row: "pending" for no record.
  std::string status_text() const;

 private:
  struct failure_text {
    std::string signal, error, stderr_line;
  };
  static const std::string& no_text();
  std::shared_ptr<const failure_text> failure_;  ///< null when all three are empty
};

/// A results file read for display.
struct result_set {
  results_header header;
  std::vector<std::string> metric_names;  ///< every metric seen or declared, sorted by name
  std::vector<result_row> rows;           ///< grid order with a config, else file order of first appearance
  std::uint64_t records = 0;
  std::uint64_t outside_grid = 0;         ///< points recorded that the config's grid no longer has
  std::vector<std::string> warnings;      ///< "FILE:LINE: ..." for skipped lines

  /// Index of a metric in metric_names, or nothing.
  std::optional<std::uint32_t> metric_index(std::string_view name) const;
};

/// Reads `file` alone: rows in file order, metrics as stored. Errors: unreadable, empty, not
/// a gridctl results file.
parse_result<result_set> read_result_set(const std::filesystem::path& file);

/// Reads `cfg.results` for the config: rows in grid order, [metrics] evaluated again, and with
/// `pending` a row for each point without a record. A missing or empty results file gives no
/// rows; one written for another command or other axes is an error.
parse_result<result_set> read_result_set(const sweep_config& cfg, bool pending);

/// For each [metrics] rule, the number of ok rows without that metric (rule order).
std::vector<std::pair<std::string, std::uint64_t>> ok_without_metrics(const result_set& set,
                                                                      const std::vector<metric_rule>& rules);

}  // namespace gridctl
