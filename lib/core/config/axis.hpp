// axis: one [params] key — a name and its values. Generated forms (range, linspace, logspace)
// are kept as formulas and computed on demand, so a 10^7-value axis costs no memory.
//
//   p = 1, 2, "a b, c"          explicit list (double quotes keep commas and spaces)
//   p = range(stop) | range(start, stop[, step])     integers, stop exclusive
//   p = linspace(start, stop, num)                    inclusive, like numpy
//   p = logspace(start, stop, num[, base])            base ** linspace(...)
//   p = lines(FILE)                                    one value per non-empty line
//
// A comma still separates items inside brackets, so `[1, 2, 3]` or `2**range(-5, 17, 2)` would
// become items like `[1` and `17`: an unquoted item that opens a bracket it does not close (or
// the reverse) is refused with the form that was meant.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "input_error.hpp"

namespace gridctl {

/// Bounds of a lines(FILE) file, so that lines(/dev/zero) fails fast.
inline constexpr std::size_t lines_max_bytes = std::size_t{64} << 20;
inline constexpr std::size_t lines_max_line = std::size_t{128} << 10;

/// The longest value text of an axis, as is and shell-quoted (exact for lists and ranges, a
/// bound for linspace/logspace).
struct value_lengths {
  std::size_t raw = 0;
  std::size_t quoted = 0;
};

/// One axis of the grid: its name and a way to produce value number i as text.
class axis {
 public:
  enum class form { list, range, linspace, logspace };

  /// An explicit list of values (also what lines(FILE) becomes).
  static axis from_list(std::string name, std::vector<std::string> values);
  static axis from_range(std::string name, std::int64_t start, std::int64_t stop, std::int64_t step);
  static axis from_linspace(std::string name, double start, double stop, std::uint64_t num);
  static axis from_logspace(std::string name, double start, double stop, std::uint64_t num,
                            double base);

  const std::string& name() const { return name_; }
  /// Number of values.
  std::uint64_t size() const { return size_; }
  /// Value number i (0 <= i < size()) as the text the command and the results file receive.
  std::string value(std::uint64_t i) const;
  /// The double behind value i of a linspace/logspace axis (numpy's formula).
  double real_value(std::uint64_t i) const;
  form kind() const { return kind_; }
  /// How long its values can be, without computing every value of a generated form.
  value_lengths longest_value() const;
  /// The first value that shell quoting changes (a list item such as "a b"), if any.
  std::optional<std::string> first_quoted_value() const;

 private:
  std::string name_;
  form kind_ = form::list;
  std::uint64_t size_ = 0;
  std::vector<std::string> list_;
  std::int64_t istart_ = 0, istep_ = 1;
  double start_ = 0, stop_ = 0, base_ = 10;
};

/// Parses the text of a [params] key. `base_dir` resolves lines(FILE). The error has no
/// `where`: the config loader adds FILE:LINE.
parse_result<axis> parse_axis(const std::string& name, std::string_view text,
                              const std::filesystem::path& base_dir);

/// Splits an explicit list `a, "b, c", d` into its items; errors on unbalanced quotes or empty items.
parse_result<std::vector<std::string>> split_list(std::string_view text);

}  // namespace gridctl
