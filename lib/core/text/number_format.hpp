// number_format: how gridctl writes the numbers it generates (axis values, durations in the
// results file). README: like Python's repr of a float — the fewest significant digits that read
// back as the same double; plain decimal when 1e-4 <= |x| < 1e16, scientific otherwise — and
// integral values without a trailing ".0".
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace gridctl {

/// Python-repr text of `x` without a trailing ".0": 0.0001, 0.25, 100000, 1e-05, 2.5e-07, 1e+16.
/// Negative zero is written "0" (a "-0" on a command line reads like an option); NaN and the
/// infinities as Python writes them: "nan", "inf", "-inf".
std::string format_number(double x);

/// `x` rounded to `digits` significant digits, then written as format_number writes it: a mean of
/// 1/3 with 6 digits reads 0.333333, 83.6666 with 3 reads 83.7, 1e-5 stays 1e-05.
std::string format_rounded(double x, int digits);

/// Decimal text of an integer (range() values).
std::string format_integer(std::int64_t x);

/// True when `text` is a number in JSON's grammar (-?int frac? exp?), e.g. "1e-6", "-3", "0.5".
/// Such values are written as JSON numbers in the results file; "007", ".5" or "1." stay strings.
bool is_json_number(std::string_view text);

}  // namespace gridctl
