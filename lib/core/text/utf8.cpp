// utf8: validation and repair of UTF-8 text.
#include "utf8.hpp"

namespace gridctl {

namespace {
/// Length of the valid UTF-8 character at s[i], or 0 if the bytes there are not one.
std::size_t valid_char_length(std::string_view s, std::size_t i) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  std::size_t n = s.size() - i;
  if (c < 0x80) return 1;
  auto cont = [&](std::size_t k) { return k < s.size() && (b(k) & 0xC0) == 0x80; };
  if (c >= 0xC2 && c <= 0xDF) return n >= 2 && cont(i + 1) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (n < 3 || !cont(i + 1) || !cont(i + 2)) return 0;
    unsigned char c1 = b(i + 1);
    if (c == 0xE0 && c1 < 0xA0) return 0;  // overlong
    if (c == 0xED && c1 > 0x9F) return 0;  // surrogate
    return 3;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (n < 4 || !cont(i + 1) || !cont(i + 2) || !cont(i + 3)) return 0;
    unsigned char c1 = b(i + 1);
    if (c == 0xF0 && c1 < 0x90) return 0;  // overlong
    if (c == 0xF4 && c1 > 0x8F) return 0;  // above U+10FFFF
    return 4;
  }
  return 0;
}

/// Length of the maximal invalid subpart at s[i]: the lead byte plus the continuation bytes
/// that could still have completed it (always at least 1).
std::size_t invalid_length(std::string_view s, std::size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  std::size_t expect = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 1;
  std::size_t k = 1;
  while (k < expect && i + k < s.size()) {
    unsigned char ck = static_cast<unsigned char>(s[i + k]);
    if ((ck & 0xC0) != 0x80) break;
    if (k == 1 && ((c == 0xE0 && ck < 0xA0) || (c == 0xED && ck > 0x9F) || (c == 0xF0 && ck < 0x90) ||
                   (c == 0xF4 && ck > 0x8F)))
      break;
    ++k;
  }
  return k;
}
}  // namespace

std::string repair_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t n = valid_char_length(s, i);
    if (n > 0) {
      out.append(s.substr(i, n));
      i += n;
    } else {
      out += "\xEF\xBF\xBD";
      i += invalid_length(s, i);
    }
  }
  return out;
}

}  // namespace gridctl

namespace gridctl {

std::string printable(std::string_view s) {
  static const char hex[] = "0123456789abcdef";
  auto escape = [&](std::string& out, unsigned char c) {
    out += "\\x";
    out += hex[c >> 4];
    out += hex[c & 15];
  };
  std::string out;
  out.reserve(s.size());
  std::size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    std::size_t n = valid_char_length(s, i);
    if (n == 0) {
      escape(out, c);
      ++i;
    } else if (n == 1) {
      if (c < 0x20 || c == 0x7f) escape(out, c);
      else if (c == '\\') out += "\\\\";
      else out += static_cast<char>(c);
      ++i;
    } else if (n == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0) {
      escape(out, c);  // C1 controls (U+0080..U+009F): some terminals act on them
      escape(out, static_cast<unsigned char>(s[i + 1]));
      i += 2;
    } else {
      out.append(s.substr(i, n));
      i += n;
    }
  }
  return out;
}

}  // namespace gridctl
