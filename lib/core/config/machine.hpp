// machine: what this machine offers a worker — the CPUs it may use and its name.
#pragma once

#include <string>

namespace gridctl {

/// CPUs in this process's affinity mask (what taskset, cgroup cpusets and Slurm allocations
/// leave us), falling back to the machine's count; at least 1.
int usable_cpus();

/// This machine's host name ("localhost" if it has none): a worker's default name.
std::string host_name();

}  // namespace gridctl
