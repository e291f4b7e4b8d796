// status_command: the lock, then the status file or the journal, then text or JSON.
#include "status_command.hpp"

#include <iostream>

#include "command_line.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <optional>
#include <ostream>

#include "config.hpp"
#include "exit_codes.hpp"
#include "json_text.hpp"
#include "number_format.hpp"
#include "plural.hpp"
#include "result_rows.hpp"
#include "results_command.hpp"
#include "results_input.hpp"
#include "results_writer.hpp"
#include "resume.hpp"
#include "status_file.hpp"
#include "sweep_setup.hpp"
#include "sweep_status.hpp"

namespace gridctl {

namespace {

/// How the sweep stands beyond its counts.
enum class sweep_state {
  running,   ///< a master holds the lock
  finished,  ///< the last master marked its status finished at exit
  gone,      ///< the last master died (its status still says running; nobody holds the lock)
  idle,      ///< no master and no status file (never run by this gridctl, or not yet)
};

const char* state_name(sweep_state s) {
  switch (s) {
    case sweep_state::running: return "running";
    case sweep_state::finished: return "finished";
    case sweep_state::gone: return "gone";
    case sweep_state::idle: return "idle";
  }
  return "idle";
}

struct status_view {
  sweep_status status;
  sweep_state state = sweep_state::idle;
  std::optional<double> age_s;  ///< how old the status file is, when it is the source
  std::string note;             ///< what a person should know, or empty
};

/// Counts from the journal. With a config, by the sweep's own resume rule: failed points used
/// up their retries, pending ones would run (again) on the next sweep. A results file alone
/// knows no retries: failed is every point whose latest attempt failed or timed out.
parse_result<sweep_status> journal_counts(const std::optional<sweep_config>& cfg, const std::filesystem::path& results,
                                          std::ostream& err) {
  sweep_status s;
  s.results = results.string();
  if (cfg) {
    auto existing = read_existing_results(*cfg, err);
    if (!existing) return existing.error();
    const results_history* hist = existing->history ? &*existing->history : nullptr;
    resume_counts c = resume_plan(cfg->points, hist, cfg->retries, false).count();
    s.sweep = cfg->name;
    s.total = c.total;
    s.ok = c.done;
    s.failed = c.exhausted;
    s.pending = c.to_run;
    s.eta_s = c.to_run == 0 ? std::optional<double>(0) : std::nullopt;
    return s;
  }
  auto set = read_result_set(results);
  if (!set) return set.error();
  for (const auto& w : set->warnings) err << "gridctl: warning: " << w << "\n";
  s.sweep = set->header.sweep;
  s.total = set->rows.size();
  for (const auto& row : set->rows) {
    if (row.status == attempt_status::ok) ++s.ok;
    else if (row.status == attempt_status::failed || row.status == attempt_status::timeout) ++s.failed;
    else ++s.pending;  // lost or canceled: the next sweep runs it again
  }
  s.eta_s = s.pending == 0 ? std::optional<double>(0) : std::nullopt;
  err << "gridctl: note: a results file alone knows only the points it records; give the config for the whole grid\n";
  return s;
}

/// The status from the journal, with what the status file left tells about the last master.
parse_result<status_view> view_without_master(const std::optional<sweep_config>& cfg,
                                              const std::filesystem::path& results,
                                              const std::optional<parse_result<sweep_status>>& file,
                                              const std::string& rerun, std::ostream& err) {
  auto counts = journal_counts(cfg, results, err);
  if (!counts) return counts.error();
  status_view v;
  v.status = std::move(*counts);
  v.state = sweep_state::idle;
  if (file && *file) {
    const sweep_status& last = **file;
    v.status.host = last.host;
    v.status.pid = last.pid;
    v.status.started = last.started;
    v.status.updated = last.updated;
    if (last.running) {
      v.state = sweep_state::gone;
      v.note = "the master (pid " + std::to_string(last.pid) + " on " + last.host +
               ") is gone: it stopped without finishing, last heard of at " + last.updated + "; `" + rerun +
               "` resumes the sweep";
    } else {
      v.state = sweep_state::finished;
      v.note = "the last sweep ended at " + last.updated;
    }
  }
  return v;
}

/// Seconds since `when` (UTC ISO 8601), or nothing when it does not read as a time.
std::optional<double> age_of(const std::string& when) {
  auto t = parse_utc(when);
  if (!t) return std::nullopt;
  return std::max(0.0, std::chrono::duration<double>(std::chrono::system_clock::now() - *t).count());
}

/// A status older than this, while its master holds the lock, means the master is stuck
/// (stopped, or its disk is full): it replaces the file every second.
constexpr double stale_status_s = 10;

void print_json(const status_view& v, std::ostream& out) {
  std::vector<std::pair<std::string, std::string>> extra;
  std::string state = "\"" + std::string(state_name(v.state)) + "\"";
  extra.emplace_back("state", state);
  extra.emplace_back("status_age_s", v.age_s ? format_number(std::round(*v.age_s * 1000) / 1000) : "null");
  std::string note;
  append_json_string(note, v.note);
  extra.emplace_back("note", note);
  out << format_status_json(v.status, extra);
}

void print_text(const status_view& v, std::ostream& out) {
  const sweep_status& s = v.status;
  out << "sweep " << s.sweep << ": " << (v.state == sweep_state::running ? "running" : "not running");
  if (v.state == sweep_state::running) {
    out << " (master pid " << s.pid << " on " << s.host << ", started " << s.started;
    if (v.age_s) out << "; status " << format_seconds(*v.age_s) << " old";
    out << ")";
  }
  out << "\n";
  if (!v.note.empty()) out << "  " << v.note << "\n";
  out << "points: " << s.total << " in all, " << s.ok << " ok, " << s.failed << " failed, ";
  if (v.state == sweep_state::running) out << s.jobs_running << " running, ";
  out << s.pending << " pending\n";
  if (v.state == sweep_state::running) {
    out << counted(s.workers, "worker") << ", " << counted(s.slots, "slot") << "; "
        << format_rate(s.jobs_per_s) << " jobs/s; " << format_eta(s.eta_s) << "\n";
    if (!s.jobs.empty()) out << "running jobs, longest first:\n";
    for (const auto& j : s.jobs)
      out << "  " << format_seconds(j.elapsed_s) << "  " << describe_params(j.params) << "  on " << j.worker
          << "  [point " << format_point_id(j.point) << ", attempt " << j.attempt << "]\n";
    if (s.jobs_running > s.jobs.size()) out << "  ... and " << s.jobs_running - s.jobs.size() << " more\n";
  }
}

}  // namespace

int run_status(const status_options& o, std::ostream& out, std::ostream& err) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(o.input, ec)) {
    err << "gridctl: " << o.input.string() << ": no such file\n";
    return exit_code::usage;
  }
  std::optional<sweep_config> cfg;
  std::filesystem::path results = std::filesystem::absolute(o.input).lexically_normal();
  if (!looks_like_results(o.input)) {
    auto loaded = load_config(o.input);
    if (!loaded) {
      err << "gridctl: " << loaded.error().text() << "\n";
      return exit_code::usage;
    }
    cfg = std::move(*loaded);
    results = cfg->results;
  }
  const std::string rerun = "gridctl sweep " + (cfg ? o.input.string() : std::string("CONFIG.ini"));
  // The lock first: a master that ends between the two looks leaves a finished status file.
  const bool live = results_lock::held(results);
  auto file = read_status_file(status_path(results));
  if (file && !*file) err << "gridctl: warning: " << file->error().text() << "\n";

  std::optional<parse_result<status_view>> view;
  if (live && file && *file && (*file)->running) {
    status_view v;
    v.status = **file;
    v.state = sweep_state::running;
    v.age_s = age_of(v.status.updated);
    if (v.age_s && *v.age_s > stale_status_s)
      v.note = "the status is " + format_seconds(*v.age_s) + " old: the master (pid " + std::to_string(v.status.pid) +
               ") holds the results file but does not update its status (stopped? disk full?)";
    view.emplace(std::move(v));
  } else {
    view.emplace(view_without_master(cfg, results, live ? decltype(file){} : file, rerun, err));
    if (*view && live) {
      // A master that has not written its status yet (it just started), or an older gridctl.
      (*view)->state = sweep_state::running;
      (*view)->status.running = true;
      (*view)->note = "a sweep holds " + results.string() + " but has published no status yet; counts from the results file";
    }
  }
  if (!*view) {
    err << "gridctl: " << view->error().text() << "\n";
    return exit_code::usage;
  }
  (*view)->status.running = (*view)->state == sweep_state::running;
  if ((*view)->status.results.empty()) (*view)->status.results = results.string();
  if (o.json) print_json(**view, out);
  else print_text(**view, out);
  return exit_code::ok;
}

/// `gridctl status ...`: its options (its --help), then the command.
int status_main(const std::vector<std::string>& args) {
  po::options_description named(
      "gridctl status CONFIG.ini|RESULTS.jsonl [--json]\n\n"
      "How a sweep is doing, from any shell: whether a master runs on the results file, points\n"
      "ok / failed / running / pending, workers and slots, jobs per second, the time left and the\n"
      "running jobs, longest first. While a master runs this reads only RESULTS.status.json.\n\noptions");
  named.add_options()("help,h", "show this help")("json", "print one JSON object (see docs/status-file.md)");
  auto parsed = parse_with_config(args, named, "status");
  if (!parsed) return exit_code::ok;
  status_options o;
  o.input = (*parsed)["config"].as<std::string>();
  o.json = parsed->count("json") > 0;
  return run_status(o, std::cout, std::cerr);
}

}  // namespace gridctl
