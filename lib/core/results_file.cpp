// results_file: formatting, reading and appending the JSON Lines journal.
#include "results_file.hpp"

#include <boost/json/parser.hpp>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <cmath>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <fstream>
#include <system_error>
#include <unistd.h>

#include "json_text.hpp"
#include "number_format.hpp"

namespace gridctl {

std::string_view to_string(attempt_status s) {
  switch (s) {
    case attempt_status::ok: return "ok";
    case attempt_status::failed: return "failed";
    case attempt_status::timeout: return "timeout";
    case attempt_status::lost: return "lost";
    case attempt_status::canceled: return "canceled";
  }
  return "?";
}

std::optional<attempt_status> parse_status(std::string_view s) {
  for (auto st : {attempt_status::ok, attempt_status::failed, attempt_status::timeout, attempt_status::lost,
                  attempt_status::canceled})
    if (to_string(st) == s) return st;
  return std::nullopt;
}

std::string format_utc(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  if (ms < 0 && ms % 1000 != 0) --secs;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(((ms % 1000) + 1000) % 1000));
  return buf;
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
  out += "{\"point\": \"" + format_point_id(r.point) + "\", \"params\": {";
  for (std::size_t i = 0; i < r.params.size(); ++i) {
    if (i) out += ", ";
    append_json_string(out, r.params[i].first);
    out += ": ";
    // SPEC: JSON numbers where the text is a number (in JSON's own grammar), else strings.
    if (is_json_number(r.params[i].second)) out += r.params[i].second;
    else append_json_string(out, r.params[i].second);
  }
  out += "}, \"attempt\": " + std::to_string(r.attempt);
  out += ", \"status\": \"" + std::string(to_string(r.status)) + "\"";
  out += ", \"exit_code\": " + (r.exit_code ? std::to_string(*r.exit_code) : std::string("null"));
  out += ", \"signal\": " + (r.signal ? "\"" + signal_name(*r.signal) + "\"" : std::string("null"));
  out += ", \"worker\": ";
  append_json_string(out, r.worker);
  out += ", \"started\": \"" + format_utc(r.started) + "\"";
  out += ", \"duration_s\": " + format_number(std::round(r.duration_s * 1000) / 1000);
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
    out += ": " + format_number(x);
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

namespace {

/// Folds one record line into the history; false when it is not a record.
bool read_record(const boost::json::value& v, results_history& hist) {
  const auto* obj = v.if_object();
  if (!obj) return false;
  const auto* point = obj->if_contains("point");
  const auto* attempt = obj->if_contains("attempt");
  const auto* status = obj->if_contains("status");
  if (!point || !point->is_string() || !attempt || !attempt->is_int64() || !status || !status->is_string())
    return false;
  auto id = parse_point_id(point->get_string());
  auto st = parse_status(status->get_string());
  if (!id || !st) return false;
  point_history& p = hist.points[*id];
  int n = static_cast<int>(attempt->get_int64());
  if (n >= p.last_attempt) {
    p.last_attempt = n;
    p.last_status = *st;
  }
  if (*st == attempt_status::ok) p.ok = true;
  // A failure written with "uses_try": false (the command could not run; the sweep stopped)
  // leaves the point's budget as it was.
  const auto* uses_try = obj->if_contains("uses_try");
  bool counted = !(uses_try && uses_try->is_bool() && !uses_try->get_bool());
  if ((*st == attempt_status::failed || *st == attempt_status::timeout) && counted) ++p.failures;
  ++hist.records;
  return true;
}

}  // namespace

parse_result<results_history> read_results(const std::filesystem::path& file) {
  const std::string fname = file.string();
  std::ifstream in(file, std::ios::binary);
  if (!in) return input_error{fname, "cannot read the results file: " + std::string(std::strerror(errno))};

  results_history hist;
  boost::json::parser parser;
  std::string carry;  // a line that spans two reads
  std::vector<char> chunk(std::size_t{4} << 20);
  std::uint64_t offset = 0;  // file offset of carry's first byte
  std::uint64_t line_no = 0;
  bool have_header = false;
  bool line_ok = false;  // whether the last line handled was a usable header or record

  // Returns an error message for a fatal problem (bad header), else empty.
  auto handle_line = [&](std::string_view line, bool complete) -> std::string {
    ++line_no;
    line_ok = false;
    if (complete && have_header && line.find_first_not_of(" \t\r") == std::string_view::npos) {
      hist.valid_bytes = offset + line.size() + 1;  // a blank line: nothing to read, nothing wrong
      return {};
    }
    boost::system::error_code ec;
    parser.reset();
    parser.write(line.data(), line.size(), ec);
    if (!have_header) {
      if (ec && !complete) return {};  // a torn header: the file holds nothing yet
      if (ec) return "not a gridctl results file (line 1 is not JSON)";
      std::string problem = read_header(parser.release(), hist.header);
      if (!problem.empty()) return problem;
      have_header = true;
      line_ok = true;
    } else if (ec || !read_record(parser.release(), hist)) {
      std::string where = fname + ":" + std::to_string(line_no);
      hist.warnings.push_back(where + (complete ? ": skipping a malformed record"
                                                : ": ignoring a torn last line (the master stopped mid-write)"));
      if (!complete) return {};
    } else {
      line_ok = true;
    }
    if (complete) hist.valid_bytes = offset + line.size() + 1;
    return {};
  };

  while (in) {
    in.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
    std::size_t got = static_cast<std::size_t>(in.gcount());
    if (got == 0) break;
    std::string_view data(chunk.data(), got);
    std::size_t pos = 0;
    while (pos < data.size()) {
      std::size_t nl = data.find('\n', pos);
      if (nl == std::string_view::npos) {
        carry.append(data.substr(pos));
        break;
      }
      std::string problem;
      if (!carry.empty()) {
        carry.append(data.substr(pos, nl - pos));
        problem = handle_line(carry, true);
        offset += carry.size() + 1;
        carry.clear();
      } else {
        problem = handle_line(data.substr(pos, nl - pos), true);
        offset += nl - pos + 1;
      }
      if (!problem.empty()) return input_error{fname + ":1", problem};
      pos = nl + 1;
    }
  }
  if (!carry.empty()) {
    std::string problem = handle_line(carry, false);
    if (!problem.empty()) return input_error{fname + ":1", problem};
    // A complete JSON record that only lacks its newline is kept; writing resumes after it.
    if (line_ok) hist.valid_bytes = offset + carry.size();
  }
  if (!have_header) hist.valid_bytes = 0;
  return hist;
}

std::filesystem::path backup_name(const std::filesystem::path& file) {
  for (int n = 1;; ++n) {
    std::filesystem::path candidate = file;
    candidate += "." + std::to_string(n);
    std::error_code ec;
    if (!std::filesystem::exists(std::filesystem::symlink_status(candidate, ec))) return candidate;
  }
}

namespace {
[[noreturn]] void fail(const std::string& what, const std::filesystem::path& p) {
  throw std::system_error(errno, std::generic_category(), what + " " + p.string());
}
/// acquire() tries this often, this far apart (200 ms in all), before it says the file is in use.
constexpr int lock_tries = 20;
constexpr useconds_t lock_retry_us = 10000;
}  // namespace

results_lock results_lock::acquire(const std::filesystem::path& file) {
  int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) fail("cannot open results file", file);
  // A `gridctl status` probing the lock (held()) holds it for microseconds: try for a moment.
  int tries = 0;
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK && ++tries < lock_tries) {
      ::usleep(lock_retry_us);
      continue;
    }
    int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK)
      throw std::runtime_error("results file " + file.string() + " is in use by another gridctl sweep");
    errno = err;
    fail("cannot lock results file", file);
  }
  return results_lock(fd);
}

bool results_lock::held(const std::filesystem::path& file) {
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool taken = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);  // releases our shared lock, if we got it
  return taken;
}

results_lock& results_lock::operator=(results_lock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

results_lock::~results_lock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
}

results_writer results_writer::create(const std::filesystem::path& file, const results_header& header) {
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) fail("cannot create results file", file);
  results_writer w(file, fd);
  w.write_line(format_header(header));
  w.sync();
  return w;
}

results_writer results_writer::append_to(const std::filesystem::path& file, std::uint64_t valid_bytes) {
  int fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) fail("cannot open results file", file);
  results_writer w(file, fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0) fail("cannot stat results file", file);
  if (static_cast<std::uint64_t>(st.st_size) > valid_bytes) {
    if (::ftruncate(fd, static_cast<off_t>(valid_bytes)) != 0) fail("cannot cut the torn last line of", file);
  }
  // A last record without its newline (valid_bytes ends mid-line) gets one before the next record.
  if (valid_bytes > 0) {
    char last = '\n';
    int rfd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (rfd >= 0) {
      if (::pread(rfd, &last, 1, static_cast<off_t>(valid_bytes - 1)) != 1) last = '\n';
      ::close(rfd);
    }
    if (last != '\n') {
      std::string nl = "\n";
      if (::write(fd, nl.data(), 1) != 1) fail("cannot write to results file", file);
    }
  }
  return w;
}

results_writer::results_writer(results_writer&& other) noexcept
    : path_(std::move(other.path_)), fd_(other.fd_), dirty_(other.dirty_) {
  other.fd_ = -1;
}

results_writer::~results_writer() {
  if (fd_ >= 0) {
    if (dirty_) ::fdatasync(fd_);
    ::close(fd_);
  }
}

void results_writer::append(const attempt_record& r) { write_line(format_record(r)); }

void results_writer::write_line(std::string line) {
  line += '\n';
  // One write(2) per line: with O_APPEND the line lands whole unless the disk is full or the
  // process dies in the middle, and the reader skips such a torn last line.
  std::size_t done = 0;
  while (done < line.size()) {
    ssize_t n = ::write(fd_, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) fail("cannot write to results file", path_);
    done += static_cast<std::size_t>(n);
  }
  dirty_ = true;
}

void results_writer::sync() {
  if (!dirty_) return;
  if (::fdatasync(fd_) != 0) fail("cannot sync results file", path_);
  dirty_ = false;
}

}  // namespace gridctl
