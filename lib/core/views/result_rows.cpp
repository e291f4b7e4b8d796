// result_rows: one pass over the JSON Lines file, keeping the latest attempt of each point.
#include "result_rows.hpp"

#include <algorithm>
#include <boost/json/parser.hpp>
#include <boost/json/serialize.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <unordered_map>

#include "number_format.hpp"

namespace gridctl {

std::optional<double> result_row::metric(std::uint32_t index) const {
  for (const auto& [i, x] : metrics)
    if (i == index) return x;
  return std::nullopt;
}

std::string result_row::status_text() const { return status ? std::string(to_string(*status)) : "pending"; }

std::optional<std::uint32_t> result_set::metric_index(std::string_view name) const {
  auto it = std::lower_bound(metric_names.begin(), metric_names.end(), name);
  if (it == metric_names.end() || *it != name) return std::nullopt;
  return static_cast<std::uint32_t>(it - metric_names.begin());
}

namespace {

namespace json = boost::json;

/// A params value back as text: strings as they are, numbers as gridctl writes them.
std::string value_text(const json::value* v) {
  if (!v) return {};
  switch (v->kind()) {
    case json::kind::string: return std::string(v->get_string());
    case json::kind::int64: return format_integer(v->get_int64());
    case json::kind::uint64: return std::to_string(v->get_uint64());
    case json::kind::double_: return format_number(v->get_double());
    default: return json::serialize(*v);
  }
}

std::string_view string_field(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

/// Builds rows while reading; metric names get indices in order of appearance, sorted at the end.
class row_reader {
 public:
  row_reader(result_set& set, const std::vector<metric_rule>* rules) : set_(set), rules_(rules) {
    if (rules_)
      for (const auto& r : *rules_) index_of(r.name);  // declared metrics are columns even when never found
  }

  /// Folds one record in; false when the line is not a record.
  bool add(const json::value& v) {
    const json::object* o = v.if_object();
    if (!o) return false;
    auto id = parse_point_id(string_field(*o, "point"));
    auto st = parse_status(string_field(*o, "status"));
    const json::value* attempt = o->if_contains("attempt");
    if (!id || !st || !attempt || !attempt->is_int64()) return false;
    int n = static_cast<int>(attempt->get_int64());
    auto [it, fresh] = by_id_.emplace(*id, set_.rows.size());
    if (fresh) set_.rows.emplace_back();
    result_row& row = set_.rows[it->second];
    if (!fresh && n < row.attempt) return true;  // an older attempt, read after a newer one
    row = result_row{};
    row.point = *id;
    row.status = *st;
    row.attempt = n;
    fill(row, *o);
    return true;
  }

  /// Sorts metric_names and renumbers the rows' metrics to match.
  void finish() {
    std::vector<std::uint32_t> order(names_.size());
    for (std::uint32_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](auto a, auto b) { return names_[a] < names_[b]; });
    std::vector<std::uint32_t> renumber(order.size());
    for (std::uint32_t k = 0; k < order.size(); ++k) renumber[order[k]] = k;
    set_.metric_names.clear();
    for (auto i : order) set_.metric_names.push_back(names_[i]);
    for (auto& row : set_.rows) {
      for (auto& m : row.metrics) m.first = renumber[m.first];
      std::sort(row.metrics.begin(), row.metrics.end());
    }
  }

 private:
  void fill(result_row& row, const json::object& o) {
    const json::value* params = o.if_contains("params");
    for (const auto& axis : set_.header.axes)
      row.values.push_back(value_text(params && params->is_object() ? params->get_object().if_contains(axis) : nullptr));
    if (const json::value* d = o.if_contains("duration_s"); d && d->is_number()) row.duration_s = d->to_number<double>();
    if (const json::value* e = o.if_contains("exit_code"); e && e->is_int64()) row.exit_code = static_cast<int>(e->get_int64());
    row.signal = std::string(string_field(o, "signal"));
    row.error = std::string(string_field(o, "error"));
    std::string_view err = string_field(o, "stderr");
    if (row.status != attempt_status::ok) row.stderr_line = std::string(last_nonempty_line(err));

    metric_values m;
    if (const json::value* stored = o.if_contains("metrics"); stored && stored->is_object()) {
      for (const auto& kv : stored->get_object())
        if (kv.value().is_number()) m[std::string(kv.key())] = kv.value().to_number<double>();
    } else if (const json::value* out = o.if_contains("output")) {
      m = output_metrics(*out);  // written before gridctl kept metrics
    }
    if (rules_) {
      metric_values fresh = compute_metrics(*rules_, string_field(o, "stdout"), err, std::nullopt);
      for (const auto& r : *rules_) {
        auto f = fresh.find(r.name);
        if (f != fresh.end()) m[r.name] = f->second;
        else m.erase(r.name);
      }
    }
    for (const auto& [name, x] : m) row.metrics.emplace_back(index_of(name), x);
  }

  std::uint32_t index_of(const std::string& name) {
    auto [it, fresh] = name_index_.emplace(name, static_cast<std::uint32_t>(names_.size()));
    if (fresh) names_.push_back(name);
    return it->second;
  }

  result_set& set_;
  const std::vector<metric_rule>* rules_;
  std::unordered_map<point_id, std::size_t> by_id_;
  std::unordered_map<std::string, std::uint32_t> name_index_;
  std::vector<std::string> names_;
};

/// Reads the whole file through `reader`; an empty file gives a result_set with no header.
parse_result<result_set> read_file(const std::filesystem::path& file, const std::vector<metric_rule>* rules,
                                   bool empty_is_error) {
  const std::string fname = file.string();
  std::ifstream in(file, std::ios::binary);  // read only: never created, written or locked here
  if (!in) return input_error{fname, "cannot read the results file: " + std::string(std::strerror(errno))};
  result_set set;
  row_reader reader(set, rules);
  json::parser parser;
  std::string line;
  std::uint64_t line_no = 0;
  bool have_header = false;
  while (std::getline(in, line)) {
    ++line_no;
    bool complete = !in.eof();
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    boost::system::error_code ec;
    parser.reset();
    parser.write(line.data(), line.size(), ec);
    if (!have_header) {
      if (ec) return input_error{fname + ":" + std::to_string(line_no), "not a gridctl results file (line 1 is not JSON)"};
      std::string problem = read_header(parser.release(), set.header);
      if (!problem.empty()) return input_error{fname + ":" + std::to_string(line_no), problem};
      have_header = true;
      continue;
    }
    if (ec || !reader.add(parser.release()))
      set.warnings.push_back(fname + ":" + std::to_string(line_no) +
                             (complete ? ": skipping a malformed record" : ": ignoring a torn last line"));
    else
      ++set.records;
  }
  if (!have_header && empty_is_error) return input_error{fname, "the results file is empty (no sweep has written to it)"};
  reader.finish();
  return set;
}

}  // namespace

parse_result<result_set> read_result_set(const std::filesystem::path& file) { return read_file(file, nullptr, true); }

parse_result<result_set> read_result_set(const sweep_config& cfg, bool pending) {
  result_set set;
  std::error_code ec;
  if (std::filesystem::exists(cfg.results, ec)) {
    auto read = read_file(cfg.results, &cfg.metrics, false);
    if (!read) return read.error();
    set = std::move(*read);
  }
  if (!set.header.command.empty()) {  // a header was read (a command is never empty)
    const std::string fname = cfg.results.string();
    if (set.header.command != cfg.command.text())
      return input_error{fname, "this results file is for the command '" + set.header.command + "', not '" +
                                    cfg.command.text() + "' (another sweep's file?)"};
    if (set.header.axes != cfg.points.axis_names())
      return input_error{fname, "this results file is for other axes than " + cfg.file.string() + "'s"};
  }
  if (set.rows.empty()) {  // no file yet: the declared metrics are still the columns
    set.metric_names.clear();
    for (const auto& r : cfg.metrics) set.metric_names.push_back(r.name);
    std::sort(set.metric_names.begin(), set.metric_names.end());
  }

  // Grid order: walk the grid, taking each point's row (values as written in the config).
  std::unordered_map<point_id, std::size_t> by_id;
  for (std::size_t i = 0; i < set.rows.size(); ++i) by_id.emplace(set.rows[i].point, i);
  std::vector<result_row> ordered;
  const grid& g = cfg.points;
  std::uint64_t found = 0;
  for (std::uint64_t i = 0; i < g.size(); ++i) {
    std::vector<std::string> values = g.values(i);
    point_id id = g.id_of(values);
    auto it = by_id.find(id);
    if (it == by_id.end() && !pending) continue;
    result_row row;
    if (it != by_id.end()) {
      row = std::move(set.rows[it->second]);
      ++found;
    }
    row.point = id;
    row.values = std::move(values);
    ordered.push_back(std::move(row));
  }
  set.outside_grid = by_id.size() - found;
  set.rows = std::move(ordered);
  return set;
}

std::vector<std::pair<std::string, std::uint64_t>> ok_without_metrics(const result_set& set,
                                                                      const std::vector<metric_rule>& rules) {
  std::vector<std::pair<std::string, std::uint64_t>> out;
  for (const auto& r : rules) {
    std::uint64_t n = 0;
    if (auto index = set.metric_index(r.name))
      for (const auto& row : set.rows)
        if (row.status == attempt_status::ok && !row.metric(*index)) ++n;
    out.emplace_back(r.name, n);
  }
  return out;
}

}  // namespace gridctl
