// sweep_status: a running sweep at one moment, as `RESULTS.status.json` holds it and as
// `gridctl status` and the master's progress line show it (README and docs/status-file.md).
// Pure: the master gathers counts and running attempts and calls make_status(); the status
// command reads the file back with parse_status_json(). Memory is O(running attempts): nothing
// here grows with the points still to run.
//
//   estimate of the time left (eta_estimator):
//     mean = mean duration of the attempts ended so far in this run (unknown before the first)
//     work = pending * mean + sum over running attempts of max(mean - elapsed, 0)
//     eta  = max(work / min(slots, pending + running), longest remaining running attempt)
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "grid.hpp"
#include "input_error.hpp"

namespace gridctl {

/// Version of the status file's format (its "gridctl_status" key).
inline constexpr int status_format_version = 1;
/// The longest-running jobs a status lists; the rest are only counted (jobs_running), so that
/// a sweep on 10,000 slots still has a status file that reads in milliseconds.
inline constexpr std::size_t max_listed_jobs = 1000;

/// One running attempt.
struct running_job {
  point_id point = 0;
  int attempt = 1;
  std::vector<std::pair<std::string, std::string>> params;  ///< axis name, value text (key order)
  std::string worker;
  double elapsed_s = 0;
};

/// The sweep's counts over the whole grid as the master knows them.
struct sweep_counts {
  std::uint64_t total = 0;   ///< points of the grid
  std::uint64_t ok = 0;      ///< ok, before this run or in it
  std::uint64_t failed = 0;  ///< failed for good (retries used up), before this run or in it
  std::size_t workers = 0;
  std::size_t slots = 0;
};

/// What a status file holds; also what `gridctl status --json` prints (plus its own keys).
struct sweep_status {
  bool running = false;  ///< false once the master marked it finished at exit
  std::string sweep;     ///< the sweep's name
  std::string results;   ///< the results file's path
  std::string host;      ///< where the master runs
  std::int64_t pid = 0;  ///< the master's process id (on `host`)
  std::string started;   ///< UTC ISO 8601: when the master started the run
  std::string updated;   ///< UTC ISO 8601: when this status was made
  std::uint64_t total = 0, ok = 0, failed = 0, pending = 0;
  std::uint64_t jobs_running = 0;  ///< running attempts (jobs may list fewer, see max_listed_jobs)
  std::size_t workers = 0, slots = 0;
  double jobs_per_s = 0;         ///< attempts ended per second of this run
  std::optional<double> eta_s;   ///< nothing: unknown (no attempt ended yet, or no slot)
  std::vector<running_job> jobs; ///< longest running first
};

/// Learns from the durations of ended attempts; O(1) memory.
class eta_estimator {
 public:
  /// An attempt ended after `duration_s` (ok, failed or timeout: lost and canceled ones tell
  /// nothing about how long a job takes).
  void attempt_ended(double duration_s);
  /// Seconds until `pending` points and the running attempts are done on `slots` slots, or
  /// nothing while unknown.
  std::optional<double> seconds_left(std::uint64_t pending, const std::vector<running_job>& running,
                                     std::size_t slots) const;
  std::uint64_t ended() const { return ended_; }

 private:
  double sum_s_ = 0;
  std::uint64_t ended_ = 0;
};

/// The status for these counts and running attempts, `elapsed_s` into the run: pending, the
/// rate and the ETA computed, jobs sorted longest first and cut to max_listed_jobs. Identity
/// fields (sweep, results, host, pid, started, updated) are left for the caller.
sweep_status make_status(const sweep_counts& counts, std::vector<running_job> running, const eta_estimator& eta,
                         double elapsed_s);

/// The status as one JSON object (a line, with a newline); `extra` adds fields (key, JSON text)
/// after the others.
std::string format_status_json(const sweep_status& s,
                               const std::vector<std::pair<std::string, std::string>>& extra = {});
/// Reads a status file's text back; `origin` names it in errors ("FILE: not a gridctl status file").
parse_result<sweep_status> parse_status_json(std::string_view text, const std::string& origin);

/// Reads format_utc()'s "2026-11-29T16:01:02.123Z" back; nothing for anything else.
std::optional<std::chrono::system_clock::time_point> parse_utc(std::string_view text);

/// "C=0.1 gamma=3": a point named by its parameters, values shell-quoted where needed.
std::string describe_params(const std::vector<std::pair<std::string, std::string>>& params);

/// "2h 5m", "3m 12s", "42s", "0.4s": a duration for people.
std::string format_seconds(double s);
/// "ETA 3m 12s" or "ETA unknown".
std::string format_eta(const std::optional<double>& eta_s);
/// "0.52", "12", "1.2k": jobs per second.
std::string format_rate(double per_s);

/// The master's progress line: "[12/100] 12%  ok 10  failed 2  running 4  1 worker, 4 slots
/// 0.52 jobs/s  ETA 3m 12s".
std::string format_progress(const sweep_status& s);

}  // namespace gridctl
