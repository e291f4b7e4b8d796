// point_id: formatting and parsing of point ids.
#include "point_id.hpp"

#include <charconv>

namespace gridctl {

std::string format_point_id(point_id id) {
  // By hand, not snprintf: the master formats ids for every job and record.
  static constexpr char hex[] = "0123456789abcdef";
  std::string text(16, '0');
  for (int i = 15; i >= 0; --i, id >>= 4) text[static_cast<std::size_t>(i)] = hex[id & 0xf];
  return text;
}

std::optional<point_id> parse_point_id(std::string_view text) {
  if (text.size() != 16) return std::nullopt;
  point_id id = 0;
  auto res = std::from_chars(text.data(), text.data() + 16, id, 16);
  if (res.ec != std::errc{} || res.ptr != text.data() + 16) return std::nullopt;
  return id;
}

}  // namespace gridctl
