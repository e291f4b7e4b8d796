// duration: parsing of durations written by users.
#include "duration.hpp"

#include <charconv>
#include <cmath>

namespace gridctl {

std::optional<duration> parse_duration(std::string_view text) {
  double value = 0;
  auto res = std::from_chars(text.data(), text.data() + text.size(), value);
  if (res.ec != std::errc{} || res.ptr == text.data()) return std::nullopt;
  std::string_view unit(res.ptr, static_cast<std::size_t>(text.data() + text.size() - res.ptr));
  double ms_per_unit = 0;
  if (unit == "ms") ms_per_unit = 1;
  else if (unit == "s") ms_per_unit = 1e3;
  else if (unit == "m") ms_per_unit = 60e3;
  else if (unit == "h") ms_per_unit = 3600e3;
  else if (unit == "d") ms_per_unit = 86400e3;
  else return std::nullopt;
  double ms = value * ms_per_unit;
  // Upper bound: a century, far past any job and safely inside steady_clock's range.
  if (!std::isfinite(ms) || ms < 0 || ms > 100.0 * 365 * 86400e3) return std::nullopt;
  return duration(static_cast<duration::rep>(std::llround(ms)));
}

}  // namespace gridctl
