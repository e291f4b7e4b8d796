// log_throttle and printable(): a flood of alike lines costs a few lines; peer-supplied text
// never reaches a terminal raw.
#include <boost/test/unit_test.hpp>

#include "log_throttle.hpp"
#include "utf8.hpp"

using namespace gridctl;

BOOST_AUTO_TEST_SUITE(log_throttle_suite)

BOOST_AUTO_TEST_CASE(lines_that_differ_only_in_numbers_and_point_ids_are_one_kind) {
  BOOST_TEST(log_throttle::kind_of("point 9f2c4e1a0b7d3c55 attempt 12 on node07: lost") ==
             "point # attempt # on node07: lost");
  BOOST_TEST(log_throttle::kind_of("took 1.5 s") == "took # s");
  BOOST_TEST(log_throttle::kind_of("worker node01 joined") != log_throttle::kind_of("worker node02 joined"));
}

BOOST_AUTO_TEST_CASE(the_first_three_of_a_kind_pass_and_the_rest_are_summed_up) {
  log_throttle t;
  int shown = 0;
  for (int i = 0; i < 1000; ++i) shown += t.admit("dropped a malformed message: bad point id " + std::to_string(i));
  BOOST_TEST(shown == 3);
  BOOST_TEST(t.admit("something else"));
  auto s = t.summaries();
  BOOST_TEST_REQUIRE(s.size() == 1u);
  BOOST_TEST(s[0] == "... 997 more like this: dropped a malformed message: bad point id 999");
  BOOST_TEST(t.summaries().empty());  // told once
  BOOST_TEST(!t.admit("dropped a malformed message: bad point id 5"));  // still held back
  BOOST_TEST(t.summaries().size() == 1u);
}

BOOST_AUTO_TEST_CASE(a_peer_inventing_new_lines_cannot_grow_the_table_without_bound) {
  log_throttle t(3, 10);
  int shown = 0;
  for (int i = 0; i < 1000; ++i) shown += t.admit("worker w" + std::string(1, static_cast<char>('a' + i % 26)) +
                                                  std::string(1, static_cast<char>('a' + i / 26 % 26)) + " joined");
  BOOST_TEST(shown <= 10 * 3 + 3);
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(printable_suite)

BOOST_AUTO_TEST_CASE(control_characters_and_invalid_bytes_are_escaped) {
  BOOST_TEST(printable("evil\x1b[2J\nname") == "evil\\x1b[2J\\x0aname");
  BOOST_TEST(printable("a\\b") == "a\\\\b");
  BOOST_TEST(printable("del\x7f") == "del\\x7f");
  BOOST_TEST(printable("bad\xff") == "bad\\xff");
  BOOST_TEST(printable("c1\xc2\x9b") == "c1\\xc2\\x9b");  // CSI as a C1 control
  BOOST_TEST(printable("caf\xc3\xa9 node-07") == "caf\xc3\xa9 node-07");  // valid text unchanged
}

BOOST_AUTO_TEST_SUITE_END()
