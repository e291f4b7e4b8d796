// command_template: parsing placeholders, rendering commands, spotting quoted placeholders.
#include "command_template.hpp"

#include <algorithm>

#include "shell_quote.hpp"

namespace gridctl {

parse_result<command_template> command_template::parse(const std::string& text,
                                                       const std::vector<std::string>& axis_names) {
  command_template t;
  t.text_ = text;
  std::string literal;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '{' && i + 1 < text.size() && text[i + 1] == '{') {
      literal += '{', ++i;
    } else if (c == '}' && i + 1 < text.size() && text[i + 1] == '}') {
      literal += '}', ++i;
    } else if (c == '}') {
      return input_error{"", "single '}' in command: write '}}' for a literal brace"};
    } else if (c == '{') {
      std::size_t close = text.find('}', i);
      if (close == std::string::npos)
        return input_error{"", "unclosed '{' in command: write '{{' for a literal brace"};
      std::string name = text.substr(i + 1, close - i - 1);
      auto it = std::find(axis_names.begin(), axis_names.end(), name);
      if (it == axis_names.end())
        return input_error{"", "placeholder {" + name + "} names no axis in [params]" +
                                   " (write {{ and }} for literal braces)"};
      if (!literal.empty()) t.parts_.push_back({std::move(literal), -1}), literal.clear();
      t.parts_.push_back({"", static_cast<int>(it - axis_names.begin())});
      i = close;
    } else {
      literal += c;
    }
  }
  if (!literal.empty()) t.parts_.push_back({std::move(literal), -1});
  return t;
}

std::string command_template::render(const std::vector<std::string>& values) const {
  std::string out;
  for (const auto& p : parts_) {
    if (p.axis < 0) out += p.literal;
    else out += shell_quote(values[static_cast<std::size_t>(p.axis)]);
  }
  return out;
}

bool command_template::uses_axis(int axis) const {
  for (const auto& p : parts_)
    if (p.axis == axis) return true;
  return false;
}

std::size_t command_template::longest_render(const std::vector<std::size_t>& longest_quoted) const {
  std::size_t n = 0;
  for (const auto& p : parts_) n += p.axis < 0 ? p.literal.size() : longest_quoted[static_cast<std::size_t>(p.axis)];
  return n;
}

namespace {

/// /bin/sh's quoting state along a command's literal text: none, inside '...' or inside "...".
struct shell_quote_state {
  char quote = 0;            // 0, '\'' or '"'
  bool opened_last = false;  // whether the last character fed opened the current quotes
  bool escaped = false;      // a backslash outside single quotes escapes the next character

  void feed(char c) {
    opened_last = false;
    if (escaped) {
      escaped = false;
    } else if (c == '\\' && quote != '\'') {
      escaped = true;
    } else if (quote == 0 && (c == '\'' || c == '"')) {
      quote = c;
      opened_last = true;
    } else if (c == quote) {
      quote = 0;
    }
  }
};

}  // namespace

std::vector<command_template::quoted_placeholder> command_template::quoted_placeholders() const {
  std::vector<quoted_placeholder> out;
  shell_quote_state state;
  for (std::size_t k = 0; k < parts_.size(); ++k) {
    const part& p = parts_[k];
    if (p.axis < 0) {
      for (char c : p.literal) state.feed(c);
      continue;
    }
    // Only a placeholder that is the whole quoted word: "--x={v}" or sh -c "echo {v}" are
    // deliberate (the value is quoted again for the inner shell).
    bool closes = k + 1 < parts_.size() && parts_[k + 1].axis < 0 && parts_[k + 1].literal.front() == state.quote;
    if (state.quote != 0 && state.opened_last && closes) out.push_back({p.axis, state.quote});
    state.opened_last = false;
  }
  return out;
}

}  // namespace gridctl
