// byte_size: parsing of byte counts written by users.
#include "byte_size.hpp"

#include <charconv>

namespace gridctl {

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
