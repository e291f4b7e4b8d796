// shell_quote: a value must reach the command byte for byte, whatever it holds. The real judge is
// /bin/sh, so besides the table of expected texts each hostile value is run through it.
#include <boost/test/unit_test.hpp>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <utility>
#include <vector>

#include "grid.hpp"
#include "shell_quote.hpp"

using gridctl::command_template;
using gridctl::shell_quote;

namespace {

struct sh_result {
  int exit_status = -1;  // -1 when the shell did not exit normally
  std::string out;
};

/// Runs `/bin/sh -c command` with stdin from /dev/null and returns its whole stdout.
sh_result run_sh(const std::string& command) {
  sh_result result;
  int fds[2];
  if (pipe(fds) != 0) return result;
  pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    return result;
  }
  if (pid == 0) {
    int null_fd = open("/dev/null", O_RDONLY);
    if (null_fd >= 0) dup2(null_fd, 0);
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  close(fds[1]);
  char buf[4096];
  while (true) {
    ssize_t n = read(fds[0], buf, sizeof buf);
    if (n > 0) result.out.append(buf, static_cast<std::size_t>(n));
    else if (n < 0 && errno == EINTR) continue;
    else break;
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) result.exit_status = WEXITSTATUS(status);
  return result;
}

/// Values that /bin/sh would mangle if they were not quoted right.
const std::vector<std::string>& hostile_values() {
  static const std::vector<std::string> values = {
      "a b",
      "  leading and trailing  ",
      "it's",
      "''",
      "'",
      "say \"hi\"",
      "\"",
      "$HOME",
      "${HOME}",
      "$(echo pwned)",
      "`echo pwned`",
      "back\\slash",
      "\\",
      "trailing\\",
      "\\n is not a newline",
      "line1\nline2",
      "\n",
      "ends with newline\n",
      "tab\there",
      "*",
      "?",
      "[abc]",
      "/*",
      "-n",
      "-e x",
      "--flag=value with space",
      "~",
      "~root",
      "a;b",
      "a&&b",
      "a|b",
      "a>b",
      "<a",
      "(a)",
      "{a,b}",
      "#not a comment",
      "!x",
      "%s%d",
      "h\xc3\xa9llo \xe2\x9c\x93",  // UTF-8: "héllo ✓"
      "mixed 'single' and \"double\" $x `y` \\z *",
  };
  return values;
}

}  // namespace

BOOST_AUTO_TEST_SUITE(shell_quoting)

BOOST_AUTO_TEST_CASE(safe_values_are_unchanged) {
  const std::vector<std::string> safe = {"abc",  "ABC", "0123456789", "1e-06", "-1.5",
                                         "a_b",  "a.b", "a,b",        "a:b",   "/usr/bin/x",
                                         "a+b",  "a=b", "user@host",  "50%",   "x-y",
                                         "_.,:/+=@%-"};
  for (const auto& s : safe) {
    BOOST_TEST_CONTEXT("value = '" << s << "'") { BOOST_TEST(shell_quote(s) == s); }
  }
}

BOOST_AUTO_TEST_CASE(unsafe_values_are_single_quoted) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", "''"},
      {"a b", "'a b'"},
      {"it's", "'it'\\''s'"},
      {"$HOME", "'$HOME'"},
      {"a\nb", "'a\nb'"},
      {"*", "'*'"},
      {"~", "'~'"},
  };
  for (const auto& [value, expected] : cases) {
    BOOST_TEST_CONTEXT("value = '" << value << "'") { BOOST_TEST(shell_quote(value) == expected); }
  }
}

BOOST_AUTO_TEST_CASE(quoted_size_is_the_size_of_the_quoted_text) {
  std::vector<std::string> values = hostile_values();
  for (const char* v : {"", "abc", "a b", "it's", "''''", "1e-06"}) values.emplace_back(v);
  for (const auto& v : values) {
    BOOST_TEST_CONTEXT("value = '" << v << "'") { BOOST_TEST(gridctl::shell_quoted_size(v) == shell_quote(v).size()); }
  }
}

BOOST_AUTO_TEST_CASE(sh_prints_every_value_byte_for_byte) {
  for (const auto& v : hostile_values()) {
    BOOST_TEST_CONTEXT("value = '" << v << "'") {
      auto r = run_sh("printf %s " + shell_quote(v));
      BOOST_TEST(r.exit_status == 0);
      BOOST_TEST(r.out == v);
    }
  }
}

BOOST_AUTO_TEST_CASE(sh_sees_each_value_as_exactly_one_word) {
  // printf alone cannot tell '' from no argument, or "a b" from two words; $# can.
  std::vector<std::string> values = hostile_values();
  values.emplace_back("");
  values.emplace_back("safe_value");
  for (const auto& v : values) {
    BOOST_TEST_CONTEXT("value = '" << v << "'") {
      auto r = run_sh("set -- " + shell_quote(v) + "; printf '%s:%s' \"$#\" \"$1\"");
      BOOST_TEST(r.exit_status == 0);
      BOOST_TEST(r.out == "1:" + v);
    }
  }
}

BOOST_AUTO_TEST_CASE(rendered_commands_pass_values_through_sh) {
  auto t = command_template::parse("printf '%s|%s|' {a} {b}; printf %s {{braces}}", {"a", "b"});
  BOOST_TEST_REQUIRE(t.ok());
  const auto& values = hostile_values();
  for (std::size_t i = 0; i < values.size(); ++i) {
    const std::string& a = values[i];
    const std::string& b = values[(i + 7) % values.size()];
    BOOST_TEST_CONTEXT("a = '" << a << "', b = '" << b << "'") {
      auto r = run_sh(t->render({a, b}));
      BOOST_TEST(r.exit_status == 0);
      BOOST_TEST(r.out == a + "|" + b + "|{braces}");
    }
  }
}

BOOST_AUTO_TEST_CASE(rendered_command_keeps_the_value_of_a_repeated_placeholder) {
  auto t = command_template::parse("printf '<%s>' {p} {p}", {"p"});
  BOOST_TEST_REQUIRE(t.ok());
  auto r = run_sh(t->render({"x y"}));
  BOOST_TEST(r.out == "<x y><x y>");
}

BOOST_AUTO_TEST_SUITE_END()
