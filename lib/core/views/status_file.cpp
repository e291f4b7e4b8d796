// status_file: where the status file is, writing it atomically, reading it back.
#include "status_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>
#include <system_error>

namespace gridctl {

std::filesystem::path status_path(const std::filesystem::path& results) {
  std::filesystem::path p = results;
  p.replace_extension(".status.json");
  return p;
}

namespace {
[[noreturn]] void fail(const std::string& what, const std::filesystem::path& p) {
  throw std::system_error(errno, std::generic_category(), what + " " + p.string());
}

void write_all(int fd, const std::string& text, const std::filesystem::path& p) {
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("cannot write", p);
    done += static_cast<std::size_t>(n);
  }
}
}  // namespace

void write_status_file(const std::filesystem::path& file, const std::string& text) {
  // Same directory, so that rename(2) replaces the file in one step; the pid keeps two
  // processes (a dying master and its successor) off each other's temporary file.
  std::filesystem::path tmp = file;
  tmp += ".tmp." + std::to_string(::getpid());
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) fail("cannot create", tmp);
  try {
    if (::fchmod(fd, 0644) != 0) fail("cannot chmod", tmp);  // whatever the umask: others read it
    write_all(fd, text, tmp);
  } catch (...) {
    ::close(fd);
    ::unlink(tmp.c_str());
    throw;
  }
  ::close(fd);
  if (::rename(tmp.c_str(), file.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    errno = err;
    fail("cannot rename over", file);
  }
}

std::optional<parse_result<sweep_status>> read_status_file(const std::filesystem::path& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) return std::nullopt;
  std::ifstream in(file, std::ios::binary);
  if (!in) return parse_result<sweep_status>(input_error{file.string(), "cannot read the status file"});
  std::ostringstream text;
  text << in.rdbuf();
  return parse_status_json(text.str(), file.string());
}

}  // namespace gridctl
