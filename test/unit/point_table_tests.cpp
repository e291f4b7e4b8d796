// point_table: the open-addressing map from point id to history that resume lookups use.
#include <boost/test/unit_test.hpp>
#include <random>
#include <stdexcept>
#include <unordered_map>

#include "point_table.hpp"

using namespace gridctl;

BOOST_AUTO_TEST_SUITE(point_tables)

BOOST_AUTO_TEST_CASE(behaves_like_a_map_through_many_growths) {
  // Checked against std::unordered_map on 200,000 random ids, some inserted twice, plus
  // ids 0 and ~0 (any 64-bit value is a possible id) and ids that collide in the low bits.
  point_table table;
  std::unordered_map<point_id, int> reference;
  std::mt19937_64 rng(7);
  std::vector<point_id> ids = {0, ~point_id{0}, 1u << 20, 2u << 20, 3u << 20};
  for (int i = 0; i < 200000; ++i) ids.push_back(rng());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    table[ids[i]].last_attempt += static_cast<int>(i % 7) + 1;
    reference[ids[i]] += static_cast<int>(i % 7) + 1;
    if (i % 3 == 0) {  // again, the same id
      table[ids[i]].failures += 1;
    }
  }
  BOOST_TEST(table.size() == reference.size());
  BOOST_TEST(!table.empty());
  for (const auto& [id, attempts] : reference) {
    const point_history* h = table.find(id);
    BOOST_TEST_REQUIRE(h != nullptr);
    BOOST_TEST(h->last_attempt == attempts);
    BOOST_TEST(table.count(id) == 1u);
  }
  std::size_t wrong_hits = 0;
  for (int i = 0; i < 10000; ++i) {
    point_id other = rng();
    if (!reference.count(other) && table.find(other) != nullptr) ++wrong_hits;
  }
  BOOST_TEST(wrong_hits == 0u);
}

BOOST_AUTO_TEST_CASE(an_empty_table_finds_nothing) {
  point_table table;
  BOOST_TEST(table.empty());
  BOOST_TEST(table.find(42) == nullptr);
  BOOST_TEST(table.count(0) == 0u);
  BOOST_CHECK_THROW(table.at(42), std::out_of_range);
  table[42].ok = true;
  BOOST_TEST(table.at(42).ok);
  BOOST_CHECK_THROW(table.at(43), std::out_of_range);
}

BOOST_AUTO_TEST_SUITE_END()
