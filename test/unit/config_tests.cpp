// config: load_config on real INI files (README, "The config file"): every key with its default,
// paths relative to the config's folder, and each refusal with the FILE:LINE that tells the user
// where to look.
#include <boost/test/unit_test.hpp>

#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "config.hpp"
#include "temp_dir.hpp"

using gridctl::load_config;
using gridctl::sweep_config;

namespace fs = std::filesystem;

namespace {

/// A temporary folder for the config files of one test, removed afterwards.
struct config_dir_fixture {
  gridctl::testing::temp_dir tmp{"gridctl_config"};
  const fs::path& dir = tmp.path;
  fs::path write(const std::string& name, const std::string& content) const { return tmp.write(name, content); }
};

/// Every value of axis k of the loaded grid.
std::vector<std::string> axis_values(const sweep_config& cfg, std::size_t k) {
  std::vector<std::string> out;
  const auto& a = cfg.points.axes().at(k);
  for (std::uint64_t i = 0; i < a.size(); ++i) out.push_back(a.value(i));
  return out;
}

std::string error_text(const gridctl::parse_result<sweep_config>& r) {
  return r.ok() ? std::string("(loaded without error)") : r.error().text();
}

}  // namespace

BOOST_FIXTURE_TEST_SUITE(config_loading, config_dir_fixture)

BOOST_AUTO_TEST_CASE(full_config_sets_every_field) {
  auto file = write("think.ini",
                    "# think.ini - the classic grid\n"
                    "[sweep]\n"
                    "name    = think_run             # default: the file's stem\n"
                    "command = ./think {p} {q}       # required\n"
                    "workdir = work\n"
                    "results = out/think.jsonl\n"
                    "timeout = 10m\n"
                    "retries = 2\n"
                    "output_limit = 64K\n"
                    "kill_grace = 2s\n"
                    "\n"
                    "[params]                        # one key per axis\n"
                    "p = logspace(-6, 5, 12)         # 1e-06 ... 100000\n"
                    "q = 1e-6, 1e-5, 0.1, \"a b, c\"   # explicit list\n"
                    "\n"
                    "[workers]\n"
                    "listen    = tcp://*:5555\n"
                    "local     = 4\n"
                    "heartbeat = 500ms\n");
  auto r = load_config(file);
  BOOST_TEST_REQUIRE(r.ok(), error_text(r));
  const sweep_config& cfg = *r;
  BOOST_TEST(cfg.file == file);
  BOOST_TEST(cfg.name == "think_run");
  BOOST_TEST(cfg.command.text() == "./think {p} {q}");
  BOOST_TEST(cfg.workdir == dir / "work");
  BOOST_TEST(cfg.results == dir / "out" / "think.jsonl");
  BOOST_TEST_REQUIRE(cfg.timeout.has_value());
  BOOST_TEST(cfg.timeout->count() == 600000);
  BOOST_TEST(cfg.retries == 2);
  BOOST_TEST(cfg.output_limit == 65536u);
  BOOST_TEST(cfg.kill_grace.count() == 2000);
  BOOST_TEST(cfg.listen == "tcp://*:5555");
  BOOST_TEST_REQUIRE(cfg.local.has_value());
  BOOST_TEST(*cfg.local == 4);
  BOOST_TEST(cfg.local_slots() == 4);
  BOOST_TEST(cfg.heartbeat.count() == 500);

  // [params] in key order; inline comments are not part of the values.
  std::vector<std::string> names = {"p", "q"};
  BOOST_TEST(cfg.points.axis_names() == names, boost::test_tools::per_element());
  BOOST_TEST(cfg.points.size() == 48u);
  std::vector<std::string> p = {"1e-06", "1e-05", "0.0001", "0.001", "0.01", "0.1",
                                "1",     "10",    "100",    "1000",  "10000", "100000"};
  std::vector<std::string> q = {"1e-6", "1e-5", "0.1", "a b, c"};
  BOOST_TEST(axis_values(cfg, 0) == p, boost::test_tools::per_element());
  BOOST_TEST(axis_values(cfg, 1) == q, boost::test_tools::per_element());
  BOOST_TEST(cfg.command.render(cfg.points.values(3)) == "./think 1e-06 'a b, c'");
}

BOOST_AUTO_TEST_CASE(defaults_apply_when_keys_are_absent) {
  auto file = write("my_sweep.ini",
                    "[sweep]\n"
                    "command = echo {p}\n"
                    "[params]\n"
                    "p = 1, 2, 3\n");
  auto r = load_config(file);
  BOOST_TEST_REQUIRE(r.ok(), error_text(r));
  const sweep_config& cfg = *r;
  BOOST_TEST(cfg.name == "my_sweep");
  BOOST_TEST(cfg.results == dir / "my_sweep.jsonl");
  BOOST_TEST(cfg.workdir == dir);

  auto dot = load_config(write("dot.ini", "[sweep]\ncommand = echo {p}\nworkdir = .\n[params]\np = 1\n"));
  BOOST_TEST_REQUIRE(dot.ok(), error_text(dot));
  BOOST_TEST(dot->workdir == dir, "workdir = . is the config's folder, without a trailing '/': " << dot->workdir);
  BOOST_TEST(!cfg.timeout.has_value());
  BOOST_TEST(cfg.retries == 0);
  BOOST_TEST(cfg.output_limit == std::size_t{1} << 20);
  BOOST_TEST(cfg.kill_grace.count() == 5000);
  BOOST_TEST(cfg.heartbeat.count() == 1000);
  BOOST_TEST(cfg.listen.empty());
  BOOST_TEST(!cfg.local.has_value());  // auto
  // auto without listen: one slot per CPU.
  unsigned cpus = std::thread::hardware_concurrency();
  BOOST_TEST(cfg.local_slots() == (cpus == 0 ? 1 : static_cast<int>(cpus)));
}

BOOST_AUTO_TEST_CASE(default_results_follows_the_name_key) {
  auto file = write("c.ini", "[sweep]\nname = other\ncommand = echo {p}\n[params]\np = 1\n");
  auto r = load_config(file);
  BOOST_TEST_REQUIRE(r.ok(), error_text(r));
  BOOST_TEST(r->results == dir / "other.jsonl");
}

BOOST_AUTO_TEST_CASE(local_auto_with_listen_means_no_local_slots) {
  auto file = write("c.ini",
                    "[sweep]\ncommand = echo {p}\n[params]\np = 1\n"
                    "[workers]\nlisten = tcp://*:5555\nlocal = auto\n");
  auto r = load_config(file);
  BOOST_TEST_REQUIRE(r.ok(), error_text(r));
  BOOST_TEST(!r->local.has_value());
  BOOST_TEST(r->local_slots() == 0);
}

BOOST_AUTO_TEST_CASE(relative_paths_resolve_against_the_config_folder) {
  write("lists/values.txt", "x\ny\n");
  auto file = write("sub/c.ini",
                    "[sweep]\n"
                    "command = echo {p}\n"
                    "workdir = ../run\n"
                    "results = res/../r.jsonl\n"
                    "[params]\n"
                    "p = lines(../lists/values.txt)\n");
  // Given relative to the current directory, which is not the config's folder.
  fs::path given = fs::relative(file);
  BOOST_TEST_REQUIRE(!given.is_absolute());
  auto r = load_config(given);
  BOOST_TEST_REQUIRE(r.ok(), error_text(r));
  BOOST_TEST(r->file.is_absolute());
  BOOST_TEST(fs::equivalent(r->file, file));
  BOOST_TEST(r->workdir.is_absolute());
  BOOST_TEST(r->workdir == r->file.parent_path().parent_path() / "run");
  BOOST_TEST(r->results == r->file.parent_path() / "r.jsonl");
  std::vector<std::string> expected = {"x", "y"};
  BOOST_TEST(axis_values(*r, 0) == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(absolute_paths_are_kept) {
  auto file = write("c.ini",
                    "[sweep]\ncommand = echo {p}\nworkdir = /var/tmp\nresults = " + (dir / "abs.jsonl").string() +
                        "\n[params]\np = 1\n");
  auto r = load_config(file);
  BOOST_TEST_REQUIRE(r.ok(), error_text(r));
  BOOST_TEST(r->workdir == fs::path("/var/tmp"));
  BOOST_TEST(r->results == dir / "abs.jsonl");
}

BOOST_AUTO_TEST_CASE(crlf_line_endings_are_accepted) {
  auto file = write("c.ini", "[sweep]\r\ncommand = echo {p}\r\ntimeout = 1s\r\n[params]\r\np = a, b\r\n");
  auto r = load_config(file);
  BOOST_TEST_REQUIRE(r.ok(), error_text(r));
  BOOST_TEST(r->command.text() == "echo {p}");
  BOOST_TEST(r->timeout->count() == 1000);
  std::vector<std::string> expected = {"a", "b"};
  BOOST_TEST(axis_values(*r, 0) == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(every_error_is_refused_with_its_location) {
  struct error_case {
    const char* what;
    std::string content;
    int line;
    const char* phrase;  // a useful part of the message
  };
  const std::vector<error_case> cases = {
      {"missing command", "[sweep]\nname = x\n[params]\np = 1\n", 1, "command"},
      {"no [params] axis", "[sweep]\ncommand = echo hi\n", 1, "[params]"},
      {"unknown section", "[sweep]\ncommand = echo {p}\n[params]\np = 1\n[extra]\nfoo = 1\n", 5,
       "unknown section"},
      {"unknown key in [sweep]", "[sweep]\ncommand = echo {p}\ntimout = 10m\n[params]\np = 1\n", 3,
       "unknown key 'timout'"},
      {"unknown key in [workers]", "[sweep]\ncommand = echo {p}\n[params]\np = 1\n[workers]\nslots = 4\n", 6,
       "unknown key 'slots'"},
      {"placeholder with no axis", "# c\n[sweep]\n\ncommand = echo {p} {nope}\n[params]\np = 1\n", 4, "{nope}"},
      {"logspace(1,2)", "[sweep]\ncommand = echo {p}\n[params]\n\np = logspace(1,2)\n", 5, "logspace"},
      {"range(0,10,0)", "[sweep]\ncommand = echo {p}\n[params]\np = range(0,10,0)\n", 4, "step"},
      {"empty axis", "[sweep]\ncommand = echo {p}\n[params]\nq = 1\np =\n", 5, "no values"},
      {"empty generated axis", "[sweep]\ncommand = echo {p}\n[params]\np = linspace(0, 1, 0)\n", 4,
       "no values"},
      {"unknown form", "[sweep]\ncommand = echo {p}\n[params]\np = foo(1)\n", 4, "quote"},
      {"duplicate value", "[sweep]\ncommand = echo {p}\n[params]\np = 1, 2, 1\n", 4, "twice"},
      {"lines of a missing file", "[sweep]\ncommand = echo {p}\n[params]\np = lines(nope.txt)\n", 4,
       "cannot read"},
      {"bad axis name", "[sweep]\ncommand = echo hi\n[params]\n1p = 1\n", 4, "axis name"},
      {"bad timeout", "[sweep]\ncommand = echo {p}\ntimeout = 10x\n[params]\np = 1\n", 3, "bad duration"},
      {"timeout without unit", "[sweep]\ncommand = echo {p}\ntimeout = 10\n[params]\np = 1\n", 3,
       "bad duration"},
      {"zero timeout", "[sweep]\ncommand = echo {p}\ntimeout = 0s\n[params]\np = 1\n", 3, "timeout"},
      {"bad kill_grace", "[sweep]\ncommand = echo {p}\nkill_grace = soon\n[params]\np = 1\n", 3,
       "bad duration"},
      {"bad heartbeat", "[sweep]\ncommand = echo {p}\n[params]\np = 1\n[workers]\nheartbeat = 1\n", 6,
       "bad duration"},
      {"too short heartbeat", "[sweep]\ncommand = echo {p}\n[params]\np = 1\n[workers]\nheartbeat = 5ms\n", 6,
       "heartbeat"},
      {"bad output_limit", "[sweep]\ncommand = echo {p}\noutput_limit = 1T\n[params]\np = 1\n", 3, "output_limit"},
      {"duplicate key in [params]", "[sweep]\ncommand = echo {p}\n[params]\np = 1\np = 2\n", 5, "duplicate key 'p'"},
      {"duplicate key in [sweep]", "[sweep]\ncommand = echo {p}\n\ncommand = echo {p} {p}\n[params]\np = 1\n", 4,
       "first set on line 2"},
      {"duplicate key across repeated sections",
       "[sweep]\ncommand = echo {p}\n[params]\np = 1\n[sweep]\ncommand = echo\n", 6, "duplicate key"},
      {"not key = value", "[sweep]\ncommand = echo {p}\njust some words\n[params]\np = 1\n", 3, "key = value"},
      {"key outside a section", "command = echo {p}\n[sweep]\n[params]\np = 1\n", 1, "outside a section"},
      {"empty command", "[sweep]\ncommand =\n[params]\np = 1\n", 2, "command"},
      {"empty name", "[sweep]\ncommand = echo {p}\nname =  # none\n[params]\np = 1\n", 3, "name"},
      {"negative retries", "[sweep]\ncommand = echo {p}\nretries = -1\n[params]\np = 1\n", 3, "retries"},
      {"retries not a number", "[sweep]\ncommand = echo {p}\nretries = two\n[params]\np = 1\n", 3, "retries"},
      {"fractional retries", "[sweep]\ncommand = echo {p}\nretries = 1.5\n[params]\np = 1\n", 3, "retries"},
      {"bad local", "[sweep]\ncommand = echo {p}\n[params]\np = 1\n[workers]\nlocal = many\n", 6, "local"},
      {"negative local", "[sweep]\ncommand = echo {p}\n[params]\np = 1\n[workers]\nlocal = -1\n", 6, "local"},
      {"bad listen", "[sweep]\ncommand = echo {p}\n[params]\np = 1\n[workers]\nlisten = 5555\n", 6, "listen"},
      {"grid over 2^62 points",
       "[sweep]\ncommand = echo {p} {q}\n[params]\np = range(4611686018427387904)\nq = range(2)\n", 5, "2^62"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.what) {
      auto file = write("case.ini", c.content);
      auto r = load_config(file);
      BOOST_TEST_REQUIRE(!r.ok());
      std::string where = file.string() + ":" + std::to_string(c.line);
      BOOST_TEST(r.error().where == where);
      BOOST_TEST(r.error().message.find(c.phrase) != std::string::npos, "message: " << r.error().message);
      // The printed form is exactly "FILE:LINE: message".
      BOOST_TEST(r.error().text() == where + ": " + r.error().message);
    }
  }
}

BOOST_AUTO_TEST_CASE(whole_file_errors_point_at_their_section_header_or_line_1) {
  struct whole_case {
    const char* what;
    std::string content;
    int line;
    const char* phrase;
  };
  const std::vector<whole_case> cases = {
      {"no axes under [params]", "# sweep\n[sweep]\ncommand = echo hi\n\n[params]\n# none yet\n", 5, "[params] needs"},
      {"no [params] at all", "[sweep]\ncommand = echo hi\n", 1, "[params] needs"},
      {"no [params], config starts with a comment", "# c\n\n[sweep]\ncommand = echo hi\n", 1, "[params] needs"},
      {"command missing under [sweep]", "[params]\np = 1\n\n[sweep]\nname = x\n", 4, "missing required key 'command'"},
      {"no [sweep] at all", "\n[params]\np = 1\n", 1, "missing required key 'command'"},
      {"empty file", "", 1, "[params] needs"},
  };
  for (const auto& c : cases) {
    BOOST_TEST_CONTEXT(c.what) {
      auto file = write("whole.ini", c.content);
      auto r = load_config(file);
      BOOST_TEST_REQUIRE(!r.ok());
      BOOST_TEST(r.error().where == file.string() + ":" + std::to_string(c.line));
      BOOST_TEST(r.error().message.find(c.phrase) != std::string::npos, "message: " << r.error().message);
    }
  }
}

BOOST_AUTO_TEST_CASE(unknown_keys_list_the_valid_ones_with_a_did_you_mean) {
  auto typo = load_config(write("c.ini", "[sweep]\ncommand = echo {p}\ntimout = 10m\n[params]\np = 1\n"));
  BOOST_TEST_REQUIRE(!typo.ok());
  BOOST_TEST(typo.error().message ==
             "unknown key 'timout' in [sweep] (did you mean 'timeout'? keys: command, name, workdir, results, "
             "timeout, retries, output_limit, cores_per_job, kill_grace, require_metrics)");
  auto swapped = load_config(write("c.ini", "[sweep]\ncommand = echo {p}\nretires = 1\n[params]\np = 1\n"));
  BOOST_TEST_REQUIRE(!swapped.ok());
  BOOST_TEST(swapped.error().message.find("did you mean 'retries'?") != std::string::npos, swapped.error().message);
  // Nothing near: the list alone.
  auto far = load_config(write("c.ini", "[sweep]\ncommand = echo {p}\n[params]\np = 1\n[workers]\nslots = 4\n"));
  BOOST_TEST_REQUIRE(!far.ok());
  BOOST_TEST(far.error().message == "unknown key 'slots' in [workers] (keys: listen, local, heartbeat, max_slots, auth)");
  auto near = load_config(write("c.ini", "[sweep]\ncommand = echo {p}\n[params]\np = 1\n[workers]\nlisen = tcp://*:1\n"));
  BOOST_TEST_REQUIRE(!near.ok());
  BOOST_TEST(near.error().message.find("did you mean 'listen'?") != std::string::npos, near.error().message);
}

BOOST_AUTO_TEST_CASE(an_unreadable_config_says_why) {
  auto missing = load_config(dir / "absent.ini");
  BOOST_TEST_REQUIRE(!missing.ok());
  BOOST_TEST(missing.error().text() == (dir / "absent.ini").string() + ": cannot read the config file: No such file or directory");
  fs::create_directory(dir / "d.ini");
  auto directory = load_config(dir / "d.ini");
  BOOST_TEST_REQUIRE(!directory.ok());
  BOOST_TEST(directory.error().text() == (dir / "d.ini").string() + ": cannot read the config file: Is a directory");
  if (::geteuid() != 0) {  // root reads any file
    auto file = write("locked.ini", "[sweep]\ncommand = echo {p}\n[params]\np = 1\n");
    fs::permissions(file, fs::perms::none);
    auto locked = load_config(file);
    BOOST_TEST_REQUIRE(!locked.ok());
    BOOST_TEST(locked.error().message.find("Permission denied") != std::string::npos, locked.error().message);
  }
}

BOOST_AUTO_TEST_CASE(a_byte_order_mark_is_accepted) {
  auto r = load_config(write("bom.ini", "\xEF\xBB\xBF[sweep]\r\ncommand = echo {p}\r\n[params]\r\np = 1, 2\r\n"));
  BOOST_TEST_REQUIRE(r.ok(), error_text(r));
  BOOST_TEST(r->command.text() == "echo {p}");
  BOOST_TEST(r->points.size() == 2u);
  // Line numbers are unchanged by the mark.
  auto bad = load_config(write("bom.ini", "\xEF\xBB\xBF[sweep]\ncommand = echo {p}\n[params]\np = range(0)\n"));
  BOOST_TEST_REQUIRE(!bad.ok());
  BOOST_TEST(bad.error().where == (dir / "bom.ini").string() + ":4");
}

BOOST_AUTO_TEST_CASE(values_and_commands_longer_than_one_argument_are_refused) {
  // Linux's MAX_ARG_STRLEN is 131072 bytes with the NUL: the value reaches the job as the
  // environment string GRIDCTL_P_p=VALUE (11 + 1 bytes around it), the command as one argument.
  const std::size_t limit = 131072;
  const std::string head = "[sweep]\ncommand = echo {p}\n[params]\n# values\np = short, ";
  const std::size_t fits = limit - std::string("GRIDCTL_P_p=").size() - 1;
  auto ok = load_config(write("c.ini", head + std::string(fits, 'v') + "\n"));
  BOOST_TEST(ok.ok(), error_text(ok));
  auto value = load_config(write("c.ini", head + std::string(fits + 1, 'v') + "\n"));
  BOOST_TEST_REQUIRE(!value.ok());
  BOOST_TEST(value.error().where == (dir / "c.ini").string() + ":5");
  BOOST_TEST(value.error().message.find("MAX_ARG_STRLEN") != std::string::npos, value.error().message);

  // Each value fits, but the command holds the longest twice, quoted: refused at its line.
  const std::string half(70000, 'v');
  auto twice = load_config(write("c.ini", "[sweep]\n\ncommand = echo {p} {p}\n[params]\np = 1, \"" + half + " \"\n"));
  BOOST_TEST_REQUIRE(!twice.ok());
  BOOST_TEST(twice.error().where == (dir / "c.ini").string() + ":3");
  BOOST_TEST(twice.error().message.find("the longest command is " + std::to_string(6 + 2 * (70001 + 2)) +
                                        " bytes") != std::string::npos,
             twice.error().message);

  // A long literal command alone: 131071 bytes fit, one more does not.
  const std::string cmd = "echo {p} ";
  auto at_limit = load_config(write("c.ini", "[sweep]\ncommand = " + cmd + std::string(limit - 1 - cmd.size() + 2, 'x') +
                                                 "\n[params]\np = 1\n"));
  BOOST_TEST(at_limit.ok(), error_text(at_limit));
  auto over = load_config(write("c.ini", "[sweep]\ncommand = " + cmd + std::string(limit - cmd.size() + 2, 'x') +
                                             "\n[params]\np = 1\n"));
  BOOST_TEST_REQUIRE(!over.ok());
  BOOST_TEST(over.error().where == (dir / "c.ini").string() + ":2");
}

BOOST_AUTO_TEST_CASE(the_length_check_is_cheap_for_ten_million_points) {
  // Numeric forms are bounded without computing their values; lists are measured once each.
  auto start = std::chrono::steady_clock::now();
  auto r = load_config(write("c.ini",
                             "[sweep]\ncommand = run {a} {b} {c} {d}\n[params]\na = range(-10000, 10000)\n"
                             "b = linspace(0, 1, 50)\nc = logspace(-3, 3, 10)\nd = x, \"y z\", 10\n"));
  BOOST_TEST_REQUIRE(r.ok(), error_text(r));
  BOOST_TEST(r->points.size() == 30000000u);
  BOOST_TEST((std::chrono::steady_clock::now() - start < std::chrono::seconds(2)));
}

BOOST_AUTO_TEST_CASE(lines_files_are_bounded) {
  auto r = load_config(write("c.ini", "[sweep]\ncommand = echo {p}\n[params]\np = lines(/dev/zero)\n"));
  BOOST_TEST_REQUIRE(!r.ok());
  BOOST_TEST(r.error().where == (dir / "c.ini").string() + ":4");
  BOOST_TEST(r.error().message.find("longer than 128 KiB") != std::string::npos, r.error().message);
}

BOOST_AUTO_TEST_CASE(empty_unknown_section_is_refused) {
  // README: an unknown section is refused. A misspelt header with no keys yet (here [worker])
  // must be reported at its own line, not silently accepted.
  auto file = write("c.ini", "[sweep]\ncommand = echo {p}\n[params]\np = 1\n[worker]\n");
  auto r = load_config(file);
  BOOST_TEST_REQUIRE(!r.ok(), "loaded without error");
  BOOST_TEST(r.error().where == file.string() + ":5");
  BOOST_TEST(r.error().message.find("unknown section") != std::string::npos, "message: " << r.error().message);
}

BOOST_AUTO_TEST_CASE(hash_inside_double_quotes_is_kept) {
  // README: double quotes keep a list item as written; a '#' inside them starts no comment.
  auto file = write("c.ini", "[sweep]\ncommand = echo {p}\n[params]\np = \"run #1\", \"run #2\"  # two runs\n");
  auto r = load_config(file);
  BOOST_TEST_REQUIRE(r.ok(), error_text(r));
  std::vector<std::string> expected = {"run #1", "run #2"};
  BOOST_TEST(axis_values(*r, 0) == expected, boost::test_tools::per_element());
}

BOOST_AUTO_TEST_SUITE_END()

BOOST_AUTO_TEST_SUITE(config_max_slots)

BOOST_AUTO_TEST_CASE(max_slots_defaults_to_1024_and_is_bounded) {
  gridctl::testing::temp_dir dir("gridctl-config-max-slots");
  auto file = [&](const std::string& workers) {
    return dir.write("m.ini", "[sweep]\ncommand = echo {p}\n[params]\np = 1\n[workers]\n" + workers);
  };
  auto dflt = load_config(file("heartbeat = 1s\n"));
  BOOST_TEST_REQUIRE(dflt.ok());
  BOOST_TEST(dflt->max_worker_slots == 1024);
  auto set = load_config(file("max_slots = 2\n"));
  BOOST_TEST_REQUIRE(set.ok());
  BOOST_TEST(set->max_worker_slots == 2);
  auto zero = load_config(file("max_slots = 0\n"));
  BOOST_TEST_REQUIRE(!zero.ok());
  BOOST_TEST(zero.error().text().find("m.ini:6: 'max_slots': must be a number of slots from 1 to") != std::string::npos,
             zero.error().text());
}

BOOST_AUTO_TEST_SUITE_END()
