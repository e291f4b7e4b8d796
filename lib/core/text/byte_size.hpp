// byte_size: "1M", "64K", "4096" — byte counts of config keys such as output_limit.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace gridctl {

/// Parses a byte count: digits with an optional binary suffix K, M or G (KiB, MiB, GiB; either case), e.g. "1M".
std::optional<std::size_t> parse_size(std::string_view text);

}  // namespace gridctl
