// attempt_status: the status names of the results file.
#include "attempt_status.hpp"

namespace gridctl {

std::string_view to_string(attempt_status s) {
  switch (s) {
    case attempt_status::ok: return "ok";
    case attempt_status::failed: return "failed";
    case attempt_status::timeout: return "timeout";
    case attempt_status::lost: return "lost";
    case attempt_status::canceled: return "canceled";
  }
  return "?";
}

std::optional<attempt_status> parse_status(std::string_view s) {
  for (auto st : {attempt_status::ok, attempt_status::failed, attempt_status::timeout, attempt_status::lost,
                  attempt_status::canceled})
    if (to_string(st) == s) return st;
  return std::nullopt;
}

}  // namespace gridctl
