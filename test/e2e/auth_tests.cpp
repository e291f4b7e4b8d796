// auth: CurveZMQ and ZAP end to end (README, "Security"). A master with auth = curve lets in
// only workers whose key is in authorized_workers: a plain DEALER, a CURVE client with an
// unlisted key and one pinning another master's key receive nothing at all, while an
// authorized worker finishes the sweep. A worker that pins another master's key exits 2 with
// --once, naming the reason; a master with an empty HOME makes keys that a worker with the same
// HOME uses. Only 127.0.0.1.
#include <sys/stat.h>

#include <boost/test/unit_test.hpp>

#include "harness.hpp"

using namespace e2e;

namespace {

/// Runs `gridctl keygen --dir DIR` and checks it worked.
fs::path keygen(sandbox& sb, const std::string& name) {
  fs::path dir = sb.path(name);
  BOOST_REQUIRE_EQUAL(sb.run_gridctl("keygen-" + name, {"keygen", "--dir", dir.string()}, 20s), 0);
  return dir;
}

fs::path slow_config(sandbox& sb, int points) {
  std::string xs;
  for (int i = 1; i <= points; ++i) xs += (i > 1 ? "," : "") + std::to_string(i);
  return sb.write_file("auth.ini", ini().section("sweep").set("command", "sleep 0.3; echo {x}").section("params").set("x", xs).text());
}

unsigned mode_of(const fs::path& f) {
  struct stat st {};
  BOOST_REQUIRE_EQUAL(::stat(f.c_str(), &st), 0);
  return st.st_mode & 07777;
}

/// Whether the process ends within `limit` with `status`.
bool ended_with(sandbox& sb, pid_t pid, clock_type::duration limit, exit_status status) {
  auto st = sb.wait(pid, limit);
  return st && *st == status;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

BOOST_AUTO_TEST_SUITE(auth)

BOOST_AUTO_TEST_CASE(keygen_writes_the_files_with_their_modes_and_refuses_to_overwrite) {
  sandbox sb;
  fs::path dir = keygen(sb, "keys");
  BOOST_TEST(mode_of(dir / "master.key") == 0600u);
  BOOST_TEST(mode_of(dir / "worker.key") == 0600u);
  BOOST_TEST(mode_of(dir / "master.pub") == 0644u);
  std::string listed = sb.read_file(dir / "authorized_workers");
  BOOST_TEST(contains(listed, curve_key(dir / "worker.pub")));
  std::string old = curve_key(dir / "master.pub");
  BOOST_TEST(sb.run_gridctl("again", {"keygen", "--dir", dir.string()}, 20s) == 3);
  BOOST_TEST(contains(sb.read_file(sb.path("again.err")), "exists: keys are not replaced without --force"));
  BOOST_TEST(curve_key(dir / "master.pub") == old);
  BOOST_TEST(sb.run_gridctl("forced", {"keygen", "--dir", dir.string(), "--force"}, 20s) == 0);
  BOOST_TEST(curve_key(dir / "master.pub") != old);
}

BOOST_AUTO_TEST_CASE(unauthorized_peers_receive_nothing_while_an_authorized_worker_finishes) {
  sandbox sb;
  fs::path keys = keygen(sb, "keys");
  fs::path other = keygen(sb, "other");
  const std::string endpoint = "tcp://127.0.0.1:" + std::to_string(free_port());
  const std::vector<std::pair<std::string, std::string>> env = {{"GRIDCTL_KEYS", keys.string()}};
  pid_t master = sb.start("master", {gridctl_path(), "sweep", slow_config(sb, 16).string(), "--listen", endpoint,
                                     "--auth", "curve", "--local", "0"}, env);
  BOOST_REQUIRE(wait_until([&] { return contains(sb.err_of(master), "listening on"); }, 20s));

  zmq::context_t ctx;
  zmq::socket_t plain(ctx, zmq::socket_type::dealer);
  zmq::socket_t unlisted(ctx, zmq::socket_type::dealer);  // the right master, a key it does not list
  make_curve_client(unlisted, keys / "master.pub", other / "worker.pub", other / "worker.key");
  zmq::socket_t wrong_master(ctx, zmq::socket_type::dealer);  // a listed key, another master's key pinned
  make_curve_client(wrong_master, other / "master.pub", keys / "worker.pub", keys / "worker.key");
  for (zmq::socket_t* s : {&plain, &unlisted, &wrong_master}) {
    s->set(zmq::sockopt::linger, 0);
    s->set(zmq::sockopt::rcvtimeo, 100);
    s->connect(endpoint);
    send_frames(*s, {"hello", protocol, "intruder", "1", "1"});
  }
  pid_t worker = sb.start("worker", {gridctl_path(), "worker", "--connect", endpoint, "--auth", "curve", "--slots", "4",
                                     "--once", "--name", "trusted"}, env);
  auto until = clock_type::now() + 3s;
  while (clock_type::now() < until) {
    BOOST_TEST(!receive(plain, 50ms).has_value(), "the plain DEALER received a message");
    BOOST_TEST(!receive(unlisted, 50ms).has_value(), "the unlisted key received a message");
    BOOST_TEST(!receive(wrong_master, 50ms).has_value(), "the client pinning another master received a message");
  }
  BOOST_TEST(ended_with(sb, worker, 30s, 0));
  BOOST_TEST(ended_with(sb, master, 30s, 0));
  auto res = read_results(sb.path("auth.jsonl"));
  check_each_point_ok_once(res.records, 16);
  for (const auto& r : res.records) BOOST_TEST(str(r, "worker") == "trusted");
  // The unlisted key is logged once, by its first 8 characters.
  std::string log = sb.err_of(master);
  std::string refused = "its key " + curve_key(other / "worker.pub").substr(0, 8) + "... is not in";
  BOOST_TEST(contains(log, refused), log);
  BOOST_TEST(log.find(refused) == log.rfind(refused), "the refused key was logged more than once");
  BOOST_TEST(!contains(log, "intruder"));
}

BOOST_AUTO_TEST_CASE(a_worker_pinning_another_masters_key_exits_2_with_once_naming_the_reason) {
  sandbox sb;
  fs::path keys = keygen(sb, "keys");
  fs::path other = keygen(sb, "other");
  const std::string endpoint = "tcp://127.0.0.1:" + std::to_string(free_port());
  pid_t master = sb.start("master", {gridctl_path(), "sweep", slow_config(sb, 2).string(), "--listen", endpoint,
                                     "--auth", "curve", "--local", "0"}, {{"GRIDCTL_KEYS", keys.string()}});
  BOOST_REQUIRE(wait_until([&] { return contains(sb.err_of(master), "listening on"); }, 20s));
  pid_t worker = sb.start("worker", {gridctl_path(), "worker", "--connect", endpoint, "--auth", "curve", "--once"},
                          {{"GRIDCTL_KEYS", other.string()}});
  BOOST_TEST(ended_with(sb, worker, 20s, 2));
  std::string err = sb.err_of(worker);
  BOOST_TEST(contains(err, "failed the CurveZMQ handshake: it is not the master whose key is " +
                               (other / "master.pub").string()), err);
  BOOST_TEST(count_records(sb.path("auth.jsonl")) == 0u);
}

BOOST_AUTO_TEST_CASE(a_worker_without_master_pub_exits_2_saying_what_to_copy) {
  sandbox sb;
  fs::path empty = sb.path("nokeys");
  fs::create_directories(empty);
  pid_t worker = sb.start("worker", {gridctl_path(), "worker", "--connect", "tcp://127.0.0.1:1", "--auth", "curve", "--once"},
                          {{"GRIDCTL_KEYS", empty.string()}});
  BOOST_TEST(ended_with(sb, worker, 20s, 2));
  BOOST_TEST(contains(sb.err_of(worker), "no " + (empty / "master.pub").string() + ": copy master.pub, worker.key and worker.pub"));
}

BOOST_AUTO_TEST_CASE(a_master_with_an_empty_home_makes_keys_announces_them_and_a_worker_with_that_home_joins) {
  sandbox sb;
  fs::path home = sb.path("home");
  fs::create_directories(home);
  const std::vector<std::pair<std::string, std::string>> env = {{"HOME", home.string()}, {"GRIDCTL_KEYS", ""}};
  const std::string endpoint = "tcp://127.0.0.1:" + std::to_string(free_port());
  pid_t master = sb.start("master", {gridctl_path(), "sweep", slow_config(sb, 4).string(), "--listen", endpoint,
                                     "--auth", "curve", "--local", "0"}, env);
  fs::path dir = home / ".config" / "gridctl";
  BOOST_REQUIRE(wait_until([&] { return contains(sb.err_of(master), "listening on"); }, 20s));
  BOOST_TEST(contains(sb.err_of(master), "made CurveZMQ keys in " + dir.string()), sb.err_of(master));
  BOOST_TEST(mode_of(dir / "master.key") == 0600u);
  BOOST_TEST(mode_of(dir / "worker.key") == 0600u);
  pid_t worker = sb.start("worker", {gridctl_path(), "worker", "--connect", endpoint, "--auth", "curve", "--once"}, env);
  BOOST_TEST(ended_with(sb, worker, 30s, 0));
  BOOST_TEST(ended_with(sb, master, 30s, 0));
  check_each_point_ok_once(read_results(sb.path("auth.jsonl")).records, 4);
}

BOOST_AUTO_TEST_CASE(authorized_workers_is_read_again_when_it_changes) {
  sandbox sb;
  fs::path keys = keygen(sb, "keys");
  fs::path other = keygen(sb, "other");
  std::string listed = sb.read_file(keys / "authorized_workers");
  sb.write_file("keys/authorized_workers", "# nobody yet\n");
  const std::string endpoint = "tcp://127.0.0.1:" + std::to_string(free_port());
  pid_t master = sb.start("master", {gridctl_path(), "sweep", slow_config(sb, 2).string(), "--listen", endpoint,
                                     "--auth", "curve", "--local", "0"}, {{"GRIDCTL_KEYS", keys.string()}});
  BOOST_REQUIRE(wait_until([&] { return contains(sb.err_of(master), "listening on"); }, 20s));
  pid_t refused = sb.start("refused", {gridctl_path(), "worker", "--connect", endpoint, "--auth", "curve", "--once"},
                           {{"GRIDCTL_KEYS", keys.string()}});
  BOOST_TEST(ended_with(sb, refused, 20s, 2));
  BOOST_TEST(contains(sb.err_of(refused), "refused this worker's key"), sb.err_of(refused));
  sb.write_file("keys/authorized_workers", listed + "# and one more line, so that the size changes too\n");
  pid_t worker = sb.start("worker", {gridctl_path(), "worker", "--connect", endpoint, "--auth", "curve", "--once"},
                          {{"GRIDCTL_KEYS", keys.string()}});
  BOOST_TEST(ended_with(sb, worker, 30s, 0));
  BOOST_TEST(ended_with(sb, master, 30s, 0));
}

BOOST_AUTO_TEST_CASE(the_embedded_worker_works_with_auth_curve) {
  sandbox sb;
  fs::path keys = keygen(sb, "keys");
  const std::string endpoint = "tcp://127.0.0.1:" + std::to_string(free_port());
  pid_t master = sb.start("master", {gridctl_path(), "sweep", slow_config(sb, 4).string(), "--listen", endpoint,
                                     "--auth", "curve", "--local", "2"}, {{"GRIDCTL_KEYS", keys.string()}});
  BOOST_TEST(ended_with(sb, master, 30s, 0));
  check_each_point_ok_once(read_results(sb.path("auth.jsonl")).records, 4);
}

BOOST_AUTO_TEST_SUITE_END()
