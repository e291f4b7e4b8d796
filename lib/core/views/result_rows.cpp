// result_rows: one pass over the JSON Lines file, keeping the latest attempt of each point.
#include "result_rows.hpp"

#include <algorithm>
#include <boost/json/monotonic_resource.hpp>
#include <boost/json/parser.hpp>
#include <boost/json/serialize.hpp>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <unordered_map>

#include "number_format.hpp"
#include "point_table.hpp"

namespace gridctl {

std::optional<double> result_row::metric(std::uint32_t index) const {
  for (const auto& [i, x] : metrics)
    if (i == index) return x;
  return std::nullopt;
}

const std::string& result_row::no_text() {
  static const std::string empty;
  return empty;
}

void result_row::set_failure(std::string signal, std::string error, std::string stderr_line) {
  if (signal.empty() && error.empty() && stderr_line.empty()) {
    failure_.reset();
    return;
  }
  failure_ = std::make_shared<const failure_text>(failure_text{std::move(signal), std::move(error), std::move(stderr_line)});
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

/// Row index by point id (a node-based std::unordered_map of a million points spent 13 % of a
/// read in cache misses).
/// 32-bit row numbers keep a slot at 16 bytes.
using row_index = flat_point_map<std::uint32_t>;

/// Builds rows while reading; metric names get indices in order of appearance, sorted at the end.
class row_reader {
 public:
  row_reader(result_set& set, const std::vector<metric_rule>* rules, std::size_t expected_points)
      : set_(set), rules_(rules) {
    set_.rows.reserve(expected_points);
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
    auto [index, fresh] = by_id_.try_emplace(*id, static_cast<std::uint32_t>(set_.rows.size()));
    if (fresh) set_.rows.emplace_back();
    result_row& row = set_.rows[index];
    if (!fresh && n < row.attempt) return true;  // an older attempt, read after a newer one
    row = result_row{};
    row.point = *id;
    row.status = *st;
    row.attempt = n;
    fill(row, *o);
    return true;
  }

  /// Row index by point id (for the grid walk: built once, here).
  row_index& by_id() { return by_id_; }

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
    std::string_view err = string_field(o, "stderr");
    row.set_failure(std::string(string_field(o, "signal")), std::string(string_field(o, "error")),
                    row.status != attempt_status::ok ? std::string(last_nonempty_line(err)) : std::string());

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
  row_index by_id_;
  std::unordered_map<std::string, std::uint32_t> name_index_;
  std::vector<std::string> names_;
};

/// Reads the whole file through `reader`; an empty file gives a result_set with no header.
parse_result<result_set> read_file(const std::filesystem::path& file, const std::vector<metric_rule>* rules,
                                   bool empty_is_error, row_index* by_id_out = nullptr) {
  const std::string fname = file.string();
  std::ifstream in(file, std::ios::binary);  // read only: never created, written or locked here
  if (!in) return input_error{fname, "cannot read the results file: " + std::string(std::strerror(errno))};
  result_set set;
  // A record is at least about 250 bytes: reserve for that many points, capped, so that the tables do not
  // grow (and copy themselves) a step at a time.
  std::error_code size_ec;
  const std::uintmax_t bytes = std::filesystem::file_size(file, size_ec);
  const std::size_t expected = size_ec ? 0 : static_cast<std::size_t>(std::min<std::uintmax_t>(bytes / 250, 50'000'000));
  row_reader reader(set, rules, expected);
  json::parser parser;
  // Each line is parsed into a small stack buffer, not the heap: records are short.
  std::vector<unsigned char> line_buffer(64 * 1024);
  std::string line;
  std::uint64_t line_no = 0;
  bool have_header = false;
  while (std::getline(in, line)) {
    ++line_no;
    bool complete = !in.eof();
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    boost::system::error_code ec;
    json::monotonic_resource line_storage(line_buffer.data(), line_buffer.size());
    parser.reset(json::storage_ptr(&line_storage));
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
  if (by_id_out) *by_id_out = std::move(reader.by_id());
  return set;
}

/// Puts rows[order[k]] at place k, in place, and drops the rows `order` does not name.
void permute_rows(std::vector<result_row>& rows, const std::vector<std::size_t>& order) {
  // where[i]: the place row i goes to, or none.
  constexpr std::size_t none = static_cast<std::size_t>(-1);
  std::vector<std::size_t> where(rows.size(), none);
  for (std::size_t k = 0; k < order.size(); ++k) where[order[k]] = k;
  // Rows going nowhere first move to the end, past the kept ones, by following each cycle.
  std::size_t next_free = order.size();
  for (std::size_t i = 0; i < rows.size(); ++i)
    if (where[i] == none) where[i] = next_free++;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    while (where[i] != i) {
      std::size_t j = where[i];
      std::swap(rows[i], rows[j]);
      std::swap(where[i], where[j]);
    }
  }
  rows.resize(order.size());
}

}  // namespace

parse_result<result_set> read_result_set(const std::filesystem::path& file) { return read_file(file, nullptr, true); }

parse_result<result_set> read_result_set(const sweep_config& cfg, bool pending) {
  result_set set;
  row_index by_id;
  std::error_code ec;
  if (std::filesystem::exists(cfg.results, ec)) {
    auto read = read_file(cfg.results, &cfg.metrics, false, &by_id);
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
  const grid& g = cfg.points;
  std::uint64_t found = 0;
  if (!pending) {
    // Rows are put in grid order where they are (no second table of rows: a million rows are
    // a few hundred MB): order[k] is the row that goes to place k.
    std::vector<std::size_t> order;
    order.reserve(set.rows.size());
    for (std::uint64_t i = 0; i < g.size() && order.size() < by_id.size(); ++i) {
      std::vector<std::string> values = g.values(i);
      const std::uint32_t* at = by_id.find(g.id_of(values));
      if (!at) continue;
      set.rows[*at].values = std::move(values);
      order.push_back(*at);
    }
    found = order.size();
    permute_rows(set.rows, order);
  } else {
    std::vector<result_row> ordered;
    ordered.reserve(static_cast<std::size_t>(g.size()));
    for (std::uint64_t i = 0; i < g.size(); ++i) {
      std::vector<std::string> values = g.values(i);
      point_id id = g.id_of(values);
      result_row row;
      if (const std::uint32_t* at = by_id.find(id)) {
        row = std::move(set.rows[*at]);
        ++found;
      }
      row.point = id;
      row.values = std::move(values);
      ordered.push_back(std::move(row));
    }
    set.rows = std::move(ordered);
  }
  set.outside_grid = by_id.size() - found;
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
