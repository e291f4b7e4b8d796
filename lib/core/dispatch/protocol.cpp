// protocol: encode/decode of the closed message sets, one per direction.
#include "protocol.hpp"

#include <charconv>
#include <chrono>
#include <utility>

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
  /// An empty frame: none.
  std::optional<point_id> optional_point(const char* what) {
    const std::string& s = str(what);
    if (s.empty()) return std::nullopt;
    auto id = parse_point_id(s);
    if (!id) fail(std::string("bad ") + what);
    return id;
  }
  point_id point() {
    auto id = parse_point_id(str("point id"));
    if (!id && error_.empty()) fail("bad point id");
    return id.value_or(0);
  }
  /// What follows cannot be read (a hello of another version): leave it unchecked.
  void skip_rest() { i_ = f_.size(); }
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
/// A start time the master's system_clock can hold (in 2262 with libstdc++'s nanoseconds): the
/// record's time is made from it, and beyond this the conversion would overflow.
constexpr std::int64_t max_started_ms =
    std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::duration::max()).count();

// One reader per message type: the frames after the type, in order.

void read(reader& r, hello& h) {
  // The version comes first and is read alone, so that a peer of another version is told so
  // even when the rest of its hello has another shape.
  h.version = static_cast<int>(r.integer("version", 0, max_int));
  if (!r.error().empty() || h.version != version) return r.skip_rest();
  h.name = r.str("name");
  h.slots = static_cast<int>(r.integer("slots", 1, 1 << 20));
  h.registration = r.unsigned_integer("registration");
}

void read(reader& r, welcome& w) {
  w.version = static_cast<int>(r.integer("version", 0, max_int));
  w.heartbeat_ms = r.integer("heartbeat", 1, max_i64);
  w.slots = static_cast<int>(r.integer("slots", 0, 1 << 20));
}

void read(reader& r, refuse& m) { m.reason = r.str("reason"); }

void read(reader& r, job& j) {
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
    if (eq == std::string::npos || eq == 0) return r.fail("bad env entry");
    j.env.emplace_back(entry.substr(0, eq), entry.substr(eq + 1));
    pos = end + 1;
  }
  j.output_limit = r.unsigned_integer("output limit");
  j.kill_grace_ms = r.integer("kill grace", 0, max_i64);
}

void read(reader& r, output& o) {
  o.point = r.point();
  o.attempt = static_cast<int>(r.integer("attempt", 1, max_int));
  o.stream = static_cast<int>(r.integer("stream", 1, 2));
  o.bytes = r.str("bytes");
}

void read(reader& r, done& d) {
  d.point = r.point();
  d.attempt = static_cast<int>(r.integer("attempt", 1, max_int));
  d.exit_code = r.optional_int("exit code");
  d.signal = r.optional_int("signal");
  d.started_ms = r.integer("started", 0, max_started_ms);
  d.duration_us = r.integer("duration", 0, max_i64);
  d.stdout_dropped = r.unsigned_integer("stdout dropped");
  d.stderr_dropped = r.unsigned_integer("stderr dropped");
  d.stdout_tail = r.str("stdout tail");
  d.worker_exiting = r.integer("worker exiting", 0, 1) == 1;
  d.error = r.str("error");
  // Two empty frames: no queued job began in the freed slot.
  if (std::optional<point_id> next = r.optional_point("next point"))
    d.next_started = std::pair{*next, static_cast<int>(r.integer("next attempt", 1, max_int))};
  else if (!r.str("next attempt").empty())
    r.fail("next attempt without a next point");
}

template <class PointAttempt>
void read_point_attempt(reader& r, PointAttempt& m) {
  m.point = r.point();
  m.attempt = static_cast<int>(r.integer("attempt", 1, max_int));
}
void read(reader& r, started& m) { read_point_attempt(r, m); }
void read(reader& r, returned& m) { read_point_attempt(r, m); }
void read(reader& r, take_back& m) { read_point_attempt(r, m); }

void read(reader& r, cancel& c) { read_point_attempt(r, c); }

void read(reader&, heartbeat&) {}

void read(reader& r, shutdown& s) { s.reason = r.str("reason"); }

/// The frames of one message, each moved in (a braced list would copy every string), with
/// room for the identity frame that the master's ROUTER socket puts in front.
template <class... Parts>
frames make_frames(Parts&&... parts) {
  frames f;
  f.reserve(sizeof...(parts) + 1);
  (f.emplace_back(std::forward<Parts>(parts)), ...);
  return f;
}

struct encoder {
  frames operator()(const hello& h) const {
    return make_frames("hello", num(h.version), h.name, num(h.slots), std::to_string(h.registration));
  }
  frames operator()(const welcome& w) const {
    return make_frames("welcome", num(w.version), num(w.heartbeat_ms), num(w.slots));
  }
  frames operator()(const refuse& r) const { return make_frames("refuse", r.reason); }
  frames operator()(const job& j) const {
    std::string env;
    std::size_t env_size = 0;
    for (const auto& [k, v] : j.env) env_size += k.size() + v.size() + 2;
    env.reserve(env_size);
    for (const auto& [k, v] : j.env) {
      env += k;
      env += '=';
      env += v;
      env += '\0';
    }
    return make_frames("job", format_point_id(j.point), num(j.attempt), j.command, j.workdir, std::move(env),
                       std::to_string(j.output_limit), num(j.kill_grace_ms));
  }
  frames operator()(const output& o) const {
    return make_frames("output", format_point_id(o.point), num(o.attempt), num(o.stream), o.bytes);
  }
  frames operator()(const done& d) const {
    return make_frames("done", format_point_id(d.point), num(d.attempt), d.exit_code ? num(*d.exit_code) : "",
                       d.signal ? num(*d.signal) : "", num(d.started_ms), num(d.duration_us),
                       std::to_string(d.stdout_dropped), std::to_string(d.stderr_dropped), d.stdout_tail,
                       d.worker_exiting ? "1" : "0", d.error,
                       d.next_started ? format_point_id(d.next_started->first) : "",
                       d.next_started ? num(d.next_started->second) : "");
  }
  frames operator()(const started& m) const { return make_frames("started", format_point_id(m.point), num(m.attempt)); }
  frames operator()(const returned& m) const {
    return make_frames("returned", format_point_id(m.point), num(m.attempt));
  }
  frames operator()(const take_back& m) const {
    return make_frames("take_back", format_point_id(m.point), num(m.attempt));
  }
  frames operator()(const cancel& c) const { return make_frames("cancel", format_point_id(c.point), num(c.attempt)); }
  frames operator()(const heartbeat&) const { return make_frames("heartbeat"); }
  frames operator()(const shutdown& s) const { return make_frames("shutdown", s.reason); }
};

/// Reads a message of the alternative of `Message` whose type is `type`; nullopt when none is.
template <class Message, std::size_t... i>
std::optional<Message> read_alternative(reader& r, const std::string& type, std::index_sequence<i...>) {
  std::optional<Message> m;
  auto try_one = [&](auto alternative) {
    if (m || type != decltype(alternative)::type) return;
    read(r, alternative);
    m = std::move(alternative);
  };
  (try_one(std::variant_alternative_t<i, Message>{}), ...);
  return m;
}

bool is_type_of_either_side(const std::string& type) {
  for (std::string_view t : {hello::type, welcome::type, refuse::type, job::type, output::type, done::type,
                             cancel::type, heartbeat::type, shutdown::type, started::type, returned::type,
                             take_back::type})
    if (type == t) return true;
  return false;
}

template <class Message>
decoded<Message> decode_as(const frames& f, const char* receiver) {
  if (f.empty()) return {std::nullopt, "empty message"};
  const std::string& type = f[0];
  reader r(f);
  auto m = read_alternative<Message>(r, type, std::make_index_sequence<std::variant_size_v<Message>>{});
  if (!m && is_type_of_either_side(type)) return {std::nullopt, "a " + type + " is never sent to " + receiver};
  if (!m) return {std::nullopt, "unknown message type '" + type.substr(0, 32) + "'"};
  r.end();
  if (!r.error().empty()) return {std::nullopt, type + ": " + r.error()};
  return {std::move(m), ""};
}

}  // namespace

frames encode(const to_worker& m) { return std::visit(encoder{}, m); }
frames encode(const to_master& m) { return std::visit(encoder{}, m); }

decoded<to_worker> decode_to_worker(const frames& f) { return decode_as<to_worker>(f, "a worker"); }
decoded<to_master> decode_to_master(const frames& f) { return decode_as<to_master>(f, "the master"); }

}  // namespace gridctl::protocol
