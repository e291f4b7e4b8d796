// key_store: making and loading CurveZMQ key files.
#include "key_store.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

namespace gridctl {

namespace fs = std::filesystem;

namespace {

[[noreturn]] void fail(const std::string& what, const fs::path& file) {
  throw std::runtime_error(what + " " + file.string() + ": " + std::strerror(errno));
}

curve_pair make_pair() {
  char pub[41] = {}, sec[41] = {};
  if (::zmq_curve_keypair(pub, sec) != 0)
    throw std::runtime_error(std::string("cannot make a CurveZMQ key pair: ") + ::zmq_strerror(::zmq_errno()));
  return {pub, sec};
}

/// Writes `text` to `file` with `mode` (whatever the umask: fchmod), replacing it only when `force`.
void write_file(const fs::path& file, const std::string& text, mode_t mode, bool force) {
  int flags = O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW | (force ? O_TRUNC : O_EXCL);
  int fd = ::open(file.c_str(), flags, mode);
  if (fd < 0) fail("cannot write", file);
  bool ok = ::fchmod(fd, mode) == 0 && ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  int err = errno;
  ::close(fd);
  errno = err;
  if (!ok) fail("cannot write", file);
}

std::string read_key(const fs::path& file, bool secret) {
  auto key = read_key_file(file, secret);
  if (!key) throw std::runtime_error(key.error().text());
  return *key;
}

}  // namespace

key_files default_key_files() {
  fs::path dir = default_key_dir(std::getenv("GRIDCTL_KEYS"), std::getenv("HOME"));
  if (dir.empty()) throw std::runtime_error("no key directory: set GRIDCTL_KEYS (or HOME)");
  return {dir};
}

void write_new_keys(const key_files& files, bool force) {
  std::error_code ec;
  if (!fs::exists(files.dir, ec)) {
    fs::create_directories(files.dir, ec);
    if (ec) throw std::runtime_error("cannot make " + files.dir.string() + ": " + ec.message());
    fs::permissions(files.dir, fs::perms::owner_all, ec);
  }
  if (!force) {
    for (const fs::path& f : {files.master_secret(), files.master_public(), files.worker_secret(),
                              files.worker_public(), files.authorized()})
      if (fs::exists(f, ec))
        throw std::runtime_error(f.string() + " exists: keys are not replaced without --force (workers and masters "
                                 "using them would stop trusting each other)");
  }
  curve_pair master = make_pair(), worker = make_pair();
  write_file(files.master_secret(), format_key_file(master.secret_key, "gridctl master secret key: keep it on the master"), 0600, force);
  write_file(files.master_public(), format_key_file(master.public_key, "gridctl master public key: copy to every worker's key directory"), 0644, force);
  write_file(files.worker_secret(), format_key_file(worker.secret_key, "gridctl worker secret key"), 0600, force);
  write_file(files.worker_public(), format_key_file(worker.public_key, "gridctl worker public key"), 0644, force);
  write_file(files.authorized(),
             "# public keys of the workers this master accepts, one a line (a note may follow a space)\n" +
                 worker.public_key + " worker.pub\n",
             0644, force);
}

bool has_master_keys(const key_files& files) {
  std::error_code ec;
  return fs::exists(files.master_secret(), ec) || fs::exists(files.master_public(), ec);
}

curve_pair load_master_keys(const key_files& files) {
  return {read_key(files.master_public(), false), read_key(files.master_secret(), true)};
}

worker_keys load_worker_keys(const key_files& files) {
  std::error_code ec;
  if (!fs::exists(files.master_public(), ec))
    throw std::runtime_error("no " + files.master_public().string() +
                             ": copy master.pub, worker.key and worker.pub from the master's key directory "
                             "(made by gridctl keygen, or by the first sweep with auth = curve) into " +
                             files.dir.string() + " (or set GRIDCTL_KEYS)");
  worker_keys k;
  k.master_public = read_key(files.master_public(), false);
  k.own = {read_key(files.worker_public(), false), read_key(files.worker_secret(), true)};
  return k;
}

std::string z85_of_binary_key(const std::string& binary) {
  if (binary.size() != 32) return {};
  char text[41] = {};
  ::zmq_z85_encode(text, reinterpret_cast<const std::uint8_t*>(binary.data()), binary.size());
  return text;
}

}  // namespace gridctl
