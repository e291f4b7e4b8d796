// worker_state: the state file, and killing what dead predecessors left.
#include "worker_state.hpp"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fstream>
#include <ostream>
#include <set>
#include <sstream>
#include <stdexcept>
#include <unistd.h>
#include <vector>

#include "process_tree.hpp"

namespace gridctl {

namespace fs = std::filesystem;

namespace {

constexpr const char* header = "gridctl worker state 1\n";

/// "worker-NAME.": the name with every byte but [A-Za-z0-9._-] as %XX, so that any name makes
/// one file name; a very long name is replaced by its hash (file names end at 255 bytes).
std::string file_prefix(const std::string& name) {
  std::string s;
  for (unsigned char c : name) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                 c == '_' || c == '-';
    if (plain) {
      s += static_cast<char>(c);
      continue;
    }
    static const char hex[] = "0123456789abcdef";
    s += '%';
    s += hex[c >> 4];
    s += hex[c & 15];
  }
  if (s.size() > 150) {
    std::uint64_t h = 14695981039346656037ull;  // FNV-1a 64
    for (unsigned char c : name) h = (h ^ c) * 1099511628211ull;
    std::ostringstream o;
    o << "%hash" << std::hex << h;
    s = o.str();
  }
  return "worker-" + s + ".";
}

struct recorded_job {
  pid_t pgid = 0;
  std::string token;
};

std::vector<recorded_job> read_jobs(int fd) {
  std::string text;
  char buf[4096];
  for (off_t at = 0;;) {
    ssize_t n = ::pread(fd, buf, sizeof buf, at);
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    at += n;
  }
  std::vector<recorded_job> jobs;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::string kind;
    recorded_job j;
    if (words >> kind >> j.pgid >> j.token && kind == "job" && j.pgid > 1) jobs.push_back(j);
  }
  return jobs;
}

/// SIGKILLs the processes carrying these jobs' tokens, and each recorded group in which one of
/// them still is (a group id alone may have been reused). Returns how many processes carried one.
int kill_recorded(const std::vector<recorded_job>& jobs) {
  std::map<std::string, pid_t> group_of;
  for (const auto& j : jobs) group_of[j.token] = j.pgid;
  std::set<pid_t> groups;
  int found = 0;
  for (const auto& p : list_processes()) {
    auto token = job_token_of(p.pid);
    if (!token) continue;
    auto it = group_of.find(*token);
    if (it == group_of.end()) continue;
    ++found;
    if (p.pgid == it->second || p.pgid == p.pid) groups.insert(p.pgid);
    ::kill(p.pid, SIGKILL);
  }
  for (pid_t g : groups) ::kill(-g, SIGKILL);
  return found;
}

/// The predecessor's file at `file`, if its owner is dead: kills what it left, removes it.
void clean_up_after(const fs::path& file, const std::string& pid_text, const std::string& name, std::ostream& log) {
  int fd = ::open(file.c_str(), O_RDWR | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return;
  struct stat st {};
  // Locked: its owner lives. Unlinked meanwhile: another successor took care of it.
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0 || ::fstat(fd, &st) != 0 || st.st_nlink == 0) {
    ::close(fd);
    return;
  }
  auto jobs = read_jobs(fd);
  int killed = kill_recorded(jobs);
  ::unlink(file.c_str());
  ::close(fd);
  if (killed > 0)  // files of workers whose jobs all ended since are removed silently
    log << "gridctl worker " << name << ": a previous worker of this name (pid " << pid_text << ") died with "
        << jobs.size() << " job(s) running; killed the " << killed << " process(es) they left\n";
}

}  // namespace

fs::path worker_runtime_dir() {
  const char* xdg = std::getenv("XDG_RUNTIME_DIR");
  std::error_code ec;
  // Else $TMPDIR (the e2e tests give each test its own), else /tmp.
  fs::path tmp = fs::temp_directory_path(ec);
  if (ec) tmp = "/tmp";
  fs::path dir = xdg && *xdg == '/' && fs::is_directory(xdg, ec) ? fs::path(xdg) / "gridctl"
                                                                  : tmp / ("gridctl-" + std::to_string(::getuid()));
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
    throw std::runtime_error("cannot create " + dir.string() + ": " + std::strerror(errno));
  struct stat st {};
  // Someone else's directory (or a symlink planted in /tmp) must not receive our files.
  if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::getuid() || (st.st_mode & 077) != 0)
    throw std::runtime_error(dir.string() + " is not a directory that only this user can use");
  return dir;
}

worker_state::worker_state(const std::string& name, std::ostream& log) {
  fs::path dir;
  try {
    dir = worker_runtime_dir();
  } catch (const std::exception& e) {
    log << "gridctl worker " << name << ": " << e.what()
        << "; what a job starts will not be cleaned up should this worker be killed with SIGKILL\n";
    return;
  }
  const std::string prefix = file_prefix(name);
  const std::string self = std::to_string(::getpid());
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    std::string file = entry.path().filename().string();
    if (file.compare(0, prefix.size(), prefix) != 0) continue;
    std::string pid_text = file.substr(prefix.size());
    if (pid_text.empty() || pid_text.find_first_not_of("0123456789") != std::string::npos || pid_text == self)
      continue;
    clean_up_after(entry.path(), pid_text, name, log);
  }
  fs::path temp = dir / (".new-" + self);
  ::unlink(temp.c_str());  // a dead process of the same pid may have left it
  fd_ = ::open(temp.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  path_ = dir / (prefix + self);
  if (fd_ < 0 || ::flock(fd_, LOCK_EX | LOCK_NB) != 0 || ::rename(temp.c_str(), path_.c_str()) != 0) {
    log << "gridctl worker " << name << ": cannot create a state file in " << dir.string() << ": "
        << std::strerror(errno) << "\n";
    if (fd_ >= 0) ::close(fd_);
    ::unlink(temp.c_str());
    fd_ = -1;
    return;
  }
  write();
}

worker_state::~worker_state() {
  if (fd_ < 0) return;
  ::unlink(path_.c_str());
  ::close(fd_);
}

void worker_state::add(pid_t pgid, const std::string& token) {
  jobs_[token] = pgid;
  write();
}

void worker_state::remove(const std::string& token) {
  // Not written now: the next add() writes the file without it. A job that ended and is still
  // named there harms nothing: after a SIGKILL the next worker looks for processes carrying its
  // token (none) before it kills a group (worker_state.hpp). One write per job instead of two.
  jobs_.erase(token);
}

void worker_state::write() {
  if (fd_ < 0) return;
  std::string text = header;
  for (const auto& [token, pgid] : jobs_) text += "job " + std::to_string(pgid) + " " + token + "\n";
  // Padded with empty lines (which the reader skips) over what an earlier, longer text left,
  // instead of truncating: an ftruncate per job start and end cost the worker as much as its
  // pipes (perf, bench/run e). The file is as long as the most jobs that ran at once.
  if (text.size() < written_) text.append(written_ - text.size(), '\n');
  // Best effort: a failed write only weakens the clean-up after a SIGKILL. Without fsync: the
  // page cache outlives a killed process, and after a reboot there is nothing left to kill.
  if (::pwrite(fd_, text.data(), text.size(), 0) == static_cast<ssize_t>(text.size())) written_ = text.size();
}

}  // namespace gridctl
