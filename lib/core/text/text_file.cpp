// text_file: bounded reads of user files with errno-based reasons.
#include "text_file.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace gridctl {

std::string format_bytes(std::size_t n) {
  if (n >= (std::size_t{1} << 20) && n % (std::size_t{1} << 20) == 0) return std::to_string(n >> 20) + " MiB";
  if (n >= 1024 && n % 1024 == 0) return std::to_string(n >> 10) + " KiB";
  return std::to_string(n) + " bytes";
}

namespace {

/// Closes a descriptor on every return path.
struct fd_closer {
  int fd;
  ~fd_closer() { ::close(fd); }
};

/// The 1-based number of a line too long in `data` (scanning from `from`), or 0. `line_start`
/// carries the start of the current line across chunks; `line_no` counts the lines begun.
std::size_t overlong_line(const std::string& data, std::size_t from, std::size_t max_line, std::size_t& line_start,
                          std::size_t& line_no) {
  for (std::size_t i = from; i < data.size(); ++i) {
    if (data[i] != '\n') continue;
    if (i - line_start > max_line) return line_no;
    line_start = i + 1;
    ++line_no;
  }
  return data.size() - line_start > max_line ? line_no : 0;
}

}  // namespace

parse_result<std::string> read_text_file(const std::filesystem::path& file, const text_limits& limits) {
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return input_error{"", std::strerror(errno)};
  fd_closer closer{fd};
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) return input_error{"", std::strerror(EISDIR)};

  std::string data;
  std::size_t line_start = 0, line_no = 1;
  char chunk[65536];
  while (true) {
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return input_error{"", std::strerror(errno)};
    if (n == 0) break;
    if (data.size() + static_cast<std::size_t>(n) > limits.max_bytes)
      return input_error{"", "it is larger than " + format_bytes(limits.max_bytes)};
    std::size_t from = data.size();
    data.append(chunk, static_cast<std::size_t>(n));
    if (limits.max_line > 0) {
      if (std::size_t bad = overlong_line(data, from, limits.max_line, line_start, line_no))
        return input_error{"", "line " + std::to_string(bad) + " is longer than " + format_bytes(limits.max_line)};
    }
  }
  // A byte-order mark (Windows editors save one) is not part of the first line.
  if (data.compare(0, 3, "\xEF\xBB\xBF") == 0) data.erase(0, 3);
  return data;
}

}  // namespace gridctl
