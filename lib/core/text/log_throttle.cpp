// log_throttle: collapsing alike log lines.
#include "log_throttle.hpp"

#include <cctype>

namespace gridctl {

namespace {
bool is_word_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }
bool is_hex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }
bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
}  // namespace

std::string log_throttle::kind_of(std::string_view line) {
  std::string out;
  out.reserve(line.size());
  std::size_t i = 0;
  while (i < line.size()) {
    if (!is_word_char(line[i])) {
      out += line[i++];
      continue;
    }
    std::size_t j = i;
    while (j < line.size() && (is_word_char(line[j]) || (line[j] == '.' && j + 1 < line.size() && is_digit(line[j + 1]))))
      ++j;
    std::string_view word = line.substr(i, j - i);
    bool number = true, hex = word.size() == 16;
    for (char c : word) {
      number = number && (is_digit(c) || c == '.');
      hex = hex && is_hex(c);
    }
    // Only whole words: "node07" stays itself, so that workers are still told apart.
    out += number || hex ? std::string_view("#") : word;
    i = j;
  }
  return out;
}

bool log_throttle::admit(std::string_view line, std::string_view kind_text) {
  std::string k = kind_of(kind_text);
  auto it = kinds_.find(k);
  if (it == kinds_.end()) {
    if (kinds_.size() >= max_kinds_) k = "(other lines)";
    it = kinds_.try_emplace(std::move(k)).first;
  }
  kind& entry = it->second;
  if (entry.shown < per_kind_) {
    ++entry.shown;
    return true;
  }
  ++entry.held_back;
  entry.example = std::string(line);
  return false;
}

std::vector<std::string> log_throttle::summaries() {
  std::vector<std::string> out;
  for (auto& [k, entry] : kinds_) {
    if (entry.held_back == 0) continue;
    out.push_back("... " + std::to_string(entry.held_back) + " more like this: " + entry.example);
    entry.held_back = 0;
  }
  return out;
}

}  // namespace gridctl
