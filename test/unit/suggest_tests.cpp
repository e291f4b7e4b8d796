// suggest: the did-you-mean behind unknown keys and options.
#include <boost/test/unit_test.hpp>

#include <string>
#include <vector>

#include "suggest.hpp"

using gridctl::edit_distance;
using gridctl::nearest_word;

BOOST_AUTO_TEST_SUITE(suggestions)

BOOST_AUTO_TEST_CASE(edit_distance_counts_a_swap_as_one_edit) {
  BOOST_TEST(edit_distance("", "") == 0u);
  BOOST_TEST(edit_distance("abc", "") == 3u);
  BOOST_TEST(edit_distance("timout", "timeout") == 1u);
  BOOST_TEST(edit_distance("retires", "retries") == 1u);
  BOOST_TEST(edit_distance("kitten", "sitting") == 3u);
  BOOST_TEST(edit_distance("ab", "ba") == 1u);
}

BOOST_AUTO_TEST_CASE(nearest_word_suggests_only_likely_typos) {
  const std::vector<std::string> keys = {"listen", "local", "heartbeat"};
  BOOST_TEST(*nearest_word("lisen", keys) == "listen");
  BOOST_TEST(*nearest_word("hearbeat", keys) == "heartbeat");
  BOOST_TEST(*nearest_word("locall", keys) == "local");
  BOOST_TEST(!nearest_word("slots", keys).has_value());
  BOOST_TEST(!nearest_word("x", {"h", "y"}).has_value());  // one letter is near every letter
  BOOST_TEST(*nearest_word("--limt", {"--help", "--limit"}) == "--limit");
  BOOST_TEST(gridctl::did_you_mean("lisen", keys) == "did you mean 'listen'? ");
  BOOST_TEST(gridctl::did_you_mean("zzz", keys) == "");
}

BOOST_AUTO_TEST_SUITE_END()
