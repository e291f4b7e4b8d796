// config: INI parsing on top of program_options' config_file_iterator, with line numbers.
#include "config.hpp"

#include "machine.hpp"
#include "settings.hpp"

#include "suggest.hpp"
#include "text_file.hpp"

#include <boost/program_options/detail/config_file.hpp>
#include <boost/program_options/errors.hpp>
#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <sstream>
#include <streambuf>
#include <vector>

namespace gridctl {

bool is_endpoint(std::string_view text) {
  std::size_t sep = text.find("://");
  return sep != std::string_view::npos && sep > 0 && sep + 3 < text.size();
}

int sweep_config::local_slots() const {
  if (local) return *local;
  if (!listen.empty()) return 0;
  return usable_cpus();
}

namespace {

/// Serves a file one line per underflow() and counts the lines served. program_options' parser
/// reads with getline and stops right after the line of each option, so the count is that
/// option's line number — the parser itself keeps no line numbers.
class line_counting_buf : public std::streambuf {
 public:
  explicit line_counting_buf(std::vector<std::string> lines) : lines_(std::move(lines)) {}
  int lines_served() const { return static_cast<int>(served_); }

 protected:
  int_type underflow() override {
    if (served_ >= lines_.size()) return traits_type::eof();
    current_ = lines_[served_++] + '\n';
    setg(current_.data(), current_.data(), current_.data() + current_.size());
    return traits_type::to_int_type(current_[0]);
  }

 private:
  std::vector<std::string> lines_;
  std::size_t served_ = 0;
  std::string current_;
};

/// program_options' parser cuts every line at its first '#'. gridctl's rule is friendlier: '#'
/// starts a comment only at the start of a line or after whitespace, outside double quotes, so
/// `command = curl http://h/#x` and `q = "run #1"` keep their '#'. We strip comments by that rule
/// and hand the parser the other '#'s as '\x01', turned back below.
constexpr char hidden_hash = '\x01';

std::string strip_comment(const std::string& line) {
  bool quoted = false;
  std::size_t end = line.size();
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == '"') quoted = !quoted;
    if (c == '#' && !quoted && (i == 0 || line[i - 1] == ' ' || line[i - 1] == '\t')) {
      end = i;
      break;
    }
  }
  std::string out = line.substr(0, end);
  for (char& c : out)
    if (c == '#') c = hidden_hash;
  return out;
}

std::string unhide_hashes(std::string s) {
  for (char& c : s)
    if (c == hidden_hash) c = '#';
  return s;
}

std::string trim_copy(const std::string& s) {
  std::size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return {};
  std::size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

struct raw_entry {
  std::string value;
  int line = 0;
};

/// What the INI file holds: section -> key -> value and line, axes in file order.
struct raw_config {
  std::map<std::string, raw_entry> sweep, workers;
  std::vector<std::pair<std::string, raw_entry>> params;
  std::vector<metric_entry> metrics;
  std::map<std::string, int> header_line;  ///< section -> line of its first header
};

/// "FILE:LINE", where errors about a line point.
std::string at(const std::string& fname, int line) { return fname + ":" + std::to_string(line); }

/// Largest config file read (a guard against a wrong path such as /dev/zero).
constexpr std::size_t config_max_bytes = std::size_t{64} << 20;

/// The file's lines with comments stripped (see strip_comment), and the line of each section's
/// first header; refuses unknown sections.
struct config_lines {
  std::vector<std::string> lines;
  std::map<std::string, int> header_line;
};

parse_result<config_lines> read_lines(const std::filesystem::path& file) {
  const std::string fname = file.string();
  auto text = read_text_file(file, {config_max_bytes, 0});
  if (!text) return input_error{fname, "cannot read the config file: " + text.error().message};
  config_lines out;
  std::vector<std::string>& lines = out.lines;
  std::string_view rest = *text;
  while (!rest.empty()) {
    std::size_t nl = rest.find('\n');
    std::string line(rest.substr(0, nl));
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    const int line_no = static_cast<int>(lines.size()) + 1;
    if (line.find(hidden_hash) != std::string::npos)
      return input_error{at(fname, line_no), "control character \\x01 in the config file"};
    lines.push_back(strip_comment(line));
    // Section headers are not reported by the parser: check them here, so that a misspelt
    // section is refused even when it holds no key.
    std::string t = trim_copy(lines.back());
    if (t.size() >= 2 && t.front() == '[' && t.back() == ']') {
      std::string section = t.substr(1, t.size() - 2);
      if (section != "sweep" && section != "params" && section != "workers" && section != "metrics")
        return input_error{at(fname, line_no),
                           "unknown section [" + unhide_hashes(section) +
                               "] (known: [sweep], [params], [workers], [metrics])"};
      out.header_line.emplace(section, line_no);
    }
  }
  return out;
}

/// "unknown key 'timout' in [sweep] (did you mean 'timeout'? keys: ...)".
std::string unknown_key(const std::string& key, const char* section, const std::vector<std::string>& keys) {
  std::string list;
  for (const auto& k : keys) list += (list.empty() ? "" : ", ") + k;
  return "unknown key '" + key + "' in [" + section + "] (" + did_you_mean(key, keys) + "keys: " + list + ")";
}

/// Parses the INI text with program_options' config-file parser into sections and keys,
/// refusing keys outside a section, duplicate keys and unknown keys.
parse_result<raw_config> read_ini(const std::filesystem::path& file) {
  namespace po = boost::program_options;
  const std::string fname = file.string();
  auto lines = read_lines(file);
  if (!lines) return lines.error();
  line_counting_buf buf(std::move(lines->lines));
  std::istream stream(&buf);
  raw_config raw;
  raw.header_line = std::move(lines->header_line);
  std::map<std::string, int> seen;  // full key -> line, to catch duplicates
  try {
    std::set<std::string> no_registered_options;  // every key is checked below instead
    po::detail::config_file_iterator it(stream, no_registered_options, true), end;
    for (; it != end; ++it) {
      int line = buf.lines_served();
      const std::string full = unhide_hashes(it->string_key);
      std::string value = unhide_hashes(it->value.empty() ? "" : it->value[0]);
      auto [prev, fresh] = seen.emplace(full, line);
      // Metric names may hold dots (scores.f1): the section is what comes before the first one.
      std::size_t dot = full.starts_with("metrics.") ? 7 : full.rfind('.');
      std::string section = dot == std::string::npos ? "" : full.substr(0, dot);
      std::string key = dot == std::string::npos ? full : full.substr(dot + 1);
      if (section.empty())
        return input_error{at(fname, line), "key '" + key + "' is outside a section ([sweep], [params] or [workers])"};
      if (!fresh)
        return input_error{at(fname, line), "duplicate key '" + key + "' in [" + section + "] (first set on line " +
                                                std::to_string(prev->second) + ")"};
      raw_entry entry{value, line};
      if (section == "sweep") {
        if (!find_setting(section, key) && key != "command")
          return input_error{at(fname, line), unknown_key(key, "sweep", section_keys("sweep"))};
        raw.sweep[key] = entry;
      } else if (section == "workers") {
        if (!find_setting(section, key))
          return input_error{at(fname, line), unknown_key(key, "workers", section_keys("workers"))};
        raw.workers[key] = entry;
      } else if (section == "params") {
        raw.params.emplace_back(key, entry);
      } else if (section == "metrics") {
        raw.metrics.push_back(metric_entry{key, value, line});
      } else {
        return input_error{at(fname, line), "unknown section [" + section + "] (known: [sweep], [params], [workers])"};
      }
    }
  } catch (const po::invalid_syntax&) {
    return input_error{at(fname, buf.lines_served()), "not a 'key = value' line or a [section]"};
  } catch (const po::error& e) {
    return input_error{at(fname, buf.lines_served()), e.what()};
  }
  return raw;
}


/// Linux's MAX_ARG_STRLEN: one argument or one environment string, its NUL included.
constexpr std::size_t max_arg_bytes = 131072;

/// The line a whole-file error points at: the section's first header, or line 1 without one.
std::string section_at(const raw_config& raw, const std::string& fname, const char* section) {
  auto it = raw.header_line.find(section);
  return at(fname, it == raw.header_line.end() ? 1 : it->second);
}

/// Refuses an axis whose longest value cannot reach a job: each value is the environment string
/// Refuses an axis whose longest value cannot reach a job: each value is the environment string
/// GRIDCTL_P_<name>=<value>, which execve refuses (E2BIG) above MAX_ARG_STRLEN.
std::optional<std::string> value_too_long(const axis& a) {
  std::size_t env = std::string("GRIDCTL_P_=").size() + a.name().size() + a.longest_value().raw + 1;
  if (env <= max_arg_bytes) return std::nullopt;
  return "axis '" + a.name() + "' has a value of " + std::to_string(a.longest_value().raw) +
         " bytes: a job gets it as GRIDCTL_P_" + a.name() + "=VALUE, and Linux takes at most " +
         std::to_string(max_arg_bytes) + " bytes per argument or environment string (MAX_ARG_STRLEN)";
}

/// [params]: the axes, in key order.
parse_result<grid> read_params(const raw_config& raw, const std::string& fname, const std::filesystem::path& dir) {
  std::vector<axis> axes;
  std::uint64_t count = 1;
  for (const auto& [name, entry] : raw.params) {
    auto a = parse_axis(name, entry.value, dir);
    if (!a) return input_error{at(fname, entry.line), a.error().message};
    if (a->size() > max_points / count) return input_error{at(fname, entry.line), "the grid has more than 2^62 points"};
    if (auto problem = value_too_long(*a)) return input_error{at(fname, entry.line), *problem};
    count *= a->size();
    axes.push_back(std::move(*a));
  }
  if (axes.empty())
    return input_error{section_at(raw, fname, "params"), "[params] needs at least one axis, e.g. p = 1, 2, 3"};
  return grid(std::move(axes));
}

/// [sweep] command, checked against the axes: every placeholder names one, and the longest
/// command (each axis at its longest quoted value) fits in the one argument of /bin/sh -c.
parse_result<command_template> read_command(const raw_config& raw, const std::string& fname, const grid& points) {
  auto command = raw.sweep.find("command");
  if (command == raw.sweep.end())
    return input_error{section_at(raw, fname, "sweep"), "missing required key 'command' in [sweep]"};
  const raw_entry& c = command->second;
  if (c.value.empty()) return input_error{at(fname, c.line), "'command' is empty"};
  auto cmd = command_template::parse(c.value, points.axis_names());
  if (!cmd) return input_error{at(fname, c.line), cmd.error().message};
  std::vector<std::size_t> longest;
  for (const auto& a : points.axes()) longest.push_back(a.longest_value().quoted);
  std::size_t bytes = cmd->longest_render(longest) + 1;
  if (bytes > max_arg_bytes)
    return input_error{at(fname, c.line), "the longest command is " + std::to_string(bytes - 1) +
                                              " bytes (each axis at its longest value, quoted): jobs run it as "
                                              "/bin/sh -c COMMAND, and Linux takes at most " +
                                              std::to_string(max_arg_bytes) +
                                              " bytes per argument, its NUL included (MAX_ARG_STRLEN)"};
  return cmd;
}

/// [sweep] and [workers]: every setting of the table (settings.hpp) that the file sets.
std::optional<input_error> read_settings(const raw_config& raw, const std::string& fname,
                                         const std::filesystem::path& dir, sweep_config& cfg) {
  cfg.workdir = dir;
  for (const setting& s : settings()) {
    const auto& entries = s.section == "sweep" ? raw.sweep : raw.workers;
    auto it = entries.find(std::string(s.key));
    if (it == entries.end()) continue;
    if (auto problem = s.apply(it->second.value, dir, cfg))
      return input_error{at(fname, it->second.line), "'" + std::string(s.key) + "': " + *problem};
  }
  if (!raw.sweep.count("results")) cfg.results = dir / (cfg.name + ".jsonl");
  return std::nullopt;
}

}  // namespace

parse_result<sweep_config> load_config(const std::filesystem::path& given) {
  const std::string fname = given.string();
  auto raw = read_ini(given);
  if (!raw) return raw.error();

  sweep_config cfg;
  cfg.file = std::filesystem::absolute(given).lexically_normal();
  const std::filesystem::path dir = cfg.file.parent_path();
  cfg.name = given.stem().string();

  // [params] first: the command's placeholders are checked against the axes.
  auto points = read_params(*raw, fname, dir);
  if (!points) return points.error();
  cfg.points = std::move(*points);

  auto cmd = read_command(*raw, fname, cfg.points);
  if (!cmd) return cmd.error();
  cfg.command = std::move(*cmd);
  cfg.command_line = raw->sweep.at("command").line;

  if (auto e = read_settings(*raw, fname, dir, cfg)) return *e;
  auto metrics = parse_metric_rules(raw->metrics, fname);
  if (!metrics) return metrics.error();
  cfg.metrics = std::move(*metrics);
  return cfg;
}

}  // namespace gridctl
