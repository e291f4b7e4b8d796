// shell_quote: single-quote values that /bin/sh would otherwise interpret.
#include "shell_quote.hpp"

namespace gridctl {

namespace {
bool is_safe(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  switch (c) {
    case '_': case '.': case ',': case ':': case '/': case '+': case '=': case '@': case '%': case '-':
      return true;
    default:
      return false;
  }
}

bool needs_no_quotes(std::string_view text) {
  bool safe = !text.empty();
  for (char c : text) safe = safe && is_safe(c);
  return safe;
}
}  // namespace

std::size_t shell_quoted_size(std::string_view text) {
  if (needs_no_quotes(text)) return text.size();
  std::size_t n = text.size() + 2;
  for (char c : text)
    if (c == '\'') n += 3;
  return n;
}

std::string shell_quote(std::string_view text) {
  if (needs_no_quotes(text)) return std::string(text);
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') out += "'\\''";
    else out += c;
  }
  out += '\'';
  return out;
}

}  // namespace gridctl
