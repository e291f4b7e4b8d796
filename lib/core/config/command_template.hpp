// command_template: the sweep's `command` with its {placeholders} resolved to axis positions,
// rendered per point with each value shell-quoted where needed (README, "The config file").
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "input_error.hpp"

namespace gridctl {

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

}  // namespace gridctl
