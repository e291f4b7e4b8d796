// sweep_status: the status model, its ETA, its JSON form and its lines for people.
#include "sweep_status.hpp"

#include <algorithm>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cmath>
#include <cstdio>
#include <ctime>

#include "json_text.hpp"
#include "number_format.hpp"
#include "plural.hpp"
#include "shell_quote.hpp"

namespace gridctl {

void eta_estimator::attempt_ended(double duration_s) {
  sum_s_ += std::max(duration_s, 0.0);
  ++ended_;
}

std::optional<double> eta_estimator::seconds_left(std::uint64_t pending, const std::vector<running_job>& running,
                                                  std::size_t slots) const {
  if (pending == 0 && running.empty()) return 0.0;
  if (ended_ == 0 || slots == 0) return std::nullopt;
  const double mean = sum_s_ / static_cast<double>(ended_);
  double work = static_cast<double>(pending) * mean, longest = 0;
  for (const auto& j : running) {
    double left = std::max(mean - j.elapsed_s, 0.0);
    work += left;
    longest = std::max(longest, left);
  }
  // Fewer points left than slots: only that many slots are busy.
  double parallel = static_cast<double>(std::min<std::uint64_t>(slots, pending + running.size()));
  return std::max(work / parallel, longest);
}

sweep_status make_status(const sweep_counts& c, std::vector<running_job> running, const eta_estimator& eta,
                         double elapsed_s) {
  sweep_status s;
  s.running = true;
  s.total = c.total;
  s.ok = c.ok;
  s.failed = c.failed;
  s.jobs_running = running.size();
  std::uint64_t accounted = c.ok + c.failed + running.size();
  s.pending = c.total > accounted ? c.total - accounted : 0;
  s.workers = c.workers;
  s.slots = c.slots;
  s.jobs_per_s = elapsed_s > 0 ? static_cast<double>(eta.ended()) / elapsed_s : 0;
  s.eta_s = eta.seconds_left(s.pending, running, c.slots);
  std::stable_sort(running.begin(), running.end(),
                   [](const running_job& a, const running_job& b) { return a.elapsed_s > b.elapsed_s; });
  if (running.size() > max_listed_jobs) running.resize(max_listed_jobs);
  s.jobs = std::move(running);
  return s;
}

// ---- JSON ---------------------------------------------------------------------------------

namespace {

namespace json = boost::json;

/// Seconds to the millisecond: a status is read by people, and 17 digits say nothing more.
std::string seconds_text(double s) { return format_number(std::round(s * 1000) / 1000); }

void append_key(std::string& out, const char* key) {
  if (out.size() > 1) out += ", ";
  out += '"';
  out += key;
  out += "\": ";
}

void append_string_field(std::string& out, const char* key, std::string_view value) {
  append_key(out, key);
  append_json_string(out, value);
}

void append_job(std::string& out, const running_job& j) {
  out += "{\"point\": \"" + format_point_id(j.point) + "\", \"params\": {";
  for (std::size_t i = 0; i < j.params.size(); ++i) {
    if (i) out += ", ";
    append_json_string(out, j.params[i].first);
    out += ": ";
    if (is_json_number(j.params[i].second)) out += j.params[i].second;
    else append_json_string(out, j.params[i].second);
  }
  out += "}, \"attempt\": " + std::to_string(j.attempt) + ", \"worker\": ";
  append_json_string(out, j.worker);
  out += ", \"elapsed_s\": " + seconds_text(j.elapsed_s) + "}";
}

}  // namespace

std::string format_status_json(const sweep_status& s, const std::vector<std::pair<std::string, std::string>>& extra) {
  std::string out = "{";
  append_key(out, "gridctl_status");
  out += std::to_string(status_format_version);
  append_key(out, "running");
  out += s.running ? "true" : "false";
  append_string_field(out, "sweep", s.sweep);
  append_string_field(out, "results", s.results);
  append_string_field(out, "host", s.host);
  append_key(out, "pid");
  out += std::to_string(s.pid);
  append_string_field(out, "started", s.started);
  append_string_field(out, "updated", s.updated);
  const std::pair<const char*, std::uint64_t> counts[] = {
      {"total", s.total}, {"ok", s.ok}, {"failed", s.failed}, {"pending", s.pending},
      {"jobs_running", s.jobs_running}, {"workers", s.workers}, {"slots", s.slots}};
  for (const auto& [key, n] : counts) {
    append_key(out, key);
    out += std::to_string(n);
  }
  append_key(out, "jobs_per_s");
  out += format_number(std::round(s.jobs_per_s * 1000) / 1000);
  append_key(out, "eta_s");
  out += s.eta_s ? seconds_text(*s.eta_s) : "null";
  append_key(out, "jobs");
  out += "[";
  for (std::size_t i = 0; i < s.jobs.size(); ++i) {
    if (i) out += ", ";
    append_job(out, s.jobs[i]);
  }
  out += "]";
  for (const auto& [key, value] : extra) {
    append_key(out, key.c_str());
    out += value;
  }
  out += "}\n";
  return out;
}

namespace {

/// Reads fields of one object, remembering the first that is missing or of the wrong type.
class field_reader {
 public:
  explicit field_reader(const json::object& o) : o_(o) {}

  std::uint64_t count(const char* key) {
    const json::value* v = o_.if_contains(key);
    if (v && v->is_uint64()) return v->get_uint64();
    if (v && v->is_int64() && v->get_int64() >= 0) return static_cast<std::uint64_t>(v->get_int64());
    wrong(key, "a count");
    return 0;
  }
  double number(const char* key) {
    const json::value* v = o_.if_contains(key);
    if (v && v->is_number()) return v->to_number<double>();
    wrong(key, "a number");
    return 0;
  }
  std::optional<double> number_or_null(const char* key) {
    const json::value* v = o_.if_contains(key);
    if (v && v->is_null()) return std::nullopt;
    return number(key);
  }
  std::string text(const char* key) {
    const json::value* v = o_.if_contains(key);
    if (v && v->is_string()) return std::string(v->get_string());
    wrong(key, "a string");
    return std::string();
  }
  bool flag(const char* key) {
    const json::value* v = o_.if_contains(key);
    if (v && v->is_bool()) return v->get_bool();
    wrong(key, "true or false");
    return false;
  }
  const json::array* list(const char* key) {
    const json::value* v = o_.if_contains(key);
    if (v && v->is_array()) return &v->get_array();
    wrong(key, "a list");
    return nullptr;
  }
  const json::object* object(const char* key) {
    const json::value* v = o_.if_contains(key);
    if (v && v->is_object()) return &v->get_object();
    wrong(key, "an object");
    return nullptr;
  }
  const std::string& problem() const { return problem_; }

 private:
  void wrong(const char* key, const char* what) {
    if (problem_.empty()) problem_ = std::string("\"") + key + "\" is not " + what;
  }
  const json::object& o_;
  std::string problem_;
};

std::string value_text(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_int64()) return format_integer(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  if (v.is_double()) return format_number(v.get_double());
  return json::serialize(v);
}

/// One entry of "jobs"; an error message in `problem` when it is malformed.
running_job read_job(const json::value& v, std::string& problem) {
  running_job j;
  if (!v.is_object()) {
    problem = "an entry of \"jobs\" is not an object";
    return j;
  }
  field_reader f(v.get_object());
  auto id = parse_point_id(f.text("point"));
  if (!id && problem.empty()) problem = "a job's \"point\" is not a point id";
  j.point = id.value_or(0);
  j.attempt = static_cast<int>(f.count("attempt"));
  j.worker = f.text("worker");
  j.elapsed_s = f.number("elapsed_s");
  if (const json::object* params = f.object("params"))
    for (const auto& kv : *params) j.params.emplace_back(std::string(kv.key()), value_text(kv.value()));
  if (problem.empty() && !f.problem().empty()) problem = "a job's " + f.problem();
  return j;
}

}  // namespace

parse_result<sweep_status> parse_status_json(std::string_view text, const std::string& origin) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object() || !v.get_object().contains("gridctl_status"))
    return input_error{origin, "not a gridctl status file"};
  const json::object& o = v.get_object();
  field_reader f(o);
  if (f.count("gridctl_status") != static_cast<std::uint64_t>(status_format_version))
    return input_error{origin, "a status file of another gridctl version (format " +
                                   json::serialize(o.at("gridctl_status")) + ", this gridctl reads " +
                                   std::to_string(status_format_version) + ")"};
  sweep_status s;
  s.running = f.flag("running");
  s.sweep = f.text("sweep");
  s.results = f.text("results");
  s.host = f.text("host");
  s.pid = static_cast<std::int64_t>(f.count("pid"));
  s.started = f.text("started");
  s.updated = f.text("updated");
  s.total = f.count("total");
  s.ok = f.count("ok");
  s.failed = f.count("failed");
  s.pending = f.count("pending");
  s.jobs_running = f.count("jobs_running");
  s.workers = f.count("workers");
  s.slots = f.count("slots");
  s.jobs_per_s = f.number("jobs_per_s");
  s.eta_s = f.number_or_null("eta_s");
  std::string problem = f.problem();
  if (const json::array* jobs = f.list("jobs"))
    for (const auto& j : *jobs) s.jobs.push_back(read_job(j, problem));
  if (problem.empty()) problem = f.problem();
  if (!problem.empty()) return input_error{origin, "malformed status file: " + problem};
  return s;
}

std::optional<std::chrono::system_clock::time_point> parse_utc(std::string_view text) {
  std::tm tm{};
  int ms = 0, used = 0;
  std::string z(text);
  if (std::sscanf(z.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3dZ%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &tm.tm_sec, &ms, &used) != 7 ||
      static_cast<std::size_t>(used) != z.size())
    return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  std::time_t secs = ::timegm(&tm);
  if (secs == static_cast<std::time_t>(-1)) return std::nullopt;
  return std::chrono::system_clock::from_time_t(secs) + std::chrono::milliseconds(ms);
}

// ---- text for people ----------------------------------------------------------------------

std::string describe_params(const std::vector<std::pair<std::string, std::string>>& params) {
  std::string out;
  for (const auto& [name, value] : params) out += (out.empty() ? "" : " ") + name + "=" + shell_quote(value);
  return out;
}

std::string format_seconds(double s) {
  char buf[64];
  if (s < 10) std::snprintf(buf, sizeof buf, "%.1fs", std::max(s, 0.0));
  else if (s < 60) std::snprintf(buf, sizeof buf, "%.0fs", s);
  else if (s < 3600) std::snprintf(buf, sizeof buf, "%dm %02ds", static_cast<int>(s / 60), static_cast<int>(s) % 60);
  else if (s < 86400 * 100)
    std::snprintf(buf, sizeof buf, "%dh %02dm", static_cast<int>(s / 3600), static_cast<int>(s / 60) % 60);
  else std::snprintf(buf, sizeof buf, "%.0fd", s / 86400);
  return buf;
}

std::string format_eta(const std::optional<double>& eta_s) {
  return eta_s ? "ETA " + format_seconds(*eta_s) : std::string("ETA unknown");
}

std::string format_rate(double per_s) {
  char buf[64];
  if (per_s >= 1000) std::snprintf(buf, sizeof buf, "%.1fk", per_s / 1000);
  else if (per_s >= 10) std::snprintf(buf, sizeof buf, "%.0f", per_s);
  else if (per_s >= 1) std::snprintf(buf, sizeof buf, "%.1f", per_s);
  else std::snprintf(buf, sizeof buf, "%.2f", per_s);
  return buf;
}

std::string format_progress(const sweep_status& s) {
  std::uint64_t done = s.ok + s.failed;
  char percent[16];
  std::snprintf(percent, sizeof percent, "%.0f%%",
                s.total ? 100.0 * static_cast<double>(done) / static_cast<double>(s.total) : 100.0);
  return "[" + std::to_string(done) + "/" + std::to_string(s.total) + "] " + percent + "  ok " +
         std::to_string(s.ok) + "  failed " + std::to_string(s.failed) + "  running " +
         std::to_string(s.jobs_running) + "  " + counted(s.workers, "worker") + ", " + counted(s.slots, "slot") +
         "  " + format_rate(s.jobs_per_s) + " jobs/s  " + format_eta(s.eta_s);
}

}  // namespace gridctl
