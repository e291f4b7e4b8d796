// json_text: JSON string escaping and compact value writing.
#include "json_text.hpp"

#include <boost/json/parse.hpp>
#include <optional>

#include "number_format.hpp"
#include "utf8.hpp"

namespace gridctl {

namespace {
void append_escaped_valid_utf8(std::string& out, std::string_view s) {
  static const char hex[] = "0123456789abcdef";
  out += '"';
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          out += "\\u00";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

bool is_ascii(std::string_view s) {
  for (char c : s)
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  return true;
}
}  // namespace

void append_json_string(std::string& out, std::string_view text) {
  // Most output is ASCII: skip the repair copy then.
  if (is_ascii(text)) append_escaped_valid_utf8(out, text);
  else append_escaped_valid_utf8(out, repair_utf8(text));
}

void append_json_value(std::string& out, const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null: out += "null"; break;
    case boost::json::kind::bool_: out += v.get_bool() ? "true" : "false"; break;
    case boost::json::kind::int64: out += std::to_string(v.get_int64()); break;
    case boost::json::kind::uint64: out += std::to_string(v.get_uint64()); break;
    case boost::json::kind::double_: {
      std::string n = format_number(v.get_double());
      // JSON has no inf/nan (parsing never yields them; stay safe anyway).
      out += is_json_number(n) ? n : "null";
      break;
    }
    case boost::json::kind::string: append_json_string(out, v.get_string()); break;
    case boost::json::kind::array: {
      out += '[';
      bool first = true;
      for (const auto& e : v.get_array()) {
        if (!first) out += ", ";
        first = false;
        append_json_value(out, e);
      }
      out += ']';
      break;
    }
    case boost::json::kind::object: {
      out += '{';
      bool first = true;
      for (const auto& kv : v.get_object()) {
        if (!first) out += ", ";
        first = false;
        append_json_string(out, kv.key());
        out += ": ";
        append_json_value(out, kv.value());
      }
      out += '}';
      break;
    }
  }
}

std::optional<boost::json::value> parse_json(std::string_view text) {
  // Many jobs print nothing: answer blank text without building a parser (JSON's whitespace
  // is exactly these four characters).
  if (text.find_first_not_of(" \t\r\n") == std::string_view::npos) return std::nullopt;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(text, ec);
  if (ec) return std::nullopt;
  return v;
}

}  // namespace gridctl
