// cpus: how many CPUs this process may run on — the default slot count.
#pragma once

namespace gridctl {

/// CPUs in this process's affinity mask (what taskset, cgroup cpusets and Slurm allocations
/// leave us), falling back to the machine's count; at least 1.
int usable_cpus();

}  // namespace gridctl
