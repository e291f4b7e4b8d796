// plan_command: validation and a dry listing of the sweep.
#include "plan_command.hpp"

#include <iostream>

#include "command_line.hpp"

#include <ostream>

#include "exit_codes.hpp"
#include "plural.hpp"
#include "resume.hpp"
#include "sweep_setup.hpp"

namespace gridctl {

int run_plan(const plan_options& opts, std::ostream& out, std::ostream& err) {
  auto cfg = load_config(opts.config);
  if (!cfg) {
    err << "gridctl: " << cfg.error().text() << "\n";
    return exit_code::usage;
  }
  warn_unused_axes(*cfg, err);
  warn_quoted_placeholders(*cfg, err);
  auto existing = read_existing_results(*cfg, err);
  if (!existing) {
    err << "gridctl: " << existing.error().text() << "\n";
    return exit_code::usage;
  }
  const grid& g = cfg->points;
  const results_history* hist = existing->history ? &*existing->history : nullptr;
  resume_plan plan(g, hist, cfg->retries, false);

  out << "# sweep " << cfg->name << ": " << counted(g.size(), "point") << " (" << describe_grid(g) << ")\n";
  out << "# workdir " << cfg->workdir.string() << "\n";
  if (!hist) {
    out << "# results " << cfg->results.string() << " (new): " << g.size() << " to run\n";
  } else {
    resume_counts c = plan.count();
    out << "# results " << cfg->results.string() << ": " << hist->records << " records; " << c.done << " done, "
        << c.exhausted << " failed (rerun with --retry), " << c.to_run << " to run\n";
  }
  std::uint64_t n = opts.limit ? std::min<std::uint64_t>(*opts.limit, g.size()) : g.size();
  if (n < g.size()) out << "# first " << n << " of " << g.size() << " commands:\n";
  for (std::uint64_t i = 0; i < n; ++i) out << cfg->command.render(g.values(i)) << "\n";
  return exit_code::ok;
}

/// `gridctl plan ...`: its options (its --help), then the command.
int plan_main(const std::vector<std::string>& args) {
  po::options_description named("gridctl plan CONFIG.ini [options]\n\n"
                                "Validate the config and print the point count, what the results file says is\n"
                                "already done, and the commands in order. Runs nothing.\n\noptions");
  named.add_options()("help,h", "show this help")("limit", po::value<std::uint64_t>()->value_name("N"),
                                                  "print only the first N commands");
  auto parsed = parse_with_config(args, named, "plan");
  if (!parsed) return exit_code::ok;
  const po::variables_map& vm = *parsed;
  plan_options opts;
  opts.config = vm["config"].as<std::string>();
  opts.limit = optional_value<std::uint64_t>(vm, "limit");
  return run_plan(opts, std::cout, std::cerr);
}

}  // namespace gridctl
