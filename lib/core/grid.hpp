// grid: the Cartesian product of the axes, in key order (first axis = outermost loop), computed
// lazily: point number i -> its values, without ever materializing the list of points.
// Also the point id and the command/environment of one attempt at a point.
//
// Point id (stable, documented in docs/results-file.md): FNV-1a 64 over the canonical encoding
//   for each axis, sorted by name:  <name> '\0' <value text> '\0'
// then the splitmix64 finalizer for good mixing; printed as 16 lowercase hex digits. It depends
// only on axis names and value texts, so adding values to an axis keeps the old points' ids.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "axis.hpp"
#include "input_error.hpp"

namespace gridctl {

/// A point's 64-bit id.
using point_id = std::uint64_t;

/// The 16-hex-digit text of a point id.
std::string format_point_id(point_id id);
/// Parses 16 hex digits back into a point id.
std::optional<point_id> parse_point_id(std::string_view text);

/// The sweep's axes and the points they span.
class grid {
 public:
  grid() = default;
  explicit grid(std::vector<axis> axes);

  const std::vector<axis>& axes() const { return axes_; }
  std::vector<std::string> axis_names() const;
  /// Number of points, the product of the axis sizes (the loader refuses grids over 2^63).
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

/// A `command` with its {placeholders} resolved to axis positions.
class command_template {
 public:
  /// Parses `text` against the axis names: {name} must name an axis; {{ and }} are braces.
  static parse_result<command_template> parse(const std::string& text,
                                              const std::vector<std::string>& axis_names);
  /// The command for these values (key order), each shell-quoted where needed.
  std::string render(const std::vector<std::string>& values) const;
  /// Whether {axis} (its position in key order) appears in the command.
  bool uses_axis(int axis) const;
  /// Length of the longest command this can render, given each axis's longest shell-quoted value.
  std::size_t longest_render(const std::vector<std::size_t>& longest_quoted) const;
  /// A placeholder written inside quotes of its own, `"{v}"` or `'{v}'`.
  struct quoted_placeholder {
    int axis;
    char quote;
  };
  /// The placeholders wrapped in quotes: gridctl quotes values itself, so the shell would pass
  /// such quotes to the job literally ("'a b'") or split the value ('' a b '').
  std::vector<quoted_placeholder> quoted_placeholders() const;
  const std::string& text() const { return text_; }

 private:
  struct part {
    std::string literal;
    int axis = -1;  // -1: literal part
  };
  std::string text_;
  std::vector<part> parts_;
};

/// Extra environment of one attempt: GRIDCTL_POINT, GRIDCTL_ATTEMPT, GRIDCTL_P_<axis>.
std::vector<std::pair<std::string, std::string>> job_environment(
    const grid& g, point_id id, int attempt, const std::vector<std::string>& values);

}  // namespace gridctl
