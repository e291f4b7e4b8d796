// cpus: the affinity mask, not the machine, says how many jobs may run at once.
#include "cpus.hpp"

#include <sched.h>
#include <thread>

namespace gridctl {

int usable_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (::sched_getaffinity(0, sizeof set, &set) == 0) {
    int n = CPU_COUNT(&set);
    if (n > 0) return n;
  }
  unsigned n = std::thread::hardware_concurrency();
  return n == 0 ? 1 : static_cast<int>(n);
}

}  // namespace gridctl
