// plan_task_source: the points a resume_plan runs now, in grid order, as scheduler tasks —
// the bridge between the journal's resume rules and the scheduler, lazily (never a list).
#pragma once

#include <cstdint>
#include <optional>

#include "resume.hpp"
#include "scheduler.hpp"

namespace gridctl {

/// The points of a resume_plan that run now, in grid order, as scheduler tasks.
class plan_task_source : public task_source {
 public:
  explicit plan_task_source(const resume_plan& plan) : plan_(plan) {}
  std::optional<task> next() override;

 private:
  const resume_plan& plan_;
  std::uint64_t next_index_ = 0;
};

}  // namespace gridctl
