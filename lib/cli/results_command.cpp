// results_command: options -> result_set -> rows, failures or summary -> text.
#include "results_command.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <ostream>

#include "config.hpp"
#include "exit_codes.hpp"
#include "failure_groups.hpp"
#include "result_rows.hpp"
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

/// A results file starts with '{' (its JSON header); anything else is taken for a config.
bool looks_like_results(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  char c = 0;
  while (in.get(c))
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return c == '{';
  return false;
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

/// The index of `name`, or prints the metrics there are and returns nothing.
std::optional<std::uint32_t> find_metric(const result_set& set, const std::string& name, std::ostream& err) {
  if (auto i = set.metric_index(name)) return i;
  std::string known;
  for (const auto& m : set.metric_names) known += (known.empty() ? "" : ", ") + m;
  err << "gridctl: unknown metric '" << name << "' ("
      << (known.empty() ? "these results have no metrics" : "metrics: " + known) << ")\n";
  return std::nullopt;
}

void print_table(const text_table& t, const std::string& format, const output_target& target, std::ostream& out) {
  if (format == "table") out << format_table(t, target.width);
  else if (format == "csv") out << format_csv(t);
  else out << format_jsonl(t);
}

/// Warnings and notes about what the rows do not show.
void print_notes(const result_set& set, const std::vector<metric_rule>& rules, std::ostream& err) {
  for (const auto& w : set.warnings) err << "gridctl: warning: " << w << "\n";
  if (set.outside_grid > 0)
    err << "gridctl: " << set.outside_grid << (set.outside_grid == 1 ? " point" : " points")
        << " recorded in the results file are not in the config's grid (not shown)\n";
  for (const auto& note : missing_metric_notes(ok_without_metrics(set, rules))) err << "gridctl: " << note << "\n";
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
  std::optional<sweep_config> cfg;
  std::optional<parse_result<result_set>> read;
  if (have_config) {
    auto loaded = load_config(o.input);
    if (!loaded) {
      err << "gridctl: " << loaded.error().text() << "\n";
      return exit_code::usage;
    }
    cfg = std::move(*loaded);
    read.emplace(read_result_set(*cfg, o.pending));
  } else {
    read.emplace(read_result_set(o.input));
  }
  if (!*read) {
    err << "gridctl: " << read->error().text() << "\n";
    return exit_code::usage;
  }
  result_set& set = read->value();
  print_notes(set, cfg ? cfg->metrics : std::vector<metric_rule>{}, err);
  if (set.records == 0 && !o.pending) {
    err << "gridctl: no results yet in " << (cfg ? cfg->results.string() : o.input.string())
        << (cfg ? " (--pending lists the points to run)" : "") << "\n";
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
  if (format == "jsonl") out << format_jsonl_rows(set, chosen);
  else print_table(rows_table(set, chosen), format, target, out);
  return exit_code::ok;
}

}  // namespace gridctl
