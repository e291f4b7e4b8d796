// resume: the resume rules, per point and over a grid.
#include "resume.hpp"

namespace gridctl {

resume_decision decide_resume(const point_history* h, int retries, bool retry_failed) {
  const int budget = retries + 1;
  resume_decision d;
  d.tries_left = budget;
  if (!h) return d;
  d.next_attempt = h->last_attempt + 1;
  if (h->ok) {
    d.verdict = resume_decision::done;
    return d;
  }
  bool last_failed = h->last_status == attempt_status::failed || h->last_status == attempt_status::timeout;
  if (retry_failed) return d;  // a fresh retry budget
  if (last_failed && h->failures >= budget) {
    d.verdict = resume_decision::exhausted;
    return d;
  }
  // Interrupted (canceled, lost) or stopped between retries: use what is left of the budget,
  // and at least one attempt for a point that was canceled after using it all.
  d.tries_left = h->failures < budget ? budget - h->failures : 1;
  return d;
}

resume_decision resume_plan::decide_id(point_id id) const {
  return decide_resume(history_ ? history_->points.find(id) : nullptr, retries_, retry_failed_);
}

resume_decision resume_plan::decide(std::uint64_t index, point_id* id_out) const {
  point_id id = grid_.id_of(grid_.values(index));
  if (id_out) *id_out = id;
  return decide_id(id);
}

resume_counts resume_plan::count() const {
  resume_counts c;
  c.total = grid_.size();
  if (!history_ || history_->points.empty()) {
    c.to_run = c.total;
    return c;
  }
  for (std::uint64_t i = 0; i < c.total; ++i) {
    switch (decide(i).verdict) {
      case resume_decision::run: ++c.to_run; break;
      case resume_decision::done: ++c.done; break;
      case resume_decision::exhausted: ++c.exhausted; break;
    }
  }
  return c;
}

}  // namespace gridctl
