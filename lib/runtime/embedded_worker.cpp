// embedded_worker: fork/exec of /proc/self/exe as `gridctl worker --once`.
#include "embedded_worker.hpp"

#include <csignal>
#include <string>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <system_error>
#include <unistd.h>
#include <vector>

#include "machine.hpp"

namespace gridctl {

embedded_worker::~embedded_worker() { stop(); }

void embedded_worker::start() {
  std::string self(4096, '\0');
  ssize_t n = ::readlink("/proc/self/exe", self.data(), self.size() - 1);
  if (n <= 0) throw std::system_error(errno, std::generic_category(), "cannot find the gridctl executable");
  self.resize(static_cast<std::size_t>(n));
  std::vector<std::string> args = {self, "worker", "--connect", endpoint_, "--slots", std::to_string(slots_),
                                   "--name", host_name(), "--once", "--quiet",
                                   "--auth", "none"};  // the master binds its private endpoint plain
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t parent = ::getpid();
  pid_t pid = ::fork();
  if (pid < 0) throw std::system_error(errno, std::generic_category(), "cannot start the embedded worker");
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGTERM);
    if (::getppid() != parent) ::_exit(0);  // the sweep died before prctl took effect
    // A process group of its own: Ctrl-C in the terminal reaches only the sweep, which then
    // cancels the jobs through this worker, so that they are recorded `canceled`.
    ::setpgid(0, 0);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  pid_ = pid;
}

bool embedded_worker::exited() {
  if (pid_ <= 0) return true;
  int status = 0;
  if (::waitpid(pid_, &status, WNOHANG) == pid_) {
    pid_ = -1;
    return true;
  }
  return false;
}

void embedded_worker::signal_and_reap(int sig) {
  if (pid_ <= 0) return;
  ::kill(pid_, sig);
  int status = 0;
  while (::waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  pid_ = -1;
}

void embedded_worker::stop() { signal_and_reap(SIGTERM); }
void embedded_worker::kill() { signal_and_reap(SIGKILL); }

}  // namespace gridctl
