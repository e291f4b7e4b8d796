// results_input: reading the input of `results` and `report`.
#include "results_input.hpp"

#include <fstream>
#include <ostream>

namespace gridctl {

bool looks_like_results(const std::filesystem::path& file) {
  std::ifstream in(file, std::ios::binary);
  char c = 0;
  while (in.get(c))
    if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return c == '{';
  return file.extension() != ".ini";  // blank: an empty results file, unless it is named like a config
}

std::optional<results_input> read_results_input(const std::filesystem::path& input, bool pending, std::ostream& err) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(input, ec)) {
    err << "gridctl: " << input.string() << ": no such file\n";
    return std::nullopt;
  }
  results_input in;
  std::optional<parse_result<result_set>> read;
  if (!looks_like_results(input)) {
    auto loaded = load_config(input);
    if (!loaded) {
      err << "gridctl: " << loaded.error().text() << "\n";
      return std::nullopt;
    }
    in.config = std::move(*loaded);
    in.results_file = in.config->results;
    read.emplace(read_result_set(*in.config, pending));
  } else {
    in.results_file = input;
    read.emplace(read_result_set(input));
  }
  if (!*read) {
    err << "gridctl: " << read->error().text() << "\n";
    return std::nullopt;
  }
  in.set = std::move(read->value());
  return in;
}

std::vector<std::string> result_notes(const results_input& in) {
  const result_set& set = in.set;
  std::vector<std::string> out;
  for (const auto& w : set.warnings) out.push_back("warning: " + w);
  if (set.outside_grid > 0)
    out.push_back(std::to_string(set.outside_grid) + (set.outside_grid == 1 ? " point" : " points") +
                  " recorded in the results file are not in the config's grid (not shown)");
  if (in.config)
    for (auto& note : missing_metric_notes(ok_without_metrics(set, in.config->metrics))) out.push_back(std::move(note));
  return out;
}

std::optional<std::uint32_t> find_metric(const result_set& set, const std::string& name, std::ostream& err) {
  if (auto i = set.metric_index(name)) return i;
  std::string known;
  for (const auto& m : set.metric_names) known += (known.empty() ? "" : ", ") + m;
  err << "gridctl: unknown metric '" << name << "' ("
      << (known.empty() ? "these results have no metrics" : "metrics: " + known) << ")\n";
  return std::nullopt;
}

}  // namespace gridctl
