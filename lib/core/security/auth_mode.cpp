// auth_mode: parsing `auth` and the loopback rule of `auth = auto`.
#include "auth_mode.hpp"

#include <string>

namespace gridctl {

std::optional<auth_mode> parse_auth_mode(std::string_view text) {
  if (text == "auto") return auth_mode::automatic;
  if (text == "curve") return auth_mode::curve;
  if (text == "none") return auth_mode::none;
  return std::nullopt;
}

bool is_loopback_endpoint(std::string_view endpoint) {
  if (endpoint.starts_with("ipc://") || endpoint.starts_with("inproc://")) return true;
  constexpr std::string_view tcp = "tcp://";
  if (!endpoint.starts_with(tcp)) return false;
  std::string_view host = endpoint.substr(tcp.size());
  // tcp://[::1]:5555; tcp://127.0.0.1:5555; tcp://localhost:5555 (not tcp://localhost.example.org)
  if (host.starts_with("[::1]:")) return true;
  if (host.starts_with("127.")) return true;
  return host.starts_with("localhost:");
}

bool uses_curve(auth_mode mode, std::string_view endpoint) {
  if (mode == auth_mode::automatic) return !is_loopback_endpoint(endpoint);
  return mode == auth_mode::curve;
}

std::optional<std::string> plain_endpoint_warning(auth_mode mode, std::string_view endpoint) {
  if (mode != auth_mode::none || is_loopback_endpoint(endpoint)) return std::nullopt;
  return "warning: auth = none on " + std::string(endpoint) +
         ": anyone who can reach the port can read the sweep's commands and inject results (and a fake master "
         "could make workers run any command); use auth = auto or curve off a trusted network";
}

}  // namespace gridctl
