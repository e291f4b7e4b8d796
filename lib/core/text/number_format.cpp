// number_format: Python-repr float formatting on top of std::to_chars' shortest round trip.
#include "number_format.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <system_error>

namespace gridctl {

std::string format_number(double x) {
  if (std::isnan(x)) return "nan";
  if (std::isinf(x)) return x < 0 ? "-inf" : "inf";
  if (x == 0) return "0";

  // Shortest round-trip digits in scientific form, e.g. "-2.5e-07": split it into sign,
  // digit string and decimal exponent, then lay the digits out as Python's repr would.
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, x, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<std::size_t>(res.ptr - buf));
  bool negative = sci.front() == '-';
  if (negative) sci.remove_prefix(1);
  std::size_t e_pos = sci.find('e');
  char digit_buf[32];  // at most 17 significant digits
  std::size_t n_digits = 0;
  for (char c : sci.substr(0, e_pos))
    if (c != '.') digit_buf[n_digits++] = c;
  std::string_view digits(digit_buf, n_digits);
  std::size_t e_digits = e_pos + 1 + (sci[e_pos + 1] == '+');  // from_chars takes '-' but not '+'
  int exponent = 0;
  std::from_chars(sci.data() + e_digits, sci.data() + sci.size(), exponent);

  // Views and one string (short ones need no heap): the master formats numbers for every record.
  std::string out;
  if (negative) out += '-';
  if (exponent >= -4 && exponent < 16) {
    int n = static_cast<int>(digits.size());
    if (exponent < 0) {
      out += "0.";
      out.append(static_cast<std::size_t>(-exponent - 1), '0');
      out += digits;
    } else if (exponent + 1 >= n) {
      out += digits;
      out.append(static_cast<std::size_t>(exponent + 1 - n), '0');
    } else {
      out += digits.substr(0, static_cast<std::size_t>(exponent + 1));
      out += '.';
      out += digits.substr(static_cast<std::size_t>(exponent + 1));
    }
    return out;
  }
  out += digits.substr(0, 1);
  if (digits.size() > 1) {
    out += '.';
    out += digits.substr(1);
  }
  out += exponent < 0 ? "e-" : "e+";
  int mag = std::abs(exponent);
  if (mag < 10) out += '0';
  out += std::to_string(mag);
  return out;
}

std::string format_rounded(double x, int digits) {
  if (!std::isfinite(x)) return format_number(x);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*g", digits, x);
  return format_number(std::strtod(buf, nullptr));
}

std::string format_integer(std::int64_t x) { return std::to_string(x); }

bool is_json_number(std::string_view t) {
  std::size_t i = 0, n = t.size();
  auto digit = [&](std::size_t k) { return k < n && t[k] >= '0' && t[k] <= '9'; };
  if (i < n && t[i] == '-') ++i;
  if (!digit(i)) return false;
  if (t[i] == '0') {
    ++i;
  } else {
    while (digit(i)) ++i;
  }
  if (i < n && t[i] == '.') {
    ++i;
    if (!digit(i)) return false;
    while (digit(i)) ++i;
  }
  if (i < n && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < n && (t[i] == '+' || t[i] == '-')) ++i;
    if (!digit(i)) return false;
    while (digit(i)) ++i;
  }
  return i == n;
}

}  // namespace gridctl
