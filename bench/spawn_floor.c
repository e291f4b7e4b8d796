/* spawn_floor.c: the floor for case e of bench/run: N jobs of `sh -c true` kept running on 2
 * slots by the smallest possible parent (vfork or fork, exec, wait), with no pipes, no event
 * loop and no network. Not built by CMake:
 *   cc -O2 -o /tmp/spawn_floor bench/spawn_floor.c
 *   time /tmp/spawn_floor vfork 3000; time /tmp/spawn_floor fork 3000
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv) {
  if (argc != 3) return 2;
  const int use_vfork = strcmp(argv[1], "vfork") == 0;
  const int n = atoi(argv[2]), slots = 2;
  char *args[] = {"/bin/sh", "-c", "true", NULL};
  int running = 0, started = 0;
  while (started < n || running > 0) {
    while (running < slots && started < n) {
      pid_t p = use_vfork ? vfork() : fork();
      if (p == 0) {
        execve(args[0], args, environ);
        _exit(127);
      }
      if (p < 0) return 1;
      ++running;
      ++started;
    }
    int status;
    if (wait(&status) > 0) --running;
  }
  return 0;
}
