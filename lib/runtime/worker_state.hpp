// worker_state: a small file per live worker process naming its running jobs, so that what a
// worker killed with SIGKILL left running can be killed by the next worker of the same name on
// the same node. (The jobs' shells die with the worker, PR_SET_PDEATHSIG; what they started
// does not.)
//
//   RUNTIME/worker-NAME.PID   RUNTIME: $XDG_RUNTIME_DIR/gridctl, else /tmp/gridctl-UID (0700)
//     gridctl worker state 1
//     job PGID TOKEN            one line per running job: its process group and job token
//                               (rewritten when a job starts; one that ended may linger)
//
// The owner holds an flock(2) on its file while it lives; the kernel drops it when the process
// dies however it dies. A starting worker looks at the files of its name: one it can lock
// belongs to a dead worker, whose jobs it kills and whose file it removes; one it cannot lock
// belongs to a live worker of the same name and is left alone. A file is created under a
// temporary name and renamed once locked, so no one ever finds it unlocked while its owner lives.
// A job's processes are recognised by their token (process_tree.hpp), never by pid or group id
// alone: those may have been reused since the predecessor died.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <iosfwd>
#include <map>
#include <string>

namespace gridctl {

class worker_state {
 public:
  /// Kills what dead predecessors named `name` left (one log line each) and creates this
  /// process's locked file. Without a usable runtime directory it warns and keeps no file.
  worker_state(const std::string& name, std::ostream& log);
  /// Removes the file: a worker that exits normally leaves nothing to clean up.
  ~worker_state();
  worker_state(const worker_state&) = delete;
  worker_state& operator=(const worker_state&) = delete;

  /// A job started: `pgid` is its process group, `token` its job token.
  void add(pid_t pgid, const std::string& token);
  /// The job with this token ended.
  void remove(const std::string& token);

 private:
  void write();

  std::filesystem::path path_;
  int fd_ = -1;
  std::size_t written_ = 0;  ///< bytes in the file (the text of the last write, padded)
  std::map<std::string, pid_t> jobs_;  // token -> process group
};

/// The directory of the worker state files, created (mode 0700) if missing. Throws
/// std::runtime_error when it exists but is not a directory of ours that only we can enter.
std::filesystem::path worker_runtime_dir();

}  // namespace gridctl
