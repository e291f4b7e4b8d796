// process_runner: job_process per job, tokens, and the worker_state file.
#include "process_runner.hpp"

#include <boost/asio/post.hpp>

#include <random>
#include <unistd.h>
#include <utility>

namespace gridctl {

process_runner::process_runner(boost::asio::io_context& io, const std::string& worker_name, std::ostream& log,
                               output_handler on_output, end_handler on_end)
    : io_(io), state_(worker_name, log), on_output_(std::move(on_output)), on_end_(std::move(on_end)) {
  std::random_device rd;
  // Unique per worker process (and, with the serial, per job) even across reused pids.
  token_prefix_ = std::to_string(::getpid()) + "-" + std::to_string(rd()) + std::to_string(rd()) + "-";
}

void process_runner::spawn(job_serial job, const job_spec& spec) {
  running& r = jobs_[job];
  r.token = token_prefix_ + std::to_string(job);
  r.process = std::make_shared<job_process>(
      io_, spec, r.token, [this, job](int stream, std::string_view bytes) { on_output_(job, stream, bytes); },
      [this, job](const job_exit& e) { ended(job, e); });
  r.process->start();
  if (r.process->pid() > 0) state_.add(r.process->pid(), r.token);
}

void process_runner::ended(job_serial job, const job_exit& e) {
  auto it = jobs_.find(job);
  if (it == jobs_.end()) return;
  state_.remove(it->second.token);
  jobs_.erase(it);  // the process's own handler keeps it alive until it returns
  // Told from a fresh turn of the loop: the reactor may start the next queued job at once, and
  // a spawn from inside Boost.Process's exit handling gets the next child's status wrong (-1).
  boost::asio::post(io_, [this, job, e] { on_end_(job, e); });
}

void process_runner::kill(job_serial job) {
  if (auto it = jobs_.find(job); it != jobs_.end()) it->second.process->kill();
}

bool process_runner::is_job_shell(pid_t pid) const {
  for (const auto& [job, r] : jobs_)
    if (r.process->pid() == pid) return true;
  return false;
}

}  // namespace gridctl
