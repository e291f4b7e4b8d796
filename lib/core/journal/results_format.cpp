// results_format: header and record lines of the journal.
#include "results_format.hpp"

#include <boost/json/parser.hpp>
#include <cmath>
#include <ctime>
#include <type_traits>

#include "json_text.hpp"
#include "number_format.hpp"

namespace gridctl {

std::string format_utc(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  if (ms < 0 && ms % 1000 != 0) --secs;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  // Digits by hand: every record has a time, and snprintf was a visible part of the master's
  // cost per job (bench/README.md). libstdc++'s system_clock counts nanoseconds in 64 bits, so
  // its years (1677-2262) always have four digits.
  static_assert(std::is_same_v<system_clock::duration, nanoseconds>, "a year may not fit 4 digits");
  std::string text = "0000-00-00T00:00:00.000Z";
  auto put = [&](std::size_t end, int value) {  // right-aligned decimal digits ending before `end`
    for (std::size_t i = end; value > 0; value /= 10) text[--i] = static_cast<char>('0' + value % 10);
  };
  put(4, tm.tm_year + 1900);
  put(7, tm.tm_mon + 1);
  put(10, tm.tm_mday);
  put(13, tm.tm_hour);
  put(16, tm.tm_min);
  put(19, tm.tm_sec);
  put(23, static_cast<int>(((ms % 1000) + 1000) % 1000));
  return text;
}

std::string signal_name(int signal) {
  const char* abbrev = sigabbrev_np(signal);
  return abbrev ? std::string("SIG") + abbrev : "SIG" + std::to_string(signal);
}

std::string_view last_nonempty_line(std::string_view text) {
  std::size_t end = text.find_last_not_of(" \t\r\n");
  if (end == std::string_view::npos) return {};
  std::size_t start = text.rfind('\n', end);
  start = start == std::string_view::npos ? 0 : start + 1;
  return text.substr(start, end + 1 - start);
}

std::optional<boost::json::value> parse_job_output(std::string_view out) {
  if (auto whole = parse_json(out)) return whole;
  std::string_view last = last_nonempty_line(out);
  if (last.empty() || last.size() == out.size()) return std::nullopt;  // none, or the whole again
  return parse_json(last);
}

std::string format_header(const results_header& h) {
  std::string out = "{\"gridctl\": " + std::to_string(h.version) + ", \"sweep\": ";
  append_json_string(out, h.sweep);
  out += ", \"command\": ";
  append_json_string(out, h.command);
  out += ", \"axes\": [";
  for (std::size_t i = 0; i < h.axes.size(); ++i) {
    if (i) out += ", ";
    append_json_string(out, h.axes[i]);
  }
  out += "], \"created\": ";
  append_json_string(out, h.created);
  out += '}';
  return out;
}

std::string format_record(const attempt_record& r) {
  std::string out;
  out.reserve(256 + r.stdout_text.size() + r.stderr_text.size());
  out += "{\"point\": \"";
  out += format_point_id(r.point);
  out += "\", \"params\": {";
  for (std::size_t i = 0; i < r.params.size(); ++i) {
    if (i) out += ", ";
    append_json_string(out, r.params[i].first);
    out += ": ";
    // docs/results-file.md: JSON numbers where the text is a number (in JSON's own grammar), else strings.
    if (is_json_number(r.params[i].second)) out += r.params[i].second;
    else append_json_string(out, r.params[i].second);
  }
  out += "}, \"attempt\": ";
  out += std::to_string(r.attempt);
  out += ", \"status\": \"";
  out += to_string(r.status);
  out += "\", \"exit_code\": ";
  out += r.exit_code ? std::to_string(*r.exit_code) : "null";
  out += ", \"signal\": ";
  out += r.signal ? "\"" + signal_name(*r.signal) + "\"" : "null";
  out += ", \"worker\": ";
  append_json_string(out, r.worker);
  out += ", \"started\": \"";
  out += format_utc(r.started);
  out += "\", \"duration_s\": ";
  out += format_number(std::round(r.duration_s * 1000) / 1000);
  out += ", \"stdout\": ";
  append_json_string(out, r.stdout_text);
  out += ", \"stderr\": ";
  append_json_string(out, r.stderr_text);
  if (r.stdout_truncated) out += ", \"stdout_truncated\": true";
  if (r.stderr_truncated) out += ", \"stderr_truncated\": true";
  if (!r.uses_try) out += ", \"uses_try\": false";
  if (!r.error.empty()) {
    out += ", \"error\": ";
    append_json_string(out, r.error);
  }
  if (auto v = record_output(r)) {
    out += ", \"output\": ";
    append_json_value(out, *v);
  }
  out += ", \"metrics\": {";
  bool first = true;
  for (const auto& [name, x] : r.metrics) {
    if (!first) out += ", ";
    first = false;
    append_json_string(out, name);
    out += ": ";
    out += format_number(x);
  }
  out += "}}";
  return out;
}

std::optional<boost::json::value> record_output(const attempt_record& r) {
  return job_output(r.stdout_text, r.stdout_truncated, r.stdout_tail);
}

std::optional<boost::json::value> job_output(std::string_view stdout_text, bool stdout_truncated,
                                             std::string_view tail) {
  if (!stdout_truncated) return parse_job_output(stdout_text);
  // When stdout was cut, `output` comes from its tail; the tail's first line may be a fragment
  // (it starts anywhere), so only the complete lines after it count.
  std::size_t nl = tail.find('\n');
  std::string_view last = nl == std::string_view::npos ? std::string_view() : last_nonempty_line(tail.substr(nl + 1));
  if (last.empty()) return std::nullopt;
  return parse_json(last);
}

std::string read_header(const boost::json::value& v, results_header& h) {
  const auto* obj = v.if_object();
  const boost::json::value* version = obj ? obj->if_contains("gridctl") : nullptr;
  if (!version || !version->is_int64()) return "not a gridctl results file (line 1 is not a gridctl header)";
  if (version->get_int64() > results_format_version)
    return "written by a newer gridctl (results format " + std::to_string(version->get_int64()) +
           "; this gridctl reads format " + std::to_string(results_format_version) + ")";
  if (version->get_int64() < 1) return "unknown results format " + std::to_string(version->get_int64());
  h.version = static_cast<int>(version->get_int64());
  auto str = [&](const char* key) -> std::string {
    const auto* f = obj->if_contains(key);
    return f && f->is_string() ? std::string(f->get_string()) : std::string();
  };
  h.sweep = str("sweep");
  h.command = str("command");
  h.created = str("created");
  if (const auto* axes = obj->if_contains("axes"); axes && axes->is_array())
    for (const auto& a : axes->get_array())
      if (a.is_string()) h.axes.emplace_back(a.get_string());
  return {};
}

}  // namespace gridctl
