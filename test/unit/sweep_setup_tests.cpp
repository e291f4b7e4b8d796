// sweep_setup: the warnings plan and sweep print about a config before running anything.
#include <boost/test/unit_test.hpp>

#include <sstream>
#include <string>

#include "config.hpp"
#include "sweep_setup.hpp"
#include "temp_dir.hpp"

namespace {

/// What plan and sweep print for this config.
std::string quoted_warnings(const std::string& content) {
  gridctl::testing::temp_dir tmp("gridctl_setup");
  auto cfg = gridctl::load_config(tmp.write("c.ini", content));
  if (!cfg) return "error: " + cfg.error().text();
  std::ostringstream err;
  gridctl::warn_quoted_placeholders(*cfg, err);
  return err.str();
}

}  // namespace

BOOST_AUTO_TEST_SUITE(config_warnings)

BOOST_AUTO_TEST_CASE(a_double_quoted_placeholder_is_warned_about_with_its_line) {
  std::string w = quoted_warnings("[sweep]\n\ncommand = train \"{kernel}\"\n[params]\nkernel = rbf, \"poly 2\"\n");
  BOOST_TEST(w.find("gridctl: warning: ") == 0u, w);
  BOOST_TEST(w.find("/c.ini:3: the command writes \"{kernel}\"") != std::string::npos, w);
  BOOST_TEST(w.find("'poly 2', quotes included") != std::string::npos, w);
  BOOST_TEST(w.find("write {kernel} without the quotes") != std::string::npos, w);
}

BOOST_AUTO_TEST_CASE(a_single_quoted_placeholder_is_warned_about) {
  std::string w = quoted_warnings("[sweep]\ncommand = echo '{p}'\n[params]\np = a b, c\n");
  BOOST_TEST(w.find("/c.ini:2: the command writes '{p}'") != std::string::npos, w);
  BOOST_TEST(w.find("ends up unquoted") != std::string::npos, w);
}

BOOST_AUTO_TEST_CASE(no_warning_when_no_value_gets_quotes_or_the_placeholder_is_bare) {
  // Values gridctl leaves alone (numbers, plain words) make the extra quotes harmless.
  BOOST_TEST(quoted_warnings("[sweep]\ncommand = echo \"{p}\" '{q}'\n[params]\np = range(3)\nq = a, b\n") == "");
  BOOST_TEST(quoted_warnings("[sweep]\ncommand = echo {p}\n[params]\np = a b, c\n") == "");
  BOOST_TEST(quoted_warnings("[sweep]\ncommand = sh -c \"echo {p}\"\n[params]\np = a b, c\n") == "");
}

BOOST_AUTO_TEST_SUITE_END()
