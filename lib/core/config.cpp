// config: INI parsing on top of program_options' config_file_iterator, with line numbers.
#include "config.hpp"

#include "cpus.hpp"

#include <boost/program_options/detail/config_file.hpp>
#include <boost/program_options/errors.hpp>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <streambuf>
#include <vector>

namespace gridctl {

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
};

}  // namespace

parse_result<sweep_config> load_config(const std::filesystem::path& given) {
  namespace po = boost::program_options;
  const std::string fname = given.string();
  auto at = [&](int line) { return fname + ":" + std::to_string(line); };

  std::ifstream in(given);
  if (!in) return input_error{fname, "cannot read the config file"};
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) {
    if (line.find(hidden_hash) != std::string::npos)
      return input_error{at(static_cast<int>(lines.size()) + 1), "control character \\x01 in the config file"};
    lines.push_back(strip_comment(line));
    // Section headers are not reported by the parser: check them here, so that a misspelt
    // section is refused even when it holds no key.
    std::string t = trim_copy(lines.back());
    if (t.size() >= 2 && t.front() == '[' && t.back() == ']') {
      std::string section = t.substr(1, t.size() - 2);
      if (section != "sweep" && section != "params" && section != "workers")
        return input_error{at(static_cast<int>(lines.size())),
                           "unknown section [" + unhide_hashes(section) + "] (known: [sweep], [params], [workers])"};
    }
  }

  line_counting_buf buf(std::move(lines));
  std::istream stream(&buf);
  raw_config raw;
  std::map<std::string, int> seen;  // full key -> line, to catch duplicates
  try {
    std::set<std::string> no_registered_options;  // every key is checked below instead
    po::detail::config_file_iterator it(stream, no_registered_options, true), end;
    for (; it != end; ++it) {
      int line = buf.lines_served();
      const std::string full = unhide_hashes(it->string_key);
      std::string value = unhide_hashes(it->value.empty() ? "" : it->value[0]);
      auto [prev, fresh] = seen.emplace(full, line);
      std::size_t dot = full.rfind('.');
      std::string section = dot == std::string::npos ? "" : full.substr(0, dot);
      std::string key = dot == std::string::npos ? full : full.substr(dot + 1);
      if (section.empty())
        return input_error{at(line), "key '" + key + "' is outside a section ([sweep], [params] or [workers])"};
      if (!fresh)
        return input_error{at(line), "duplicate key '" + key + "' in [" + section + "] (first set on line " +
                                         std::to_string(prev->second) + ")"};
      raw_entry entry{value, line};
      if (section == "sweep") {
        static const std::set<std::string> keys = {"name", "command", "workdir", "results",
                                                   "timeout", "retries", "output_limit", "kill_grace"};
        if (!keys.count(key)) return input_error{at(line), "unknown key '" + key + "' in [sweep]"};
        raw.sweep[key] = entry;
      } else if (section == "workers") {
        static const std::set<std::string> keys = {"listen", "local", "heartbeat"};
        if (!keys.count(key)) return input_error{at(line), "unknown key '" + key + "' in [workers]"};
        raw.workers[key] = entry;
      } else if (section == "params") {
        raw.params.emplace_back(key, entry);
      } else {
        return input_error{at(line), "unknown section [" + section + "] (known: [sweep], [params], [workers])"};
      }
    }
  } catch (const po::invalid_syntax& e) {
    return input_error{at(buf.lines_served()), "not a 'key = value' line or a [section]"};
  } catch (const po::error& e) {
    return input_error{at(buf.lines_served()), e.what()};
  }

  sweep_config cfg;
  cfg.file = std::filesystem::absolute(given).lexically_normal();
  const std::filesystem::path dir = cfg.file.parent_path();

  // [params] first: the command's placeholders are checked against the axes.
  std::vector<axis> axes;
  std::uint64_t count = 1;
  for (auto& [name, entry] : raw.params) {
    auto a = parse_axis(name, entry.value, dir);
    if (!a) return input_error{at(entry.line), a.error().message};
    if (a->size() > max_points / count)
      return input_error{at(entry.line), "the grid has more than 2^62 points"};
    count *= a->size();
    axes.push_back(std::move(*a));
  }
  if (axes.empty()) return input_error{fname, "[params] needs at least one axis, e.g. p = 1, 2, 3"};
  cfg.points = grid(std::move(axes));

  auto& s = raw.sweep;
  if (!s.count("command")) return input_error{fname, "missing required key 'command' in [sweep]"};
  if (s["command"].value.empty()) return input_error{at(s["command"].line), "'command' is empty"};
  auto cmd = command_template::parse(s["command"].value, cfg.points.axis_names());
  if (!cmd) return input_error{at(s["command"].line), cmd.error().message};
  cfg.command = std::move(*cmd);

  cfg.name = given.stem().string();
  if (s.count("name")) {
    if (s["name"].value.empty()) return input_error{at(s["name"].line), "'name' is empty"};
    cfg.name = s["name"].value;
  }
  cfg.workdir = dir;
  if (s.count("workdir")) {
    if (s["workdir"].value.empty()) return input_error{at(s["workdir"].line), "'workdir' is empty"};
    cfg.workdir = (dir / s["workdir"].value).lexically_normal();
  }
  cfg.results = dir / (cfg.name + ".jsonl");
  if (s.count("results")) {
    if (s["results"].value.empty()) return input_error{at(s["results"].line), "'results' is empty"};
    cfg.results = (dir / s["results"].value).lexically_normal();
  }
  auto read_duration = [&](const raw_entry& e, const char* key) -> parse_result<duration> {
    auto d = parse_duration(e.value);
    if (!d)
      return input_error{at(e.line), std::string("bad duration for '") + key + "': '" + e.value +
                                         "' (write a number and a unit: ms, s, m, h or d, e.g. 10m)"};
    return *d;
  };
  if (s.count("timeout")) {
    auto d = read_duration(s["timeout"], "timeout");
    if (!d) return d.error();
    if (d->count() == 0) return input_error{at(s["timeout"].line), "'timeout' must be more than 0"};
    cfg.timeout = *d;
  }
  if (s.count("kill_grace")) {
    auto d = read_duration(s["kill_grace"], "kill_grace");
    if (!d) return d.error();
    cfg.kill_grace = *d;
  }
  if (s.count("retries")) {
    const auto& e = s["retries"];
    std::size_t used = 0;
    int n = -1;
    try { n = std::stoi(e.value, &used); } catch (const std::exception&) { used = 0; }
    if (used != e.value.size() || n < 0 || n > 1000)
      return input_error{at(e.line), "'retries' must be a whole number from 0 to 1000, not '" + e.value + "'"};
    cfg.retries = n;
  }
  if (s.count("output_limit")) {
    const auto& e = s["output_limit"];
    auto n = parse_size(e.value);
    if (!n) return input_error{at(e.line), "bad size for 'output_limit': '" + e.value + "' (e.g. 1M, 64K, 4096)"};
    cfg.output_limit = *n;
  }

  auto& w = raw.workers;
  if (w.count("listen")) {
    const auto& e = w["listen"];
    if (e.value.find("://") == std::string::npos)
      return input_error{at(e.line), "'listen' must be a ZeroMQ endpoint such as tcp://*:5555, not '" + e.value + "'"};
    cfg.listen = e.value;
  }
  if (w.count("local")) {
    const auto& e = w["local"];
    if (e.value != "auto") {
      std::size_t used = 0;
      int n = -1;
      try { n = std::stoi(e.value, &used); } catch (const std::exception&) { used = 0; }
      if (used != e.value.size() || n < 0 || n > 4096)
        return input_error{at(e.line), "'local' must be auto or a number of slots from 0 to 4096, not '" + e.value + "'"};
      cfg.local = n;
    }
  }
  if (w.count("heartbeat")) {
    auto d = read_duration(w["heartbeat"], "heartbeat");
    if (!d) return d.error();
    if (d->count() < 10) return input_error{at(w["heartbeat"].line), "'heartbeat' must be at least 10ms"};
    cfg.heartbeat = *d;
  }
  return cfg;
}

}  // namespace gridctl
