// worker_command: option checks, then the worker loop.
#include "worker_command.hpp"

#include <iostream>

#include "command_line.hpp"

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

/// `gridctl worker ...`: its options (its --help), then the command.
int worker_main(const std::vector<std::string>& args) {
  po::options_description named(
      "gridctl worker --connect ENDPOINT [options]\n\n"
      "Serve jobs of the master at ENDPOINT. Persistent by default: it serves sweep after sweep\n"
      "and reconnects when the master restarts. SIGTERM/SIGINT: stop running jobs, report, exit.\n\noptions");
  named.add_options()("help,h", "show this help")
      ("connect", po::value<std::string>()->value_name("ENDPOINT"), "the master's endpoint, e.g. tcp://node01:5555 (required)")
      ("slots", po::value<int>()->value_name("N"), "jobs run at once (default: the CPUs this process may use)")
      ("name", po::value<std::string>()->value_name("NAME"), "name shown in results (default: host name)")
      ("once", "exit after the first sweep served is finished")
      ("auth", po::value<std::string>()->value_name("MODE"),
       "auto, curve or none: CurveZMQ with the keys in $GRIDCTL_KEYS or ~/.config/gridctl (default auto: curve unless loopback)")
      ("quiet", "print nothing but errors");
  auto vm = parse_options(args, named, po::options_description{}, po::positional_options_description{});
  if (vm.count("help")) {
    std::cout << named << "\n";
    return exit_code::ok;
  }
  if (!vm.count("connect")) throw usage_error("worker: --connect ENDPOINT is required");
  worker_command_options o;
  o.connect = vm["connect"].as<std::string>();
  o.slots = optional_value<int>(vm, "slots");
  o.name = optional_value<std::string>(vm, "name");
  o.once = vm.count("once") > 0;
  o.quiet = vm.count("quiet") > 0;
  if (auto auth = optional_value<std::string>(vm, "auth")) o.auth = *auth;
  return run_worker_command(o, std::cerr);
}

}  // namespace gridctl
