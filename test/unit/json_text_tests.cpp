// json_text: the hand-written JSON of the results file. Every string must come out as a valid
// JSON string literal (escaped, valid UTF-8) and numbers as a reader expects them (0.2, not 2E-1).
#include <boost/test/unit_test.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "json_text.hpp"
#include "utf8.hpp"

using gridctl::append_json_string;
using gridctl::append_json_value;
using gridctl::parse_json;

namespace {

std::string json_string(std::string_view text) {
  std::string out;
  append_json_string(out, text);
  return out;
}

std::string json_value(const boost::json::value& v) {
  std::string out;
  append_json_value(out, v);
  return out;
}

/// The string a JSON string literal stands for, read by Boost.JSON (throws when it is not one).
std::string read_back(const std::string& literal) {
  boost::json::value v = boost::json::parse(literal);
  return std::string(v.as_string());
}

struct escape_case {
  std::string input;
  std::string expected;
};

}  // namespace

BOOST_AUTO_TEST_SUITE(json_text)

BOOST_AUTO_TEST_CASE(append_json_string_escapes_what_json_requires) {
  const std::vector<escape_case> cases = {
      {"", R"("")"},
      {"plain", R"("plain")"},
      {"say \"hi\"", R"("say \"hi\"")"},
      {"C:\\dir\\file", R"("C:\\dir\\file")"},
      {"line1\nline2", R"("line1\nline2")"},
      {"a\tb", R"("a\tb")"},
      {"cr\r", R"("cr\r")"},
      {"\x01", R"("\u0001")"},
      {"\x1f", R"("\u001f")"},
      {std::string("nul\0", 4), R"("nul\u0000")"},
      {"slash / stays", R"("slash / stays")"},
      {"caf\xC3\xA9", "\"caf\xC3\xA9\""},  // valid UTF-8 passes through as is
  };
  for (const auto& c : cases) {
    BOOST_TEST_INFO("input " << c.expected);
    std::string out = json_string(c.input);
    BOOST_TEST(out == c.expected);
    BOOST_TEST(read_back(out) == c.input);
  }
}

BOOST_AUTO_TEST_CASE(append_json_string_appends_to_what_is_there) {
  std::string out = "{\"k\": ";
  append_json_string(out, "v");
  BOOST_TEST(out == R"({"k": "v")");
}

BOOST_AUTO_TEST_CASE(invalid_utf8_becomes_replacement_characters) {
  BOOST_TEST(json_string("a\xFF" "b") == "\"a\xEF\xBF\xBD" "b\"");
  BOOST_TEST(json_string("\xE2\x82") == "\"\xEF\xBF\xBD\"");
  BOOST_TEST(json_string("\xC0\xAF\"") == "\"\xEF\xBF\xBD\xEF\xBF\xBD\\\"\"");
  BOOST_TEST(read_back(json_string("x\xED\xA0\x80y")) == "x\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBDy");
}

BOOST_AUTO_TEST_CASE(every_byte_string_gives_a_parseable_literal) {
  // All 256 byte values, in one string and one at a time, and pseudo-random mixtures.
  std::string all;
  for (int b = 0; b < 256; ++b) all += static_cast<char>(b);
  std::vector<std::string> inputs = {all};
  for (int b = 0; b < 256; ++b) inputs.emplace_back(1, static_cast<char>(b));
  std::uint64_t state = 1;
  for (int round = 0; round < 500; ++round) {
    std::string s;
    for (int k = 0; k < 20; ++k) {
      state = state * 6364136223846793005ull + 1442695040888963407ull;
      s += static_cast<char>(state >> 56);
    }
    inputs.push_back(s);
  }
  for (const auto& s : inputs) {
    std::string out = json_string(s);
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(out, ec);
    BOOST_TEST_INFO("literal " << out);
    BOOST_TEST_REQUIRE(!ec);
    BOOST_TEST_REQUIRE(v.is_string());
    BOOST_TEST(std::string(v.get_string()) == gridctl::repair_utf8(s));
    BOOST_TEST(out.find('\n') == std::string::npos);  // never breaks a JSON Lines line
  }
}

BOOST_AUTO_TEST_CASE(doubles_are_written_as_a_reader_expects) {
  BOOST_TEST(json_value(0.2) == "0.2");
  BOOST_TEST(json_value(1e-06) == "1e-06");
  BOOST_TEST(json_value(2.5e-07) == "2.5e-07");
  BOOST_TEST(json_value(0.0001) == "0.0001");
  BOOST_TEST(json_value(-0.5) == "-0.5");
  BOOST_TEST(json_value(100000.5) == "100000.5");
  BOOST_TEST(json_value(1e+16) == "1e+16");
  // Whatever the form, it reads back as the same double.
  for (double d : {0.1, 0.2, 1.0 / 3, 1e-06, 6.02214076e23, -1.5e-300, 123456.789}) {
    std::string text = json_value(d);
    BOOST_TEST_INFO("text " << text);
    BOOST_TEST(text.find('E') == std::string::npos);
    BOOST_TEST(boost::json::parse(text).to_number<double>() == d);
  }
}

BOOST_AUTO_TEST_CASE(integers_booleans_and_null) {
  BOOST_TEST(json_value(boost::json::value(std::int64_t{42})) == "42");
  BOOST_TEST(json_value(boost::json::value(std::int64_t{-7})) == "-7");
  BOOST_TEST(json_value(boost::json::value(std::uint64_t{18446744073709551615ull})) == "18446744073709551615");
  BOOST_TEST(json_value(boost::json::value(true)) == "true");
  BOOST_TEST(json_value(boost::json::value(false)) == "false");
  BOOST_TEST(json_value(boost::json::value(nullptr)) == "null");
}

BOOST_AUTO_TEST_CASE(nested_arrays_and_objects_on_one_line) {
  boost::json::value v = boost::json::parse(
      R"({"result": 0.2, "eps": 1e-6, "n": 3, "hist": [1, [2.5, []], {}], "meta": {"name": "a\"b", "ok": true, "x": null}})");
  std::string text = json_value(v);
  BOOST_TEST(text ==
             R"({"result": 0.2, "eps": 1e-06, "n": 3, "hist": [1, [2.5, []], {}], "meta": {"name": "a\"b", "ok": true, "x": null}})");
  BOOST_TEST(text.find('\n') == std::string::npos);
  BOOST_TEST(boost::json::parse(text) == v);
}

BOOST_AUTO_TEST_CASE(strings_inside_values_are_repaired) {
  boost::json::object o;
  o["k\xFF"] = "v\xE2\x82";
  std::string text = json_value(o);
  BOOST_TEST(text == "{\"k\xEF\xBF\xBD\": \"v\xEF\xBF\xBD\"}");
  BOOST_TEST(boost::json::parse(text).is_object());
}

BOOST_AUTO_TEST_CASE(parse_json_reads_one_value) {
  auto v = parse_json(" {\"a\": [1, 2.5]} \n");
  BOOST_TEST_REQUIRE(v.has_value());
  BOOST_TEST(v->at("a").at(1).as_double() == 2.5);
  BOOST_TEST(parse_json("42")->as_int64() == 42);
  BOOST_TEST(parse_json("\"s\"")->as_string() == "s");
}

BOOST_AUTO_TEST_CASE(parse_json_returns_nothing_for_garbage_and_never_throws) {
  const std::vector<std::string> garbage = {
      "",
      "   \n",
      "not json",
      "{",
      "{\"a\": }",
      "[1, 2",
      "1 2",
      "{\"a\": 1} trailing",
      "\"unterminated",
      "\"bad \xFF utf8\"",
      "nan",
      std::string(100000, '['),  // far deeper than any limit
      std::string("{\"a\": 1}\0", 9),
  };
  for (const auto& g : garbage) {
    BOOST_TEST_INFO("input of " << g.size() << " bytes");
    std::optional<boost::json::value> v;
    BOOST_CHECK_NO_THROW(v = parse_json(g));
    BOOST_TEST(!v.has_value());
  }
}

BOOST_AUTO_TEST_SUITE_END()
