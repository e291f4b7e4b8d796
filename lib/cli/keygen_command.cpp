// keygen_command: writes the key files and says what goes where.
#include "keygen_command.hpp"

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

}  // namespace gridctl
