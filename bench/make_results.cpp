// make_results: writes a big results file for bench/plan_bench.sh, exactly as a sweep of CONFIG
// would have written it: the header, then one ended attempt for each of the first N points
// (real point ids, params, output and metrics; every 10th point failed, the rest ok), without running
// anything. Uses gridctl_core's own config loader, grid and record formatter.
//
//   gridctl_make_results CONFIG N [OUT]      OUT defaults to the config's results file
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <vector>

#include "config.hpp"
#include "grid.hpp"
#include "results_reader.hpp"
#include "sweep_setup.hpp"
#include "results_writer.hpp"

namespace {

int usage() {
  std::cerr << "usage: gridctl_make_results CONFIG N [OUT]\n"
               "Writes the results file a sweep of CONFIG would hold after its first N points ended\n"
               "(every 10th failed). OUT defaults to the config's results file.\n";
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3 || argc > 4) return usage();
  std::uint64_t n = 0;
  try {
    n = std::stoull(argv[2]);
  } catch (const std::exception&) {
    return usage();
  }
  auto cfg = gridctl::load_config(argv[1]);
  if (!cfg) {
    std::cerr << "gridctl_make_results: " << cfg.error().text() << "\n";
    return 2;
  }
  const gridctl::grid& g = cfg->points;
  if (n > g.size()) {
    std::cerr << "gridctl_make_results: the config has only " << g.size() << " points\n";
    return 2;
  }
  const std::string out_path = argc == 4 ? std::string(argv[3]) : cfg->results.string();
  std::FILE* out = std::fopen(out_path.c_str(), "w");
  if (!out) {
    std::perror(out_path.c_str());
    return 3;
  }
  static char buffer[1 << 20];
  std::setvbuf(out, buffer, _IOFBF, sizeof buffer);

  using namespace std::chrono;
  const sys_days day = year{2026} / November / 29;
  // The sweep's own header (lib/core/config/sweep_setup), with a fixed date for stable files.
  gridctl::results_header header = gridctl::make_header(*cfg);
  header.created = gridctl::format_utc(system_clock::time_point(day));
  std::string line = gridctl::format_header(header) + "\n";
  std::fwrite(line.data(), 1, line.size(), out);

  const std::vector<std::string> names = g.axis_names();
  gridctl::attempt_record r;
  r.worker = "bench";
  r.duration_s = 0.25;
  for (std::uint64_t i = 0; i < n; ++i) {
    std::vector<std::string> values = g.values(i);
    r.point = g.id_of(values);
    r.params.clear();
    for (std::size_t k = 0; k < values.size(); ++k) r.params.emplace_back(names[k], values[k]);
    const bool failed = i % 10 == 9;
    r.status = failed ? gridctl::attempt_status::failed : gridctl::attempt_status::ok;
    r.exit_code = failed ? 1 : 0;
    r.started = system_clock::time_point(day) + milliseconds(i);
    r.stdout_text = failed ? "" : "{\"result\": " + std::to_string(i % 1000) + "}\n";
    r.stderr_text = failed ? "error: diverged\n" : "";
    r.metrics.clear();  // as a sweep would record it: the output's numeric fields
    if (!failed) r.metrics["result"] = static_cast<double>(i % 1000);
    line = gridctl::format_record(r);
    line += '\n';
    std::fwrite(line.data(), 1, line.size(), out);
  }
  if (std::fclose(out) != 0) {
    std::perror(out_path.c_str());
    return 3;
  }
  return 0;
}
