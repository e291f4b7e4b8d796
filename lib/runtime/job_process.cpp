// job_process: spawning, streaming, and killing one job.
#include "job_process.hpp"

#include "machine.hpp"
#include "process_tree.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/read.hpp>
#include <boost/process/args.hpp>
#include <boost/process/async.hpp>
#include <boost/process/extend.hpp>
#include <boost/process/io.hpp>
#include <boost/process/posix.hpp>
#include <boost/process/start_dir.hpp>
#include <algorithm>
#include <csignal>
#include <fcntl.h>
#include <string_view>
#include <filesystem>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace gridctl {

namespace bp = boost::process;

namespace {

/// While the job's process group still has a process, what holds the pipes may be one of its
/// own (`sleep 9 & echo hi`): its output belongs to the attempt. Looked at this often.
constexpr std::chrono::milliseconds group_poll{200};
/// After the leftovers were SIGKILLed, how long their pipes may take to close by themselves
/// (then all they printed has been read) before they are closed on our side.
constexpr std::chrono::milliseconds eof_after_kill{500};

/// /dev/null, opened once for every job's stdin (instead of an open and a close per job).
/// Called in the worker before a spawn, never in the vfork child: the child shares the
/// worker's memory but not its descriptor table, so an open there would not last.
int dev_null() {
  static const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  return fd;
}

/// The worker's own environment, read once: the base of every job's environment.
const std::vector<std::string>& worker_environment() {
  static const std::vector<std::string> base = [] {
    std::vector<std::string> v;
    for (char** e = ::environ; e != nullptr && *e != nullptr; ++e) v.emplace_back(*e);
    return v;
  }();
  return base;
}

/// A job's environment for execve: the worker's, with the job's variables and its token
/// (`token_entry`, "NAME=value", if not empty) added or replacing (the last of a name wins).
/// `own` holds the job's "NAME=value" strings; the pointers point into it and into
/// worker_environment(), so it must outlive the spawn. Built without copying the worker's
/// environment (Boost.Process's environment copied and re-scanned it per variable).
std::vector<char*> job_envp(const std::vector<std::pair<std::string, std::string>>& vars, std::string token_entry,
                            std::vector<std::string>& own) {
  auto name_of = [](std::string_view entry) { return entry.substr(0, entry.find('=')); };
  auto put = [&](std::string entry) {
    std::string_view name = name_of(entry);
    auto same = std::find_if(own.begin(), own.end(), [&](const std::string& o) { return name_of(o) == name; });
    if (same != own.end()) *same = std::move(entry);
    else own.push_back(std::move(entry));
  };
  for (const auto& [k, v] : vars) put(k + '=' + v);
  if (!token_entry.empty()) put(std::move(token_entry));
  std::vector<char*> envp;
  envp.reserve(worker_environment().size() + own.size() + 1);
  for (const std::string& e : worker_environment()) {
    std::string_view name = name_of(e);
    if (std::none_of(own.begin(), own.end(), [&](const std::string& o) { return name_of(o) == name; }))
      envp.push_back(const_cast<char*>(e.c_str()));
  }
  for (std::string& e : own) envp.push_back(e.data());
  envp.push_back(nullptr);
  return envp;
}

/// Sets the environment the child execs with.
struct environment_is : bp::extend::handler {
  char** envp;
  template <class Executor>
  void on_setup(Executor& e) const {
    e.env = envp;
  }
};

/// Runs in the child between vfork and exec: a process group of its own, so that a kill of
/// the group reaches the shell's children too, death with the worker, default signal
/// dispositions, and /dev/null as stdin. Only async-signal-safe system calls here: with vfork
/// the child borrows the worker's memory.
struct own_process_group : bp::extend::handler {
  int stdin_fd;  ///< dev_null(), opened by the worker
  template <class Executor>
  void on_exec_setup(Executor&) const {
    if (stdin_fd >= 0) ::dup2(stdin_fd, STDIN_FILENO);
    else ::close(STDIN_FILENO);
    ::setpgid(0, 0);
    // Should the worker die without killing its jobs (SIGKILL, OOM killer), the job's shell
    // dies with it. What the shell started is beyond reach then (README, "A worker killed...").
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    ::signal(SIGPIPE, SIG_DFL);
  }
};
}  // namespace

job_process::job_process(boost::asio::io_context& io, job_spec spec, std::string token, output_handler on_output,
                         exit_handler on_exit)
    : io_(io),
      spec_(std::move(spec)),
      token_(std::move(token)),
      on_output_(std::move(on_output)),
      on_exit_(std::move(on_exit)),
      out_(io),
      err_(io),
      kill_timer_(io),
      leftover_timer_(io),
      out_buf_(64 * 1024),
      err_buf_(64 * 1024) {}

job_process::~job_process() {
  // ~child() would kill only the shell; make sure nothing of the group outlives us.
  if (pid_ > 0 && !exited_) {
    signal_group(SIGKILL);
  }
  if (child_) child_->detach();
}

void job_process::signal_group(int sig) {
  if (pid_ > 0) ::kill(-pid_, sig);
}

void job_process::fail_to_start(const std::string& why) {
  result_.started = std::chrono::system_clock::now();
  result_.exit_code = 127;
  auto self = shared_from_this();
  boost::asio::post(io_, [self, why] {
    self->on_output_(2, "gridctl: " + why + "\n");
    self->exited_ = self->out_eof_ = self->err_eof_ = true;
    self->maybe_finish();
  });
}

void job_process::start() {
  t0_ = std::chrono::steady_clock::now();
  std::error_code fs_ec;
  if (!std::filesystem::is_directory(spec_.workdir, fs_ec)) {
    fail_to_start("workdir '" + spec_.workdir + "' does not exist on " + host_name());
    return;
  }
  std::vector<std::string> own_vars;
  std::vector<char*> envp =
      job_envp(spec_.env, token_.empty() ? std::string() : std::string(job_token_var) + '=' + token_, own_vars);
  auto self = shared_from_this();
  try {
    child_ = std::make_unique<bp::child>(
        "/bin/sh", bp::args({"-c", spec_.command}), bp::start_dir = spec_.workdir, bp::std_out > out_,
        bp::std_err > err_, environment_is{{}, envp.data()}, own_process_group{{}, dev_null()}, bp::posix::use_vfork, io_,
        bp::on_exit([self](int, const std::error_code&) {
          // on_exit's code cannot tell "exit 9" from "killed by 9": read the raw wait status.
          int status = self->child_ ? self->child_->native_exit_code() : 0;
          if (WIFSIGNALED(status)) self->result_.signal = WTERMSIG(status);
          else self->result_.exit_code = WEXITSTATUS(status);
          self->exited_ = true;
          self->maybe_finish();
          if (!self->finished_) self->watch_leftovers(self->spec_.kill_grace);
        }));
  } catch (const std::exception& e) {
    fail_to_start(std::string("cannot start the job: ") + e.what());
    return;
  }
  result_.started = std::chrono::system_clock::now();
  pid_ = child_->id();
  // Close the race with the child's own setpgid: whichever runs first, the group exists.
  ::setpgid(pid_, pid_);
  read(1);
  read(2);
}

void job_process::read(int stream) {
  auto& pipe = stream == 1 ? out_ : err_;
  auto& buf = stream == 1 ? out_buf_ : err_buf_;
  auto self = shared_from_this();
  pipe.async_read_some(boost::asio::buffer(buf), [self, stream](boost::system::error_code ec, std::size_t n) {
    auto& b = stream == 1 ? self->out_buf_ : self->err_buf_;
    if (n > 0) self->on_output_(stream, std::string_view(b.data(), n));
    if (ec) {  // eof is the normal end; any other error ends the stream too
      (stream == 1 ? self->out_eof_ : self->err_eof_) = true;
      self->maybe_finish();
      return;
    }
    self->read(stream);
  });
}

void job_process::kill() {
  if (killing_ || finished_) return;
  killing_ = true;
  signal_group(SIGTERM);
  kill_timer_.expires_after(spec_.kill_grace);
  auto self = shared_from_this();
  kill_timer_.async_wait([self](boost::system::error_code ec) {
    if (ec || self->finished_) return;
    self->signal_group(SIGKILL);
  });
}

void job_process::watch_leftovers(std::chrono::milliseconds delay) {
  leftover_timer_.expires_after(delay);
  auto self = shared_from_this();
  leftover_timer_.async_wait([self](boost::system::error_code ec) {
    if (ec || self->finished_) return;
    if (::kill(-self->pid_, 0) == 0) self->watch_leftovers(group_poll);
    else self->end_leftovers();
  });
}

void job_process::end_leftovers() {
  // The shell has exited, its group is empty, and something still holds the pipes: a process
  // that left the group. Waiting for it could take for ever (a daemon).
  int killed = kill_job_processes(descendants(list_processes(), ::getpid()), token_);
  if (killed == 0) {
    result_.error = "a process left behind by the job held its output open; the output was closed";
    close_pipes();
    return;
  }
  result_.error = "a process left behind by the job held its output open; it was killed";
  leftover_timer_.expires_after(eof_after_kill);
  auto self = shared_from_this();
  leftover_timer_.async_wait([self](boost::system::error_code ec) {
    if (!ec && !self->finished_) self->close_pipes();
  });
}

void job_process::close_pipes() {
  // Pending reads complete with operation_aborted, after the attempt has finished.
  boost::system::error_code ignored;
  out_.close(ignored);
  err_.close(ignored);
  out_eof_ = err_eof_ = true;
  maybe_finish();
}

void job_process::maybe_finish() {
  if (finished_ || !exited_) return;
  if (!out_eof_ || !err_eof_) return;  // see watch_leftovers(), armed when the shell exited
  finished_ = true;
  kill_timer_.cancel();
  leftover_timer_.cancel();
  result_.duration = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t0_);
  on_exit_(result_);
}

}  // namespace gridctl
