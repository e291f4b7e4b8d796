// results_writer: one write(2) per record, fdatasync batching, the flock and --fresh backups.
#include "results_writer.hpp"

#include <cerrno>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <system_error>
#include <unistd.h>

namespace gridctl {

std::filesystem::path backup_name(const std::filesystem::path& file) {
  for (int n = 1;; ++n) {
    std::filesystem::path candidate = file;
    candidate += "." + std::to_string(n);
    std::error_code ec;
    if (!std::filesystem::exists(std::filesystem::symlink_status(candidate, ec))) return candidate;
  }
}

namespace {
[[noreturn]] void fail(const std::string& what, const std::filesystem::path& p) {
  throw std::system_error(errno, std::generic_category(), what + " " + p.string());
}
/// acquire() tries this often, this far apart (200 ms in all), before it says the file is in use.
constexpr int lock_tries = 20;
constexpr useconds_t lock_retry_us = 10000;
}  // namespace

results_lock results_lock::acquire(const std::filesystem::path& file) {
  int fd = ::open(file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) fail("cannot open results file", file);
  // A `gridctl status` probing the lock (held()) holds it for microseconds: try for a moment.
  int tries = 0;
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK && ++tries < lock_tries) {
      ::usleep(lock_retry_us);
      continue;
    }
    int err = errno;
    ::close(fd);
    if (err == EWOULDBLOCK)
      throw std::runtime_error("results file " + file.string() + " is in use by another gridctl sweep");
    errno = err;
    fail("cannot lock results file", file);
  }
  return results_lock(fd);
}

bool results_lock::held(const std::filesystem::path& file) {
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  bool taken = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);  // releases our shared lock, if we got it
  return taken;
}

results_lock& results_lock::operator=(results_lock&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.fd_;
    other.fd_ = -1;
  }
  return *this;
}

results_lock::~results_lock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
}

results_writer results_writer::create(const std::filesystem::path& file, const results_header& header) {
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) fail("cannot create results file", file);
  results_writer w(file, fd);
  w.write_text(format_header(header) + '\n');
  w.sync();
  return w;
}

results_writer results_writer::append_to(const std::filesystem::path& file, std::uint64_t valid_bytes) {
  int fd = ::open(file.c_str(), O_WRONLY | O_APPEND | O_CLOEXEC);
  if (fd < 0) fail("cannot open results file", file);
  results_writer w(file, fd);
  struct stat st {};
  if (::fstat(fd, &st) != 0) fail("cannot stat results file", file);
  if (static_cast<std::uint64_t>(st.st_size) > valid_bytes) {
    if (::ftruncate(fd, static_cast<off_t>(valid_bytes)) != 0) fail("cannot cut the torn last line of", file);
  }
  // A last record without its newline (valid_bytes ends mid-line) gets one before the next record.
  if (valid_bytes > 0) {
    char last = '\n';
    int rfd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (rfd >= 0) {
      if (::pread(rfd, &last, 1, static_cast<off_t>(valid_bytes - 1)) != 1) last = '\n';
      ::close(rfd);
    }
    if (last != '\n') {
      std::string nl = "\n";
      if (::write(fd, nl.data(), 1) != 1) fail("cannot write to results file", file);
      ++valid_bytes;
    }
  }
  w.size_ = valid_bytes;
  return w;
}

results_writer::results_writer(results_writer&& other) noexcept
    : path_(std::move(other.path_)), fd_(other.fd_), dirty_(other.dirty_), size_(other.size_), held_(std::move(other.held_)) {
  other.fd_ = -1;
}

results_writer::~results_writer() {
  if (fd_ >= 0) {
    try {
      flush();
    } catch (const std::exception&) {
      // Too late to tell: the owner flushes before it lets go, and reports errors then.
    }
    if (dirty_) ::fdatasync(fd_);
    ::close(fd_);
  }
}

void results_writer::append(const attempt_record& r) {
  append_later(r);  // after any lines kept before it, in order
  flush();
}

void results_writer::append_later(const attempt_record& r) {
  held_ += format_record(r);
  held_ += '\n';
}

void results_writer::flush() {
  if (held_.empty()) return;
  std::string text = std::move(held_);
  held_.clear();
  write_text(text);
}

void results_writer::write_text(const std::string& text) {
  // One write(2) for whole lines: with O_APPEND they land whole unless the disk is full or the
  // process dies in the middle, and the reader skips such a torn last line.
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = errno;
      // Cut what went in of these lines (a full disk): a later record must not be glued to a
      // torn one, and the reader keeps every whole line before it.
      if (done > 0 && ::ftruncate(fd_, static_cast<off_t>(size_)) == 0) dirty_ = true;
      errno = err;
      fail("cannot write to results file", path_);
    }
    done += static_cast<std::size_t>(n);
  }
  size_ += text.size();
  dirty_ = true;
}

void results_writer::sync() {
  flush();
  if (!dirty_) return;
  if (::fdatasync(fd_) != 0) fail("cannot sync results file", path_);
  dirty_ = false;
}

}  // namespace gridctl
