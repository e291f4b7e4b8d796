// attempt_status: how an attempt ended (docs/results-file.md, "Status").
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace gridctl {

/// ok: exit 0 · failed: non-zero exit or a signal · timeout · lost: its worker died or vanished
/// · canceled: the sweep was interrupted.
enum class attempt_status : std::uint8_t { ok, failed, timeout, lost, canceled };
std::string_view to_string(attempt_status s);
std::optional<attempt_status> parse_status(std::string_view s);

}  // namespace gridctl
