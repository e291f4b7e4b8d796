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

}  // namespace gridctl
