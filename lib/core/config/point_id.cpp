// point_id: formatting and parsing of point ids.
#include "point_id.hpp"

#include <charconv>
#include <cstdio>

namespace gridctl {

std::string format_point_id(point_id id) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(id));
  return std::string(buf, 16);
}

std::optional<point_id> parse_point_id(std::string_view text) {
  if (text.size() != 16) return std::nullopt;
  point_id id = 0;
  auto res = std::from_chars(text.data(), text.data() + 16, id, 16);
  if (res.ec != std::errc{} || res.ptr != text.data() + 16) return std::nullopt;
  return id;
}

}  // namespace gridctl
