// cpu_time: runs a command and writes its CPU time to a file, to the microsecond.
//
//   gridctl_cpu_time OUT COMMAND [ARG...]
//
// OUT gets one line "USER_S SYS_S VOLUNTARY_SWITCHES INVOLUNTARY_SWITCHES" from wait4(2)'s
// rusage; the command's exit status is ours. bench/run case c uses it: GNU time prints CPU time
// in steps of 10 ms, which is 2.5 us per job there, as large as the differences being measured.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: gridctl_cpu_time OUT COMMAND [ARG...]\n");
    return 2;
  }
  pid_t pid = fork();
  if (pid < 0) {
    std::perror("gridctl_cpu_time: fork");
    return 2;
  }
  if (pid == 0) {
    execvp(argv[2], argv + 2);
    std::fprintf(stderr, "gridctl_cpu_time: %s: %s\n", argv[2], std::strerror(errno));
    _exit(127);
  }
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
