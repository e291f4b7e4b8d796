// json_text: writing JSON text by hand where Boost.JSON's serializer does not do what a reader
// of the results file expects (it writes 0.2 as "2E-1" and passes invalid UTF-8 through).
#pragma once

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace gridctl {

/// Appends `text` as a JSON string literal; invalid UTF-8 is repaired to U+FFFD first.
void append_json_string(std::string& out, std::string_view text);

/// Appends `v` as compact JSON on one line, doubles written by format_number (0.2, 1e-06).
void append_json_value(std::string& out, const boost::json::value& v);

/// Parses `text` as one JSON value, or nothing; never throws.
std::optional<boost::json::value> parse_json(std::string_view text);

}  // namespace gridctl
