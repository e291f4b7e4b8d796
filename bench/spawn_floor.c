/* spawn_floor.c: the floor for cases e and g of bench/run: N jobs of `sh -c COMMAND` kept
 * running on SLOTS slots by the smallest possible parent (vfork or fork, exec, wait), with no
 * pipes, no event loop and no network. Prints the wall time from the first spawn to the last
 * exit. Not built by CMake:
 *   cc -O2 -o /tmp/spawn_floor bench/spawn_floor.c
 *   /tmp/spawn_floor vfork 3000; /tmp/spawn_floor fork 3000          (case e: 2 slots of `true`)
 *   /tmp/spawn_floor vfork 4800 240 'sleep 0.5'                       (case g: ideal 10 s)
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

int main(int argc, char **argv) {
  if (argc < 3 || argc > 5) {
    fprintf(stderr, "usage: spawn_floor vfork|fork N [SLOTS [COMMAND]]\n");
    return 2;
  }
  const int use_vfork = strcmp(argv[1], "vfork") == 0;
  const int n = atoi(argv[2]);
  const int slots = argc > 3 ? atoi(argv[3]) : 2;
  char *command = argc > 4 ? argv[4] : "true";
  if (n < 1 || slots < 1) return 2;
  char *args[] = {"/bin/sh", "-c", command, NULL};
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
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
  clock_gettime(CLOCK_MONOTONIC, &t1);
  printf("%d jobs of sh -c '%s' on %d slots (%s): %.3f s\n", n, command, slots, argv[1],
         (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9);
  return 0;
}
