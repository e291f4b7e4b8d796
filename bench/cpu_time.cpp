// cpu_time: runs a command and writes its CPU time to a file, to the microsecond.
//
//   gridctl_cpu_time OUT COMMAND [ARG...]
//
// OUT gets one line "USER_S SYS_S VOLUNTARY_SWITCHES INVOLUNTARY_SWITCHES" from wait4(2)'s
// rusage; the command's exit status is ours. SIGINT, SIGTERM and SIGHUP are passed on to the
// command (bench/run stops the master by signalling us). bench/run cases c and d use it: GNU
// time prints CPU time in steps of 10 ms, 2.5 us per job there, as large as the differences
// being measured.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <initializer_list>

namespace {
volatile sig_atomic_t child = 0;
void pass_on(int signal) {
  if (child > 0) kill(child, signal);
}
}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: gridctl_cpu_time OUT COMMAND [ARG...]\n");
    return 2;
  }
  struct sigaction sa {};
  sa.sa_handler = pass_on;  // no SA_RESTART: wait4 sees EINTR and waits again
  sigemptyset(&sa.sa_mask);
  for (int signal : {SIGINT, SIGTERM, SIGHUP}) sigaction(signal, &sa, nullptr);
  pid_t pid = fork();
  if (pid < 0) {
    std::perror("gridctl_cpu_time: fork");
    return 2;
  }
  if (pid == 0) {
    execvp(argv[2], argv + 2);  // (the handlers are reset to the defaults by exec)
    std::fprintf(stderr, "gridctl_cpu_time: %s: %s\n", argv[2], std::strerror(errno));
    _exit(127);
  }
  child = pid;
  int status = 0;
  rusage ru{};
  while (wait4(pid, &status, 0, &ru) < 0) {
    if (errno != EINTR) {
      std::perror("gridctl_cpu_time: wait4");
      return 2;
    }
  }
  std::FILE* out = std::fopen(argv[1], "w");
  if (!out) {
    std::fprintf(stderr, "gridctl_cpu_time: %s: %s\n", argv[1], std::strerror(errno));
    return 2;
  }
  auto secs = [](timeval t) { return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6; };
  std::fprintf(out, "%.6f %.6f %ld %ld\n", secs(ru.ru_utime), secs(ru.ru_stime), ru.ru_nvcsw, ru.ru_nivcsw);
  std::fclose(out);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}
