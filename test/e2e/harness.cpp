// harness: see harness.hpp.
#include "harness.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <boost/test/results_collector.hpp>
#include <boost/test/unit_test.hpp>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace e2e {

std::string gridctl_path() { return GRIDCTL_E2E_GRIDCTL; }
std::string think_path() { return GRIDCTL_E2E_THINK; }

namespace {

std::string slurp(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

/// Fields of /proc/PID/stat after the command name: [0] state, [1] ppid, [2] pgrp, ...
std::optional<std::vector<std::string>> stat_fields(pid_t pid) {
  std::string text = slurp("/proc/" + std::to_string(pid) + "/stat");
  std::size_t close = text.rfind(')');
  if (text.empty() || close == std::string::npos) return std::nullopt;
  std::istringstream rest(text.substr(close + 1));
  std::vector<std::string> fields;
  for (std::string f; rest >> f;) fields.push_back(f);
  if (fields.size() < 13) return std::nullopt;
  return fields;
}

std::vector<pid_t> all_pids() {
  std::vector<pid_t> pids;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    pids.push_back(static_cast<pid_t>(std::stol(name)));
  }
  return pids;
}

std::string shell_words(const std::vector<std::string>& argv) {
  std::string s;
  for (const auto& a : argv) s += (s.empty() ? "" : " ") + a;
  return s;
}

}  // namespace

// ---- results file ------------------------------------------------------------------------

results read_results(const fs::path& file) {
  results r;
  std::string text = slurp(file);
  std::size_t pos = 0;
  bool first = true;
  while (pos < text.size()) {
    std::size_t nl = text.find('\n', pos);
    if (nl == std::string::npos) {
      r.torn = true;
      break;
    }
    std::string line = text.substr(pos, nl - pos);
    pos = nl + 1;
    ++r.lines;
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(line, ec);
    if (ec || !v.is_object())
      throw std::runtime_error(file.string() + ": line " + std::to_string(r.lines) + " is not a JSON object: " + line);
    if (first) r.header = v.as_object();
    else r.records.push_back(v.as_object());
    first = false;
  }
  return r;
}

std::size_t count_records(const fs::path& file) {
  std::string text = slurp(file);
  std::size_t lines = 0;
  for (char c : text) lines += c == '\n';
  return lines > 0 ? lines - 1 : 0;
}

std::map<std::string, std::vector<boost::json::object>> by_point(const std::vector<boost::json::object>& records) {
  std::map<std::string, std::vector<boost::json::object>> m;
  for (const auto& r : records) m[str(r, "point")].push_back(r);
  return m;
}

std::size_t count_status(const std::vector<boost::json::object>& records, const std::string& status) {
  std::size_t n = 0;
  for (const auto& r : records) n += str(r, "status") == status;
  return n;
}

void check_each_point_ok_once(const std::vector<boost::json::object>& records, std::size_t points) {
  auto by = by_point(records);
  BOOST_TEST(by.size() == points);
  for (const auto& [id, recs] : by) BOOST_TEST(count_status(recs, "ok") == 1u, "point " << id);
}

std::string str(const boost::json::object& o, const char* key) {
  const boost::json::value* v = o.if_contains(key);
  if (!v || !v->is_string())
    throw std::runtime_error(std::string("record has no string '") + key + "': " + boost::json::serialize(o));
  return std::string(v->as_string());
}

std::int64_t integer(const boost::json::object& o, const char* key) {
  const boost::json::value* v = o.if_contains(key);
  if (!v || !(v->is_int64() || v->is_uint64()))
    throw std::runtime_error(std::string("record has no integer '") + key + "': " + boost::json::serialize(o));
  return v->is_int64() ? v->as_int64() : static_cast<std::int64_t>(v->as_uint64());
}

double number(const boost::json::value& v) {
  if (v.is_double()) return v.as_double();
  if (v.is_int64()) return static_cast<double>(v.as_int64());
  if (v.is_uint64()) return static_cast<double>(v.as_uint64());
  throw std::runtime_error("not a JSON number: " + boost::json::serialize(v));
}

// ---- sockets -----------------------------------------------------------------------------

int free_port() {
  listening_socket s(0);
  return s.port();
}

listening_socket::listening_socket(int port) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ < 0) throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<std::uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 16) != 0) {
    int e = errno;
    ::close(fd_);
    throw std::runtime_error("cannot listen on 127.0.0.1:" + std::to_string(port) + ": " + std::strerror(e));
  }
  socklen_t len = sizeof a;
  ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
  port_ = ntohs(a.sin_port);
}

listening_socket::~listening_socket() {
  if (fd_ >= 0) ::close(fd_);
}

// ---- processes ---------------------------------------------------------------------------

namespace {
std::string cmdline_of(pid_t pid) {
  std::string cmdline = slurp("/proc/" + std::to_string(pid) + "/cmdline");
  for (char& c : cmdline)
    if (c == '\0') c = ' ';
  return cmdline;
}
}  // namespace

std::vector<pid_t> pids_matching(const std::string& needle) {
  std::vector<pid_t> found;
  const pid_t self = ::getpid();
  for (pid_t pid : all_pids())
    if (pid != self && cmdline_of(pid).find(needle) != std::string::npos && alive(pid)) found.push_back(pid);
  return found;
}

std::vector<pid_t> pids_starting_with(const std::string& prefix, pid_t under) {
  std::vector<pid_t> found;
  const pid_t self = ::getpid();
  for (pid_t pid : under ? descendants_of(under) : all_pids())
    if (pid != self && cmdline_of(pid).rfind(prefix, 0) == 0 && alive(pid)) found.push_back(pid);
  return found;
}

std::vector<pid_t> children_of(pid_t parent) {
  std::vector<pid_t> kids;
  for (pid_t pid : all_pids()) {
    auto f = stat_fields(pid);
    if (f && (*f)[0] != "Z" && std::stol((*f)[1]) == parent) kids.push_back(pid);
  }
  return kids;
}

std::vector<pid_t> descendants_of(pid_t root) {
  std::multimap<pid_t, pid_t> by_parent;
  for (pid_t pid : all_pids())
    if (auto f = stat_fields(pid)) by_parent.emplace(static_cast<pid_t>(std::stol((*f)[1])), pid);
  std::vector<pid_t> out;
  std::vector<pid_t> todo{root};
  while (!todo.empty()) {
    pid_t p = todo.back();
    todo.pop_back();
    auto [b, e] = by_parent.equal_range(p);
    for (auto it = b; it != e; ++it) {
      out.push_back(it->second);
      todo.push_back(it->second);
    }
  }
  return out;
}

bool alive(pid_t pid) {
  auto f = stat_fields(pid);
  return f && (*f)[0] != "Z" && (*f)[0] != "X";
}

std::optional<double> cpu_seconds(pid_t pid) {
  auto f = stat_fields(pid);
  if (!f) return std::nullopt;
  // After the name: state(0) ppid(1) pgrp(2) session(3) tty(4) tpgid(5) flags(6) minflt(7)
  // cminflt(8) majflt(9) cmajflt(10) utime(11) stime(12).
  double ticks = std::stod((*f)[11]) + std::stod((*f)[12]);
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

bool wait_until(const std::function<bool()>& cond, clock_type::duration limit) {
  auto end = clock_type::now() + limit;
  for (;;) {
    if (cond()) return true;
    if (clock_type::now() >= end) return false;
    std::this_thread::sleep_for(20ms);
  }
}

bool wait_quiet(pid_t pid, clock_type::duration limit) {
  const fs::path tasks = "/proc/" + std::to_string(pid) + "/task";
  auto asleep = [&] {
    std::error_code ec;
    bool any = false;
    for (const auto& t : fs::directory_iterator(tasks, ec)) {
      auto f = stat_fields(static_cast<pid_t>(std::stol(t.path().filename().string())));
      if (!f) continue;  // a thread that just ended
      if ((*f)[0] != "S") return false;
      any = true;
    }
    return any && !ec;
  };
  int in_a_row = 0;
  return wait_until(
      [&] {
        in_a_row = alive(pid) && asleep() ? in_a_row + 1 : 0;
        return in_a_row >= 2;
      },
      limit);
}

// ---- ZeroMQ peer -------------------------------------------------------------------------

namespace {
/// The key directory of the sandbox alive now, under curve_forced() (one sandbox at a time).
fs::path forced_keys;
}  // namespace

bool curve_forced() {
  const char* v = std::getenv("GRIDCTL_E2E_AUTH");
  return v && std::string(v) == "curve";
}

std::string curve_key(const fs::path& file) {
  std::ifstream in(file);
  std::string line, key;
  while (std::getline(in, line))
    if (!line.empty() && line[0] != '#') key = line;
  if (key.size() != 40) throw std::runtime_error("no key in " + file.string());
  return key;
}

void make_curve_client(zmq::socket_t& s, const fs::path& master_pub, const fs::path& pub, const fs::path& secret) {
  s.set(zmq::sockopt::curve_serverkey, curve_key(master_pub));
  s.set(zmq::sockopt::curve_publickey, curve_key(pub));
  s.set(zmq::sockopt::curve_secretkey, curve_key(secret));
}

zmq::socket_t fake_master(zmq::context_t& ctx) {
  zmq::socket_t s(ctx, zmq::socket_type::router);
  if (curve_forced()) {
    s.set(zmq::sockopt::curve_server, 1);
    s.set(zmq::sockopt::curve_secretkey, curve_key(forced_keys / "master.key"));
  }
  return s;
}

zmq::socket_t dealer(zmq::context_t& ctx, const std::string& endpoint, std::chrono::milliseconds linger) {
  zmq::socket_t s(ctx, zmq::socket_type::dealer);
  if (curve_forced())
    make_curve_client(s, forced_keys / "master.pub", forced_keys / "worker.pub", forced_keys / "worker.key");
  s.set(zmq::sockopt::linger, static_cast<int>(linger.count()));
  s.set(zmq::sockopt::rcvtimeo, 100);
  s.connect(endpoint);
  return s;
}

void send_frames(zmq::socket_t& s, const frames& f) {
  for (std::size_t i = 0; i < f.size(); ++i) {
    auto sent = s.send(zmq::buffer(f[i]), i + 1 < f.size() ? zmq::send_flags::sndmore : zmq::send_flags::none);
    BOOST_REQUIRE(sent.has_value());
  }
}

std::optional<frames> receive(zmq::socket_t& s, std::chrono::milliseconds limit) {
  auto end = clock_type::now() + limit;
  while (clock_type::now() < end) {
    zmq::message_t m;
    if (!s.recv(m, zmq::recv_flags::none)) continue;  // rcvtimeo expired
    frames f{m.to_string()};
    while (m.more()) {
      auto got = s.recv(m, zmq::recv_flags::none);
      BOOST_REQUIRE(got.has_value());
      f.push_back(m.to_string());
    }
    return f;
  }
  return std::nullopt;
}

std::optional<frames> receive_type(zmq::socket_t& s, const std::string& type, std::chrono::milliseconds limit) {
  auto end = clock_type::now() + limit;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(end - clock_type::now());
    if (left.count() <= 0) return std::nullopt;
    auto f = receive(s, left);
    if (!f) return std::nullopt;
    if (!f->empty() && f->front() == type) return f;
  }
}

// ---- sandbox -----------------------------------------------------------------------------

sandbox::sandbox() {
  // Orphans of what we start come to us, so that nothing escapes the destructor's sweep.
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  const char* tmp = std::getenv("TMPDIR");
  std::string tmpl = std::string(tmp && *tmp ? tmp : "/tmp") + "/gridctl-e2e.XXXXXX";
  if (!::mkdtemp(tmpl.data())) throw std::runtime_error(std::string("mkdtemp: ") + std::strerror(errno));
  dir_ = tmpl;
  if (curve_forced()) {
    forced_keys = dir_ / "e2e_keys";
    std::string cmd = "'" + gridctl_path() + "' keygen --dir '" + forced_keys.string() + "' >/dev/null";
    if (std::system(cmd.c_str()) != 0) throw std::runtime_error("GRIDCTL_E2E_AUTH=curve: " + cmd + " failed");
  }
}

sandbox::~sandbox() {
  bool failed = false;
  try {
    namespace ut = boost::unit_test;
    failed = !ut::results_collector.results(ut::framework::current_test_case().p_id).passed();
  } catch (...) {
  }
  // Everything we started: its group, and whatever descends from it or from us.
  for (auto& [pid, info] : procs_)
    if (!info.status) ::kill(-pid, SIGKILL);
  for (int round = 0; round < 3; ++round) {
    std::vector<pid_t> rest = descendants_of(::getpid());
    if (rest.empty()) break;
    for (pid_t p : rest) {
      if (auto f = stat_fields(p); f && std::stol((*f)[2]) == p && p != ::getpgrp()) ::kill(-p, SIGKILL);
      ::kill(p, SIGKILL);
    }
    std::this_thread::sleep_for(20ms);
  }
  // Reap every child (ours, and the orphans re-parented to us), for at most 5 s.
  auto end = clock_type::now() + 5s;
  for (;;) {
    int st = 0;
    pid_t p = ::waitpid(-1, &st, WNOHANG);
    if (p > 0) {
      if (auto it = procs_.find(p); it != procs_.end() && !it->second.status)
        it->second.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      continue;
    }
    if (p < 0 || clock_type::now() >= end) break;  // ECHILD: no children left
    std::this_thread::sleep_for(10ms);
  }
  if (failed) dump_logs();
  // GRIDCTL_E2E_KEEP=1 keeps the directories of failed tests, =all of every test (debugging).
  const char* keep = std::getenv("GRIDCTL_E2E_KEEP");
  if (keep && *keep && (failed || std::string(keep) == "all")) {
    std::cerr << "e2e: kept " << dir_ << "\n";
    return;
  }
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

fs::path sandbox::write_file(const std::string& name, const std::string& text) const {
  fs::path p = dir_ / name;
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + p.string());
  return p;
}

std::string sandbox::read_file(const fs::path& file) const { return slurp(file); }

pid_t sandbox::start(const std::string& name, const std::vector<std::string>& argv,
                     const std::vector<std::pair<std::string, std::string>>& env) {
  if (argv.empty()) throw std::invalid_argument("start: empty argv");
  if (curve_forced() && argv[0] == gridctl_path() && argv.size() > 1 && (argv[1] == "sweep" || argv[1] == "worker") &&
      std::find(argv.begin(), argv.end(), "--auth") == argv.end()) {
    std::vector<std::string> forced = argv;
    forced.insert(forced.end(), {"--auth", "curve"});
    auto forced_env = env;  // the test's own GRIDCTL_KEYS, if it gives one, wins
    if (std::none_of(env.begin(), env.end(), [](const auto& kv) { return kv.first == "GRIDCTL_KEYS"; }))
      forced_env.emplace_back("GRIDCTL_KEYS", forced_keys.string());
    return start_as_given(name, forced, forced_env);
  }
  return start_as_given(name, argv, env);
}

pid_t sandbox::start_as_given(const std::string& name, const std::vector<std::string>& argv,
                              const std::vector<std::pair<std::string, std::string>>& env) {
  process_info info;
  info.name = name;
  info.argv = argv;
  info.out = dir_ / (name + ".out");
  info.err = dir_ / (name + ".err");
  // Everything the child needs is prepared before fork: after it, only async-signal-safe calls.
  std::vector<std::string> env_strings;
  std::set<std::string> overridden;
  for (const auto& [k, v] : env) {
    env_strings.push_back(k + "=" + v);
    overridden.insert(k);
  }
  // Temporary files of the started processes (a master's private directory, say) go into the
  // sandbox, which is removed with the test, even when the test SIGKILLs them.
  if (!overridden.count("TMPDIR")) {
    env_strings.push_back("TMPDIR=" + dir_.string());
    overridden.insert("TMPDIR");
  }
  for (char** e = environ; *e; ++e) {
    std::string entry = *e;
    if (!overridden.count(entry.substr(0, entry.find('=')))) env_strings.push_back(entry);
  }
  std::vector<char*> envp, args;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> argv_copy = argv;
  for (auto& a : argv_copy) args.push_back(a.data());
  args.push_back(nullptr);
  std::string out_path = info.out.string(), err_path = info.err.string(), dir = dir_.string();

  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    ::setpgid(0, 0);
    int in = ::open("/dev/null", O_RDONLY);
    int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (in < 0 || out < 0 || err < 0) ::_exit(126);
    ::dup2(in, 0);
    ::dup2(out, 1);
    ::dup2(err, 2);
    ::close_range(3, ~0U, 0);
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    for (int sig : {SIGINT, SIGTERM, SIGPIPE, SIGCHLD, SIGHUP, SIGQUIT, SIGALRM}) ::signal(sig, SIG_DFL);
    if (::chdir(dir.c_str()) != 0) ::_exit(126);
    ::execve(args[0], args.data(), envp.data());
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // whichever of parent and child runs first, the group exists
  procs_[pid] = std::move(info);
  BOOST_TEST_MESSAGE("e2e: started " << name << " (pid " << pid << "): " << shell_words(argv));
  return pid;
}

pid_t sandbox::gridctl(const std::string& name, const std::vector<std::string>& args) {
  std::vector<std::string> argv{gridctl_path()};
  argv.insert(argv.end(), args.begin(), args.end());
  return start(name, argv);
}

std::optional<exit_status> sandbox::wait(pid_t pid, clock_type::duration limit) {
  auto it = procs_.find(pid);
  if (it == procs_.end()) throw std::invalid_argument("wait: not a process of this sandbox");
  auto end = clock_type::now() + limit;
  while (!it->second.status) {
    int st = 0;
    pid_t r = ::waitpid(pid, &st, WNOHANG);
    if (r == pid) {
      it->second.status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      BOOST_TEST_MESSAGE("e2e: " << it->second.name << " ended with " << *it->second.status);
      break;
    }
    if (r < 0 && errno != EINTR) throw std::runtime_error(std::string("waitpid: ") + std::strerror(errno));
    if (clock_type::now() >= end) return std::nullopt;
    std::this_thread::sleep_for(20ms);
  }
  return it->second.status;
}

exit_status sandbox::run_gridctl(const std::string& name, const std::vector<std::string>& args,
                                 clock_type::duration limit) {
  pid_t pid = gridctl(name, args);
  auto st = wait(pid, limit);
  if (!st) {
    kill_tree(pid);
    wait(pid, 5s);
    BOOST_FAIL("gridctl " << shell_words(args) << " did not end within "
                          << std::chrono::duration_cast<std::chrono::milliseconds>(limit).count() << " ms");
  }
  return *st;
}

void sandbox::signal(pid_t pid, int sig) const {
  if (::kill(pid, sig) != 0) throw std::runtime_error("kill " + std::to_string(pid) + ": " + std::strerror(errno));
}

void sandbox::signal_group(pid_t pgid, int sig) const {
  if (::kill(-pgid, sig) != 0)
    throw std::runtime_error("kill -" + std::to_string(pgid) + ": " + std::strerror(errno));
}

void sandbox::kill_tree(pid_t pid) const {
  // Freeze the tree first (SIGSTOP to each), so that nothing forks while we collect it.
  std::vector<pid_t> tree = descendants_of(pid);
  tree.insert(tree.begin(), pid);
  for (pid_t p : tree) ::kill(p, SIGSTOP);
  for (pid_t p : descendants_of(pid))
    if (std::find(tree.begin(), tree.end(), p) == tree.end()) tree.push_back(p);
  for (pid_t p : tree) {
    if (auto f = stat_fields(p)) {
      auto pgid = static_cast<pid_t>(std::stol((*f)[2]));
      if (pgid > 1 && pgid != ::getpgrp()) ::kill(-pgid, SIGKILL);  // never our own group
    }
    ::kill(p, SIGKILL);
  }
}

std::string sandbox::out_of(pid_t pid) const { return slurp(procs_.at(pid).out); }
std::string sandbox::err_of(pid_t pid) const { return slurp(procs_.at(pid).err); }

void sandbox::dump_logs() const {
  for (const auto& [pid, info] : procs_) {
    std::cerr << "---- e2e: " << info.name << " (pid " << pid << ", status "
              << (info.status ? std::to_string(*info.status) : std::string("running")) << "): "
              << shell_words(info.argv) << "\n";
    std::string err = slurp(info.err);
    if (err.size() > 8000) err = "[...]\n" + err.substr(err.size() - 8000);
    std::cerr << err;
  }
}

// ---- ini ---------------------------------------------------------------------------------

ini& ini::section(const std::string& name) {
  text_ += (text_.empty() ? "[" : "\n[") + name + "]\n";
  return *this;
}

ini& ini::set(const std::string& key, const std::string& value) {
  text_ += key + " = " + value + "\n";
  return *this;
}

// ---- zombies -----------------------------------------------------------------------------

std::vector<pid_t> zombie_children_of(pid_t parent) {
  std::vector<pid_t> found;
  for (pid_t pid : all_pids()) {
    auto f = stat_fields(pid);
    if (f && (*f)[0] == "Z" && std::stol((*f)[1]) == parent) found.push_back(pid);
  }
  return found;
}

// ---- a sweep served by remote workers ---------------------------------------------------

std::string endpoint_on(int port) { return "tcp://127.0.0.1:" + std::to_string(port); }

pid_t start_master(sandbox& sb, const fs::path& config, const std::string& endpoint) {
  return sb.gridctl("sweep", {"sweep", config.string(), "--local", "0", "--listen", endpoint});
}

pid_t start_worker(sandbox& sb, const std::string& endpoint, const std::string& name, int slots,
                   const std::string& label) {
  return sb.gridctl(label.empty() ? name : label,
                    {"worker", "--connect", endpoint, "--slots", std::to_string(slots), "--name", name, "--once"});
}

remote_sweep start_remote_sweep(sandbox& sb, const fs::path& config, int workers, int slots, start_order order) {
  remote_sweep s;
  s.endpoint = endpoint_on(free_port());
  if (order == start_order::master_first) s.master = start_master(sb, config, s.endpoint);
  for (int n = 1; n <= workers; ++n) s.workers.push_back(start_worker(sb, s.endpoint, "w" + std::to_string(n), slots));
  if (order == start_order::workers_first) s.master = start_master(sb, config, s.endpoint);
  return s;
}

void require_jobs_running(pid_t worker, const std::string& marker, std::size_t n, clock_type::duration limit) {
  BOOST_REQUIRE_MESSAGE(wait_until([&] { return pids_starting_with(marker, worker).size() >= n; }, limit),
                        "worker pid " << worker << " does not run " << n << " jobs '" << marker << "' within "
                                      << std::chrono::duration_cast<std::chrono::seconds>(limit).count() << " s");
}

void check_sweep_ok(sandbox& sb, pid_t master, clock_type::duration limit) {
  auto st = sb.wait(master, limit);
  BOOST_REQUIRE_MESSAGE(st, "the sweep did not end within "
                                << std::chrono::duration_cast<std::chrono::seconds>(limit).count() << " s");
  BOOST_TEST(*st == 0);
}

void check_workers_done(sandbox& sb, const std::vector<pid_t>& workers) {
  for (pid_t w : workers) {
    auto st = sb.wait(w, 15s);
    BOOST_TEST(st.has_value(), "a --once worker (pid " << w << ") still runs after the sweep");
    if (st) BOOST_TEST(*st == 0);
  }
}

}  // namespace e2e
