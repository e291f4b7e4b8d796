// job_process: one attempt's process on a worker. `/bin/sh -c COMMAND` through Boost.Process v1,
// in its own process group (so a kill reaches grandchildren), stdin from /dev/null, stdout and
// stderr read through async pipes and handed on as they arrive.
//
// An attempt ends when the shell has exited AND both pipes are at EOF: output that a background
// grandchild prints after the shell exits still belongs to the attempt. Except when what holds
// the pipes left the job's process group (setsid, a daemon): from kill_grace after the shell's
// exit, once no process of the group is left, the worker kills the job's processes outside it
// (found by their job token, process_tree.hpp) and ends the attempt with a note in `error`,
// closing the pipes should something unrecognised still hold them.
// kill(): SIGTERM to the group, SIGKILL to the group after the grace period.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/process/async_pipe.hpp>
#include <boost/process/child.hpp>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "job_runner.hpp"

namespace gridctl {

class job_process : public std::enable_shared_from_this<job_process> {
 public:
  /// stream: 1 stdout, 2 stderr.
  using output_handler = std::function<void(int stream, std::string_view bytes)>;
  using exit_handler = std::function<void(const job_exit&)>;

  /// `token`: unique per job and worker process, put in the job's environment (job_token_var):
  /// how the job's processes are recognised once they left its process group.
  job_process(boost::asio::io_context& io, job_spec spec, std::string token, output_handler on_output,
              exit_handler on_exit);
  ~job_process();

  /// Spawns the process. If it cannot be started (e.g. the workdir does not exist), the
  /// reason goes to on_output(2, ...) and the attempt ends with exit code 127, from the loop.
  void start();
  /// SIGTERM to the process group now, SIGKILL after the grace period. Idempotent.
  void kill();
  /// The shell's pid, which is also the job's process group id; 0 when it did not start.
  int pid() const { return pid_; }

 private:
  void read(int stream);
  void maybe_finish();
  void fail_to_start(const std::string& why);
  void signal_group(int sig);
  void watch_leftovers(std::chrono::milliseconds delay);
  void end_leftovers();
  void close_pipes();

  boost::asio::io_context& io_;
  job_spec spec_;
  std::string token_;
  output_handler on_output_;
  exit_handler on_exit_;
  boost::process::async_pipe out_, err_;
  std::unique_ptr<boost::process::child> child_;
  boost::asio::steady_timer kill_timer_, leftover_timer_;
  std::vector<char> out_buf_, err_buf_;
  int pid_ = 0;
  bool exited_ = false, out_eof_ = false, err_eof_ = false, finished_ = false, killing_ = false;
  job_exit result_;
  std::chrono::steady_clock::time_point t0_;
};

}  // namespace gridctl
