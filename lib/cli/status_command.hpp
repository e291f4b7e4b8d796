// status_command: `gridctl status CONFIG.ini|RESULTS.jsonl [--json]` (README, "Reading the results") — how a sweep
// is doing, from any shell. Whether one runs is the results file's lock (results_lock::held):
//   lock held      -> a master runs: answer from RESULTS.status.json only (never the journal,
//                     which may hold millions of records)
//   lock free      -> no master: counts from the results file; a status file still saying
//                     "running" was left by a master that died
#pragma once

#include <string>

#include <vector>

#include <filesystem>
#include <iosfwd>

namespace gridctl {

struct status_options {
  std::filesystem::path input;  ///< a config file or a results file (told apart by content)
  bool json = false;            ///< one JSON object instead of lines for people
};

/// Prints the status to `out`, warnings and errors to `err`. Returns 0, or 2 for bad input
/// (no such file, a bad config, a results file of another sweep).
int run_status(const status_options& opts, std::ostream& out, std::ostream& err);

/// `gridctl status ARGS...`: parses the options (program_options errors and usage_error
/// propagate to main) and runs the command; its exit status.
int status_main(const std::vector<std::string>& args);

}  // namespace gridctl
