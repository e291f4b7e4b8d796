// protocol: encode/decode of the closed master <-> worker message sets, one per direction. Each
// decoder must turn any frame list into either a message or an error text, never throw, refuse
// the messages its side never receives, and give back what encode() produced, byte for byte.
#include <boost/test/unit_test.hpp>

#include <climits>
#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

#include "grid.hpp"
#include "protocol.hpp"

namespace proto = gridctl::protocol;
using namespace std::string_literals;

namespace {

/// Every byte value once, \0 first: the worst output a job can print.
std::string all_bytes() {
  std::string s;
  for (int c = 0; c < 256; ++c) s.push_back(static_cast<char>(c));
  return s;
}

const std::string awkward = "a\0b\xff\xfe\r\n\t \"'\\{}=;\x01 tail"s;

/// Whether T is one of the variant V's alternatives: the messages of that direction.
template <class T, class V>
struct is_in;
template <class T, class... A>
struct is_in<T, std::variant<A...>> : std::bool_constant<(std::is_same_v<T, A> || ...)> {};

bool for_worker(const std::string& type) {
  for (const char* t : {"welcome", "refuse", "job", "take_back", "cancel", "heartbeat", "shutdown"})
    if (type == t) return true;
  return false;
}
bool for_master(const std::string& type) {
  for (const char* t : {"hello", "started", "output", "done", "returned", "heartbeat", "shutdown"})
    if (type == t) return true;
  return false;
}

/// What both decoders made of one frame list.
struct decoded_both {
  std::optional<proto::to_worker> to_worker;
  std::optional<proto::to_master> to_master;
  bool ok = false;    ///< a side that receives the type decoded it
  std::string error;  ///< otherwise: the error of the side that receives the type (a worker's if none)
};

template <class T>
const T* as(const decoded_both& d) {
  if constexpr (is_in<T, proto::to_worker>::value)
    if (d.to_worker) return std::get_if<T>(&*d.to_worker);
  if constexpr (is_in<T, proto::to_master>::value)
    if (d.to_master) return std::get_if<T>(&*d.to_master);
  return nullptr;
}

template <class M>
void check_consistent(const proto::decoded<M>& d, const proto::frames& f) {
  if (d.msg.has_value() == !d.error.empty())
    BOOST_ERROR("message and error both " << (d.msg ? "set" : "unset") << " for a " << (f.empty() ? "" : f[0]));
}

/// Decodes with both decoders, without letting an exception escape the test, and checks that
/// only a side that receives the type accepts it (heartbeat and shutdown: both, alike).
decoded_both decode_safely(const proto::frames& f) {
  decoded_both d;
  try {
    auto w = proto::decode_to_worker(f);
    auto m = proto::decode_to_master(f);
    check_consistent(w, f);
    check_consistent(m, f);
    const std::string type = f.empty() ? "" : f[0];
    if (w.msg && !for_worker(type)) BOOST_ERROR("a worker accepted a " << type);
    if (m.msg && !for_master(type)) BOOST_ERROR("the master accepted a " << type);
    if (for_worker(type) && for_master(type) && w.msg.has_value() != m.msg.has_value())
      BOOST_ERROR("the sides disagree on a " << type << ": " << w.error << m.error);
    d.ok = w.msg || m.msg;
    if (!d.ok) d.error = for_master(type) && !for_worker(type) ? m.error : w.error;
    d.to_worker = std::move(w.msg);
    d.to_master = std::move(m.msg);
  } catch (const std::exception& e) {
    BOOST_ERROR("decode threw: " << e.what());
    d.error = "threw";
  } catch (...) {
    BOOST_ERROR("decode threw a non-standard exception");
    d.error = "threw";
  }
  return d;
}

template <class V>
proto::decoded<V> decode_as(const proto::frames& f) {
  if constexpr (std::is_same_v<V, proto::to_worker>) return proto::decode_to_worker(f);
  else return proto::decode_to_master(f);
}

/// encode -> decode on the side V must give a T, and encoding that again the very same frames.
template <class V, class T>
T round_trip_as(const T& m) {
  proto::frames f = proto::encode(V{m});
  BOOST_TEST_REQUIRE(f.at(0) == std::string(T::type));
  proto::decoded<V> d = decode_as<V>(f);
  BOOST_TEST_REQUIRE(d.error.empty(), "decode error: " << d.error);
  const T* got = std::get_if<T>(&*d.msg);
  BOOST_TEST_REQUIRE(got != nullptr);
  proto::frames again = proto::encode(V{*got});
  BOOST_TEST(again == f, boost::test_tools::per_element());
  return *got;
}

/// round_trip_as on every side that receives a T.
template <class T>
T round_trip(const T& m) {
  std::optional<T> got;
  if constexpr (is_in<T, proto::to_worker>::value) got = round_trip_as<proto::to_worker>(m);
  if constexpr (is_in<T, proto::to_master>::value) got = round_trip_as<proto::to_master>(m);
  return *got;
}

void expect_error(const proto::frames& f, const std::string& why) {
  BOOST_TEST_CONTEXT(why) {
    decoded_both d = decode_safely(f);
    BOOST_TEST(!d.ok);
    BOOST_TEST(!d.error.empty());
  }
}

void expect_ok(const proto::frames& f, const std::string& why) {
  BOOST_TEST_CONTEXT(why) {
    decoded_both d = decode_safely(f);
    BOOST_TEST(d.ok);
    BOOST_TEST(d.error.empty(), "error: " << d.error);
  }
}

const std::string id_text = "0123456789abcdef";

/// One well-formed frame list per message type.
std::vector<proto::frames> valid_frames() {
  return {
      {"hello", std::to_string(proto::version), "node07", "4", "0"},
      {"welcome", std::to_string(proto::version), "1000", "4"},
      {"refuse", "go away"},
      {"job", id_text, "1", "./think 1 2", "/home/u/sweep", "GRIDCTL_POINT=0123456789abcdef\0A=x=y\0"s, "1048576",
       "5000"},
      {"output", id_text, "1", "1", "some bytes"},
      {"done", id_text, "1", "0", "", "1700000000000", "2004000", "0", "0", "", "0", "", "", ""},
      {"done", id_text, "1", "0", "", "1700000000000", "2004000", "0", "0", "", "0", "", id_text, "2"},
      {"cancel", id_text, "2"},
      {"take_back", id_text, "2"},
      {"started", id_text, "2"},
      {"returned", id_text, "2"},
      {"heartbeat"},
      {"shutdown", "end"},
  };
}

std::string show(const proto::frames& f) {
  std::string s = "{";
  for (const auto& x : f) {
    s += " '";
    for (char c : x) {
      auto u = static_cast<unsigned char>(c);
      if (u < 0x20 || u >= 0x7f) {
        static const char hex[] = "0123456789abcdef";
        s += "\\x";
        s += hex[u >> 4];
        s += hex[u & 15];
      } else {
        s += c;
      }
    }
    s += "'";
  }
  return s + " }";
}

proto::frames with(proto::frames f, std::size_t i, std::string v) {
  f.at(i) = std::move(v);
  return f;
}

}  // namespace

// =============================================================================================
BOOST_AUTO_TEST_SUITE(protocol_round_trip)

BOOST_AUTO_TEST_CASE(hello) {
  proto::hello h;
  h.name = awkward;
  h.slots = 1 << 20;
  h.registration = UINT64_MAX;
  auto got = round_trip(h);
  BOOST_TEST(got.registration == UINT64_MAX);
  BOOST_TEST(got.version == proto::version);
  BOOST_TEST(got.name == awkward);
  BOOST_TEST(got.slots == 1 << 20);

  h.name = "";
  h.slots = 1;
  got = round_trip(h);
  BOOST_TEST(got.name.empty());
  BOOST_TEST(got.slots == 1);
}

BOOST_AUTO_TEST_CASE(welcome) {
  proto::welcome w;
  w.heartbeat_ms = INT64_MAX;
  auto got = round_trip(w);
  BOOST_TEST(got.version == proto::version);
  BOOST_TEST(got.heartbeat_ms == INT64_MAX);
  w.heartbeat_ms = 1;
  BOOST_TEST(round_trip(w).heartbeat_ms == 1);
}

BOOST_AUTO_TEST_CASE(refuse_and_shutdown) {
  for (const std::string& text : {""s, "end"s, "unknown"s, awkward, all_bytes()}) {
    BOOST_TEST(round_trip(proto::refuse{text}).reason == text);
    BOOST_TEST(round_trip(proto::shutdown{text}).reason == text);
  }
}

BOOST_AUTO_TEST_CASE(job) {
  proto::job j;
  j.point = UINT64_MAX;
  j.attempt = INT_MAX;
  j.command = "./think '1e-06' \"a b, c\" | tee out; echo $((1+1)) \xe2\x82\xac";
  j.workdir = "/home/u/my sweep/";
  j.env = {{"GRIDCTL_POINT", "ffffffffffffffff"},
           {"GRIDCTL_P_q", "a=b=c"},
           {"EMPTY", ""},
           {"EQ", "="},
           {"GRIDCTL_P_u", "\xc3\xa9 \t\n"}};
  j.output_limit = static_cast<std::uint64_t>(INT64_MAX);
  j.kill_grace_ms = INT64_MAX;
  auto got = round_trip(j);
  BOOST_TEST(got.point == UINT64_MAX);
  BOOST_TEST(got.attempt == INT_MAX);
  BOOST_TEST(got.command == j.command);
  BOOST_TEST(got.workdir == j.workdir);
  BOOST_TEST_REQUIRE(got.env.size() == j.env.size());
  for (std::size_t i = 0; i < j.env.size(); ++i) {
    BOOST_TEST(got.env[i].first == j.env[i].first);
    BOOST_TEST(got.env[i].second == j.env[i].second);
  }
  BOOST_TEST(got.output_limit == static_cast<std::uint64_t>(INT64_MAX));
  BOOST_TEST(got.kill_grace_ms == INT64_MAX);

  // The smallest job: id 0, no environment, empty texts, zero limits.
  proto::job z;
  z.point = 0;
  z.attempt = 1;
  z.output_limit = 0;
  z.kill_grace_ms = 0;
  auto gz = round_trip(z);
  BOOST_TEST(gz.point == 0u);
  BOOST_TEST(gz.env.empty());
  BOOST_TEST(gz.command.empty());
  BOOST_TEST(gz.workdir.empty());
  BOOST_TEST(gz.output_limit == 0u);
  BOOST_TEST(gz.kill_grace_ms == 0);
}

BOOST_AUTO_TEST_CASE(output_with_binary_bytes) {
  for (int stream : {1, 2}) {
    for (const std::string& bytes : {""s, "\0"s, all_bytes(), awkward, std::string(100000, '\0')}) {
      proto::output o{0xdeadbeefcafef00dull, 7, stream, bytes};
      auto got = round_trip(o);
      BOOST_TEST(got.point == 0xdeadbeefcafef00dull);
      BOOST_TEST(got.attempt == 7);
      BOOST_TEST(got.stream == stream);
      BOOST_TEST((got.bytes == bytes));
      BOOST_TEST(got.bytes.size() == bytes.size());
    }
  }
}

BOOST_AUTO_TEST_CASE(done) {
  proto::done d;
  d.point = 1;
  d.attempt = INT_MAX;
  d.exit_code = 0;
  d.signal = std::nullopt;
  d.started_ms = 9223372036854;  // the last millisecond system_clock holds (in 2262)
  d.duration_us = INT64_MAX;
  d.stdout_dropped = static_cast<std::uint64_t>(INT64_MAX);
  d.stderr_dropped = 0;
  d.stdout_tail = all_bytes();
  d.worker_exiting = true;
  d.error = "a process left behind held the output open\n" + awkward;
  auto got = round_trip(d);
  BOOST_TEST(got.point == 1u);
  BOOST_TEST(got.attempt == INT_MAX);
  BOOST_TEST_REQUIRE(got.exit_code.has_value());
  BOOST_TEST(*got.exit_code == 0);
  BOOST_TEST(!got.signal.has_value());
  BOOST_TEST(got.started_ms == 9223372036854);
  BOOST_TEST(got.duration_us == INT64_MAX);
  BOOST_TEST(got.stdout_dropped == static_cast<std::uint64_t>(INT64_MAX));
  BOOST_TEST(got.stderr_dropped == 0u);
  BOOST_TEST((got.stdout_tail == all_bytes()));
  BOOST_TEST(got.worker_exiting);
  BOOST_TEST((got.error == "a process left behind held the output open\n" + awkward));

  // Killed by a signal: no exit code.
  proto::done k;
  k.exit_code = std::nullopt;
  k.signal = 9;
  k.stdout_tail = "";
  auto gk = round_trip(k);
  BOOST_TEST(!gk.exit_code.has_value());
  BOOST_TEST_REQUIRE(gk.signal.has_value());
  BOOST_TEST(*gk.signal == 9);
  BOOST_TEST(!gk.worker_exiting);
  BOOST_TEST(gk.error.empty());

  // Extreme ints in the optional fields.
  proto::done x;
  x.exit_code = INT_MAX;
  x.signal = INT_MIN;
  auto gx = round_trip(x);
  BOOST_TEST(gx.exit_code.value_or(0) == INT_MAX);
  BOOST_TEST(gx.signal.value_or(0) == INT_MIN);
}

BOOST_AUTO_TEST_CASE(unsigned_fields_round_trip_at_their_maximum) {
  // output_limit, stdout_dropped and stderr_dropped are std::uint64_t: every value that
  // encode() accepts must decode back (encode() writes them through int64, so UINT64_MAX
  // travels as "-1" and is then refused by decode()).
  proto::job j;
  j.output_limit = UINT64_MAX;
  BOOST_TEST(round_trip(j).output_limit == UINT64_MAX);
  proto::done d;
  d.stdout_dropped = UINT64_MAX;
  d.stderr_dropped = UINT64_MAX;
  auto got = round_trip(d);
  BOOST_TEST(got.stdout_dropped == UINT64_MAX);
  BOOST_TEST(got.stderr_dropped == UINT64_MAX);
}

BOOST_AUTO_TEST_CASE(cancel_and_heartbeat) {
  proto::cancel c{UINT64_MAX, INT_MAX};
  auto got = round_trip(c);
  BOOST_TEST(got.point == UINT64_MAX);
  BOOST_TEST(got.attempt == INT_MAX);
  round_trip(proto::heartbeat{});
  BOOST_TEST(proto::encode(proto::to_worker{proto::heartbeat{}}).size() == 1u);
}

BOOST_AUTO_TEST_CASE(point_ids_travel_as_16_hex_digits) {
  auto f = proto::encode(proto::to_worker{proto::cancel{0xabcull, 3}});
  BOOST_TEST_REQUIRE(f.size() == 3u);
  BOOST_TEST(f[0] == "cancel");
  BOOST_TEST(f[1] == "0000000000000abc");
  BOOST_TEST(f[2] == "3");
}

BOOST_AUTO_TEST_CASE(frame_0_names_the_type) {
  const std::vector<std::pair<proto::to_worker, std::string>> to_worker = {
      {proto::welcome{}, "welcome"}, {proto::refuse{}, "refuse"},       {proto::job{}, "job"},
      {proto::cancel{}, "cancel"},   {proto::heartbeat{}, "heartbeat"}, {proto::shutdown{}, "shutdown"},
      {proto::take_back{}, "take_back"}};
  for (const auto& [m, name] : to_worker) BOOST_TEST(proto::encode(m).at(0) == name);
  const std::vector<std::pair<proto::to_master, std::string>> to_master = {
      {proto::hello{}, "hello"},         {proto::output{}, "output"},     {proto::done{}, "done"},
      {proto::heartbeat{}, "heartbeat"}, {proto::shutdown{}, "shutdown"}, {proto::started{}, "started"},
      {proto::returned{}, "returned"}};
  for (const auto& [m, name] : to_master) BOOST_TEST(proto::encode(m).at(0) == name);
}

BOOST_AUTO_TEST_CASE(each_side_refuses_the_messages_it_never_receives) {
  // Well-formed, but sent the wrong way: an error that names the type, not a message to handle.
  for (const auto& f : valid_frames()) {
    BOOST_TEST_CONTEXT(show(f)) {
      if (!for_worker(f[0])) {
        auto d = proto::decode_to_worker(f);
        BOOST_TEST(!d.msg.has_value());
        BOOST_TEST(d.error == "a " + f[0] + " is never sent to a worker");
      }
      if (!for_master(f[0])) {
        auto d = proto::decode_to_master(f);
        BOOST_TEST(!d.msg.has_value());
        BOOST_TEST(d.error == "a " + f[0] + " is never sent to the master");
      }
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

// =============================================================================================
BOOST_AUTO_TEST_SUITE(protocol_decode_errors)

BOOST_AUTO_TEST_CASE(the_baseline_frames_are_valid) {
  // The error tests below each break one frame of these; first, they must decode as given.
  for (const auto& f : valid_frames()) expect_ok(f, show(f));
  auto d = decode_safely(valid_frames()[3]);
  const auto* j = as<proto::job>(d);
  BOOST_TEST_REQUIRE(j != nullptr);
  BOOST_TEST_REQUIRE(j->env.size() == 2u);
  BOOST_TEST(j->env[1].first == "A");
  BOOST_TEST(j->env[1].second == "x=y");
}

BOOST_AUTO_TEST_CASE(an_empty_frame_list) { expect_error({}, "no frames"); }

BOOST_AUTO_TEST_CASE(unknown_types) {
  for (const std::string& type : {""s, "bogus"s, "Hello"s, "HEARTBEAT"s, "hello "s, " hello"s, "hello\0"s,
                                  "heartbeat\n"s, "welcome2"s, std::string(10000, 'x')}) {
    expect_error({type}, "type " + show({type}));
    expect_error({type, "1", "x", "4"}, "type " + show({type}) + " with frames");
  }
  // The error text quotes at most a little of a huge type frame.
  auto d = decode_safely({std::string(100000, 'q')});
  BOOST_TEST(d.error.size() < 200u);
}

BOOST_AUTO_TEST_CASE(missing_frames) {
  for (const auto& f : valid_frames()) {
    for (std::size_t n = 1; n < f.size(); ++n) {
      proto::frames cut(f.begin(), f.begin() + static_cast<std::ptrdiff_t>(n));
      expect_error(cut, show(cut));
    }
  }
}

BOOST_AUTO_TEST_CASE(extra_frames) {
  for (const auto& f : valid_frames()) {
    for (const std::string& extra : {""s, "x"s, "1"s}) {
      proto::frames more = f;
      more.push_back(extra);
      expect_error(more, show(more));
    }
  }
}

BOOST_AUTO_TEST_CASE(non_numeric_numbers) {
  // (type index in valid_frames(), frame index) of every number field.
  const std::vector<std::pair<std::size_t, std::size_t>> fields = {
      {0, 1}, {0, 3}, {0, 4},                                  // hello version, slots, registration
      {1, 1}, {1, 2},                                          // welcome version, heartbeat
      {3, 2}, {3, 6}, {3, 7},                                  // job attempt, output limit, kill grace
      {4, 2}, {4, 3},                                          // output attempt, stream
      {5, 2}, {5, 3}, {5, 4}, {5, 5}, {5, 6}, {5, 7}, {5, 8}, {5, 10},  // done
      {6, 2},                                                  // cancel attempt
  };
  const std::vector<std::string> bad = {"abc", "1x", "x1", " 1", "1 ", "+1", "1.0", "1e3", "0x1", "--1",
                                        "1\0"s, "\xd9\xa1", "one", "1,0", "-", "1_000"};
  const auto base = valid_frames();
  for (auto [t, i] : fields)
    for (const auto& b : bad) {
      auto f = with(base[t], i, b);
      expect_error(f, show(f));
    }
  // Required numbers may not be empty (only done's exit code and signal may).
  for (auto [t, i] : fields) {
    if (t == 5 && (i == 3 || i == 4)) continue;
    auto f = with(base[t], i, "");
    expect_error(f, show(f));
  }
}

BOOST_AUTO_TEST_CASE(out_of_range_numbers) {
  const auto base = valid_frames();
  struct bad_number {
    std::size_t type, frame;
    std::string text;
  };
  const std::vector<bad_number> cases = {
      {0, 1, "-1"}, {0, 1, "2147483648"}, {0, 1, "99999999999999999999"},        // hello version
      {0, 3, "0"},  {0, 3, "-4"},         {0, 3, "1048577"},  {0, 3, "4294967300"},  // slots
      {1, 2, "0"},  {1, 2, "-1"},         {1, 2, "9223372036854775808"},            // heartbeat
      {1, 1, "-1"},                                                                   // welcome version
      {3, 2, "0"},  {3, 2, "-1"},         {3, 2, "2147483648"},                       // job attempt
      {3, 6, "-1"}, {3, 6, "18446744073709551616"},                                   // output limit
      {3, 7, "-1"},                                                                   // kill grace
      {4, 2, "0"},  {4, 2, "4294967297"},                                             // output attempt
      {5, 2, "0"},                                                                    // done attempt
      {5, 3, "2147483648"}, {5, 3, "-2147483649"}, {5, 4, "99999999999"},             // exit code, signal
      {5, 5, "-1"}, {5, 6, "-1"}, {5, 7, "-1"}, {5, 8, "-1"},                         // times, counts
      {5, 5, "9223372036854775"}, {5, 5, "9223372036854775807"},                      // started after 2262
      {5, 10, "2"}, {5, 10, "-1"}, {5, 10, "10"},                                     // worker exiting
      {6, 2, "0"},  {6, 2, "-2147483648"},                                            // cancel attempt
  };
  for (const auto& c : cases) {
    auto f = with(base[c.type], c.frame, c.text);
    expect_error(f, show(f));
  }
  // The edges themselves are fine.
  expect_ok(with(base[0], 3, "1048576"), "slots 2^20");
  expect_ok(with(base[3], 2, "2147483647"), "attempt INT_MAX");
  expect_ok(with(base[5], 3, "-1"), "negative exit code");
  expect_ok(with(base[5], 10, "1"), "worker exiting 1");
  expect_ok(with(base[5], 5, "9223372036854"), "started in 2262");
}

BOOST_AUTO_TEST_CASE(bad_streams) {
  const auto base = valid_frames();
  for (const std::string& s : {"0"s, "3"s, "-1"s, "12"s}) {
    auto f = with(base[4], 3, s);
    expect_error(f, show(f));
  }
  expect_ok(with(base[4], 3, "2"), "stderr");
}

BOOST_AUTO_TEST_CASE(bad_point_ids) {
  const auto base = valid_frames();
  const std::vector<std::string> bad = {"",
                                        "0123456789abcde",     // 15 digits
                                        "0123456789abcdef0",   // 17
                                        "0123456789abcdeg",    // not hex
                                        "-123456789abcdef",    // sign
                                        "+123456789abcdef",
                                        "0x23456789abcdef",    // prefix
                                        " 123456789abcdef",    // space
                                        "0123456789abcde ",
                                        "0123456789abcde\0"s,  // NUL
                                        "\0" "123456789abcdef"s,
                                        "0123456789abcdef\n",
                                        "zzzzzzzzzzzzzzzz",
                                        "12345"};
  for (std::size_t t : {3u, 4u, 5u, 6u})  // job, output, done, cancel
    for (const auto& b : bad) {
      auto f = with(base[t], 1, b);
      expect_error(f, show(f));
    }
  expect_ok(with(base[6], 1, "ffffffffffffffff"), "max id");
  expect_ok(with(base[6], 1, "0000000000000000"), "zero id");
}

BOOST_AUTO_TEST_CASE(env_entries_without_a_name_and_value) {
  const auto base = valid_frames();
  const std::vector<std::string> bad = {"NOEQUALS\0"s, "NOEQUALS"s, "A=1\0B\0"s, "=value\0"s, "A=1\0\0"s,
                                        "\0"s,         "A=1\0=\0"s, "\0A=1\0"s};
  for (const auto& b : bad) {
    auto f = with(base[3], 5, b);
    expect_error(f, show(f));
  }
  for (const std::string& good : {""s, "A=\0"s, "A==\0"s, "A=x=y\0B=\0"s}) {
    auto f = with(base[3], 5, good);
    expect_ok(f, show(f));
  }
}

BOOST_AUTO_TEST_CASE(a_hello_of_another_version_decodes_with_that_version) {
  // So the master can answer with a clear refusal, whatever the rest of that hello looks like.
  const std::vector<proto::frames> hellos = {
      {"hello", "1", "node07", "4"},
      {"hello", "1"},
      {"hello", "0", "x"},
      {"hello", "999", "name", "slots?", "and", "more", "frames"},
      {"hello", "2147483647", "n", "0"},
      {"hello", "2", "node07", "4", "0"},
  };
  const int versions[] = {1, 1, 0, 999, 2147483647, 2};
  for (std::size_t i = 0; i < hellos.size(); ++i) {
    BOOST_TEST_CONTEXT(show(hellos[i])) {
      auto d = decode_safely(hellos[i]);
      BOOST_TEST(d.error.empty(), "error: " << d.error);
      const auto* h = as<proto::hello>(d);
      BOOST_TEST_REQUIRE(h != nullptr);
      BOOST_TEST(h->version == versions[i]);
      BOOST_TEST(h->version != proto::version);
    }
  }
  // The same shapes with our own version are malformed.
  const std::string ours = std::to_string(proto::version);
  expect_error({"hello", ours}, "hello without name");
  expect_error({"hello", ours, "node07", "4", "0", "x"}, "hello with an extra frame");
  expect_error({"hello", ours, "node07", "4"}, "hello without registration");
  expect_error({"hello", ours, "node07", "0"}, "hello with no slots");
  // And a version that is not a number is an error, not a hello.
  expect_error({"hello", "v2", "node07", "4"}, "hello v2");
  expect_error({"hello"}, "hello without version");
}

BOOST_AUTO_TEST_CASE(the_error_names_the_problem) {
  const auto base = valid_frames();
  auto d = decode_safely(with(base[7], 2, "zero"));
  BOOST_TEST(d.error.find("cancel") != std::string::npos, "error: " << d.error);
  BOOST_TEST(d.error.find("attempt") != std::string::npos, "error: " << d.error);
  d = decode_safely(with(base[4], 1, "nope"));
  BOOST_TEST(d.error.find("point") != std::string::npos, "error: " << d.error);
  d = decode_safely({"bogus"});
  BOOST_TEST(d.error.find("bogus") != std::string::npos, "error: " << d.error);
}

BOOST_AUTO_TEST_SUITE_END()

// =============================================================================================
BOOST_AUTO_TEST_SUITE(protocol_fuzz)

/// Whether encoding `m` gives frames that decode (on the same side) and encode to the same frames.
template <class V>
bool stable(const V& m) {
  proto::frames e1 = proto::encode(m);
  proto::decoded<V> d2 = decode_as<V>(e1);
  check_consistent(d2, e1);
  return d2.msg && proto::encode(*d2.msg) == e1;
}

BOOST_AUTO_TEST_CASE(random_frame_lists_decode_without_throwing) {
  const std::vector<std::string> types = {"hello", "welcome", "refuse", "job", "output",
                                          "done",  "cancel",  "heartbeat", "shutdown", "started", "returned",
                                          "take_back"};
  const auto base = valid_frames();
  const std::vector<std::string> atoms = {"",  "0", "1", "2", "3", "-1", "1048576", "2147483647", "2147483648",
                                          "9223372036854775807", "9223372036854775808", "18446744073709551615",
                                          id_text, "ffffffffffffffff", "A=1\0"s, "=\0"s, "\0"s, "x", "1.5"};
  std::mt19937_64 rng(0x6772696463746cull);
  auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };
  auto random_bytes = [&] {
    std::string s(pick(8) ? pick(40) : pick(400), '\0');
    for (auto& c : s) c = static_cast<char>(pick(256));
    return s;
  };
  auto random_frame = [&]() -> std::string {
    switch (pick(4)) {
      case 0: return random_bytes();
      case 1: return atoms[pick(atoms.size())];
      case 2: return types[pick(types.size())];
      default: {  // a number-ish text
        std::string s = std::to_string(static_cast<std::int64_t>(rng()));
        if (pick(2)) s = s.substr(0, pick(s.size() + 1));
        return s;
      }
    }
  };

  std::size_t decoded_ok = 0, threw = 0, not_idempotent = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    proto::frames f;
    switch (pick(3)) {
      case 0: {  // a known or random type, random frames
        std::size_t n = pick(14);
        if (n > 0) f.push_back(pick(5) ? types[pick(types.size())] : random_bytes());
        for (std::size_t i = 1; i < n; ++i) f.push_back(random_frame());
        break;
      }
      default: {  // a valid message, mutated
        f = base[pick(base.size())];
        for (std::size_t m = pick(4); m > 0; --m) {  // 0: left valid
          switch (pick(4)) {
            case 0:
              if (!f.empty()) f.erase(f.begin() + static_cast<std::ptrdiff_t>(pick(f.size())));
              break;
            case 1: f.insert(f.begin() + static_cast<std::ptrdiff_t>(pick(f.size() + 1)), random_frame()); break;
            case 2:
              if (!f.empty()) f[pick(f.size())] = random_frame();
              break;
            default:
              if (!f.empty()) {
                std::string& s = f[pick(f.size())];
                if (!s.empty()) s[pick(s.size())] = static_cast<char>(pick(256));
              }
          }
        }
      }
    }
    // Checks that nothing throws, that message and error never come both or neither, and that
    // only a side that receives the type accepts it.
    decoded_both d = decode_safely(f);
    if (!d.ok) continue;
    ++decoded_ok;
    // Whatever decodes must encode to frames that decode to the same encoding.
    try {
      if (d.to_worker && !stable<proto::to_worker>(*d.to_worker) && ++not_idempotent <= 5)
        BOOST_ERROR("re-encoding for a worker is not stable for " << show(f));
      if (d.to_master && !stable<proto::to_master>(*d.to_master) && ++not_idempotent <= 5)
        BOOST_ERROR("re-encoding for the master is not stable for " << show(f));
    } catch (...) {
      if (++threw <= 5) BOOST_ERROR("re-encode/decode threw on " << show(f));
    }
  }
  BOOST_TEST(threw == 0u);
  BOOST_TEST(not_idempotent == 0u);
  // The mutations leave enough messages intact that decoding is exercised past the type.
  BOOST_TEST(decoded_ok > 1000u);
  BOOST_TEST_MESSAGE("fuzz: " << decoded_ok << " of 20000 frame lists decoded to a message");
}

BOOST_AUTO_TEST_SUITE_END()
