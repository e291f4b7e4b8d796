// process_tree: /proc reading, killing by job token, and reaping orphans.
#include "process_tree.hpp"

#include <sys/wait.h>

#include <csignal>
#include <cstdio>
#include <dirent.h>
#include <fstream>
#include <iterator>
#include <map>
#include <unistd.h>

namespace gridctl {

namespace {

/// The /proc/PID/stat line parsed: the command name may hold spaces and parentheses, so the
/// fields are counted from the last ')'.
std::optional<process_entry> read_stat(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return std::nullopt;
  auto close = line.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  char state = 0;
  int ppid = 0, pgid = 0;
  if (std::sscanf(line.c_str() + close + 1, " %c %d %d", &state, &ppid, &pgid) != 3) return std::nullopt;
  return process_entry{pid, ppid, pgid};
}

}  // namespace

std::vector<process_entry> list_processes() {
  std::vector<process_entry> out;
  DIR* dir = ::opendir("/proc");
  if (!dir) return out;
  while (const dirent* e = ::readdir(dir)) {
    char* end = nullptr;
    long pid = std::strtol(e->d_name, &end, 10);
    if (pid <= 0 || *end != '\0') continue;
    if (auto p = read_stat(static_cast<pid_t>(pid))) out.push_back(*p);
  }
  ::closedir(dir);
  return out;
}

std::vector<process_entry> descendants(const std::vector<process_entry>& all, pid_t root) {
  std::multimap<pid_t, const process_entry*> by_parent;
  for (const auto& p : all) by_parent.emplace(p.ppid, &p);
  std::vector<process_entry> out;
  std::vector<pid_t> todo{root};
  while (!todo.empty()) {
    pid_t parent = todo.back();
    todo.pop_back();
    auto [b, e] = by_parent.equal_range(parent);
    for (auto it = b; it != e; ++it) {
      out.push_back(*it->second);
      todo.push_back(it->second->pid);
    }
  }
  return out;
}

std::optional<std::string> job_token_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/environ", std::ios::binary);
  const std::string prefix = std::string(job_token_var) + "=";
  for (std::string entry; std::getline(in, entry, '\0');)
    if (entry.compare(0, prefix.size(), prefix) == 0) return entry.substr(prefix.size());
  return std::nullopt;
}

int kill_job_processes(const std::vector<process_entry>& among, const std::string& token) {
  int found = 0;
  for (const auto& p : among) {
    if (job_token_of(p.pid) != token) continue;
    ++found;
    if (p.pgid == p.pid) ::kill(-p.pid, SIGKILL);
    ::kill(p.pid, SIGKILL);
  }
  return found;
}

void kill_all_descendants() {
  for (const auto& p : descendants(list_processes(), ::getpid())) {
    if (p.pgid == p.pid) ::kill(-p.pid, SIGKILL);
    ::kill(p.pid, SIGKILL);
  }
}

bool reap_orphans(const std::function<bool(pid_t)>& is_job_shell) {
  for (;;) {
    siginfo_t info{};
    // WNOWAIT: look at the first exited child without reaping it, to leave job shells alone.
    if (::waitid(P_ALL, 0, &info, WEXITED | WNOHANG | WNOWAIT) != 0 || info.si_pid == 0) return true;
    if (is_job_shell(info.si_pid)) return false;
    ::waitpid(info.si_pid, nullptr, WNOHANG);
  }
}

}  // namespace gridctl
