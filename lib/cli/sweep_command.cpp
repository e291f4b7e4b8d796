// sweep_command: config + overrides, results file (fresh/resume), then the master loop.
#include "sweep_command.hpp"

#include <iostream>

#include "command_line.hpp"

#include <chrono>
#include <cstdio>
#include <optional>
#include <ostream>

#include "duration.hpp"
#include "exit_codes.hpp"
#include "master.hpp"
#include "plural.hpp"
#include "result_rows.hpp"
#include "resume.hpp"
#include "settings.hpp"
#include "sweep_setup.hpp"

namespace gridctl {

namespace {

/// Applies the command-line overrides through the settings table; an error message, or empty.
std::string apply_overrides(const sweep_options& o, sweep_config& cfg) {
  const std::filesystem::path cwd = std::filesystem::current_path();
  for (const auto& [key, text] : o.overrides) {
    const setting* s = nullptr;
    for (const setting& row : settings())
      if (row.option && row.key == key) s = &row;
    if (!s) return "--" + key + ": not an option of gridctl sweep";
    if (auto problem = s->apply(text, cwd, cfg)) return "--" + key + ": " + *problem;
  }
  if (cfg.local_slots() == 0 && cfg.listen.empty())
    return "no worker could run the jobs: set --local N, or --listen ENDPOINT for remote workers";
  return {};
}

/// Locks the results file before anything reads, renames or writes it. With --fresh, a non-empty
/// file is then moved aside — under the lock, so a running sweep's journal is never split — and
/// the new one locked. Throws on failure.
results_lock lock_results(const std::filesystem::path& file, bool fresh, std::ostream& log) {
  results_lock lock = results_lock::acquire(file);
  std::error_code ec;
  if (!fresh || std::filesystem::file_size(file, ec) == 0) return lock;
  auto backup = backup_name(file);
  std::filesystem::rename(file, backup, ec);
  if (ec) throw std::runtime_error("cannot rename " + file.string() + " to " + backup.string() + ": " + ec.message());
  log << "gridctl: --fresh: kept the old results as " << backup.string() << "\n";
  return results_lock::acquire(file);
}

/// "12 ok points have no accuracy" for each [metrics] metric that ok points lack: a job whose
/// output changed (or a pipeline under dash, which has no pipefail) otherwise looks fine.
void note_missing_metrics(const sweep_config& cfg, std::ostream& log) {
  if (cfg.metrics.empty()) return;
  auto set = read_result_set(cfg, false);
  if (!set) return;
  for (const auto& note : missing_metric_notes(ok_without_metrics(*set, cfg.metrics))) log << "gridctl: " << note << "\n";
}

}  // namespace

int run_sweep(const sweep_options& opts, std::ostream& log) {
  auto cfg = load_config(opts.config);
  if (!cfg) {
    log << "gridctl: " << cfg.error().text() << "\n";
    return exit_code::usage;
  }
  if (std::string problem = apply_overrides(opts, *cfg); !problem.empty()) {
    log << "gridctl: " << problem << "\n";
    return exit_code::usage;
  }
  warn_unused_axes(*cfg, log);
  warn_quoted_placeholders(*cfg, log);
  master_options m;
  if (!cfg->listen.empty()) m.endpoints.push_back(cfg->listen);
  m.local_slots = cfg->local_slots();
  raise_open_files_limit();
  std::optional<master> sweep_master;
  results_lock lock;
  try {
    // Bind before the results file is locked, renamed or created: a port in use changes nothing.
    sweep_master.emplace(*cfg, m, log);
    sweep_master->listen();
    lock = lock_results(cfg->results, opts.fresh, log);
  } catch (const std::exception& e) {
    log << "gridctl: error: " << e.what() << "\n";
    return exit_code::runtime;
  }
  auto existing = read_existing_results(*cfg, log);
  if (!existing) {
    log << "gridctl: " << existing.error().text() << "\n";
    return exit_code::usage;
  }
  const results_history* hist = existing->history ? &*existing->history : nullptr;
  resume_plan plan(cfg->points, hist, cfg->retries, opts.retry);
  resume_counts counts = plan.count();

  auto t0 = std::chrono::steady_clock::now();
  try {
    std::optional<results_writer> writer;
    if (hist) writer.emplace(results_writer::append_to(cfg->results, hist->valid_bytes));
    else writer.emplace(results_writer::create(cfg->results, make_header(*cfg)));

    log << "gridctl: sweep " << cfg->name << ": " << counted(counts.total, "point");
    if (hist) log << " (" << counts.done << " done, " << counts.exhausted << " failed before, " << counts.to_run << " to run)";
    log << "\n";

    sweep_outcome out;
    if (counts.to_run > 0)
      out = sweep_master->run(plan, {counts.total, counts.done, opts.retry ? 0 : counts.exhausted}, *writer);
    writer->sync();

    double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::uint64_t ok = counts.done + out.ok;
    std::uint64_t failed = out.failed + (opts.retry ? 0 : counts.exhausted);
    std::uint64_t not_run = counts.total - ok - failed;
    char wall_text[32];
    std::snprintf(wall_text, sizeof wall_text, "%.1fs", wall);
    const char* how = out.interrupted ? "interrupted: " : !out.stopped_because.empty() ? "stopped: " : "done: ";
    log << "gridctl: " << how << ok << " ok, " << failed << " failed";
    if (not_run > 0) log << ", " << not_run << " not run";
    log << " of " << counted(counts.total, "point") << " in " << wall_text << "; results: " << cfg->results.string() << "\n";
    note_missing_metrics(*cfg, log);
    if (out.interrupted) return exit_code::interrupted;
    if (failed > 0 || not_run > 0) return exit_code::some_failed;
    return exit_code::ok;
  } catch (const std::exception& e) {
    log << "gridctl: error: " << e.what() << "\n";
    return exit_code::runtime;
  }
}

/// `gridctl sweep ...`: its options (its --help), then the command.
int sweep_main(const std::vector<std::string>& args) {
  po::options_description named(
      "gridctl sweep CONFIG.ini [options]\n\n"
      "Run the sweep, or resume it from its results file: points with an ok record are skipped,\n"
      "points that failed after their retries too (unless --retry). Each option overrides the\n"
      "config key of the same meaning.\n\noptions");
  named.add_options()("help,h", "show this help");
  // The overrides come from the settings table (lib/core/settings.hpp): one home per setting.
  std::vector<std::string> override_keys;
  for (const auto& s : settings()) {
    if (!s.option) continue;
    override_keys.emplace_back(s.key);
    named.add_options()(override_keys.back().c_str(),
                        po::value<std::string>()->value_name(std::string(s.value_name)), std::string(s.help).c_str());
  }
  named.add_options()
      ("retry", "also rerun points whose last attempt failed or timed out (fresh retry budget)")
      ("fresh", "start over: the results file is renamed to FILE.1 (.2, ...), never deleted");
  auto parsed = parse_with_config(args, named, "sweep");
  if (!parsed) return exit_code::ok;
  const po::variables_map& vm = *parsed;
  sweep_options o;
  o.config = vm["config"].as<std::string>();
  for (const auto& key : override_keys)
    if (auto v = optional_value<std::string>(vm, key.c_str())) o.overrides.emplace_back(key, *v);
  o.retry = vm.count("retry") > 0;
  o.fresh = vm.count("fresh") > 0;
  return run_sweep(o, std::cerr);
}

}  // namespace gridctl
