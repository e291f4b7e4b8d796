// duration: the durations and sizes users write in the config and on the command line. A wrong
// parse silently changes a timeout, so both the accepted forms and the refusals are pinned.
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "byte_size.hpp"
#include "duration.hpp"

using gridctl::duration;
using gridctl::parse_duration;
using gridctl::parse_size;

namespace {

struct duration_case {
  const char* text;
  long long ms;
};

struct size_case {
  const char* text;
  std::size_t bytes;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(duration_parsing)

BOOST_AUTO_TEST_CASE(parse_duration_accepts_every_unit) {
  const std::vector<duration_case> cases = {
      {"250ms", 250},        {"0ms", 0},           {"1s", 1000},          {"10m", 600000},
      {"2h", 7200000},       {"1d", 86400000},     {"1.5s", 1500},        {"0.5m", 30000},
      {"1.5h", 5400000},     {"0.25d", 21600000},  {"90s", 90000},        {"0s", 0},
      {"100000ms", 100000},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("text = '" << c.text << "'") {
      auto d = parse_duration(c.text);
      BOOST_TEST_REQUIRE(d.has_value());
      BOOST_TEST(d->count() == c.ms);
    }
  }
}

BOOST_AUTO_TEST_CASE(parse_duration_refuses_bad_text) {
  // A bare number is refused on purpose: "10" could mean seconds or minutes.
  const std::vector<const char*> bad = {"10",   "10x",  "",     "-1s",  "s",     "ms",   "10 s",
                                        " 10s", "10s ", "10sec", "10M", "1h30m", "infs", "nans",
                                        "-5m",  "1e300d", "10S"};
  for (const char* text : bad) {
    BOOST_TEST_CONTEXT("text = '" << text << "'") { BOOST_TEST(!parse_duration(text).has_value()); }
  }
}

BOOST_AUTO_TEST_CASE(parse_size_accepts_bytes_and_binary_suffixes) {
  const std::vector<size_case> cases = {
      {"4096", 4096},
      {"0", 0},
      {"64K", 64u * 1024},
      {"1M", std::size_t{1} << 20},
      {"2G", std::size_t{2} << 30},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("text = '" << c.text << "'") {
      auto n = parse_size(c.text);
      BOOST_TEST_REQUIRE(n.has_value());
      BOOST_TEST(*n == c.bytes);
    }
  }
}

BOOST_AUTO_TEST_CASE(parse_size_refuses_bad_text) {
  // The last two would wrap around 2^64 if the multiplication were not checked.
  const std::vector<const char*> bad = {"",   "K",     "1T",  "1.5M", "-1", "1 M", " 1M", "1KB",
                                        "1MiB", "abc", "99999999999999999999", "17179869184G"};
  for (const char* text : bad) {
    BOOST_TEST_CONTEXT("text = '" << text << "'") { BOOST_TEST(!parse_size(text).has_value()); }
  }
}

BOOST_AUTO_TEST_SUITE_END()
