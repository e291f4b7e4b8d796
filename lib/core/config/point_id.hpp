// point_id: a point's stable 64-bit id and its 16-hex-digit text.
//
// The id (documented in docs/results-file.md): FNV-1a 64 over the canonical encoding
//   for each axis, sorted by name:  <name> '\0' <value text> '\0'
// then the splitmix64 finalizer for good mixing; printed as 16 lowercase hex digits. It depends
// only on axis names and value texts, so adding values to an axis keeps the old points' ids.
// grid::id_of computes it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gridctl {

/// A point's 64-bit id.
using point_id = std::uint64_t;

/// The 16-hex-digit text of a point id.
std::string format_point_id(point_id id);
/// Parses 16 hex digits back into a point id.
std::optional<point_id> parse_point_id(std::string_view text);

}  // namespace gridctl
