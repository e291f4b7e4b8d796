// grid: the order of points, the stability of their ids (resume depends on it: docs/results-file.md, "Point
// attempts, results"), command templates and the job environment.
#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "axis.hpp"
#include "grid.hpp"

using gridctl::axis;
using gridctl::command_template;
using gridctl::format_point_id;
using gridctl::grid;
using gridctl::job_environment;
using gridctl::parse_point_id;
using gridctl::point_id;

namespace {

axis list_axis(const std::string& name, std::vector<std::string> values) {
  return axis::from_list(name, std::move(values));
}

/// The documented id encoding (grid.hpp), written out independently: FNV-1a 64 over
/// <name> '\0' <value> '\0' for each axis sorted by name, then the splitmix64 finalizer.
/// `pairs` must already be sorted by name.
point_id reference_id(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::uint64_t h = 0xcbf29ce484222325ull;
  auto feed = [&h](const std::string& s) {
    for (unsigned char c : s) {
      h ^= c;
      h *= 0x100000001b3ull;
    }
    h *= 0x100000001b3ull;  // the '\0' terminator: xor with 0 changes nothing
  };
  for (const auto& [name, value] : pairs) {
    feed(name);
    feed(value);
  }
  h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9ull;
  h = (h ^ (h >> 27)) * 0x94d049bb133111ebull;
  return h ^ (h >> 31);
}

bool is_lower_hex16(const std::string& s) {
  if (s.size() != 16) return false;
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(grid_points)

BOOST_AUTO_TEST_CASE(size_is_the_product_of_axis_sizes) {
  grid g({list_axis("p", {"1", "2", "3"}), axis::from_range("q", 0, 4, 1), list_axis("r", {"x", "y"})});
  BOOST_TEST(g.size() == 24u);
  std::vector<std::string> names = {"p", "q", "r"};
  BOOST_TEST(g.axis_names() == names, boost::test_tools::per_element());
  BOOST_TEST(grid().size() == 0u);
  BOOST_TEST(grid({list_axis("p", {"only"})}).size() == 1u);
}

BOOST_AUTO_TEST_CASE(values_are_in_key_order_with_the_last_axis_fastest) {
  grid g({list_axis("p", {"a", "b"}), list_axis("q", {"1", "2", "3"})});
  const std::vector<std::vector<std::string>> expected = {
      {"a", "1"}, {"a", "2"}, {"a", "3"}, {"b", "1"}, {"b", "2"}, {"b", "3"},
  };
  BOOST_TEST_REQUIRE(g.size() == expected.size());
  for (std::uint64_t i = 0; i < g.size(); ++i) {
    BOOST_TEST_CONTEXT("index = " << i) {
      BOOST_TEST(g.values(i) == expected[i], boost::test_tools::per_element());
    }
  }
}

BOOST_AUTO_TEST_CASE(three_axes_mixed_radix) {
  grid g({axis::from_range("a", 0, 2, 1), axis::from_range("b", 0, 3, 1), axis::from_range("c", 0, 4, 1)});
  // index = (a * 3 + b) * 4 + c
  for (std::uint64_t i = 0; i < g.size(); ++i) {
    std::vector<std::string> expected = {std::to_string(i / 12), std::to_string(i / 4 % 3),
                                         std::to_string(i % 4)};
    BOOST_TEST_CONTEXT("index = " << i) {
      BOOST_TEST(g.values(i) == expected, boost::test_tools::per_element());
    }
  }
}

BOOST_AUTO_TEST_CASE(ten_million_points_are_lazy) {
  auto p = gridctl::parse_axis("p", "range(10000)", "/");
  auto q = gridctl::parse_axis("q", "range(1000)", "/");
  BOOST_TEST_REQUIRE(p.ok());
  BOOST_TEST_REQUIRE(q.ok());
  grid g({*p, *q});
  BOOST_TEST(g.size() == 10000000u);
  std::vector<std::string> last = {"9999", "999"};
  BOOST_TEST(g.values(9999999) == last, boost::test_tools::per_element());
  std::vector<std::string> middle = {"5000", "0"};
  BOOST_TEST(g.values(5000000) == middle, boost::test_tools::per_element());
  std::vector<std::string> near_end = {"9999", "998"};
  BOOST_TEST(g.values(9999998) == near_end, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(a_grid_too_big_to_materialize_still_answers) {
  // 10^18 points: only a lazy grid can answer this at all (10^7 could still fit in memory).
  grid g({axis::from_range("p", 0, 1000000000, 1), axis::from_range("q", 0, 1000000000, 1)});
  BOOST_TEST(g.size() == 1000000000000000000ull);
  std::vector<std::string> last = {"999999999", "999999999"};
  BOOST_TEST(g.values(g.size() - 1) == last, boost::test_tools::per_element());
  std::vector<std::string> some = {"123456789", "987654321"};
  BOOST_TEST(g.values(123456789987654321ull) == some, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(id_follows_the_documented_encoding) {
  grid g({list_axis("q", {"0.1", "a b, c"}), list_axis("p", {"1e-06"})});
  // Axes are hashed in name order: p before q, whatever their key order.
  BOOST_TEST(g.id_of({"0.1", "1e-06"}) == reference_id({{"p", "1e-06"}, {"q", "0.1"}}));
  BOOST_TEST(g.id_of({"a b, c", "1e-06"}) == reference_id({{"p", "1e-06"}, {"q", "a b, c"}}));
}

BOOST_AUTO_TEST_CASE(id_is_pinned) {
  // Ids are written to results files and must never change between versions; this literal was
  // computed from the documented encoding (see reference_id).
  grid g({list_axis("p", {"1"})});
  BOOST_TEST(format_point_id(g.id_of({"1"})) == format_point_id(reference_id({{"p", "1"}})));
  BOOST_TEST(format_point_id(g.id_of({"1"})) == "919781e3ff3d65f5");
}

BOOST_AUTO_TEST_CASE(id_depends_only_on_names_and_values) {
  grid g1({list_axis("p", {"1", "2"}), list_axis("q", {"x", "y"})});
  grid g2({list_axis("p", {"1", "2"}), list_axis("q", {"x", "y"})});
  BOOST_TEST(g1.id_of({"1", "x"}) == g2.id_of({"1", "x"}));
  BOOST_TEST(g1.id_of({"1", "x"}) == g1.id_of({"1", "x"}));
  // Every point of a grid has its own id.
  std::set<point_id> ids;
  for (std::uint64_t i = 0; i < g1.size(); ++i) ids.insert(g1.id_of(g1.values(i)));
  BOOST_TEST(ids.size() == g1.size());
}

BOOST_AUTO_TEST_CASE(adding_values_keeps_old_ids) {
  grid before({list_axis("p", {"1", "2"}), list_axis("q", {"x", "y"})});
  grid after({list_axis("p", {"0", "1", "2", "3"}), list_axis("q", {"x", "y", "z"})});
  for (std::uint64_t i = 0; i < before.size(); ++i) {
    auto v = before.values(i);
    BOOST_TEST_CONTEXT("point " << v[0] << ", " << v[1]) { BOOST_TEST(before.id_of(v) == after.id_of(v)); }
  }
}

BOOST_AUTO_TEST_CASE(reordering_axes_keeps_ids) {
  grid pq({list_axis("p", {"1", "2"}), list_axis("q", {"x", "y"})});
  grid qp({list_axis("q", {"x", "y"}), list_axis("p", {"1", "2"})});
  BOOST_TEST(pq.id_of({"1", "y"}) == qp.id_of({"y", "1"}));
  BOOST_TEST(pq.id_of({"2", "x"}) == qp.id_of({"x", "2"}));
}

BOOST_AUTO_TEST_CASE(ids_tell_names_and_value_boundaries_apart) {
  // The '\0' separators keep name "p" + value "ab" apart from name "pa" + value "b", and the
  // names are hashed too, so a renamed axis gives new ids.
  grid p_ab({list_axis("p", {"ab"})});
  grid pa_b({list_axis("pa", {"b"})});
  BOOST_TEST(p_ab.id_of({"ab"}) != pa_b.id_of({"b"}));
  grid renamed({list_axis("r", {"ab"})});
  BOOST_TEST(p_ab.id_of({"ab"}) != renamed.id_of({"ab"}));
  grid two({list_axis("a", {"b"}), list_axis("c", {"d"})});
  grid shifted({list_axis("a", {"bc"}), list_axis("c", {"d"})});
  BOOST_TEST(two.id_of({"b", "d"}) != shifted.id_of({"bc", "d"}));
  // Value texts are compared as written: "1" and "1.0" are different points.
  grid one({list_axis("p", {"1", "1.0"})});
  BOOST_TEST(one.id_of({"1"}) != one.id_of({"1.0"}));
}

BOOST_AUTO_TEST_CASE(point_id_text_round_trips) {
  const std::vector<point_id> ids = {0, 1, 0x9f2c4e1a0b7d3c55ull, 0xffffffffffffffffull, 0x00000000000000abull};
  for (point_id id : ids) {
    std::string text = format_point_id(id);
    BOOST_TEST_CONTEXT("text = " << text) {
      BOOST_TEST(is_lower_hex16(text));
      auto back = parse_point_id(text);
      BOOST_TEST_REQUIRE(back.has_value());
      BOOST_TEST(*back == id);
    }
  }
  BOOST_TEST(format_point_id(0x9f2c4e1a0b7d3c55ull) == "9f2c4e1a0b7d3c55");
  BOOST_TEST(format_point_id(0xabull) == "00000000000000ab");
  grid g({list_axis("p", {"1", "2"})});
  BOOST_TEST(is_lower_hex16(format_point_id(g.id_of({"2"}))));
}

BOOST_AUTO_TEST_CASE(parse_point_id_refuses_bad_text) {
  for (const char* text : {"", "9f2c4e1a0b7d3c5", "9f2c4e1a0b7d3c555", "9f2c4e1a0b7d3c5g",
                           " 9f2c4e1a0b7d3c5", "-f2c4e1a0b7d3c55", "+f2c4e1a0b7d3c55",
                           "0x2c4e1a0b7d3c55"}) {
    BOOST_TEST_CONTEXT("text = '" << text << "'") { BOOST_TEST(!parse_point_id(text).has_value()); }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(command_templates)

BOOST_AUTO_TEST_CASE(uses_axis_tells_which_axes_the_command_mentions) {
  // An axis missing from the command gets a warning: its points' commands would look alike.
  auto t = gridctl::command_template::parse("run {q} {{p}}", {"p", "q"});
  BOOST_TEST_REQUIRE(t.ok());
  BOOST_TEST(!t->uses_axis(0));  // {{p}} is a literal "{p}", not the axis
  BOOST_TEST(t->uses_axis(1));
}

BOOST_AUTO_TEST_CASE(quoted_placeholders_are_those_wrapped_in_quotes_of_their_own) {
  // "{p}" and '{p}' fight gridctl's own quoting; a placeholder inside a longer quoted word
  // (sh -c "echo {p}") is usually deliberate, and an escaped quote opens nothing.
  struct quoted_case {
    const char* command;
    std::vector<std::pair<int, char>> expected;  // axis, quote
  };
  const std::vector<quoted_case> cases = {
      {R"(echo "{p}")", {{0, '"'}}},
      {R"(echo '{q}')", {{1, '\''}}},
      {R"(run --a "{p}" --b '{q}')", {{0, '"'}, {1, '\''}}},
      {R"(echo {p} {q})", {}},
      {R"(sh -c "echo {p}")", {}},
      {R"(echo "--x={p}")", {}},
      {R"(echo \"{p}\")", {}},
      {R"(echo "it's" '{p}')", {{0, '\''}}},
      {R"(echo '"{p}"')", {}},
      {R"(echo "{p}{q}")", {}},
      {R"(echo "{p}"{q}"")", {{0, '"'}}},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("command = " << c.command) {
      auto t = command_template::parse(c.command, {"p", "q"});
      BOOST_TEST_REQUIRE(t.ok());
      std::vector<std::pair<int, char>> got;
      for (const auto& q : t->quoted_placeholders()) got.emplace_back(q.axis, q.quote);
      BOOST_TEST((got == c.expected));
    }
  }
}

BOOST_AUTO_TEST_CASE(longest_render_adds_literals_and_each_placeholder_s_longest_value) {
  auto t = command_template::parse("run {p} -- {q} {p}", {"p", "q"});
  BOOST_TEST_REQUIRE(t.ok());
  BOOST_TEST(t->longest_render({10, 100}) == std::string("run  --  ").size() + 10 + 100 + 10);
  // It is the length of the rendered command when every axis takes its longest value.
  std::string p(10, 'x'), q = "a b";
  BOOST_TEST(t->render({p, q}).size() == t->longest_render({p.size(), q.size() + 2}));
}

BOOST_AUTO_TEST_CASE(placeholders_are_replaced_and_quoted) {
  const std::vector<std::string> names = {"p", "q"};
  struct render_case {
    const char* text;
    std::vector<std::string> values;
    const char* expected;
  };
  const std::vector<render_case> cases = {
      {"./think {p} {q}", {"1e-06", "0.1"}, "./think 1e-06 0.1"},
      {"./think {p} {q}", {"1", "a b, c"}, "./think 1 'a b, c'"},
      {"run --p={p}", {"it's", "x"}, "run --p='it'\\''s'"},
      {"echo {q}{p}", {"1", "2"}, "echo 21"},
      {"echo {p} {p}", {"x", "y"}, "echo x x"},
      {"echo {{p}} {p}", {"1", "2"}, "echo {p} 1"},
      {"awk '{{print $1}}' {q}", {"1", "f.txt"}, "awk '{print $1}' f.txt"},
      {"echo {{{p}}}", {"7", "8"}, "echo {7}"},
      {"echo }}{{", {"1", "2"}, "echo }{"},
      {"no placeholders", {"1", "2"}, "no placeholders"},
      {"echo {q}", {"1", ""}, "echo ''"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("text = " << c.text) {
      auto t = command_template::parse(c.text, names);
      BOOST_TEST_REQUIRE(t.ok(), "error: " << (t.ok() ? "" : t.error().message));
      BOOST_TEST(t->text() == c.text);
      BOOST_TEST(t->render(c.values) == c.expected);
    }
  }
}

BOOST_AUTO_TEST_CASE(bad_templates_are_refused) {
  struct bad_case {
    const char* text;
    const char* phrase;
  };
  const std::vector<bad_case> cases = {
      {"echo {nope}", "{nope}"},
      {"echo {P}", "{P}"},  // names are case-sensitive
      {"echo {}", "names no axis"},
      {"echo { p }", "names no axis"},
      {"echo }", "single '}'"},
      {"echo {p}}", "single '}'"},
      {"echo a}b {p}", "single '}'"},
      {"echo {p", "unclosed '{'"},
      {"echo {", "unclosed '{'"},
      {"echo {{p}", "single '}'"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT("text = " << c.text) {
      auto t = command_template::parse(c.text, {"p"});
      BOOST_TEST_REQUIRE(!t.ok());
      BOOST_TEST(t.error().message.find(c.phrase) != std::string::npos, "message: " << t.error().message);
    }
  }
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(job_environments)

BOOST_AUTO_TEST_CASE(environment_names_point_attempt_and_every_axis) {
  grid g({list_axis("p", {"1e-06"}), list_axis("sigma", {"a b, c"})});
  std::vector<std::string> values = {"1e-06", "a b, c"};
  point_id id = g.id_of(values);
  auto env = job_environment(g, id, 2, values);
  // Values go in raw: the environment needs no shell quoting.
  const std::vector<std::pair<std::string, std::string>> expected = {
      {"GRIDCTL_POINT", format_point_id(id)},
      {"GRIDCTL_ATTEMPT", "2"},
      {"GRIDCTL_P_p", "1e-06"},
      {"GRIDCTL_P_sigma", "a b, c"},
  };
  BOOST_TEST_REQUIRE(env.size() == expected.size());
  for (std::size_t i = 0; i < env.size(); ++i) {
    BOOST_TEST_CONTEXT("entry " << i) {
      BOOST_TEST(env[i].first == expected[i].first);
      BOOST_TEST(env[i].second == expected[i].second);
    }
  }
  BOOST_TEST(job_environment(g, id, 1, values)[1].second == "1");
}

BOOST_AUTO_TEST_SUITE_END()
