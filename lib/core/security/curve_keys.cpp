// curve_keys: key files and authorized_workers as text; the permission rule for secret keys.
#include "curve_keys.hpp"

#include <cstdio>
#include <sys/stat.h>

#include "text_file.hpp"

namespace gridctl {

namespace {

constexpr std::string_view z85_alphabet =
    "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

/// Calls `line(number, text)` for each line that is neither blank nor a `#` comment; stops at
/// the first error it returns. Z85 has `#` in its alphabet, so only a line starting with `#` is
/// a comment.
template <class F>
std::optional<input_error> each_content_line(std::string_view text, F line) {
  int number = 0;
  while (!text.empty()) {
    ++number;
    auto nl = text.find('\n');
    std::string_view l = trim(text.substr(0, nl));
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (l.empty() || l.front() == '#') continue;
    if (auto e = line(number, l)) return e;
  }
  return std::nullopt;
}

std::string bad_key(std::string_view token) {
  return "not a CurveZMQ key: expected 40 characters of Z85 (as gridctl keygen writes), got " +
         std::to_string(token.size()) + " characters";
}

}  // namespace

bool is_z85_key(std::string_view text) {
  if (text.size() != z85_key_length) return false;
  for (char c : text)
    if (z85_alphabet.find(c) == std::string_view::npos) return false;
  return true;
}

parse_result<std::string> parse_key_file(std::string_view text, const std::string& file) {
  std::string key;
  auto e = each_content_line(text, [&](int n, std::string_view l) -> std::optional<input_error> {
    std::string where = file + ":" + std::to_string(n);
    if (!key.empty()) return input_error{where, "a second key: a key file holds one key"};
    if (!is_z85_key(l)) return input_error{where, bad_key(l)};
    key = l;
    return std::nullopt;
  });
  if (e) return *e;
  if (key.empty()) return input_error{file, "holds no key"};
  return key;
}

std::string format_key_file(std::string_view key, std::string_view comment) {
  return "# " + std::string(comment) + "\n" + std::string(key) + "\n";
}

parse_result<std::set<std::string>> parse_authorized_workers(std::string_view text, const std::string& file) {
  std::set<std::string> keys;
  auto e = each_content_line(text, [&](int n, std::string_view l) -> std::optional<input_error> {
    std::string_view token = l.substr(0, l.find_first_of(" \t"));
    if (!is_z85_key(token)) return input_error{file + ":" + std::to_string(n), bad_key(token)};
    keys.emplace(token);
    return std::nullopt;
  });
  if (e) return *e;
  return keys;
}

std::optional<std::string> secret_mode_problem(const std::filesystem::path& file, unsigned mode) {
  if ((mode & 077) == 0) return std::nullopt;
  char octal[8];
  std::snprintf(octal, sizeof octal, "%04o", mode & 07777);
  return "permissions " + std::string(octal) + " for the secret key " + file.string() +
         " are too open: others could read it and pose as this machine. Run: chmod 600 " + file.string();
}

parse_result<std::string> read_key_file(const std::filesystem::path& file, bool secret) {
  if (secret) {
    struct stat st {};
    if (::stat(file.c_str(), &st) == 0)
      if (auto problem = secret_mode_problem(file, st.st_mode)) return input_error{{}, *problem};
  }
  auto text = read_text_file(file, text_limits{64 << 10, 0});
  if (!text) return text.error();
  return parse_key_file(*text, file.string());
}

std::filesystem::path default_key_dir(const char* gridctl_keys, const char* home) {
  if (gridctl_keys && *gridctl_keys) return gridctl_keys;
  if (home && *home) return std::filesystem::path(home) / ".config" / "gridctl";
  return {};  // the caller says to set GRIDCTL_KEYS
}

}  // namespace gridctl
