// gridctl's main: parse the command line, call the subcommand in lib/cli, map errors to exit
// statuses (2: usage; 3: runtime failure). All the work lives in lib/.
#include <boost/program_options.hpp>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "command_line.hpp"
#include "exit_codes.hpp"
#include "keygen_command.hpp"
#include "plan_command.hpp"
#include "report_command.hpp"
#include "results_command.hpp"
#include "status_command.hpp"
#include "sweep_command.hpp"
#include "worker_command.hpp"

namespace po = boost::program_options;
using gridctl::usage_error;

namespace {

const char* const usage_text =
    "usage: gridctl <command> [options]\n"
    "\n"
    "Run a command over a grid of parameters on a cluster and collect the results.\n"
    "\n"
    "commands:\n"
    "  sweep CONFIG.ini [options]        run (or resume) a sweep; the master\n"
    "  worker --connect ENDPOINT [opts]  serve jobs on this node\n"
    "  plan CONFIG.ini [--limit N]       validate the config, print point count and commands; runs nothing\n"
    "  results CONFIG.ini|RESULTS.jsonl  one row per point: parameters, status, metrics\n"
    "  status CONFIG.ini|RESULTS.jsonl   is a sweep running; counts, rate, ETA, running jobs\n"
    "  report CONFIG.ini|RESULTS.jsonl --metric METRIC\n"
    "                                    an HTML page: heatmap, per-axis plots, failures\n"
    "  keygen [--dir DIR] [--force]      CurveZMQ keys for the master and its workers\n"
    "\n"
    "options:\n"
    "  -h, --help      show this help (also: gridctl COMMAND --help)\n"
    "  --version       print the version\n";







}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    if (args.empty()) {
      std::cerr << usage_text;
      return gridctl::exit_code::usage;
    }
    const std::string command = args.front();
    args.erase(args.begin());
    if (command == "-h" || command == "--help" || command == "help") {
      std::cout << usage_text;
      return gridctl::exit_code::ok;
    }
    if (command == "--version") {
      std::cout << "gridctl " << GRIDCTL_VERSION << "\n";
      return gridctl::exit_code::ok;
    }
    if (command == "plan") return gridctl::plan_main(args);
    if (command == "sweep") return gridctl::sweep_main(args);
    if (command == "worker") return gridctl::worker_main(args);
    if (command == "results") return gridctl::results_main(args);
    if (command == "status") return gridctl::status_main(args);
    if (command == "report") return gridctl::report_main(args);
    if (command == "keygen") return gridctl::keygen_main(args);
    throw usage_error("unknown command '" + command + "'");
  } catch (const usage_error& e) {
    std::cerr << "gridctl: " << e.what() << "\n\n" << usage_text;
    return gridctl::exit_code::usage;
  } catch (const po::error& e) {
    std::cerr << "gridctl: " << e.what() << "\n(see gridctl --help)\n";
    return gridctl::exit_code::usage;
  } catch (const std::exception& e) {
    std::cerr << "gridctl: error: " << e.what() << "\n";
    return gridctl::exit_code::runtime;
  }
}
