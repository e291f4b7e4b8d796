// metrics: the numbers a job reports (docs/results-file.md, "metrics"). Two sources:
//   - `output`: a JSON object's numeric fields, nested keys joined with dots; a bare number is `output`;
//   - the [metrics] section: NAME = /REGEX/ (stdout) or NAME = stderr:/REGEX/, one capture group,
//     last match wins, the captured text must read as a number.
// A [metrics] entry decides its metric: it overrides an `output` field of the same name, and
// when it finds no number the metric is absent.
#pragma once

#include <boost/json/value.hpp>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "input_error.hpp"
#include "regex.hpp"

namespace gridctl {

/// Metric name -> value, sorted by name (the order of columns and of the `metrics` object).
using metric_values = std::map<std::string, double>;

/// One [metrics] entry.
struct metric_rule {
  enum stream_kind { stdout_stream, stderr_stream };
  std::string name;
  stream_kind stream = stdout_stream;
  std::string pattern;  ///< the REGEX between the slashes
  regex compiled;
  int line = 0;         ///< where it is in the config file
};

/// A [metrics] entry as the config file holds it.
struct metric_entry {
  std::string name;
  std::string value;
  int line = 0;
};

/// Parses the [metrics] section. Errors ("FILE:LINE: ...") for a bad NAME, a value that is not
/// /REGEX/ or stderr:/REGEX/, a malformed regex or one without exactly one capture group.
parse_result<std::vector<metric_rule>> parse_metric_rules(const std::vector<metric_entry>& entries,
                                                          const std::string& fname);

/// Whether `name` can name a metric: letters, digits and _ . - , starting with a letter or _.
bool is_metric_name(std::string_view name);

/// `text` (surrounding blanks allowed) as a finite number, or nothing: "83.7", "-1e-3", "+2".
std::optional<double> read_metric_number(std::string_view text);

/// The metrics of a job's `output` value (see the file comment); non-finite numbers are skipped.
metric_values output_metrics(const boost::json::value& output);

/// All metrics of one attempt: those of `output` (if any), then the rules' (which win).
metric_values compute_metrics(const std::vector<metric_rule>& rules, std::string_view stdout_text,
                              std::string_view stderr_text, const std::optional<boost::json::value>& output);

/// Names of the rules that `values` lacks, in rule order.
std::vector<std::string> missing_metrics(const std::vector<metric_rule>& rules, const metric_values& values);

/// The `error` of an attempt recorded failed by require_metrics: "no metric accuracy, loss in the output".
std::string missing_metrics_error(const std::vector<std::string>& missing);

/// "12 ok points have no accuracy", one line per metric that some ok points lack; `ok_without`
/// maps a metric to that count (zero counts are skipped).
std::vector<std::string> missing_metric_notes(const std::vector<std::pair<std::string, std::uint64_t>>& ok_without);

}  // namespace gridctl
