// plural: "1 point", "2 points" — counts in messages for people.
#pragma once

#include <cstdint>
#include <string>

namespace gridctl {

/// "1 point", "0 points", "2 points" (regular plurals: the noun and an "s").
inline std::string counted(std::uint64_t n, const std::string& noun) {
  return std::to_string(n) + " " + noun + (n == 1 ? "" : "s");
}

}  // namespace gridctl
