// plan_task_source: walking the grid through the resume rules.
#include "plan_task_source.hpp"

namespace gridctl {

std::optional<task> plan_task_source::next() {
  const std::uint64_t n = plan_.points().size();
  while (next_index_ < n) {
    std::uint64_t index = next_index_++;
    point_id id = 0;
    resume_decision d = plan_.decide(index, &id);
    if (d.verdict != resume_decision::run) continue;
    return task{index, id, d.next_attempt, d.tries_left, 0, {}};
  }
  return std::nullopt;
}

}  // namespace gridctl
