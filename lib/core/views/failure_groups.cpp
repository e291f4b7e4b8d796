// failure_groups: masking stderr lines and grouping failed points by cause.
#include "failure_groups.hpp"

#include <algorithm>
#include <map>
#include <tuple>

#include "regex.hpp"
#include "shell_quote.hpp"
#include "sweep_status.hpp"

namespace gridctl {

namespace {
/// A constant pattern, compiled once (a compile error would be a bug caught by the unit tests).
regex constant(const char* pattern) {
  auto re = regex::compile(pattern);
  return re ? *re : regex();
}

// Paths first (they hold numbers), then hex ids, then numbers. A path is a run of file-name
// characters with a slash next to one of them: /tmp/x, ./out/a.csv, data/train.csv.
constexpr const char* path_pattern = R"((?:[\w.~+@%=-]+/|/[\w.~+@%=-])[\w.~+@%=/-]*)";
// 0x7f3a, or a word of 8 or more hex digits holding a digit and a letter (point ids, hashes).
constexpr const char* hex_pattern = R"(0[xX][0-9a-fA-F]+|\b(?=[0-9a-fA-F]*[0-9])(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{8,}\b)";
constexpr const char* number_pattern = R"([0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?)";
}  // namespace

std::string mask_stderr_line(std::string_view line) {
  static const regex path = constant(path_pattern), hex = constant(hex_pattern), number = constant(number_pattern);
  std::string s = path.replace_all(line, "PATH");
  s = hex.replace_all(s, "HEX");
  return number.replace_all(s, "N");
}

std::vector<failure_group> group_failures(const std::vector<result_row>& rows) {
  std::vector<failure_group> groups;
  std::map<std::tuple<std::string, std::string, std::string, std::string>, std::size_t> index;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const result_row& r = rows[i];
    if (r.status != attempt_status::failed && r.status != attempt_status::timeout && r.status != attempt_status::lost)
      continue;
    std::string exit = !r.signal().empty() ? r.signal() : r.exit_code ? "exit " + std::to_string(*r.exit_code) : "";
    auto key = std::make_tuple(r.status_text(), exit, r.error(), mask_stderr_line(r.stderr_line()));
    auto [it, fresh] = index.emplace(key, groups.size());
    if (fresh) groups.push_back(failure_group{std::get<0>(key), exit, r.error(), std::get<3>(key), 0, {}});
    failure_group& g = groups[it->second];
    ++g.count;
    if (g.examples.size() < 3) g.examples.push_back(i);
  }
  std::stable_sort(groups.begin(), groups.end(), [](const auto& a, const auto& b) { return a.count > b.count; });
  return groups;
}

failure_line failure_log_line(const attempt_record& r, bool runs_again) {
  std::string cause(to_string(r.status));
  if (r.signal) cause += ", " + signal_name(*r.signal);
  else if (r.exit_code && r.status != attempt_status::lost) cause += ", exit " + std::to_string(*r.exit_code);
  if (!r.error.empty()) cause += " (" + r.error + ")";
  std::string stderr_line(last_nonempty_line(r.stderr_text));
  failure_line out;
  out.text = describe_params(r.params) + ": " + cause + " [point " + format_point_id(r.point) + ", attempt " +
             std::to_string(r.attempt) + " on " + r.worker + (runs_again ? "; runs again" : "") + "]";
  if (!stderr_line.empty()) out.text += ": " + stderr_line;
  out.kind = cause + ": " + mask_stderr_line(stderr_line);
  return out;
}

namespace {
std::string describe_point(const result_set& set, const result_row& row) {
  std::string out;
  for (std::size_t k = 0; k < row.values.size() && k < set.header.axes.size(); ++k)
    out += (k ? " " : "") + set.header.axes[k] + "=" + shell_quote(row.values[k]);
  return out;
}
}  // namespace

std::string format_failures(const std::vector<failure_group>& groups, const result_set& set,
                            const std::string& sweep_ref) {
  if (groups.empty()) return "no failed, timeout or lost points\n";
  std::uint64_t total = 0;
  for (const auto& g : groups) total += g.count;
  std::string out = std::to_string(total) + (total == 1 ? " point" : " points") + " not ok, " +
                    std::to_string(groups.size()) + (groups.size() == 1 ? " cause" : " causes") + ":\n";
  for (const auto& g : groups) {
    out += "\n" + std::to_string(g.count) + " x " + g.status;
    if (!g.exit.empty()) out += ", " + g.exit;
    if (!g.error.empty()) out += " (" + g.error + ")";
    out += "\n";
    if (!g.signature.empty()) out += "  stderr: " + g.signature + "\n";
    for (std::size_t i : g.examples) out += "  e.g.   " + describe_point(set, set.rows[i]) + "\n";
    if (g.count > g.examples.size()) out += "  and " + std::to_string(g.count - g.examples.size()) + " more\n";
    // failed and timeout points rerun only with --retry; lost ones on any rerun.
    out += "  rerun: gridctl sweep " + sweep_ref + (g.status == "lost" ? "" : " --retry") + "\n";
  }
  return out;
}

}  // namespace gridctl
