// resume: which points a sweep runs now, given what the results file already holds (docs/results-file.md,
// "Resume"): a point with an ok record is done; a point whose failed/timeout records used up
// its attempts (retries + 1) is skipped unless --retry; every other point runs, its attempt
// numbers continuing after the last recorded one.
#pragma once

#include <cstdint>

#include "grid.hpp"
#include "results_reader.hpp"

namespace gridctl {

/// What to do with one point now.
struct resume_decision {
  enum verdict_kind { run, done, exhausted } verdict = run;
  int next_attempt = 1;  ///< attempt number of the next attempt
  int tries_left = 1;    ///< attempts it may still use for failed/timeout results
};

/// The rule for one point; `h` is null for a point with no record.
resume_decision decide_resume(const point_history* h, int retries, bool retry_failed);

/// Counts over the whole grid.
struct resume_counts {
  std::uint64_t total = 0;
  std::uint64_t done = 0;       ///< has an ok record
  std::uint64_t exhausted = 0;  ///< failed or timed out after its retries; skipped without --retry
  std::uint64_t to_run = 0;
};

/// Applies decide_resume to each point of a grid, on demand (the grid is never materialized).
class resume_plan {
 public:
  /// `history` may be null (no results file yet); it must outlive the plan.
  resume_plan(const grid& g, const results_history* history, int retries, bool retry_failed)
      : grid_(g), history_(history), retries_(retries), retry_failed_(retry_failed) {}

  /// The decision for point number `index`, and its id.
  resume_decision decide(std::uint64_t index, point_id* id_out = nullptr) const;
  /// The decision for a point whose id is known.
  resume_decision decide_id(point_id id) const;
  /// Counts for the whole grid: O(points) when there is a history, O(1) otherwise.
  resume_counts count() const;
  const grid& points() const { return grid_; }

 private:
  const grid& grid_;
  const results_history* history_;
  int retries_;
  bool retry_failed_;
};

}  // namespace gridctl

