// auth_mode: `[workers] auth` / `--auth` (README, "Security"): auto, curve or none, and what
// auto means for an endpoint — curve unless the endpoint is loopback (tcp://127.*,
// tcp://localhost, tcp://[::1], ipc://), where only this machine's users can connect.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace gridctl {

enum class auth_mode { automatic, curve, none };

/// "auto", "curve" or "none"; nothing for anything else.
std::optional<auth_mode> parse_auth_mode(std::string_view text);

/// Whether only this machine can reach `endpoint`.
bool is_loopback_endpoint(std::string_view endpoint);

/// Whether `endpoint` uses CurveZMQ under `mode`.
bool uses_curve(auth_mode mode, std::string_view endpoint);

/// The warning for `auth = none` on an endpoint other machines can reach; nothing otherwise.
std::optional<std::string> plain_endpoint_warning(auth_mode mode, std::string_view endpoint);

}  // namespace gridctl
