// axis: parsing of axis value forms and lazy computation of their values.
#include "axis.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>
#include <set>

#include "number_format.hpp"
#include "shell_quote.hpp"
#include "text_file.hpp"

namespace gridctl {

axis axis::from_list(std::string name, std::vector<std::string> values) {
  axis a;
  a.name_ = std::move(name);
  a.kind_ = form::list;
  a.size_ = values.size();
  a.list_ = std::move(values);
  return a;
}

axis axis::from_range(std::string name, std::int64_t start, std::int64_t stop, std::int64_t step) {
  axis a;
  a.name_ = std::move(name);
  a.kind_ = form::range;
  a.istart_ = start;
  a.istep_ = step;
  // Python's len(range(start, stop, step)), computed without overflow in unsigned arithmetic.
  if (step > 0 && start < stop)
    a.size_ = (static_cast<std::uint64_t>(stop) - static_cast<std::uint64_t>(start) - 1) /
                  static_cast<std::uint64_t>(step) + 1;
  else if (step < 0 && start > stop)
    a.size_ = (static_cast<std::uint64_t>(start) - static_cast<std::uint64_t>(stop) - 1) /
                  (0 - static_cast<std::uint64_t>(step)) + 1;
  return a;
}

axis axis::from_linspace(std::string name, double start, double stop, std::uint64_t num) {
  axis a;
  a.name_ = std::move(name);
  a.kind_ = form::linspace;
  a.start_ = start;
  a.stop_ = stop;
  a.size_ = num;
  return a;
}

axis axis::from_logspace(std::string name, double start, double stop, std::uint64_t num,
                         double base) {
  axis a = from_linspace(std::move(name), start, stop, num);
  a.kind_ = form::logspace;
  a.base_ = base;
  return a;
}

double axis::real_value(std::uint64_t i) const {
  // numpy.linspace: start + i * step, and the last value is exactly stop.
  double x = start_;
  if (size_ > 1) {
    if (i + 1 == size_) x = stop_;
    else x = start_ + static_cast<double>(i) * ((stop_ - start_) / static_cast<double>(size_ - 1));
  }
  return kind_ == form::logspace ? std::pow(base_, x) : x;
}

std::string axis::value(std::uint64_t i) const {
  switch (kind_) {
    case form::list:
      return list_[i];
    case form::range:
      return format_integer(static_cast<std::int64_t>(static_cast<std::uint64_t>(istart_) +
                                                      i * static_cast<std::uint64_t>(istep_)));
    case form::linspace:
    case form::logspace:
      return format_number(real_value(i));
  }
  return {};
}

value_lengths axis::longest_value() const {
  value_lengths out;
  switch (kind_) {
    case form::list:
      for (const auto& v : list_) {
        out.raw = std::max(out.raw, v.size());
        out.quoted = std::max(out.quoted, shell_quoted_size(v));
      }
      break;
    case form::range:
      // The values are monotonic: the widest text (most digits, or a '-') is at one of the ends.
      if (size_ > 0) out.raw = std::max(value(0).size(), value(size_ - 1).size());
      out.quoted = out.raw;  // digits and '-' need no quotes
      break;
    case form::linspace:
    case form::logspace:
      // format_number writes at most 17 significant digits, a sign, a point and an exponent
      // ("-2.2250738585072014e-308"), none of which needs quotes.
      out.raw = out.quoted = 24;
      break;
  }
  return out;
}

std::optional<std::string> axis::first_quoted_value() const {
  if (kind_ != form::list) return std::nullopt;  // numbers never need quotes
  for (const auto& v : list_)
    if (shell_quoted_size(v) != v.size()) return v;
  return std::nullopt;
}

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

input_error err(std::string message) { return input_error{"", std::move(message)}; }

std::optional<double> to_double(std::string_view s) {
  double v = 0;
  auto res = std::from_chars(s.data(), s.data() + s.size(), v);
  if (res.ec != std::errc{} || res.ptr != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

std::optional<std::int64_t> to_int(std::string_view s) {
  std::int64_t v = 0;
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  auto res = std::from_chars(s.data(), s.data() + s.size(), v);
  if (res.ec != std::errc{} || res.ptr != s.data() + s.size()) return std::nullopt;
  return v;
}

bool is_identifier(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'))
      return false;
  return true;
}

/// Whether every bracket in `s` ((), [] and {}) is closed by its own kind, in order, outside
/// double quotes.
bool brackets_balanced(std::string_view s) {
  std::string open;
  bool quoted = false;
  for (char c : s) {
    if (c == '"') quoted = !quoted;
    if (quoted) continue;
    if (c == '(' || c == '[' || c == '{') open += c;
    char want = c == ')' ? '(' : c == ']' ? '[' : c == '}' ? '{' : 0;
    if (!want) continue;
    if (open.empty() || open.back() != want) return false;
    open.pop_back();
  }
  return open.empty();
}

parse_result<axis> parse_range(const std::string& name, const std::vector<std::string_view>& args) {
  if (args.empty() || args.size() > 3)
    return err("range takes 1 to 3 integer arguments: range(stop) or range(start, stop[, step])");
  std::int64_t v[3] = {0, 0, 1};
  for (std::size_t k = 0; k < args.size(); ++k) {
    auto x = to_int(args[k]);
    if (!x) return err("range: '" + std::string(args[k]) + "' is not an integer");
    v[k] = *x;
  }
  if (args.size() == 1) v[1] = v[0], v[0] = 0;
  if (v[2] == 0) return err("range: step must not be zero");
  return axis::from_range(name, v[0], v[1], v[2]);
}

parse_result<axis> parse_space(const std::string& name, std::string_view form,
                               const std::vector<std::string_view>& args) {
  bool log = form == "logspace";
  std::string usage = log ? "logspace(start, stop, num[, base])" : "linspace(start, stop, num)";
  if (args.size() < 3 || args.size() > (log ? 4u : 3u))
    return err(std::string(form) + " takes " + (log ? "3 or 4" : "3") + " arguments: " + usage);
  auto start = to_double(args[0]);
  auto stop = to_double(args[1]);
  if (!start) return err(std::string(form) + ": start '" + std::string(args[0]) + "' is not a number");
  if (!stop) return err(std::string(form) + ": stop '" + std::string(args[1]) + "' is not a number");
  auto num = to_int(args[2]);
  if (!num || *num < 0)
    return err(std::string(form) + ": num '" + std::string(args[2]) + "' is not a count (an integer >= 0)");
  double base = 10;
  if (args.size() == 4) {
    auto b = to_double(args[3]);
    if (!b || *b <= 0) return err("logspace: base '" + std::string(args[3]) + "' is not a positive number");
    base = *b;
  }
  if (*num > 1 && *start == *stop)
    return err(std::string(form) + ": start and stop are equal, so all " + std::string(args[2]) + " values would be the same");
  if (*num > 1 && log && base == 1) return err("logspace: base 1 makes every value 1");
  axis a = log ? axis::from_logspace(name, *start, *stop, static_cast<std::uint64_t>(*num), base)
               : axis::from_linspace(name, *start, *stop, static_cast<std::uint64_t>(*num));
  // Both ends bound every value in between; a non-finite end would reach the command as "inf".
  if (a.size() > 0 && (!std::isfinite(a.real_value(0)) || !std::isfinite(a.real_value(a.size() - 1))))
    return err(std::string(form) + ": values overflow a double");
  // The values are monotonic, so equal texts (steps below a double's precision) are neighbours.
  // Checked up to a million values; beyond that a sweep this fine-grained is not plausible.
  for (std::uint64_t i = 1; i < std::min<std::uint64_t>(a.size(), 1000000); ++i)
    if (a.value(i) == a.value(i - 1))
      return err(std::string(form) + ": the step is too small, values " + std::to_string(i - 1) + " and " +
                 std::to_string(i) + " are both " + a.value(i));
  return a;
}

parse_result<axis> parse_lines(const std::string& name, const std::vector<std::string_view>& args,
                               const std::filesystem::path& base_dir) {
  if (args.size() != 1) return err("lines takes one argument: lines(FILE)");
  std::string_view file = args[0];
  if (file.size() >= 2 && file.front() == '"' && file.back() == '"') file = file.substr(1, file.size() - 2);
  std::filesystem::path path = base_dir / std::filesystem::path(std::string(file));
  auto text = read_text_file(path, {lines_max_bytes, lines_max_line});
  if (!text) return err("lines: cannot read '" + path.string() + "': " + text.error().message);
  std::vector<std::string> values;
  std::string_view rest = *text;
  while (!rest.empty()) {
    std::size_t nl = rest.find('\n');
    std::string_view v = trim(rest.substr(0, nl));
    if (!v.empty()) values.emplace_back(v);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  }
  return axis::from_list(name, std::move(values));
}

std::optional<std::string> first_duplicate(const axis& a) {
  std::set<std::string> seen;
  for (std::uint64_t i = 0; i < a.size(); ++i)
    if (!seen.insert(a.value(i)).second) return a.value(i);
  return std::nullopt;
}

/// The comma-separated arguments of a form, trimmed; none for `()`.
std::vector<std::string_view> split_args(std::string_view inside) {
  std::vector<std::string_view> args;
  if (trim(inside).empty()) return args;
  std::size_t pos = 0;
  while (true) {
    std::size_t comma = inside.find(',', pos);
    args.push_back(trim(inside.substr(pos, comma == std::string_view::npos ? comma : comma - pos)));
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return args;
}

/// `B**range(...)` or `B**linspace(...)` (numpy habits) is no form, and as a list it would split
/// at its commas: the error shows the logspace with the same values. Nothing for other texts.
std::optional<input_error> power_form_error(const std::string& name, std::string_view text) {
  std::size_t pow = text.find("**");
  if (pow == std::string_view::npos) return std::nullopt;
  std::string_view base_text = trim(text.substr(0, pow));
  std::string_view rest = trim(text.substr(pow + 2));
  auto base = to_double(base_text);
  std::size_t paren = rest.find('(');
  if (!base || *base <= 0 || paren == std::string_view::npos || rest.back() != ')') return std::nullopt;
  std::string_view form = trim(rest.substr(0, paren));
  if (form != "range" && form != "linspace") return std::nullopt;
  auto args = split_args(rest.substr(paren + 1, rest.size() - paren - 2));
  auto exponents = form == "range" ? parse_range(name, args) : parse_space(name, form, args);
  const std::string what = "'" + std::string(text) + "' is not a form";
  if (!exponents) return err(what + ", and " + exponents.error().message);
  if (exponents->size() == 0) return err(what + ", and its " + std::string(form) + " has no values");
  const std::uint64_t n = exponents->size();
  // range's last value is not its stop: logspace takes the last exponent itself.
  std::string first = form == "range" ? exponents->value(0) : std::string(args[0]);
  std::string last = form == "range" ? exponents->value(n - 1) : std::string(args[1]);
  std::string base_arg = *base == 10 ? "" : ", " + std::string(base_text);
  return err(what + ": write '" + name + " = logspace(" + first + ", " + last + ", " + std::to_string(n) +
             base_arg + ")' for the same values");
}

/// The list inside brackets that wrap the whole text (`[1, 2, 3]`), or nothing.
std::optional<std::string_view> bracketed_list(std::string_view text) {
  if (text.size() < 2) return std::nullopt;
  const std::string_view pairs[] = {"[]", "()", "{}"};
  bool wrapped = false;
  for (auto p : pairs) wrapped = wrapped || (text.front() == p[0] && text.back() == p[1]);
  std::string_view inner = trim(text.substr(1, text.size() - 2));
  if (!wrapped || inner.empty() || !brackets_balanced(inner)) return std::nullopt;
  return inner;
}

}  // namespace

parse_result<std::vector<std::string>> split_list(std::string_view text) {
  std::vector<std::string> items;
  std::size_t i = 0, n = text.size();
  while (true) {
    while (i < n && (text[i] == ' ' || text[i] == '\t')) ++i;
    std::string item;
    if (i < n && text[i] == '"') {
      // Quoted item: everything up to the closing quote; \" and \\ escape.
      ++i;
      bool closed = false;
      while (i < n) {
        char c = text[i++];
        if (c == '\\' && i < n && (text[i] == '"' || text[i] == '\\')) item += text[i++];
        else if (c == '"') { closed = true; break; }
        else item += c;
      }
      if (!closed) return err("unterminated double quote in list");
      while (i < n && (text[i] == ' ' || text[i] == '\t')) ++i;
      if (i < n && text[i] != ',')
        return err("unexpected text after closing quote: '" + std::string(text.substr(i)) + "'");
    } else {
      std::size_t start = i;
      while (i < n && text[i] != ',') {
        if (text[i] == '"') return err("a double quote must start a list item: '" + std::string(text) + "'");
        ++i;
      }
      item = std::string(trim(text.substr(start, i - start)));
      if (item.empty()) return err("empty value in list (write \"\" for an empty string)");
      if (!brackets_balanced(item))
        return err("'" + item + "' opens or closes a bracket that another item closes or opens: commas " +
                   "separate items even inside brackets; quote the value (\"" + std::string(text) +
                   "\") to pass it as one text");
      std::size_t paren = item.find('(');
      if (paren != std::string::npos && paren > 0 && is_identifier(trim(std::string_view(item).substr(0, paren))))
        return err("'" + item + "' looks like a form inside a list: a form must be the whole value; " +
                   "quote it (\"" + item + "\") to pass it as text");
    }
    items.push_back(std::move(item));
    if (i >= n) break;
    ++i;  // the comma
  }
  return items;
}

parse_result<axis> parse_axis(const std::string& name, std::string_view text,
                              const std::filesystem::path& base_dir) {
  if (!is_identifier(name))
    return err("axis name '" + name + "' must be letters, digits and _, not starting with a digit");
  text = trim(text);
  if (text.empty()) return err("axis '" + name + "' has no values");

  // word(...) is a form; anything else is a list.
  std::size_t paren = text.find('(');
  if (paren != std::string_view::npos && paren > 0 && text.back() == ')' &&
      is_identifier(trim(text.substr(0, paren)))) {
    std::string_view form = trim(text.substr(0, paren));
    std::string_view inside = text.substr(paren + 1, text.size() - paren - 2);
    std::vector<std::string_view> args = split_args(inside);
    parse_result<axis> result = err("");
    if (form == "range") result = parse_range(name, args);
    else if (form == "linspace" || form == "logspace") result = parse_space(name, form, args);
    else if (form == "lines") result = parse_lines(name, args, base_dir);
    else
      return err("unknown form '" + std::string(form) +
                 "(...)': use range, linspace, logspace or lines, or quote the value to pass it as text");
    if (result && result->size() == 0) return err("axis '" + name + "' has no values (" + std::string(text) + ")");
    if (result && form == "lines") {
      if (auto dup = first_duplicate(*result)) return err("axis '" + name + "' lists '" + *dup + "' twice");
    }
    return result;
  }

  if (auto e = power_form_error(name, text)) return *e;
  auto items = split_list(text);
  if (!items) {
    if (auto inner = bracketed_list(text))
      return err("a list is written without brackets: write '" + name + " = " + std::string(*inner) + "'");
    return items.error();
  }
  axis a = axis::from_list(name, std::move(*items));
  // Two equal values would be one point twice, with one point id.
  if (auto dup = first_duplicate(a)) return err("axis '" + name + "' lists '" + *dup + "' twice");
  return a;
}

}  // namespace gridctl
