// grid: the Cartesian product of the axes, in key order (first axis = outermost loop), computed
// lazily: point number i -> its values, without ever materializing the list of points; the id
// of a point (point_id.hpp says how) and the environment of one attempt at it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "axis.hpp"
#include "command_template.hpp"
#include "input_error.hpp"
#include "point_id.hpp"

namespace gridctl {

/// The sweep's axes and the points they span.
class grid {
 public:
  grid() = default;
  explicit grid(std::vector<axis> axes);

  const std::vector<axis>& axes() const { return axes_; }
  std::vector<std::string> axis_names() const;
  /// Number of points, the product of the axis sizes (the loader refuses grids over 2^62).
  std::uint64_t size() const { return size_; }
  /// Values of point number `index`, one per axis in key order.
  std::vector<std::string> values(std::uint64_t index) const;
  /// Id of a point from its values (in key order).
  point_id id_of(const std::vector<std::string>& values) const;

 private:
  std::vector<axis> axes_;
  std::vector<std::size_t> sorted_;  // axis positions in name order, for the id
  std::uint64_t size_ = 0;
};

/// Extra environment of one attempt: GRIDCTL_POINT, GRIDCTL_ATTEMPT, GRIDCTL_P_<axis>.
std::vector<std::pair<std::string, std::string>> job_environment(
    const grid& g, point_id id, int attempt, const std::vector<std::string>& values);

}  // namespace gridctl
