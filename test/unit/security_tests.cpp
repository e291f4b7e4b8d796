// security: key files, authorized_workers, secret-key permissions and the auth = auto rule
// (lib/core/security).
#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <string>

#include "auth_mode.hpp"
#include "config.hpp"
#include "curve_keys.hpp"
#include "settings.hpp"

using namespace gridctl;
namespace fs = std::filesystem;

namespace {
const std::string key_a = "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7";
const std::string key_b = "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID";
}  // namespace

BOOST_AUTO_TEST_SUITE(curve_key_files)

BOOST_AUTO_TEST_CASE(a_key_file_is_comments_and_one_z85_key) {
  auto k = parse_key_file(format_key_file(key_a, "gridctl master public key"), "master.pub");
  BOOST_TEST_REQUIRE(k.ok());
  BOOST_TEST(*k == key_a);
  BOOST_TEST(is_z85_key(key_a));
  BOOST_TEST(!is_z85_key(key_a.substr(1)));
  BOOST_TEST(!is_z85_key(key_a.substr(1) + "\""));  // '"' is not Z85
}

BOOST_AUTO_TEST_CASE(a_bad_key_file_names_file_and_line) {
  auto short_key = parse_key_file("# c\n\nabc\n", "m.pub");
  BOOST_TEST_REQUIRE(!short_key.ok());
  BOOST_TEST(short_key.error().text() == "m.pub:3: not a CurveZMQ key: expected 40 characters of Z85 (as gridctl keygen writes), got 3 characters");
  auto two = parse_key_file(key_a + "\n" + key_b + "\n", "m.pub");
  BOOST_TEST_REQUIRE(!two.ok());
  BOOST_TEST(two.error().text() == "m.pub:2: a second key: a key file holds one key");
  auto none = parse_key_file("# only a comment\n", "m.pub");
  BOOST_TEST_REQUIRE(!none.ok());
  BOOST_TEST(none.error().text() == "m.pub: holds no key");
}

BOOST_AUTO_TEST_CASE(authorized_workers_lists_keys_with_notes_and_comments) {
  auto keys = parse_authorized_workers("# workers\n" + key_a + " node01\n\n  " + key_b + "\r\n" + key_a + "\n", "aw");
  BOOST_TEST_REQUIRE(keys.ok());
  BOOST_TEST(keys->size() == 2u);
  BOOST_TEST(keys->count(key_a) == 1u);
  BOOST_TEST(keys->count(key_b) == 1u);
  auto bad = parse_authorized_workers(key_a + "\nnot-a-key node02\n", "aw");
  BOOST_TEST_REQUIRE(!bad.ok());
  BOOST_TEST(bad.error().where == "aw:2");
  auto empty = parse_authorized_workers("# nobody yet\n", "aw");
  BOOST_TEST_REQUIRE(empty.ok());
  BOOST_TEST(empty->empty());
}

BOOST_AUTO_TEST_CASE(a_secret_key_readable_by_others_is_refused_with_the_chmod) {
  BOOST_TEST(!secret_mode_problem("/k/worker.key", 0100600).has_value());
  BOOST_TEST(!secret_mode_problem("/k/worker.key", 0100400).has_value());
  auto p = secret_mode_problem("/k/worker.key", 0100644);
  BOOST_TEST_REQUIRE(p.has_value());
  BOOST_TEST(p->find("permissions 0644") != std::string::npos);
  BOOST_TEST(p->find("Run: chmod 600 /k/worker.key") != std::string::npos);
  BOOST_TEST(secret_mode_problem("/k/worker.key", 0100640).has_value());  // the group is others too
}

BOOST_AUTO_TEST_CASE(read_key_file_checks_the_mode_of_secret_keys_only) {
  fs::path dir = fs::temp_directory_path() / ("gridctl_keys_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  fs::path file = dir / "worker.key";
  std::ofstream(file) << format_key_file(key_a, "secret");
  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
  BOOST_TEST(read_key_file(file, false).ok());
  auto refused = read_key_file(file, true);
  BOOST_TEST_REQUIRE(!refused.ok());
  BOOST_TEST(refused.error().text().find("chmod 600 " + file.string()) != std::string::npos);
  fs::permissions(file, fs::perms::owner_read | fs::perms::owner_write);
  auto k = read_key_file(file, true);
  BOOST_TEST_REQUIRE(k.ok());
  BOOST_TEST(*k == key_a);
  fs::remove_all(dir);
}

BOOST_AUTO_TEST_CASE(the_key_directory_is_gridctl_keys_else_home_config) {
  BOOST_TEST(default_key_dir("/keys", "/home/u") == fs::path("/keys"));
  BOOST_TEST(default_key_dir("", "/home/u") == fs::path("/home/u/.config/gridctl"));
  BOOST_TEST(default_key_dir(nullptr, "/home/u") == fs::path("/home/u/.config/gridctl"));
  BOOST_TEST(default_key_dir(nullptr, nullptr).empty());
  key_files f{"/k"};
  BOOST_TEST(f.master_secret() == fs::path("/k/master.key"));
  BOOST_TEST(f.authorized() == fs::path("/k/authorized_workers"));
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(auth_setting)

BOOST_AUTO_TEST_CASE(auto_is_curve_off_loopback_and_none_on_it) {
  for (const char* ep : {"tcp://127.0.0.1:5555", "tcp://127.1.2.3:*", "tcp://localhost:5555", "tcp://[::1]:5555",
                         "ipc:///tmp/gridctl.sock"}) {
    BOOST_TEST_CONTEXT(ep) {
      BOOST_TEST(is_loopback_endpoint(ep));
      BOOST_TEST(!uses_curve(auth_mode::automatic, ep));
      BOOST_TEST(uses_curve(auth_mode::curve, ep));
      BOOST_TEST(!plain_endpoint_warning(auth_mode::none, ep).has_value());
    }
  }
  for (const char* ep : {"tcp://*:5555", "tcp://0.0.0.0:5555", "tcp://node01:5555", "tcp://localhost.example.org:1",
                         "tcp://128.0.0.1:5555", "tcp://[::]:5555", "tcp://eth0:5555"}) {
    BOOST_TEST_CONTEXT(ep) {
      BOOST_TEST(!is_loopback_endpoint(ep));
      BOOST_TEST(uses_curve(auth_mode::automatic, ep));
      BOOST_TEST(!uses_curve(auth_mode::none, ep));
      auto w = plain_endpoint_warning(auth_mode::none, ep);
      BOOST_TEST_REQUIRE(w.has_value());
      BOOST_TEST(w->find("anyone who can reach the port can read the sweep's commands and inject results") !=
                 std::string::npos);
    }
  }
}

BOOST_AUTO_TEST_CASE(auth_is_auto_curve_or_none) {
  BOOST_TEST((parse_auth_mode("auto") == auth_mode::automatic));
  BOOST_TEST((parse_auth_mode("curve") == auth_mode::curve));
  BOOST_TEST((parse_auth_mode("none") == auth_mode::none));
  BOOST_TEST(!parse_auth_mode("CURVE").has_value());
  BOOST_TEST(!parse_auth_mode("").has_value());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(auth_setting_row)

BOOST_AUTO_TEST_CASE(auth_is_a_workers_key_and_a_sweep_option) {
  const setting* s = find_setting("workers", "auth");
  BOOST_TEST_REQUIRE(s != nullptr);
  BOOST_TEST(s->option);
  sweep_config cfg;
  BOOST_TEST((cfg.auth == auth_mode::automatic));
  BOOST_TEST(!s->apply("curve", "/", cfg).has_value());
  BOOST_TEST((cfg.auth == auth_mode::curve));
  auto problem = s->apply("tls", "/", cfg);
  BOOST_TEST_REQUIRE(problem.has_value());
  BOOST_TEST(*problem == "must be auto, curve or none, not 'tls'");
}

BOOST_AUTO_TEST_SUITE_END()
