// protocol: encode/decode of the closed message set.
#include "protocol.hpp"

#include <charconv>

namespace gridctl::protocol {

namespace {

std::string num(std::int64_t v) { return std::to_string(v); }

/// Reads frames in order and records the first problem; every getter is safe on bad input.
class reader {
 public:
  explicit reader(const frames& f) : f_(f) {}
  const std::string& str(const char* what) {
    static const std::string empty;
    if (i_ >= f_.size()) {
      fail(std::string("missing ") + what);
      return empty;
    }
    return f_[i_++];
  }
  std::int64_t integer(const char* what, std::int64_t lo, std::int64_t hi) {
    const std::string& s = str(what);
    std::int64_t v = 0;
    auto res = std::from_chars(s.data(), s.data() + s.size(), v);
    if (error_.empty() && (res.ec != std::errc{} || res.ptr != s.data() + s.size() || v < lo || v > hi))
      fail(std::string("bad ") + what);
    return v;
  }
  std::uint64_t unsigned_integer(const char* what) {
    const std::string& s = str(what);
    std::uint64_t v = 0;
    auto res = std::from_chars(s.data(), s.data() + s.size(), v);
    if (error_.empty() && (res.ec != std::errc{} || res.ptr != s.data() + s.size())) fail(std::string("bad ") + what);
    return v;
  }
  std::optional<int> optional_int(const char* what) {
    const std::string& s = str(what);
    if (s.empty()) return std::nullopt;
    int v = 0;
    auto res = std::from_chars(s.data(), s.data() + s.size(), v);
    if (res.ec != std::errc{} || res.ptr != s.data() + s.size()) fail(std::string("bad ") + what);
    return v;
  }
  point_id point() {
    auto id = parse_point_id(str("point id"));
    if (!id && error_.empty()) fail("bad point id");
    return id.value_or(0);
  }
  void end() {
    if (error_.empty() && i_ != f_.size()) fail("unexpected extra frames");
  }
  void fail(std::string e) {
    if (error_.empty()) error_ = std::move(e);
  }
  const std::string& error() const { return error_; }

 private:
  const frames& f_;
  std::size_t i_ = 1;  // frame 0 is the type
  std::string error_;
};

constexpr std::int64_t max_int = 2147483647;
constexpr std::int64_t max_i64 = INT64_MAX;

}  // namespace

frames encode(const message& m) {
  struct visitor {
    frames operator()(const hello& h) const {
      return {"hello", num(h.version), h.name, num(h.slots), std::to_string(h.registration)};
    }
    frames operator()(const welcome& w) const { return {"welcome", num(w.version), num(w.heartbeat_ms)}; }
    frames operator()(const refuse& r) const { return {"refuse", r.reason}; }
    frames operator()(const job& j) const {
      std::string env;
      for (const auto& [k, v] : j.env) env += k + '=' + v + '\0';
      return {"job", format_point_id(j.point), num(j.attempt), j.command, j.workdir, env,
              std::to_string(j.output_limit), num(j.kill_grace_ms)};
    }
    frames operator()(const output& o) const {
      return {"output", format_point_id(o.point), num(o.attempt), num(o.stream), o.bytes};
    }
    frames operator()(const done& d) const {
      return {"done", format_point_id(d.point), num(d.attempt),
              d.exit_code ? num(*d.exit_code) : "", d.signal ? num(*d.signal) : "",
              num(d.started_ms), num(d.duration_us), std::to_string(d.stdout_dropped),
              std::to_string(d.stderr_dropped), d.stdout_tail,
              d.worker_exiting ? "1" : "0", d.error};
    }
    frames operator()(const cancel& c) const { return {"cancel", format_point_id(c.point), num(c.attempt)}; }
    frames operator()(const heartbeat&) const { return {"heartbeat"}; }
    frames operator()(const shutdown& s) const { return {"shutdown", s.reason}; }
  };
  return std::visit(visitor{}, m);
}

decoded decode(const frames& f) {
  if (f.empty()) return {std::nullopt, "empty message"};
  const std::string& type = f[0];
  reader r(f);
  message m;
  if (type == "hello") {
    hello h;
    // The version comes first and is read alone, so that a peer of another version is told so
    // even when the rest of its hello has another shape.
    h.version = static_cast<int>(r.integer("version", 0, max_int));
    if (!r.error().empty()) return {std::nullopt, "hello: " + r.error()};
    if (h.version != version) return {hello{h.version, "", 0, 0}, ""};
    h.name = r.str("name");
    h.slots = static_cast<int>(r.integer("slots", 1, 1 << 20));
    h.registration = r.unsigned_integer("registration");
    m = h;
  } else if (type == "welcome") {
    welcome w;
    w.version = static_cast<int>(r.integer("version", 0, max_int));
    w.heartbeat_ms = r.integer("heartbeat", 1, max_i64);
    m = w;
  } else if (type == "refuse") {
    m = refuse{r.str("reason")};
  } else if (type == "job") {
    job j;
    j.point = r.point();
    j.attempt = static_cast<int>(r.integer("attempt", 1, max_int));
    j.command = r.str("command");
    j.workdir = r.str("workdir");
    const std::string& env = r.str("env");
    for (std::size_t pos = 0; pos < env.size();) {
      std::size_t end = env.find('\0', pos);
      if (end == std::string::npos) end = env.size();
      std::string entry = env.substr(pos, end - pos);
      std::size_t eq = entry.find('=');
      if (eq == std::string::npos || eq == 0) {
        r.fail("bad env entry");
        break;
      }
      j.env.emplace_back(entry.substr(0, eq), entry.substr(eq + 1));
      pos = end + 1;
    }
    j.output_limit = r.unsigned_integer("output limit");
    j.kill_grace_ms = r.integer("kill grace", 0, max_i64);
    m = j;
  } else if (type == "output") {
    output o;
    o.point = r.point();
    o.attempt = static_cast<int>(r.integer("attempt", 1, max_int));
    o.stream = static_cast<int>(r.integer("stream", 1, 2));
    o.bytes = r.str("bytes");
    m = std::move(o);
  } else if (type == "done") {
    done d;
    d.point = r.point();
    d.attempt = static_cast<int>(r.integer("attempt", 1, max_int));
    d.exit_code = r.optional_int("exit code");
    d.signal = r.optional_int("signal");
    d.started_ms = r.integer("started", 0, max_i64);
    d.duration_us = r.integer("duration", 0, max_i64);
    d.stdout_dropped = r.unsigned_integer("stdout dropped");
    d.stderr_dropped = r.unsigned_integer("stderr dropped");
    d.stdout_tail = r.str("stdout tail");
    d.worker_exiting = r.integer("worker exiting", 0, 1) == 1;
    d.error = r.str("error");
    m = std::move(d);
  } else if (type == "cancel") {
    cancel c;
    c.point = r.point();
    c.attempt = static_cast<int>(r.integer("attempt", 1, max_int));
    m = c;
  } else if (type == "heartbeat") {
    m = heartbeat{};
  } else if (type == "shutdown") {
    m = shutdown{r.str("reason")};
  } else {
    return {std::nullopt, "unknown message type '" + type.substr(0, 32) + "'"};
  }
  r.end();
  if (!r.error().empty()) return {std::nullopt, type + ": " + r.error()};
  return {std::move(m), ""};
}

const char* type_name(const message& m) {
  static const char* const names[] = {"hello", "welcome", "refuse", "job", "output",
                                      "done", "cancel", "heartbeat", "shutdown"};
  return names[m.index()];
}

}  // namespace gridctl::protocol
