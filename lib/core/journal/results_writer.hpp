// results_writer: appending records to the journal, and the lock that keeps it to one sweep.
// Durability: a record reaches the kernel when its attempt ends (one write(2)), so it survives
// the master process dying; the master also calls sync() (fdatasync) at most once a second and
// at exit, so at most the last second of records can be lost to a power cut or kernel crash.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "results_format.hpp"

namespace gridctl {

/// "FILE.1", or ".2", ... — the first name not taken, for --fresh.
std::filesystem::path backup_name(const std::filesystem::path& file);

/// An exclusive flock(2) on a results file for the life of a sweep, so that two sweeps never
/// interleave their records in one file (the lock goes with the process, even on SIGKILL).
class results_lock {
 public:
  /// Locks `file`, creating it empty if missing. Throws std::runtime_error when another
  /// process holds the lock, std::system_error when the file cannot be opened.
  static results_lock acquire(const std::filesystem::path& file);
  /// Whether a process holds the lock on `file` now (a sweep runs on it). Takes a shared lock
  /// for an instant to find out, so acquire() retries for a moment before it gives up.
  static bool held(const std::filesystem::path& file);
  results_lock() = default;
  results_lock(results_lock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  results_lock& operator=(results_lock&& other) noexcept;
  ~results_lock();

 private:
  explicit results_lock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

/// Appends records to a results file. Errors throw std::system_error (a runtime error).
class results_writer {
 public:
  /// Creates `file` with `header` as line 1 (replacing an empty or torn-header file).
  static results_writer create(const std::filesystem::path& file, const results_header& header);
  /// Opens an existing file for appending after cutting it to `valid_bytes` (drops a torn line).
  static results_writer append_to(const std::filesystem::path& file, std::uint64_t valid_bytes);

  results_writer(results_writer&& other) noexcept;
  results_writer& operator=(results_writer&&) = delete;
  ~results_writer();

  /// Writes one record line with one write(2).
  void append(const attempt_record& r);
  /// Keeps one record line to write with the others at the next flush(): the master writes
  /// the records of a batch of messages with one write(2) instead of one each.
  void append_later(const attempt_record& r);
  /// Writes the kept lines, with one write(2). On an error they are dropped, and it throws.
  void flush();
  /// Whether lines are kept for flush().
  bool holds_lines() const { return !held_.empty(); }
  /// flush(), then fdatasync if anything was written since the last sync.
  void sync();
  const std::filesystem::path& path() const { return path_; }

 private:
  results_writer(std::filesystem::path path, int fd) : path_(std::move(path)), fd_(fd) {}
  void write_text(const std::string& text);

  std::filesystem::path path_;
  int fd_ = -1;
  bool dirty_ = false;
  std::uint64_t size_ = 0;  ///< bytes of whole lines in the file: a failed write is cut back to it
  std::string held_;  ///< lines kept by append_later()
};

}  // namespace gridctl
