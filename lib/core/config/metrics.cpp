// metrics: [metrics] parsing and metric extraction.
#include "metrics.hpp"

#include <charconv>
#include <cmath>

#include "number_format.hpp"

namespace gridctl {

bool is_metric_name(std::string_view name) {
  if (name.empty()) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!alpha(name[0])) return false;
  for (char c : name)
    if (!alpha(c) && !(c >= '0' && c <= '9') && c != '.' && c != '-') return false;
  return true;
}

namespace {

/// The rule of one entry, or an error message (without the FILE:LINE).
parse_result<metric_rule> parse_rule(const metric_entry& e) {
  if (!is_metric_name(e.name))
    return input_error{"", "bad metric name '" + e.name +
                               "' (letters, digits, _ . and -, starting with a letter or _)"};
  metric_rule r;
  r.name = e.name;
  r.line = e.line;
  std::string_view v = e.value;
  if (v.starts_with("stderr:")) {
    r.stream = metric_rule::stderr_stream;
    v.remove_prefix(7);
  } else if (v.starts_with("stdout:")) {
    v.remove_prefix(7);
  }
  if (v.size() < 2 || v.front() != '/' || v.back() != '/')
    return input_error{"", "metric '" + e.name + "' must be /REGEX/ or stderr:/REGEX/, not '" + e.value + "'"};
  r.pattern = std::string(v.substr(1, v.size() - 2));
  auto re = regex::compile(r.pattern);
  if (!re) return input_error{"", "metric '" + e.name + "': " + re.error().message};
  if (re->capture_count() != 1)
    return input_error{"", "metric '" + e.name + "': the regex must have exactly one capture group ( ), it has " +
                               std::to_string(re->capture_count()) + " (write (?: ) for a group that captures nothing)"};
  r.compiled = std::move(*re);
  return r;
}

void collect(const boost::json::value& v, const std::string& prefix, metric_values& out) {
  auto put = [&](double x) {
    if (std::isfinite(x)) out[prefix] = x;
  };
  switch (v.kind()) {
    case boost::json::kind::int64: put(static_cast<double>(v.get_int64())); break;
    case boost::json::kind::uint64: put(static_cast<double>(v.get_uint64())); break;
    case boost::json::kind::double_: put(v.get_double()); break;
    case boost::json::kind::object:
      for (const auto& kv : v.get_object()) {
        std::string key(kv.key());
        collect(kv.value(), prefix.empty() ? key : prefix + "." + key, out);
      }
      break;
    default: break;  // strings, booleans, arrays, null: not metrics
  }
}

}  // namespace

parse_result<std::vector<metric_rule>> parse_metric_rules(const std::vector<metric_entry>& entries,
                                                          const std::string& fname) {
  std::vector<metric_rule> rules;
  for (const auto& e : entries) {
    auto r = parse_rule(e);
    if (!r) return input_error{fname + ":" + std::to_string(e.line), r.error().message};
    rules.push_back(std::move(*r));
  }
  return rules;
}

std::optional<double> read_metric_number(std::string_view t) {
  std::size_t b = t.find_first_not_of(" \t\r\n");
  if (b == std::string_view::npos) return std::nullopt;
  t = t.substr(b, t.find_last_not_of(" \t\r\n") + 1 - b);
  if (t.starts_with('+')) t.remove_prefix(1);
  double x = 0;
  auto res = std::from_chars(t.data(), t.data() + t.size(), x, std::chars_format::general);
  if (res.ec != std::errc{} || res.ptr != t.data() + t.size() || !std::isfinite(x)) return std::nullopt;
  return x;
}

metric_values output_metrics(const boost::json::value& output) {
  metric_values out;
  if (output.is_object()) collect(output, "", out);
  else collect(output, "output", out);
  return out;
}

metric_values compute_metrics(const std::vector<metric_rule>& rules, std::string_view stdout_text,
                              std::string_view stderr_text, const std::optional<boost::json::value>& output) {
  metric_values out = output ? output_metrics(*output) : metric_values{};
  for (const auto& r : rules) {
    auto text = r.compiled.last_capture(r.stream == metric_rule::stderr_stream ? stderr_text : stdout_text);
    std::optional<double> x = text ? read_metric_number(*text) : std::nullopt;
    if (x) out[r.name] = *x;
    else out.erase(r.name);  // the rule decides its metric: no number, no metric
  }
  return out;
}

std::vector<std::string> missing_metrics(const std::vector<metric_rule>& rules, const metric_values& values) {
  std::vector<std::string> out;
  for (const auto& r : rules)
    if (!values.count(r.name)) out.push_back(r.name);
  return out;
}

std::string missing_metrics_error(const std::vector<std::string>& missing) {
  std::string names;
  for (const auto& m : missing) names += (names.empty() ? "" : ", ") + m;
  return std::string(missing.size() == 1 ? "metric " : "metrics ") + names +
         " not found in the output (require_metrics = true)";
}

std::vector<std::string> missing_metric_notes(const std::vector<std::pair<std::string, std::uint64_t>>& ok_without) {
  std::vector<std::string> out;
  for (const auto& [name, n] : ok_without) {
    if (n == 0) continue;
    out.push_back(std::to_string(n) + (n == 1 ? " ok point has no " : " ok points have no ") + name);
  }
  return out;
}

}  // namespace gridctl
