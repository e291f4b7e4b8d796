// gridctl's main: parse the command line, call the subcommand in lib/cli, map errors to exit
// statuses (2: usage; 3: runtime failure). All the work lives in lib/.
#include <boost/program_options.hpp>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "exit_codes.hpp"
#include "plan_command.hpp"

namespace po = boost::program_options;

namespace {

const char* const usage_text =
    "usage: gridctl <command> [options]\n"
    "\n"
    "Run a command over a grid of parameters on a cluster and collect the results.\n"
    "\n"
    "commands:\n"
    "  plan CONFIG.ini [--limit N]   validate the config, print point count and commands; runs nothing\n"
    "\n"
    "options:\n"
    "  -h, --help      show this help (also: gridctl COMMAND --help)\n"
    "  --version       print the version\n";

/// Thrown for a command line we cannot use; main prints it with the usage line.
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

po::variables_map parse(const std::vector<std::string>& args, const po::options_description& named,
                        const po::positional_options_description& positional) {
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(named).positional(positional).run(), vm);
  po::notify(vm);
  return vm;
}

int plan_main(const std::vector<std::string>& args) {
  po::options_description named("gridctl plan CONFIG.ini [options]\n\n"
                                "Validate the config and print the point count, what the results file says is\n"
                                "already done, and the commands in order. Runs nothing.\n\noptions");
  named.add_options()("help,h", "show this help")("limit", po::value<std::uint64_t>(),
                                                  "print only the first N commands");
  po::options_description all;
  all.add(named).add_options()("config", po::value<std::string>());
  po::positional_options_description pos;
  pos.add("config", 1);
  auto vm = parse(args, all, pos);
  if (vm.count("help")) {
    std::cout << named << "\n";
    return gridctl::exit_code::ok;
  }
  if (!vm.count("config")) throw usage_error("plan: missing CONFIG.ini");
  gridctl::plan_options opts;
  opts.config = vm["config"].as<std::string>();
  if (vm.count("limit")) opts.limit = vm["limit"].as<std::uint64_t>();
  return gridctl::run_plan(opts, std::cout, std::cerr);
}

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
    if (command == "plan") return plan_main(args);
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
