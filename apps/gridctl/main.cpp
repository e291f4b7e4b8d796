// gridctl's main: parse the command line, call the subcommand in lib/cli, map errors to exit
// statuses (2: usage; 3: runtime failure). All the work lives in lib/.
#include <boost/program_options.hpp>
#include <exception>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "exit_codes.hpp"
#include "keygen_command.hpp"
#include "plan_command.hpp"
#include "report_command.hpp"
#include "results_command.hpp"
#include "settings.hpp"
#include "suggest.hpp"
#include "status_command.hpp"
#include "sweep_command.hpp"
#include "worker_command.hpp"

namespace po = boost::program_options;

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

/// Thrown for a command line we cannot use; main prints it with the usage line.
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The nearest option of `named` to a misspelt one, as a hint: " (did you mean '--retries'?)".
std::string nearest_option(const po::options_description& named, const std::string& given) {
  std::vector<std::string> names;
  for (const auto& o : named.options()) names.push_back("--" + o->long_name());
  auto near = gridctl::nearest_word(given, names);
  return near ? " (did you mean '" + *near + "'?)" : std::string();
}

/// Parses `args` against the `named` options (the ones --help shows) and `hidden` ones; an
/// unknown option is reported with the nearest named one.
po::variables_map parse(const std::vector<std::string>& args, const po::options_description& named,
                        const po::options_description& hidden, const po::positional_options_description& positional) {
  po::options_description all;
  all.add(named).add(hidden);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
  } catch (const po::unknown_option& e) {
    throw po::error(e.what() + nearest_option(named, e.get_option_name()));
  }
  po::notify(vm);
  return vm;
}

/// The value of an option that was given, or nothing.
template <class T>
std::optional<T> optional_value(const po::variables_map& vm, const char* name) {
  if (!vm.count(name)) return std::nullopt;
  return vm[name].as<T>();
}

/// Parses `COMMAND CONFIG.ini [options]`: the named options plus one positional config file.
/// Prints the help and returns nothing for --help; a missing CONFIG.ini is a usage error.
std::optional<po::variables_map> parse_with_config(const std::vector<std::string>& args,
                                                   const po::options_description& named, const char* command) {
  po::options_description hidden;
  hidden.add_options()("config", po::value<std::string>());
  po::positional_options_description pos;
  pos.add("config", 1);
  auto vm = parse(args, named, hidden, pos);
  if (vm.count("help")) {
    std::cout << named << "\n";
    return std::nullopt;
  }
  if (!vm.count("config")) throw usage_error(std::string(command) + ": missing CONFIG.ini");
  return vm;
}

int plan_main(const std::vector<std::string>& args) {
  po::options_description named("gridctl plan CONFIG.ini [options]\n\n"
                                "Validate the config and print the point count, what the results file says is\n"
                                "already done, and the commands in order. Runs nothing.\n\noptions");
  named.add_options()("help,h", "show this help")("limit", po::value<std::uint64_t>()->value_name("N"),
                                                  "print only the first N commands");
  auto parsed = parse_with_config(args, named, "plan");
  if (!parsed) return gridctl::exit_code::ok;
  const po::variables_map& vm = *parsed;
  gridctl::plan_options opts;
  opts.config = vm["config"].as<std::string>();
  opts.limit = optional_value<std::uint64_t>(vm, "limit");
  return gridctl::run_plan(opts, std::cout, std::cerr);
}

int sweep_main(const std::vector<std::string>& args) {
  po::options_description named(
      "gridctl sweep CONFIG.ini [options]\n\n"
      "Run the sweep, or resume it from its results file: points with an ok record are skipped,\n"
      "points that failed after their retries too (unless --retry). Each option overrides the\n"
      "config key of the same meaning.\n\noptions");
  named.add_options()("help,h", "show this help");
  // The overrides come from the settings table (lib/core/settings.hpp): one home per setting.
  std::vector<std::string> override_keys;
  for (const auto& s : gridctl::settings()) {
    if (!s.option) continue;
    override_keys.emplace_back(s.key);
    named.add_options()(override_keys.back().c_str(),
                        po::value<std::string>()->value_name(std::string(s.value_name)), std::string(s.help).c_str());
  }
  named.add_options()
      ("retry", "also rerun points whose last attempt failed or timed out (fresh retry budget)")
      ("fresh", "start over: the results file is renamed to FILE.1 (.2, ...), never deleted");
  auto parsed = parse_with_config(args, named, "sweep");
  if (!parsed) return gridctl::exit_code::ok;
  const po::variables_map& vm = *parsed;
  gridctl::sweep_options o;
  o.config = vm["config"].as<std::string>();
  for (const auto& key : override_keys)
    if (auto v = optional_value<std::string>(vm, key.c_str())) o.overrides.emplace_back(key, *v);
  o.retry = vm.count("retry") > 0;
  o.fresh = vm.count("fresh") > 0;
  return gridctl::run_sweep(o, std::cerr);
}

int results_main(const std::vector<std::string>& args) {
  po::options_description named(
      "gridctl results CONFIG.ini|RESULTS.jsonl [options]\n\n"
      "One row per point (its latest attempt), in grid order: the axes, status, attempt,\n"
      "duration_s and every metric. Reads the results file only; safe while a sweep runs.\n\noptions");
  named.add_options()("help,h", "show this help")
      ("format", po::value<std::string>()->value_name("FORMAT"), "table, csv or jsonl (default: table on a terminal, else csv)")
      ("max", po::value<std::string>()->value_name("METRIC"), "sort by METRIC, largest first (points without it last)")
      ("min", po::value<std::string>()->value_name("METRIC"), "sort by METRIC, smallest first (points without it last)")
      ("top", po::value<std::uint64_t>()->value_name("N"), "only the first N rows")
      ("status", po::value<std::string>()->value_name("LIST"), "only points whose latest status is in LIST, e.g. failed,timeout")
      ("pending", "with a config, also the points with no record yet (status pending)")
      ("failures", "failed, timeout and lost points grouped by cause, with the command to rerun them")
      ("summary", po::value<std::string>()->value_name("METRIC"), "for every axis value: points ok, mean, min and max of METRIC");
  auto parsed = parse_with_config(args, named, "results");
  if (!parsed) return gridctl::exit_code::ok;
  const po::variables_map& vm = *parsed;
  gridctl::results_options o;
  o.input = vm["config"].as<std::string>();
  o.format = optional_value<std::string>(vm, "format");
  o.max = optional_value<std::string>(vm, "max");
  o.min = optional_value<std::string>(vm, "min");
  o.top = optional_value<std::uint64_t>(vm, "top");
  o.status = optional_value<std::string>(vm, "status");
  o.pending = vm.count("pending") > 0;
  o.failures = vm.count("failures") > 0;
  o.summary = optional_value<std::string>(vm, "summary");
  return gridctl::run_results(o, gridctl::detect_stdout(), std::cout, std::cerr);
}

int status_main(const std::vector<std::string>& args) {
  po::options_description named(
      "gridctl status CONFIG.ini|RESULTS.jsonl [--json]\n\n"
      "How a sweep is doing, from any shell: whether a master runs on the results file, points\n"
      "ok / failed / running / pending, workers and slots, jobs per second, the time left and the\n"
      "running jobs, longest first. While a master runs this reads only RESULTS.status.json.\n\noptions");
  named.add_options()("help,h", "show this help")("json", "print one JSON object (see docs/status-file.md)");
  auto parsed = parse_with_config(args, named, "status");
  if (!parsed) return gridctl::exit_code::ok;
  gridctl::status_options o;
  o.input = (*parsed)["config"].as<std::string>();
  o.json = parsed->count("json") > 0;
  return gridctl::run_status(o, std::cout, std::cerr);
}

int report_main(const std::vector<std::string>& args) {
  po::options_description named(
      "gridctl report CONFIG.ini|RESULTS.jsonl --metric METRIC [options]\n\n"
      "Write one self-contained HTML page (inline SVG; nothing fetched, opens from disk) and print\n"
      "its path: a heatmap of METRIC over two axes (every other axis reduced to its best point, or\n"
      "the mean), a plot of the best and mean METRIC per value of each axis, the failure groups,\n"
      "the command and the counts. Reads the results file only.\n\noptions");
  named.add_options()("help,h", "show this help")
      ("metric", po::value<std::string>(), "the metric to draw (required)")
      ("x", po::value<std::string>(), "axis across (default: the first axis with more than one value)")
      ("y", po::value<std::string>(), "axis down (default: the next such axis; none: a one-row map)")
      ("min", "smaller METRIC is better (default: larger is better)")
      ("agg", po::value<std::string>(), "best or mean: how the other axes are reduced (default best)")
      ("output,o", po::value<std::string>(), "the file to write (default RESULTS.html beside the results); FILE.svg: the heatmap alone");
  auto parsed = parse_with_config(args, named, "report");
  if (!parsed) return gridctl::exit_code::ok;
  const po::variables_map& vm = *parsed;
  if (!vm.count("metric")) throw usage_error("report: --metric METRIC is required");
  gridctl::report_options o;
  o.input = vm["config"].as<std::string>();
  o.metric = vm["metric"].as<std::string>();
  o.x = optional_value<std::string>(vm, "x");
  o.y = optional_value<std::string>(vm, "y");
  o.smaller_is_better = vm.count("min") > 0;
  o.agg = optional_value<std::string>(vm, "agg");
  if (auto out = optional_value<std::string>(vm, "output")) o.output = *out;
  return gridctl::run_report(o, std::cout, std::cerr);
}

int keygen_main(const std::vector<std::string>& args) {
  po::options_description named(
      "gridctl keygen [--dir DIR] [--force]\n\n"
      "Write CurveZMQ key pairs for the master (master.key, mode 0600; master.pub) and for workers\n"
      "(worker.key, 0600; worker.pub), and authorized_workers listing worker.pub. On a shared home\n"
      "directory that is all; otherwise copy master.pub, worker.key and worker.pub to each worker.\n\noptions");
  named.add_options()("help,h", "show this help")
      ("dir", po::value<std::string>()->value_name("DIR"), "where to write them (default: $GRIDCTL_KEYS, else ~/.config/gridctl)")
      ("force", "replace existing keys (workers and masters using the old ones stop trusting each other)");
  auto vm = parse(args, named, po::options_description{}, po::positional_options_description{});
  if (vm.count("help")) {
    std::cout << named << "\n";
    return gridctl::exit_code::ok;
  }
  gridctl::keygen_options o;
  o.dir = optional_value<std::string>(vm, "dir");
  o.force = vm.count("force") > 0;
  return gridctl::run_keygen(o, std::cout, std::cerr);
}

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
  auto vm = parse(args, named, po::options_description{}, po::positional_options_description{});
  if (vm.count("help")) {
    std::cout << named << "\n";
    return gridctl::exit_code::ok;
  }
  if (!vm.count("connect")) throw usage_error("worker: --connect ENDPOINT is required");
  gridctl::worker_command_options o;
  o.connect = vm["connect"].as<std::string>();
  o.slots = optional_value<int>(vm, "slots");
  o.name = optional_value<std::string>(vm, "name");
  o.once = vm.count("once") > 0;
  o.quiet = vm.count("quiet") > 0;
  if (auto auth = optional_value<std::string>(vm, "auth")) o.auth = *auth;
  return gridctl::run_worker_command(o, std::cerr);
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
    if (command == "sweep") return sweep_main(args);
    if (command == "worker") return worker_main(args);
    if (command == "results") return results_main(args);
    if (command == "status") return status_main(args);
    if (command == "report") return report_main(args);
    if (command == "keygen") return keygen_main(args);
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
