// duration: parsing of durations and sizes written by users.
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

std::optional<std::size_t> parse_size(std::string_view text) {
  std::size_t value = 0;
  auto res = std::from_chars(text.data(), text.data() + text.size(), value);
  if (res.ec != std::errc{} || res.ptr == text.data()) return std::nullopt;
  std::string_view unit(res.ptr, static_cast<std::size_t>(text.data() + text.size() - res.ptr));
  std::size_t factor = 1;
  if (unit.empty()) factor = 1;
  else if (unit == "K" || unit == "k") factor = std::size_t{1} << 10;
  else if (unit == "M" || unit == "m") factor = std::size_t{1} << 20;
  else if (unit == "G" || unit == "g") factor = std::size_t{1} << 30;
  else return std::nullopt;
  if (value > (std::size_t{1} << 40) / factor) return std::nullopt;
  return value * factor;
}

}  // namespace gridctl
