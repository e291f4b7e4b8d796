// duration: "10m", "1.5s", "250ms" — the durations of config keys and command-line options.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace gridctl {

using duration = std::chrono::milliseconds;

/// Parses a non-negative number followed by one of the units ms, s, m, h, d ("10m", "1.5s").
/// A bare number has no unit and is refused: "10" could mean seconds or minutes.
std::optional<duration> parse_duration(std::string_view text);

/// Parses a byte count: digits with an optional binary suffix K, M or G (KiB, MiB, GiB; either case), e.g. "1M".
std::optional<std::size_t> parse_size(std::string_view text);

}  // namespace gridctl
