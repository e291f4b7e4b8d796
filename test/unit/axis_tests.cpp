// axis: every value form of a [params] key (README, "The config file") with the exact value texts
// the command receives, and the refusals that keep a typo from running a wrong sweep.
#include <boost/test/unit_test.hpp>

#include <stdlib.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "axis.hpp"
#include "number_format.hpp"
#include "shell_quote.hpp"
#include "temp_dir.hpp"
#include "text_file.hpp"

using gridctl::axis;
using gridctl::parse_axis;
using gridctl::split_list;

namespace fs = std::filesystem;

namespace {

/// All values of an axis, in order.
std::vector<std::string> values_of(const axis& a) {
  std::vector<std::string> out;
  for (std::uint64_t i = 0; i < a.size(); ++i) out.push_back(a.value(i));
  return out;
}

struct good_case {
  const char* text;
  std::vector<std::string> expected;
};

struct bad_case {
  const char* text;
  const char* phrase;  // a useful part of the error message, not its full text
};

struct temp_dir : gridctl::testing::temp_dir {
  temp_dir() : gridctl::testing::temp_dir("gridctl_axis") {}
};

const fs::path no_dir = "/nonexistent-gridctl-dir";

bool read_text_file_ok(const fs::path& file, const gridctl::text_limits& limits) {
  return gridctl::read_text_file(file, limits).ok();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(axis_forms)

BOOST_AUTO_TEST_CASE(valid_forms_give_expected_values) {
  const std::vector<good_case> cases = {
      // Lists: items passed as written; double quotes keep commas and spaces.
      {"1e-6, 1e-5, 0.1, \"a b, c\"", {"1e-6", "1e-5", "0.1", "a b, c"}},
      {"1", {"1"}},
      {"a,b,c", {"a", "b", "c"}},
      {"  x  ,\ty\t", {"x", "y"}},
      {"007, 1.50, 1e-06", {"007", "1.50", "1e-06"}},
      {"\"say \\\"hi\\\"\", b", {"say \"hi\"", "b"}},
      {"\"back\\\\slash\", b", {"back\\slash", "b"}},
      {"\"\", x", {"", "x"}},
      {"\"foo(1)\"", {"foo(1)"}},
      {"\"range(5)\", x", {"range(5)", "x"}},
      {"a b c", {"a b c"}},
      // range: integers, stop exclusive, like Python.
      {"range(5)", {"0", "1", "2", "3", "4"}},
      {"range(2, 10, 3)", {"2", "5", "8"}},
      {"range(10, 0, -3)", {"10", "7", "4", "1"}},
      {"range(-2, 2)", {"-2", "-1", "0", "1"}},
      {"range(1)", {"0"}},
      {"range(0, 10, 5)", {"0", "5"}},
      {"range (3)", {"0", "1", "2"}},
      // linspace: inclusive, like numpy.
      {"linspace(0, 1, 5)", {"0", "0.25", "0.5", "0.75", "1"}},
      {"linspace(0, 1, 1)", {"0"}},
      {"linspace(1, 0, 3)", {"1", "0.5", "0"}},
      {"linspace(-1, 1, 3)", {"-1", "0", "1"}},
      {"linspace(0, 0.3, 4)", {"0", "0.09999999999999999", "0.19999999999999998", "0.3"}},
      // logspace: base ** linspace, base 10 by default.
      {"logspace(-6, 5, 12)",
       {"1e-06", "1e-05", "0.0001", "0.001", "0.01", "0.1", "1", "10", "100", "1000", "10000",
        "100000"}},
      {"logspace(0, 3, 4, 2)", {"1", "2", "4", "8"}},
      {"logspace(0, 1, 1)", {"1"}},
      {"logspace(16, 17, 2)", {"1e+16", "1e+17"}},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("text = " << c.text) {
      auto a = parse_axis("p", c.text, no_dir);
      BOOST_TEST_REQUIRE(a.ok(), "error: " << (a.ok() ? "" : a.error().message));
      BOOST_TEST(a->name() == "p");
      BOOST_TEST(a->size() == c.expected.size());
      BOOST_TEST(values_of(*a) == c.expected, boost::test_tools::per_element());
    }
  }
}

BOOST_AUTO_TEST_CASE(forms_report_their_kind) {
  BOOST_TEST((parse_axis("p", "1, 2", no_dir)->kind() == axis::form::list));
  BOOST_TEST((parse_axis("p", "range(3)", no_dir)->kind() == axis::form::range));
  BOOST_TEST((parse_axis("p", "linspace(0, 1, 3)", no_dir)->kind() == axis::form::linspace));
  BOOST_TEST((parse_axis("p", "logspace(0, 1, 3)", no_dir)->kind() == axis::form::logspace));
}

BOOST_AUTO_TEST_CASE(malformed_forms_are_refused) {
  const std::vector<bad_case> cases = {
      {"range(0, 10, 0)", "step"},
      {"range(1.5)", "integer"},
      {"range(a)", "integer"},
      {"range()", "range"},
      {"range(1, 2, 3, 4)", "range"},
      {"range(5, 0)", "no values"},
      {"range(0)", "no values"},
      {"linspace(0, 1, 0)", "no values"},
      {"linspace(0, 1)", "linspace"},
      {"linspace(0, 1, 2, 3)", "linspace"},
      {"linspace(0, 1, -1)", "num"},
      {"linspace(0, 1, 2.5)", "num"},
      {"linspace(x, 1, 3)", "start"},
      {"linspace(0, y, 3)", "stop"},
      {"logspace(1, 2)", "logspace"},
      {"logspace(0, 1, 3, 0)", "base"},
      {"logspace(0, 1, 3, -2)", "base"},
      {"logspace(0, 400, 3)", "overflow"},
      {"foo(1)", "quote"},
      {"sin(0.5)", "quote"},
      {"", "no values"},
      {"   ", "no values"},
      {"1, 2, 1", "twice"},
      {"a, \"a\"", "twice"},
      {"1,,2", "empty value"},
      {"1, 2,", "empty value"},
      {",1", "empty value"},
      {"\"unterminated, x", "unterminated"},
      {"\"a\" b", "after closing quote"},
      {"a\"b\", c", "double quote"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("text = '" << c.text << "'") {
      auto a = parse_axis("p", c.text, no_dir);
      BOOST_TEST_REQUIRE(!a.ok());
      BOOST_TEST(a.error().message.find(c.phrase) != std::string::npos, "message: " << a.error().message);
      BOOST_TEST(a.error().where.empty());  // the config loader adds FILE:LINE
    }
  }
}

BOOST_AUTO_TEST_CASE(unquoted_list_item_shaped_like_a_form_is_refused) {
  // README: "A value shaped like word(...) that is not one of the forms above is an error; quote
  // it to pass it as text." A list item is such a value: "range(5), 7" must not silently send
  // the text "range(5)" to the command.
  for (const char* text : {"range(5), 7", "7, range(5)", "foo(1), bar", "a, foo(1)"}) {
    BOOST_TEST_CONTEXT("text = '" << text << "'") {
      auto a = parse_axis("p", text, no_dir);
      BOOST_TEST(!a.ok(), "accepted with values: " << (a.ok() ? a->value(0) + ", " + a->value(1) : ""));
    }
  }
}

BOOST_AUTO_TEST_CASE(generated_forms_with_repeated_values_are_refused) {
  // Two equal values would be one point twice with one point id, exactly what the duplicate
  // check refuses for lists; a generated form must not get around it.
  for (const char* text : {"linspace(1, 1, 3)", "logspace(0, 3, 4, 1)"}) {
    BOOST_TEST_CONTEXT("text = '" << text << "'") {
      auto a = parse_axis("p", text, no_dir);
      BOOST_TEST(!a.ok());
    }
  }
}

BOOST_AUTO_TEST_CASE(linspace_with_huge_ends_stays_finite) {
  // (stop - start) overflows a double here although every value lies between the ends; the
  // command must never receive "inf" or "nan" as a value.
  auto a = parse_axis("p", "linspace(-1e308, 1e308, 3)", no_dir);
  if (!a.ok()) {
    // Refusing is acceptable too, as long as it says why.
    BOOST_TEST(!a.error().message.empty());
  } else {
    for (std::uint64_t i = 0; i < a->size(); ++i) {
      BOOST_TEST_CONTEXT("i = " << i) {
        BOOST_TEST(a->value(i).find("inf") == std::string::npos, "value: " << a->value(i));
        BOOST_TEST(a->value(i).find("nan") == std::string::npos, "value: " << a->value(i));
      }
    }
  }
}

BOOST_AUTO_TEST_CASE(axis_names_must_be_identifiers) {
  for (const char* name : {"p", "sigma", "C", "_x", "x_1", "learning_rate"}) {
    BOOST_TEST_CONTEXT("name = '" << name << "'") { BOOST_TEST(parse_axis(name, "1", no_dir).ok()); }
  }
  for (const char* name : {"", "1p", "a-b", "a b", "a.b", "p$", "\xc3\xa9"}) {
    BOOST_TEST_CONTEXT("name = '" << name << "'") {
      auto a = parse_axis(name, "1", no_dir);
      BOOST_TEST_REQUIRE(!a.ok());
      BOOST_TEST(a.error().message.find("axis name") != std::string::npos, "message: " << a.error().message);
    }
  }
}

BOOST_AUTO_TEST_CASE(lines_reads_non_empty_lines_relative_to_base_dir) {
  temp_dir dir;
  // Blank lines, whitespace-only lines and \r\n endings must not become values.
  dir.write("values.txt", "alpha\r\n\r\n  beta gamma  \r\n\n \t \ndelta\n\nlast");
  auto a = parse_axis("p", "lines(values.txt)", dir.path);
  BOOST_TEST_REQUIRE(a.ok(), "error: " << (a.ok() ? "" : a.error().message));
  BOOST_TEST((a->kind() == axis::form::list));
  std::vector<std::string> expected = {"alpha", "beta gamma", "delta", "last"};
  BOOST_TEST(values_of(*a) == expected, boost::test_tools::per_element());

  // A quoted file name and a file in a subfolder resolve the same way.
  fs::create_directory(dir.path / "sub");
  dir.write("sub/more.txt", "x\ny\n");
  auto b = parse_axis("p", "lines(\"sub/more.txt\")", dir.path);
  BOOST_TEST_REQUIRE(b.ok(), "error: " << (b.ok() ? "" : b.error().message));
  BOOST_TEST(b->size() == 2u);
}

BOOST_AUTO_TEST_CASE(lines_errors) {
  temp_dir dir;
  dir.write("empty.txt", "\n\r\n  \n");
  dir.write("dup.txt", "a\nb\na\n");
  const std::vector<bad_case> cases = {
      {"lines(missing.txt)", "No such file or directory"},
      {"lines(empty.txt)", "no values"},
      {"lines(dup.txt)", "twice"},
      {"lines()", "lines"},
      {"lines(a, b)", "lines"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("text = '" << c.text << "'") {
      auto a = parse_axis("p", c.text, dir.path);
      BOOST_TEST_REQUIRE(!a.ok());
      BOOST_TEST(a.error().message.find(c.phrase) != std::string::npos, "message: " << a.error().message);
    }
  }
  // The missing file is named in the message so the user knows where it was looked for.
  auto missing = parse_axis("p", "lines(missing.txt)", dir.path);
  BOOST_TEST_REQUIRE(!missing.ok());
  BOOST_TEST(missing.error().message.find("missing.txt") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(huge_generated_axes_are_lazy) {
  // 10^12 values: computing one must not build the others.
  auto a = parse_axis("p", "range(1000000000000)", no_dir);
  BOOST_TEST_REQUIRE(a.ok());
  BOOST_TEST(a->size() == 1000000000000ull);
  BOOST_TEST(a->value(999999999999ull) == "999999999999");
  auto b = parse_axis("p", "linspace(0, 1, 1000000000001)", no_dir);
  BOOST_TEST_REQUIRE(b.ok());
  BOOST_TEST(b->value(500000000000ull) == "0.5");
  BOOST_TEST(b->value(1000000000000ull) == "1");
}

BOOST_AUTO_TEST_CASE(range_covers_the_whole_int64_span) {
  auto a = parse_axis("p", "range(-9223372036854775808, 9223372036854775807, 4611686018427387904)", no_dir);
  BOOST_TEST_REQUIRE(a.ok());
  std::vector<std::string> expected = {"-9223372036854775808", "-4611686018427387904", "0",
                                       "4611686018427387904"};
  BOOST_TEST(values_of(*a) == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(split_list_items) {
  auto items = split_list("a, \"b, c\" , d");
  BOOST_TEST_REQUIRE(items.ok());
  std::vector<std::string> expected = {"a", "b, c", "d"};
  BOOST_TEST(*items == expected, boost::test_tools::per_element());
  BOOST_TEST(!split_list("a,").ok());
  BOOST_TEST(!split_list("\"a").ok());
}

BOOST_AUTO_TEST_CASE(list_items_that_split_brackets_are_refused_with_the_meant_form) {
  // A comma separates items even inside brackets: these would silently become items like "[1"
  // and "17". Each refusal shows what to write instead.
  const std::vector<bad_case> cases = {
      {"[1, 2, 3]", "write 'p = 1, 2, 3'"},
      {"(a, b)", "write 'p = a, b'"},
      {"{x, \"y z\"}", "write 'p = x, \"y z\"'"},
      {"2**range(-5, 17, 2)", "write 'p = logspace(-5, 15, 11, 2)'"},
      {"10 ** range(3)", "write 'p = logspace(0, 2, 3)'"},
      {"2**range(10, 0, -5)", "write 'p = logspace(10, 5, 2, 2)'"},
      {"2**linspace(0, 1, 5)", "write 'p = logspace(0, 1, 5, 2)'"},
      {"2**range(5, 0)", "no values"},
      {"2**range(0, 4, 0)", "step"},
      {"a (b, c", "quote the value (\"a (b, c\")"},
      {"x), y", "bracket"},
      {"[1, 2], [3, 4]", "bracket"},
      {"range(1, 5), 7", "bracket"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("text = '" << c.text << "'") {
      auto a = parse_axis("p", c.text, no_dir);
      BOOST_TEST_REQUIRE(!a.ok(), "accepted, the first value: " << (a.ok() ? a->value(0) : ""));
      BOOST_TEST(a.error().message.find(c.phrase) != std::string::npos, "message: " << a.error().message);
    }
  }
}

BOOST_AUTO_TEST_CASE(suggested_logspace_gives_the_values_of_the_power_of_a_range) {
  auto refused = parse_axis("p", "2**range(-5, 17, 2)", no_dir);
  BOOST_TEST_REQUIRE(!refused.ok());
  const std::string& m = refused.error().message;
  std::size_t from = m.find("logspace(");
  BOOST_TEST_REQUIRE(from != std::string::npos);
  auto meant = parse_axis("p", m.substr(from, m.find(')', from) + 1 - from), no_dir);
  BOOST_TEST_REQUIRE(meant.ok());
  BOOST_TEST_REQUIRE(meant->size() == 11u);
  for (std::uint64_t i = 0; i < 11; ++i)
    BOOST_TEST(meant->value(i) == gridctl::format_number(std::pow(2.0, -5.0 + 2.0 * static_cast<double>(i))));
}

BOOST_AUTO_TEST_CASE(balanced_or_quoted_brackets_stay_values) {
  const std::vector<good_case> cases = {
      {"\"a (b, c\", d", {"a (b, c", "d"}},
      {"\"[1, 2, 3]\"", {"[1, 2, 3]"}},
      {"[1], [2]", {"[1]", "[2]"}},
      {"a[0], x {y}", {"a[0]", "x {y}"}},
      {"\"2**range(-5, 17, 2)\"", {"2**range(-5, 17, 2)"}},
      {"2**10, 3**2", {"2**10", "3**2"}},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("text = " << c.text) {
      auto a = parse_axis("p", c.text, no_dir);
      BOOST_TEST_REQUIRE(a.ok(), "error: " << (a.ok() ? "" : a.error().message));
      BOOST_TEST(values_of(*a) == c.expected, boost::test_tools::per_element());
    }
  }
}

BOOST_AUTO_TEST_CASE(lines_of_a_device_or_a_directory_fail_fast_with_the_reason) {
  // /dev/zero has no newline and reports a size of 0: only a bounded read stops it.
  auto start = std::chrono::steady_clock::now();
  auto zero = parse_axis("p", "lines(/dev/zero)", no_dir);
  BOOST_TEST_REQUIRE(!zero.ok());
  BOOST_TEST(zero.error().message.find("longer than 128 KiB") != std::string::npos, zero.error().message);
  BOOST_TEST((std::chrono::steady_clock::now() - start < std::chrono::seconds(5)));
  auto root = parse_axis("p", "lines(/)", no_dir);
  BOOST_TEST_REQUIRE(!root.ok());
  BOOST_TEST(root.error().message.find("Is a directory") != std::string::npos, root.error().message);
}

BOOST_AUTO_TEST_CASE(lines_drops_a_byte_order_mark) {
  temp_dir dir;
  dir.write("bom.txt", "\xEF\xBB\xBF" "alpha\nbeta\n");
  auto a = parse_axis("p", "lines(bom.txt)", dir.path);
  BOOST_TEST_REQUIRE(a.ok(), "error: " << (a.ok() ? "" : a.error().message));
  std::vector<std::string> expected = {"alpha", "beta"};
  BOOST_TEST(values_of(*a) == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(longest_value_is_exact_for_lists_and_ranges_and_bounds_generated_numbers) {
  auto list = parse_axis("p", "a, \"it's here\", bbbb", no_dir);
  BOOST_TEST_REQUIRE(list.ok());
  BOOST_TEST(list->longest_value().raw == 9u);
  BOOST_TEST(list->longest_value().quoted == gridctl::shell_quote("it's here").size());
  BOOST_TEST(*list->first_quoted_value() == "it's here");

  auto range = parse_axis("p", "range(-100, 5)", no_dir);
  BOOST_TEST(range->longest_value().raw == 4u);  // "-100"
  BOOST_TEST(range->longest_value().quoted == 4u);
  BOOST_TEST(!range->first_quoted_value().has_value());
  BOOST_TEST(parse_axis("p", "range(5, 1000000, 7)", no_dir)->longest_value().raw == 6u);

  for (const char* text : {"linspace(-1e-300, 1, 1000)", "logspace(-307, 308, 1000)", "linspace(0, 1, 10000001)"}) {
    BOOST_TEST_CONTEXT(text) {
      auto a = parse_axis("p", text, no_dir);
      BOOST_TEST_REQUIRE(a.ok());
      std::size_t longest = 0;
      for (std::uint64_t i = 0; i < a->size(); i += 1 + a->size() / 100000) longest = std::max(longest, a->value(i).size());
      BOOST_TEST(a->longest_value().raw >= longest);
      BOOST_TEST(a->longest_value().quoted == a->longest_value().raw);
    }
  }
}

BOOST_AUTO_TEST_CASE(read_text_file_bounds_size_and_line_length) {
  temp_dir dir;
  auto small = dir.write("f.txt", std::string(100, 'a') + "\n" + std::string(50, 'b'));
  BOOST_TEST(read_text_file_ok(small, {200, 100}));
  auto too_big = gridctl::read_text_file(small, {150, 0});
  BOOST_TEST_REQUIRE(!too_big.ok());
  BOOST_TEST(too_big.error().message == "it is larger than 150 bytes");
  auto too_long = gridctl::read_text_file(small, {1000, 99});
  BOOST_TEST_REQUIRE(!too_long.ok());
  BOOST_TEST(too_long.error().message == "line 1 is longer than 99 bytes");
  auto last_too_long = gridctl::read_text_file(small, {1000, 49});
  BOOST_TEST_REQUIRE(!last_too_long.ok());
  BOOST_TEST(last_too_long.error().message == "line 1 is longer than 49 bytes");
  // A long line that spans read chunks (64 KiB) is counted whole, and its number is right.
  auto spanning = dir.write("g.txt", "x\ny\n" + std::string(200000, 'c') + "\n");
  auto r = gridctl::read_text_file(spanning, {1 << 20, 131072});
  BOOST_TEST_REQUIRE(!r.ok());
  BOOST_TEST(r.error().message == "line 3 is longer than 128 KiB");
  BOOST_TEST(gridctl::read_text_file(spanning, {1 << 20, 200000}).ok());
  BOOST_TEST(gridctl::read_text_file(dir.path / "none", {}).error().message == "No such file or directory");
}

BOOST_AUTO_TEST_SUITE_END()
