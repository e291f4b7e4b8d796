// results_command: options -> result_set -> rows, failures or summary -> text.
#include "results_command.hpp"

#include <iostream>

#include "command_line.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <ostream>

#include "exit_codes.hpp"
#include "failure_groups.hpp"
#include "result_rows.hpp"
#include "results_input.hpp"
#include "results_table.hpp"

namespace gridctl {

output_target detect_stdout() {
  output_target t;
  t.terminal = ::isatty(STDOUT_FILENO) == 1;
  if (const char* cols = std::getenv("COLUMNS"); cols && std::atoi(cols) > 0) {
    t.width = static_cast<std::size_t>(std::atoi(cols));
  } else {
    winsize ws{};
    if (t.terminal && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) t.width = ws.ws_col;
  }
  return t;
}

namespace {

/// The options that contradict each other or name nothing; an error message, or empty.
std::string check_options(const results_options& o, bool have_config) {
  if (o.format && *o.format != "table" && *o.format != "csv" && *o.format != "jsonl")
    return "--format must be table, csv or jsonl, not '" + *o.format + "'";
  if (o.max && o.min) return "give --max or --min, not both";
  if (o.failures && o.summary) return "give --failures or --summary, not both";
  if (o.pending && !have_config)
    return "--pending needs the config (CONFIG.ini): a results file alone does not know the points not run yet";
  return {};
}

/// The statuses of --status, or an error message in `problem`.
std::vector<std::string> parse_statuses(const std::string& list, std::string& problem) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= list.size()) {
    std::size_t comma = std::min(list.find(',', start), list.size());
    std::string s = list.substr(start, comma - start);
    s.erase(0, s.find_first_not_of(' '));
    s.erase(s.find_last_not_of(' ') + 1);
    if (!s.empty()) {
      if (!parse_status(s) && s != "pending") {
        problem = "--status: unknown status '" + s + "' (ok, failed, timeout, lost, canceled, pending)";
        return {};
      }
      out.push_back(s);
    }
    start = comma + 1;
  }
  if (out.empty()) problem = "--status needs a list such as failed,timeout";
  return out;
}

void print_table(const text_table& t, const std::string& format, const output_target& target, std::ostream& out) {
  if (format == "table") out << format_table(t, target.width);
  else if (format == "csv") out << format_csv(t);
  else out << format_jsonl(t);
}

/// The chosen rows, printed in slices of 10,000 when the format has no column widths to agree
/// on (CSV, JSON Lines): a million rows never exist as text all at once.
void print_rows(const result_set& set, const std::vector<std::size_t>& chosen, const std::string& format,
                const output_target& target, std::ostream& out) {
  constexpr std::size_t slice = 10000;
  if (format == "table" || chosen.size() <= slice) {
    if (format == "jsonl") out << format_jsonl_rows(set, chosen);
    else print_table(rows_table(set, chosen), format, target, out);
    return;
  }
  for (std::size_t first = 0; first < chosen.size(); first += slice) {
    std::vector<std::size_t> part(chosen.begin() + static_cast<std::ptrdiff_t>(first),
                                  chosen.begin() + static_cast<std::ptrdiff_t>(std::min(first + slice, chosen.size())));
    if (format == "jsonl") {
      out << format_jsonl_rows(set, part);
      continue;
    }
    std::string text = format_csv(rows_table(set, part));
    if (first > 0) text.erase(0, text.find("\r\n") + 2);  // the header row once, at the top
    out << text;
  }
}

}  // namespace

int run_results(const results_options& o, const output_target& target, std::ostream& out, std::ostream& err) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(o.input, ec)) {
    err << "gridctl: " << o.input.string() << ": no such file\n";
    return exit_code::usage;
  }
  const bool have_config = !looks_like_results(o.input);
  if (std::string problem = check_options(o, have_config); !problem.empty()) {
    err << "gridctl: results: " << problem << "\n";
    return exit_code::usage;
  }
  auto in = read_results_input(o.input, o.pending, err);
  if (!in) return exit_code::usage;
  const result_set& set = in->set;
  for (const auto& note : result_notes(*in)) err << "gridctl: " << note << "\n";
  if (set.records == 0 && !o.pending) {
    err << "gridctl: no results yet in " << in->results_file.string()
        << (have_config ? " (--pending lists the points to run)" : "") << "\n";
    return exit_code::usage;
  }
  const std::string format = o.format ? *o.format : target.terminal ? "table" : "csv";

  if (o.failures) {
    out << format_failures(group_failures(set.rows), set, have_config ? o.input.string() : "CONFIG.ini");
    return exit_code::ok;
  }
  if (o.summary) {
    auto m = find_metric(set, *o.summary, err);
    if (!m) return exit_code::usage;
    print_table(summary_table(set, *m), format, target, out);
    return exit_code::ok;
  }
  row_selection sel;
  if (o.status) {
    std::string problem;
    sel.statuses = parse_statuses(*o.status, problem);
    if (!problem.empty()) {
      err << "gridctl: results: " << problem << "\n";
      return exit_code::usage;
    }
  }
  if (o.max || o.min) {
    sel.sort_by = find_metric(set, o.max ? *o.max : *o.min, err);
    if (!sel.sort_by) return exit_code::usage;
    sel.descending = o.max.has_value();
  }
  sel.top = o.top;
  std::vector<std::size_t> chosen = select_rows(set, sel);
  print_rows(set, chosen, format, target, out);
  return exit_code::ok;
}

/// `gridctl results ...`: its options (its --help), then the command.
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
  if (!parsed) return exit_code::ok;
  const po::variables_map& vm = *parsed;
  results_options o;
  o.input = vm["config"].as<std::string>();
  o.format = optional_value<std::string>(vm, "format");
  o.max = optional_value<std::string>(vm, "max");
  o.min = optional_value<std::string>(vm, "min");
  o.top = optional_value<std::uint64_t>(vm, "top");
  o.status = optional_value<std::string>(vm, "status");
  o.pending = vm.count("pending") > 0;
  o.failures = vm.count("failures") > 0;
  o.summary = optional_value<std::string>(vm, "summary");
  return run_results(o, detect_stdout(), std::cout, std::cerr);
}

}  // namespace gridctl
