// results_file: the sweep's journal (SPEC, "Points, attempts, results"). JSON Lines:
//   line 1: {"gridctl": 1, "sweep": ..., "command": ..., "axes": [...], "created": ...}
//   then one line per ended attempt, appended with a single write(2) each as the attempt ends.
// Durability: a record reaches the kernel when its attempt ends, so it survives the master
// process dying; the master also calls sync() (fdatasync) at most once a second and at exit,
// so at most the last second of records can be lost to a power cut or kernel crash.
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
#include "grid.hpp"
#include "point_table.hpp"
#include "input_error.hpp"
#include "metrics.hpp"

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

/// A results file read back.
struct results_history {
  results_header header;
  point_table points;
  std::uint64_t records = 0;
  std::uint64_t valid_bytes = 0;      ///< length up to the end of the last complete line
  std::vector<std::string> warnings;  ///< "FILE:LINE: ..." for skipped lines
};

/// Reads a results file. A torn last line (no newline, not JSON) and malformed lines are
/// skipped with a warning; a file that is not gridctl's, or from a newer gridctl, is an error.
parse_result<results_history> read_results(const std::filesystem::path& file);

/// "FILE.1", or ".2", ... — the first name not taken, for --fresh.
std::filesystem::path backup_name(const std::filesystem::path& file);

/// An exclusive flock(2) on a results file for the life of a sweep, so that two sweeps never
/// interleave their records in one file (the lock goes with the process, even on SIGKILL).
class results_lock {
 public:
  /// Locks `file`, creating it empty if missing. Throws std::runtime_error when another
  /// process holds the lock, std::system_error when the file cannot be opened.
  static results_lock acquire(const std::filesystem::path& file);
  /// Whether a process holds the lock on `file` now (a sweep runs on it). Takes a shared lock
  /// for an instant to find out, so acquire() retries for a moment before it gives up.
  static bool held(const std::filesystem::path& file);
  results_lock() = default;
  results_lock(results_lock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  results_lock& operator=(results_lock&& other) noexcept;
  ~results_lock();

 private:
  explicit results_lock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

/// Appends records to a results file. Errors throw std::system_error (a runtime error).
class results_writer {
 public:
  /// Creates `file` with `header` as line 1 (replacing an empty or torn-header file).
  static results_writer create(const std::filesystem::path& file, const results_header& header);
  /// Opens an existing file for appending after cutting it to `valid_bytes` (drops a torn line).
  static results_writer append_to(const std::filesystem::path& file, std::uint64_t valid_bytes);

  results_writer(results_writer&& other) noexcept;
  results_writer& operator=(results_writer&&) = delete;
  ~results_writer();

  /// Writes one record line with one write(2).
  void append(const attempt_record& r);
  /// fdatasync if anything was written since the last sync.
  void sync();
  const std::filesystem::path& path() const { return path_; }

 private:
  results_writer(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}
  void write_line(std::string line);

  std::filesystem::path path_;
  int fd_ = -1;
  bool dirty_ = false;
};

}  // namespace gridctl
