// settings: the one table of [sweep]/[workers] settings, used by the INI reader and by
// `gridctl sweep`'s overrides alike.
#include <boost/test/unit_test.hpp>

#include <set>
#include <string>

#include "config.hpp"
#include "settings.hpp"

using namespace gridctl;

BOOST_AUTO_TEST_SUITE(settings_table)

BOOST_AUTO_TEST_CASE(every_row_has_a_key_help_and_parser_and_keys_are_unique) {
  std::set<std::string> seen;
  for (const setting& s : settings()) {
    BOOST_TEST((s.section == "sweep" || s.section == "workers"));
    BOOST_TEST(!s.key.empty());
    BOOST_TEST(!s.help.empty());
    BOOST_TEST(!s.value_name.empty());
    BOOST_TEST(s.apply != nullptr);
    BOOST_TEST(seen.insert(std::string(s.section) + "." + std::string(s.key)).second, s.key);
  }
  // The README's overrides of `gridctl sweep` are rows with `option`.
  for (const char* key : {"listen", "local", "results", "timeout", "retries"}) {
    bool found = false;
    for (const setting& s : settings()) found = found || (s.key == key && s.option);
    BOOST_TEST(found, key);
  }
}

BOOST_AUTO_TEST_CASE(name_comes_before_results_whose_default_uses_it) {
  int name = -1, results = -1, i = 0;
  for (const setting& s : settings()) {
    if (s.key == "name") name = i;
    if (s.key == "results") results = i;
    ++i;
  }
  BOOST_TEST(name >= 0);
  BOOST_TEST(name < results);
}

BOOST_AUTO_TEST_CASE(a_row_parses_bounds_and_explains) {
  sweep_config cfg;
  const setting* retries = find_setting("sweep", "retries");
  BOOST_TEST_REQUIRE(retries);
  BOOST_TEST(!retries->apply("3", "/", cfg).has_value());
  BOOST_TEST(cfg.retries == 3);
  auto problem = retries->apply("1001", "/", cfg);
  BOOST_TEST_REQUIRE(problem.has_value());
  BOOST_TEST(*problem == "must be a whole number from 0 to 1000, not '1001'");
  const setting* local = find_setting("workers", "local");
  BOOST_TEST_REQUIRE(local);
  BOOST_TEST(!local->apply("2", "/", cfg).has_value());
  BOOST_TEST(cfg.local.value_or(-1) == 2);
  BOOST_TEST(!local->apply("auto", "/", cfg).has_value());
  BOOST_TEST(!cfg.local.has_value());
  BOOST_TEST(!find_setting("workers", "timeout"));  // a key lives in one section
}

BOOST_AUTO_TEST_CASE(relative_paths_start_at_the_given_base) {
  sweep_config cfg;
  BOOST_TEST(!find_setting("sweep", "results")->apply("out/r.jsonl", "/data/sweeps", cfg).has_value());
  BOOST_TEST(cfg.results == "/data/sweeps/out/r.jsonl");
  BOOST_TEST(!find_setting("sweep", "workdir")->apply("jobs/", "/data/sweeps", cfg).has_value());
  BOOST_TEST(cfg.workdir == "/data/sweeps/jobs");
}

BOOST_AUTO_TEST_CASE(section_keys_lists_command_and_every_row) {
  auto keys = section_keys("sweep");
  BOOST_TEST_REQUIRE(!keys.empty());
  BOOST_TEST(keys.front() == "command");
  BOOST_TEST(section_keys("workers").size() == 5u);
}

BOOST_AUTO_TEST_SUITE_END()
