// keygen_command: writes the key files and says what goes where.
#include "keygen_command.hpp"

#include <iostream>

#include "command_line.hpp"

#include <ostream>

#include "exit_codes.hpp"
#include "key_store.hpp"

namespace gridctl {

int run_keygen(const keygen_options& opts, std::ostream& out, std::ostream& log) {
  try {
    key_files files = opts.dir ? key_files{*opts.dir} : default_key_files();
    write_new_keys(files, opts.force);
    out << "gridctl keygen: wrote master.key, master.pub, worker.key, worker.pub and authorized_workers in "
        << files.dir.string() << "\n"
        << "  shared home directory: nothing more to do.\n"
        << "  otherwise: copy master.pub, worker.key and worker.pub to ~/.config/gridctl on every worker node;\n"
        << "  master.key stays on the master.\n";
    return exit_code::ok;
  } catch (const std::exception& e) {
    log << "gridctl keygen: " << e.what() << "\n";
    return exit_code::runtime;
  }
}

/// `gridctl keygen ...`: its options (its --help), then the command.
int keygen_main(const std::vector<std::string>& args) {
  po::options_description named(
      "gridctl keygen [--dir DIR] [--force]\n\n"
      "Write CurveZMQ key pairs for the master (master.key, mode 0600; master.pub) and for workers\n"
      "(worker.key, 0600; worker.pub), and authorized_workers listing worker.pub. On a shared home\n"
      "directory that is all; otherwise copy master.pub, worker.key and worker.pub to each worker.\n\noptions");
  named.add_options()("help,h", "show this help")
      ("dir", po::value<std::string>()->value_name("DIR"), "where to write them (default: $GRIDCTL_KEYS, else ~/.config/gridctl)")
      ("force", "replace existing keys (workers and masters using the old ones stop trusting each other)");
  auto vm = parse_options(args, named, po::options_description{}, po::positional_options_description{});
  if (vm.count("help")) {
    std::cout << named << "\n";
    return exit_code::ok;
  }
  keygen_options o;
  o.dir = optional_value<std::string>(vm, "dir");
  o.force = vm.count("force") > 0;
  return run_keygen(o, std::cout, std::cerr);
}

}  // namespace gridctl
