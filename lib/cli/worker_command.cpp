// worker_command: option checks, then the worker loop.
#include "worker_command.hpp"

#include <ostream>

#include "machine.hpp"
#include "config.hpp"
#include "exit_codes.hpp"
#include "auth_mode.hpp"
#include "worker.hpp"

namespace gridctl {

int run_worker_command(const worker_command_options& opts, std::ostream& log) {
  worker_options w;
  w.connect = opts.connect;
  if (!is_endpoint(w.connect)) {
    log << "gridctl worker: --connect must be a ZeroMQ endpoint such as tcp://master:5555, not '" << w.connect
        << "'\n";
    return exit_code::usage;
  }
  w.slots = opts.slots.value_or(usable_cpus());
  if (w.slots < 1 || w.slots > max_slots) {
    log << "gridctl worker: --slots must be from 1 to " << max_slots << "\n";
    return exit_code::usage;
  }
  w.name = opts.name.value_or(host_name());
  w.once = opts.once;
  w.quiet = opts.quiet;
  auto auth = parse_auth_mode(opts.auth);
  if (!auth) {
    log << "gridctl worker: --auth must be auto, curve or none, not '" << opts.auth << "'\n";
    return exit_code::usage;
  }
  if (auto warning = plain_endpoint_warning(*auth, w.connect)) log << "gridctl worker: " << *warning << "\n";
  if (uses_curve(*auth, w.connect)) {
    try {
      key_files files = default_key_files();
      w.key_dir = files.dir.string();
      w.keys = load_worker_keys(files);
    } catch (const std::exception& e) {
      log << "gridctl worker: " << e.what() << "\n";
      return exit_code::usage;
    }
  }
  return run_worker(w, log);
}

}  // namespace gridctl
