// process_runner: the worker's job_runner — each job a job_process (its own process group,
// async pipes), named in the worker_state file while it runs, with a job token of its own.
#pragma once

#include <sys/types.h>

#include <boost/asio/io_context.hpp>
#include <functional>
#include <iosfwd>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "job_process.hpp"
#include "job_runner.hpp"
#include "worker_state.hpp"

namespace gridctl {

class process_runner : public job_runner {
 public:
  using output_handler = std::function<void(job_serial, int stream, std::string_view bytes)>;
  using end_handler = std::function<void(job_serial, const job_exit&)>;

  /// Kills what dead workers named `worker_name` left running (worker_state.hpp).
  process_runner(boost::asio::io_context& io, const std::string& worker_name, std::ostream& log,
                 output_handler on_output, end_handler on_end);

  void spawn(job_serial job, const job_spec& spec) override;
  void kill(job_serial job) override;

  /// Whether `pid` is the shell of a running job (reaped by Boost.Process, not by us).
  bool is_job_shell(pid_t pid) const;

 private:
  struct running {
    std::shared_ptr<job_process> process;
    std::string token;
  };
  void ended(job_serial job, const job_exit& e);

  boost::asio::io_context& io_;
  worker_state state_;
  std::string token_prefix_;
  output_handler on_output_;
  end_handler on_end_;
  std::map<job_serial, running> jobs_;
};

}  // namespace gridctl
