// embedded_worker: the slots of `gridctl sweep --local N`. It is the very same worker
// (`gridctl worker --once`), started by the sweep as a child process connected to the master over
// loopback: the worker code path is one, and jobs are forked from a small worker process rather
// than from the master, whose memory (the results history) would make every fork slower.
// The child gets SIGTERM if the sweep process dies, so no worker is left behind.
#pragma once

#include <iosfwd>
#include <string>
#include <sys/types.h>

namespace gridctl {

class embedded_worker {
 public:
  embedded_worker(std::string endpoint, int slots) : endpoint_(std::move(endpoint)), slots_(slots) {}
  ~embedded_worker();
  embedded_worker(const embedded_worker&) = delete;
  embedded_worker& operator=(const embedded_worker&) = delete;

  /// Starts (or restarts) the worker process. Throws std::system_error when it cannot.
  void start();
  /// True when the process has exited (reaps it).
  bool exited();
  /// SIGTERM, then waits for it to exit (it reports its jobs first).
  void stop();
  /// SIGKILL and reap: for a worker that stopped answering (SIGTERM might never be acted on).
  void kill();
  /// Its process id while it runs, else -1.
  pid_t pid() const { return pid_; }

 private:
  void signal_and_reap(int sig);

  std::string endpoint_;
  int slots_;
  pid_t pid_ = -1;
};

}  // namespace gridctl
