// attempt_output: what the master holds for each running attempt until its record is written —
// when and to which worker it was dispatched, the output streamed so far (capped at
// output_limit per stream), the worker's end report — and the record made of it.
//
//   dispatch -> started (wall) and dispatched (steady) clocks, grid index, worker
//   output   -> appended up to output_limit per stream; beyond it cut (stdout/stderr_truncated)
//   done     -> kept; the record takes exit, signal, start, duration, dropped bytes, stdout
//               tail and the worker's error note from it
//   no done (lost, canceled unconfirmed) -> started at dispatch, duration until the record,
//               with the output received so far
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "grid.hpp"
#include "metrics.hpp"
#include "protocol.hpp"
#include "results_format.hpp"
#include "scheduler.hpp"

namespace gridctl {

/// Output received so far for one running attempt, and what its record needs besides.
struct attempt_output {
  std::string out, err;
  bool out_cut = false, err_cut = false;  ///< a worker sent more than output_limit
  steady_time dispatched;
  std::chrono::system_clock::time_point dispatched_wall;
  std::uint64_t index = 0;  ///< point number in the grid (its parameters)
  worker_id worker = 0;
  std::optional<protocol::done> done;  ///< the worker's end report, once it came
};

/// The attempts dispatched and not yet recorded, by (point, attempt).
class attempt_outputs {
 public:
  using key = std::pair<point_id, int>;
  struct key_hash {  // point ids are well mixed already (point_id.hpp)
    std::size_t operator()(const key& k) const { return k.first ^ static_cast<std::size_t>(k.second); }
  };

  explicit attempt_outputs(std::size_t output_limit) : limit_(output_limit) {}

  /// The attempt was sent to `worker` now.
  void dispatched(const task& t, worker_id worker, steady_time now, std::chrono::system_clock::time_point wall);
  /// Appends streamed bytes of a dispatched attempt. Workers send at most output_limit bytes per
  /// stream; the cap guards against one that does not (the stream is then marked cut).
  void append(const protocol::output& o);
  /// Keeps the worker's end report of a dispatched attempt; its buffer.
  const attempt_output& ended(protocol::done&& d);
  /// Removes an attempt (its record is being written); an empty buffer if it was not dispatched.
  attempt_output take(point_id id, int attempt);

  /// Attempts running on `w` (dispatched, no end report yet).
  std::uint64_t running_on(worker_id w) const;
  /// In no particular order.
  const std::unordered_map<key, attempt_output, key_hash>& all() const { return by_attempt_; }

 private:
  std::size_t limit_;
  std::unordered_map<key, attempt_output, key_hash> by_attempt_;
};

/// Axis name and value of each axis of point number `index`, in key order.
std::vector<std::pair<std::string, std::string>> point_params(const grid& points, std::uint64_t index);

/// The metrics of an attempt's output so far, as its record will have them.
metric_values metrics_so_far(const std::vector<metric_rule>& rules, const attempt_output& buf);

/// The record of an ended attempt: the scheduler's verdict `e`, the attempt's buffer, the name
/// of the worker it ran on, and `now` (the duration of an attempt without an end report).
attempt_record make_record(const action::ended& e, attempt_output buf, const grid& points,
                           const std::vector<metric_rule>& rules, std::string worker, steady_time now);

}  // namespace gridctl
