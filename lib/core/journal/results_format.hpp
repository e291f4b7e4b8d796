// results_format: the sweep's journal, line by line (docs/results-file.md). JSON Lines:
//   line 1: {"gridctl": 1, "sweep": ..., "command": ..., "axes": [...], "created": ...}
//   then one line per ended attempt. This file turns a header and a record into their line
// and reads a header back; results_reader reads a whole file, results_writer appends to one.
#pragma once

#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "attempt_status.hpp"
#include "metrics.hpp"
#include "point_id.hpp"

namespace gridctl {

/// Version of the results format this gridctl writes and reads.
inline constexpr int results_format_version = 1;


/// Line 1 of a results file.
struct results_header {
  int version = results_format_version;
  std::string sweep;
  std::string command;
  std::vector<std::string> axes;
  std::string created;  ///< UTC ISO 8601
};

/// One ended attempt, as the master knows it.
struct attempt_record {
  point_id point = 0;
  std::vector<std::pair<std::string, std::string>> params;  ///< axis name, value text (key order)
  int attempt = 1;
  attempt_status status = attempt_status::ok;
  std::optional<int> exit_code;
  std::optional<int> signal;  ///< killing signal number; written as its name, e.g. "SIGKILL"
  std::string worker;
  std::chrono::system_clock::time_point started;
  double duration_s = 0;
  std::string stdout_text;     ///< raw bytes, at most output_limit
  std::string stderr_text;     ///< raw bytes, at most output_limit
  bool stdout_truncated = false;
  bool stderr_truncated = false;
  std::string stdout_tail;     ///< last bytes of stdout when truncated: where `output` is looked for
  std::string error;           ///< gridctl's own explanation ("worker lost 3 times"); empty: none
  /// false: a failure that does not count against the retry budget (written `"uses_try": false`;
  /// the sweep stopped because its command could not run at all).
  bool uses_try = true;
  metric_values metrics;       ///< written as "metrics" (always, {} when none)
};

/// "2026-11-29T16:01:02.123Z".
std::string format_utc(std::chrono::system_clock::time_point t);
/// "SIGKILL" for 9; "SIG<n>" for a number with no name.
std::string signal_name(int signal);

/// The last line of `text` that holds more than blanks (without its newline and trailing blanks), or empty.
std::string_view last_nonempty_line(std::string_view text);

/// The `output` field: stdout parsed as JSON when all of it is a JSON value, else its last
/// non-empty line when that is one; nothing otherwise.
std::optional<boost::json::value> parse_job_output(std::string_view stdout_bytes);

/// The `output` of a record: from stdout, or from the complete lines of stdout_tail when
/// stdout was cut (the tail's first line may be a fragment).
std::optional<boost::json::value> record_output(const attempt_record& r);
/// The same from the pieces of a record.
std::optional<boost::json::value> job_output(std::string_view stdout_text, bool stdout_truncated,
                                             std::string_view stdout_tail);

std::string format_header(const results_header& h);
/// Reads line 1 into `h`. An error message ("not a gridctl results file ..."), or empty.
std::string read_header(const boost::json::value& line1, results_header& h);
/// One record as a single JSON line (no newline). Output text is repaired to valid UTF-8.
std::string format_record(const attempt_record& r);

}  // namespace gridctl
