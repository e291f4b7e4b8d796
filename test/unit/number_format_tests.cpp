// number_format: the text of generated numbers must match Python's repr exactly (README, "The
// config file"), because users compare it with what their own scripts print, and
// is_json_number decides whether a value becomes a JSON number in the results file.
#include <boost/test/unit_test.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "number_format.hpp"

using gridctl::format_integer;
using gridctl::format_number;
using gridctl::is_json_number;

namespace {

struct number_case {
  double x;
  const char* expected;
};

struct text_case {
  const char* text;
  bool expected;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(number_format)

BOOST_AUTO_TEST_CASE(format_number_matches_python_repr) {
  // Expected texts are what Python 3 prints for repr(x), minus a trailing ".0".
  const std::vector<number_case> cases = {
      {0.0001, "0.0001"},
      {0.25, "0.25"},
      {100000, "100000"},
      {1e-05, "1e-05"},
      {2.5e-07, "2.5e-07"},
      {1e+16, "1e+16"},
      {1e15, "1000000000000000"},
      {9999999999999998.0, "9999999999999998"},  // the largest double below 1e16 stays plain
      {0.1 + 0.2, "0.30000000000000004"},
      {1.0, "1"},
      {-1.5, "-1.5"},
      {-1.0, "-1"},
      {5e-324, "5e-324"},
      {1.7976931348623157e+308, "1.7976931348623157e+308"},
      {-1.7976931348623157e+308, "-1.7976931348623157e+308"},
      {123456789012345.6, "123456789012345.6"},
      {0.00012, "0.00012"},
      {0.00001, "1e-05"},
      {0.000099, "9.9e-05"},
      {1.5e-10, "1.5e-10"},
      {1e22, "1e+22"},
      {1.25e100, "1.25e+100"},
      {-2.5e-07, "-2.5e-07"},
      {3.14159, "3.14159"},
      {10, "10"},
      {1e-4 * 3, "0.00030000000000000003"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("x = " << c.x) { BOOST_TEST(format_number(c.x) == c.expected); }
  }
}

BOOST_AUTO_TEST_CASE(format_number_zero_and_specials) {
  BOOST_TEST(format_number(0.0) == "0");
  // Documented choice: "-0" on a command line reads like an option, so negative zero is "0".
  BOOST_TEST(format_number(-0.0) == "0");
  BOOST_TEST(format_number(std::numeric_limits<double>::quiet_NaN()) == "nan");
  BOOST_TEST(format_number(std::numeric_limits<double>::infinity()) == "inf");
  BOOST_TEST(format_number(-std::numeric_limits<double>::infinity()) == "-inf");
}

BOOST_AUTO_TEST_CASE(format_number_reads_back_as_the_same_double) {
  // Shortest round trip: every text must parse back to exactly the value written.
  const std::vector<double> values = {0.1, 1.0 / 3, 2.0 / 3, 1e-7 / 3, 6.02214076e23, 123.456,
                                      std::nextafter(1.0, 2.0), std::nextafter(1e16, 0.0),
                                      std::nextafter(1e-4, 0.0), 1e-4};
  for (double x : values) {
    std::string text = format_number(x);
    BOOST_TEST_CONTEXT("text = " << text) { BOOST_TEST(std::stod(text) == x); }
  }
}

BOOST_AUTO_TEST_CASE(format_integer_is_plain_decimal) {
  BOOST_TEST(format_integer(0) == "0");
  BOOST_TEST(format_integer(-3) == "-3");
  BOOST_TEST(format_integer(10000000000LL) == "10000000000");
  BOOST_TEST(format_integer(std::numeric_limits<std::int64_t>::min()) == "-9223372036854775808");
}

BOOST_AUTO_TEST_CASE(is_json_number_table) {
  const std::vector<text_case> cases = {
      {"0", true},     {"-3", true},    {"1e-6", true},  {"1E+6", true},   {"0.5", true},
      {"-0", true},    {"-0.5e10", true}, {"123", true}, {"1.25", true},   {"2e5", true},
      {"007", false},  {".5", false},   {"1.", false},   {"+3", false},    {"inf", false},
      {"nan", false},  {"0x10", false}, {"", false},     {"-", false},     {"1e", false},
      {"1e+", false},  {"01", false},   {" 1", false},   {"1 ", false},    {"1.5.2", false},
      {"--1", false},  {"1e5.5", false}, {"a", false},   {"-inf", false},  {"1,5", false},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("text = '" << c.text << "'") { BOOST_TEST(is_json_number(c.text) == c.expected); }
  }
}

BOOST_AUTO_TEST_SUITE_END()
