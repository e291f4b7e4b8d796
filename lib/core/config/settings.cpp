// settings: the table, and a parser per kind of value.
#include "settings.hpp"

#include <charconv>

#include "config.hpp"
#include "byte_size.hpp"
#include "duration.hpp"

namespace gridctl {

namespace {

using apply_result = std::optional<std::string>;
namespace fs = std::filesystem;

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

/// A whole number from lo to hi, or what is wrong with it.
std::optional<int> whole_number(std::string_view text, int lo, int hi) {
  int n = 0;
  auto res = std::from_chars(text.data(), text.data() + text.size(), n);
  if (res.ec != std::errc{} || res.ptr != text.data() + text.size() || n < lo || n > hi) return std::nullopt;
  return n;
}

std::string number_problem(std::string_view what, int lo, int hi, std::string_view text) {
  return "must be " + std::string(what) + " from " + std::to_string(lo) + " to " + std::to_string(hi) + ", not " +
         quoted(text);
}

std::optional<duration> read_duration(std::string_view text, std::string& problem) {
  auto d = parse_duration(std::string(text));
  if (!d) problem = "bad duration " + quoted(text) + " (write a number and a unit: ms, s, m, h or d, e.g. 10m)";
  return d;
}

/// A whole number from lo to hi into `out`, or what is wrong ("must be a number of slots from ...").
apply_result set_number(std::string_view text, int lo, int hi, const char* what, int& out) {
  auto n = whole_number(text, lo, hi);
  if (!n) return number_problem(what, lo, hi, text);
  out = *n;
  return std::nullopt;
}

/// A duration of at least `least` into `out`, or what is wrong (`too_short` when under it).
apply_result set_duration(std::string_view text, duration least, const char* too_short, duration& out) {
  std::string problem;
  auto d = read_duration(text, problem);
  if (!d) return problem;
  if (*d < least) return std::string(too_short);
  out = *d;
  return std::nullopt;
}

apply_result not_empty(std::string_view text) {
  if (text.empty()) return std::string("is empty");
  return std::nullopt;
}

fs::path path_at(const fs::path& base, std::string_view text) { return (base / std::string(text)).lexically_normal(); }

// ---- one function per setting -------------------------------------------------------------

apply_result apply_name(std::string_view text, const fs::path&, sweep_config& cfg) {
  if (auto p = not_empty(text)) return p;
  cfg.name = text;
  return std::nullopt;
}

apply_result apply_workdir(std::string_view text, const fs::path& base, sweep_config& cfg) {
  if (auto p = not_empty(text)) return p;
  cfg.workdir = path_at(base, text);
  if (!cfg.workdir.has_filename() && cfg.workdir.has_relative_path()) cfg.workdir = cfg.workdir.parent_path();  // "dir/"
  return std::nullopt;
}

apply_result apply_results(std::string_view text, const fs::path& base, sweep_config& cfg) {
  if (auto p = not_empty(text)) return p;
  cfg.results = path_at(base, text);
  return std::nullopt;
}

apply_result apply_timeout(std::string_view text, const fs::path&, sweep_config& cfg) {
  duration d{};
  if (auto problem = set_duration(text, duration(1), "must be more than 0", d)) return problem;
  cfg.timeout = d;
  return std::nullopt;
}

apply_result apply_kill_grace(std::string_view text, const fs::path&, sweep_config& cfg) {
  return set_duration(text, duration(0), "", cfg.kill_grace);
}

apply_result apply_retries(std::string_view text, const fs::path&, sweep_config& cfg) {
  return set_number(text, 0, max_retries, "a whole number", cfg.retries);
}

apply_result apply_cores_per_job(std::string_view text, const fs::path&, sweep_config& cfg) {
  return set_number(text, 1, max_slots, "a number of cores", cfg.cores_per_job);
}

apply_result apply_output_limit(std::string_view text, const fs::path&, sweep_config& cfg) {
  auto n = parse_size(std::string(text));
  if (!n) return "bad size " + quoted(text) + " (e.g. 1M, 64K, 4096)";
  cfg.output_limit = *n;
  return std::nullopt;
}

apply_result apply_require_metrics(std::string_view text, const fs::path&, sweep_config& cfg) {
  if (text != "true" && text != "false") return "must be true or false, not " + quoted(text);
  cfg.require_metrics = text == "true";
  return std::nullopt;
}

apply_result apply_listen(std::string_view text, const fs::path&, sweep_config& cfg) {
  if (!is_endpoint(text)) return "must be a ZeroMQ endpoint such as tcp://*:5555, not " + quoted(text);
  cfg.listen = text;
  return std::nullopt;
}

apply_result apply_local(std::string_view text, const fs::path&, sweep_config& cfg) {
  if (text == "auto") {
    cfg.local.reset();
    return std::nullopt;
  }
  auto n = whole_number(text, 0, max_slots);
  if (!n) return "must be auto or a number of slots from 0 to " + std::to_string(max_slots) + ", not " + quoted(text);
  cfg.local = *n;
  return std::nullopt;
}

apply_result apply_heartbeat(std::string_view text, const fs::path&, sweep_config& cfg) {
  return set_duration(text, duration(10), "must be at least 10ms", cfg.heartbeat);
}

apply_result apply_max_slots(std::string_view text, const fs::path&, sweep_config& cfg) {
  return set_number(text, 1, max_slots, "a number of slots", cfg.max_worker_slots);
}

apply_result apply_auth(std::string_view text, const fs::path&, sweep_config& cfg) {
  auto mode = parse_auth_mode(text);
  if (!mode) return "must be auto, curve or none, not " + quoted(text);
  cfg.auth = *mode;
  return std::nullopt;
}

// clang-format off
const setting table[] = {
  {"sweep", "name",            false, "NAME",     "the sweep's name (default: the config file's stem)", apply_name},
  {"sweep", "workdir",         false, "DIR",      "where jobs run, relative to the config's folder (default: that folder)", apply_workdir},
  {"sweep", "results",         true,  "FILE",     "results file (JSON Lines; default: NAME.jsonl beside the config)", apply_results},
  {"sweep", "timeout",         true,  "DURATION", "per attempt, e.g. 10m (units ms s m h d; default: none)", apply_timeout},
  {"sweep", "retries",         true,  "N",        "extra attempts after failed/timeout (default 0)", apply_retries},
  {"sweep", "output_limit",    false, "SIZE",     "bytes of stdout and of stderr kept per attempt (default 1M)", apply_output_limit},
  {"sweep", "cores_per_job",   false, "N",        "CPUs one job uses: a worker of S slots runs S / N jobs at once (default 1)", apply_cores_per_job},
  {"sweep", "kill_grace",      false, "DURATION", "SIGTERM -> SIGKILL delay on timeout or cancel (default 5s)", apply_kill_grace},
  {"sweep", "require_metrics", false, "BOOL",     "an attempt that exits 0 without every [metrics] metric is failed (default false)", apply_require_metrics},
  {"workers", "listen",        true,  "ENDPOINT", "where remote workers connect, e.g. tcp://*:5555 (default: none)", apply_listen},
  {"workers", "local",         true,  "N",        "slots of the embedded worker (default auto: CPUs without --listen, else 0)", apply_local},
  {"workers", "heartbeat",     false, "DURATION", "a peer silent for 3 intervals is lost (default 1s)", apply_heartbeat},
  {"workers", "max_slots",     false, "N",        "the most slots one worker may claim (default 1024)", apply_max_slots},
  {"workers", "auth",          true,  "MODE",     "auto, curve or none: CurveZMQ keys on --listen (default auto: curve unless loopback)", apply_auth},
};
// clang-format on

}  // namespace

std::span<const setting> settings() { return table; }

const setting* find_setting(std::string_view section, std::string_view key) {
  for (const setting& s : table)
    if (s.section == section && s.key == key) return &s;
  return nullptr;
}

std::vector<std::string> section_keys(std::string_view section) {
  std::vector<std::string> keys;
  if (section == "sweep") keys.emplace_back("command");
  for (const setting& s : table)
    if (s.section == section) keys.emplace_back(s.key);
  return keys;
}

}  // namespace gridctl
