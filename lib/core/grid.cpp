// grid: lazy Cartesian product, point ids, command templates.
#include "grid.hpp"

#include <algorithm>
#include <charconv>
#include <cstdio>

#include "shell_quote.hpp"

namespace gridctl {

std::string format_point_id(point_id id) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(id));
  return std::string(buf, 16);
}

std::optional<point_id> parse_point_id(std::string_view text) {
  if (text.size() != 16) return std::nullopt;
  point_id id = 0;
  auto res = std::from_chars(text.data(), text.data() + 16, id, 16);
  if (res.ec != std::errc{} || res.ptr != text.data() + 16) return std::nullopt;
  return id;
}

grid::grid(std::vector<axis> axes) : axes_(std::move(axes)) {
  size_ = axes_.empty() ? 0 : 1;
  for (const auto& a : axes_) size_ *= a.size();
  sorted_.resize(axes_.size());
  for (std::size_t i = 0; i < sorted_.size(); ++i) sorted_[i] = i;
  std::sort(sorted_.begin(), sorted_.end(),
            [&](std::size_t a, std::size_t b) { return axes_[a].name() < axes_[b].name(); });
}

std::vector<std::string> grid::axis_names() const {
  std::vector<std::string> names;
  for (const auto& a : axes_) names.push_back(a.name());
  return names;
}

std::vector<std::string> grid::values(std::uint64_t index) const {
  // Mixed-radix decomposition: the last axis varies fastest.
  std::vector<std::string> out(axes_.size());
  for (std::size_t k = axes_.size(); k-- > 0;) {
    std::uint64_t n = axes_[k].size();
    out[k] = axes_[k].value(index % n);
    index /= n;
  }
  return out;
}

point_id grid::id_of(const std::vector<std::string>& values) const {
  std::uint64_t h = 14695981039346656037ull;  // FNV-1a 64 offset basis
  auto feed = [&h](const std::string& s) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    h = (h ^ 0) * 1099511628211ull;  // the '\0' terminator
  };
  for (std::size_t k : sorted_) {
    feed(axes_[k].name());
    feed(values[k]);
  }
  // splitmix64 finalizer: FNV's low bits are weak; this spreads every input bit over all 64.
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
}

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

std::vector<std::pair<std::string, std::string>> job_environment(
    const grid& g, point_id id, int attempt, const std::vector<std::string>& values) {
  std::vector<std::pair<std::string, std::string>> env;
  env.emplace_back("GRIDCTL_POINT", format_point_id(id));
  env.emplace_back("GRIDCTL_ATTEMPT", std::to_string(attempt));
  for (std::size_t k = 0; k < g.axes().size(); ++k)
    env.emplace_back("GRIDCTL_P_" + g.axes()[k].name(), values[k]);
  return env;
}

}  // namespace gridctl
