// heatmap: choosing the axes, folding rows into cells, the best cell, tooltips and the layout.
#include "heatmap.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <map>
#include <numeric>
#include <unordered_map>

#include "number_format.hpp"
#include "results_table.hpp"

namespace gridctl {

std::string cell_label(double value) { return format_rounded(value, 3); }

namespace {

/// `text` as a finite number, or nothing ("1e-06" yes; "rbf", "1 2", "" no).
std::optional<double> as_number(const std::string& text) {
  if (text.empty()) return std::nullopt;
  char* end = nullptr;
  double x = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || !std::isfinite(x)) return std::nullopt;
  return x;
}

/// Without a config the grid's order is unknown, and records come in the order attempts
/// ended (which varies run to run): sort, numerically when every value is a number.
void sort_values(std::vector<std::string>& values) {
  std::vector<std::pair<double, std::string>> keyed;
  for (auto& v : values) {
    auto x = as_number(v);
    if (!x) {
      std::sort(values.begin(), values.end());
      return;
    }
    keyed.emplace_back(*x, v);
  }
  std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  for (std::size_t i = 0; i < keyed.size(); ++i) values[i] = std::move(keyed[i].second);
}

}  // namespace

std::vector<std::vector<std::string>> axis_values(const result_set& set, bool config_order) {
  std::vector<std::vector<std::string>> out(set.header.axes.size());
  for (std::size_t k = 0; k < out.size(); ++k) {
    std::unordered_map<std::string_view, bool> seen;
    for (const auto& r : set.rows)
      if (k < r.values.size() && seen.emplace(r.values[k], true).second) out[k].push_back(r.values[k]);
    if (!config_order) sort_values(out[k]);
  }
  return out;
}

namespace {

constexpr std::size_t no_axis = static_cast<std::size_t>(-1);

/// The position of axis `name`, or an error listing the axes there are.
parse_result<std::size_t> find_axis(const std::vector<std::string>& axes, const std::string& name) {
  for (std::size_t k = 0; k < axes.size(); ++k)
    if (axes[k] == name) return k;
  std::string known;
  for (const auto& a : axes) known += (known.empty() ? "" : ", ") + a;
  return input_error{"", "no axis '" + name + "' in this sweep (axes: " + known + ")"};
}

/// The first axis with more than one value that is not `skip`; else the first that is not `skip`
/// when `any` is set; else no_axis.
std::size_t first_axis(const std::vector<std::vector<std::string>>& values, std::size_t skip, bool any) {
  for (std::size_t k = 0; k < values.size(); ++k)
    if (k != skip && values[k].size() > 1) return k;
  if (any)
    for (std::size_t k = 0; k < values.size(); ++k)
      if (k != skip) return k;
  return no_axis;
}

/// x and y positions from the request; y is no_axis for a one-row map.
parse_result<std::pair<std::size_t, std::size_t>> choose_axes(const result_set& set,
                                                             const std::vector<std::vector<std::string>>& values,
                                                             const heatmap_request& req) {
  const auto& axes = set.header.axes;
  std::size_t x = no_axis, y = no_axis;
  if (req.x) {
    auto k = find_axis(axes, *req.x);
    if (!k) return k.error();
    x = *k;
  }
  if (req.y) {
    auto k = find_axis(axes, *req.y);
    if (!k) return k.error();
    y = *k;
  }
  if (req.x && req.y && x == y) return input_error{"", "--x and --y name the same axis '" + *req.x + "'"};
  if (!req.x && !req.y) {
    x = first_axis(values, no_axis, true);
    y = first_axis(values, x, false);
  } else if (!req.y) {
    y = first_axis(values, x, false);
  } else if (!req.x) {
    x = first_axis(values, y, true);
    if (x == no_axis) std::swap(x, y);  // a one-axis sweep: its axis across
  }
  if (x == no_axis) return input_error{"", "this sweep has no axes"};
  return std::make_pair(x, y);
}

/// What one cell gathers from its rows.
struct cell_tally {
  std::map<std::string, std::uint64_t> statuses;  // status text -> points (pending excluded)
  std::uint64_t records = 0, used = 0;
  double sum = 0;
  std::optional<double> best;
  std::optional<std::size_t> best_row, only_row;
};

bool better(double a, double b, bool smaller) { return smaller ? a < b : a > b; }

std::string params_text(const result_set& set, const result_row& row, const std::vector<std::size_t>& axes) {
  std::string out;
  for (std::size_t k : axes) out += (out.empty() ? "" : " ") + set.header.axes[k] + "=" + row.values[k];
  return out;
}

/// "ok", or "2 ok, 1 failed, 3 missing" for a cell of several points.
std::string status_text(const cell_tally& t, std::uint64_t expected) {
  static const char* const order[] = {"ok", "failed", "timeout", "lost", "canceled"};
  std::uint64_t missing = expected > t.records ? expected - t.records : 0;
  if (expected <= 1) return t.statuses.empty() ? "missing (no record yet)" : t.statuses.begin()->first;
  std::string out;
  for (const char* s : order)
    if (auto it = t.statuses.find(s); it != t.statuses.end())
      out += (out.empty() ? "" : ", ") + std::to_string(it->second) + " " + s;
  if (missing) out += (out.empty() ? "" : ", ") + std::to_string(missing) + " missing";
  return out;
}

/// The cell's tooltip: the parameters (of its best point, or its x and y values), its status,
/// and the metric.
std::string tooltip(const result_set& set, const heatmap_model& m, const std::string& xy_text, const cell_tally& t,
                    const heatmap_cell& c) {
  const result_row* shown = c.best_row ? &set.rows[*c.best_row] : c.expected == 1 && t.only_row ? &set.rows[*t.only_row] : nullptr;
  std::string out;
  if (shown) {
    std::vector<std::size_t> all(set.header.axes.size());
    std::iota(all.begin(), all.end(), 0);
    out = params_text(set, *shown, all);
  } else {
    out = xy_text;
    if (!m.reduced_axes.empty()) {
      out += " (";
      for (std::size_t i = 0; i < m.reduced_axes.size(); ++i) out += (i ? ", " : "any ") + m.reduced_axes[i];
      out += ")";
    }
  }
  out += "\nstatus: " + status_text(t, c.expected);
  if (c.expected == 1 && shown && shown->status && *shown->status != attempt_status::ok) {
    if (!shown->signal().empty()) out += ", " + shown->signal();
    else if (shown->exit_code) out += ", exit " + std::to_string(*shown->exit_code);
    if (!shown->error().empty()) out += " (" + shown->error() + ")";
    if (!shown->stderr_line().empty()) out += "\nstderr: " + fit_width(shown->stderr_line(), 160);  // whole code points
  }
  out += "\n" + m.metric + ": ";
  if (!c.value) return out + "none";
  out += format_number(*c.value);
  if (c.expected > 1)
    out += std::string(m.agg == reduction::best ? " (best of " : " (mean of ") + std::to_string(c.used) +
           (c.used == 1 ? " point" : " points") + ")";
  return out;
}

/// Folds every row into the tally of its cell.
std::vector<cell_tally> tally_rows(const result_set& set, const heatmap_model& m, std::size_t x, std::size_t y,
                                   const heatmap_request& req) {
  std::unordered_map<std::string_view, std::size_t> xi, yi;
  for (std::size_t i = 0; i < m.x_values.size(); ++i) xi.emplace(m.x_values[i], i);
  for (std::size_t i = 0; i < m.y_values.size(); ++i) yi.emplace(m.y_values[i], i);
  std::vector<cell_tally> tallies(m.cells.size());
  for (std::size_t r = 0; r < set.rows.size(); ++r) {
    const result_row& row = set.rows[r];
    if (!row.status) continue;  // pending: counted as missing
    auto cx = xi.find(row.values[x]);
    auto cy = y == no_axis ? yi.begin() : yi.find(row.values[y]);
    if (cx == xi.end() || cy == yi.end()) continue;
    cell_tally& t = tallies[cy->second * m.x_values.size() + cx->second];
    ++t.records;
    ++t.statuses[row.status_text()];
    t.only_row = r;
    if (*row.status != attempt_status::ok) continue;
    auto v = row.metric(req.metric);
    if (!v) continue;
    ++t.used;
    t.sum += *v;
    if (!t.best || better(*v, *t.best, req.smaller_is_better)) {
      t.best = v;
      t.best_row = r;
    }
  }
  return tallies;
}

}  // namespace

parse_result<heatmap_model> build_heatmap(const result_set& set, const std::vector<std::vector<std::string>>& values,
                                          const heatmap_request& req) {
  auto axes = choose_axes(set, values, req);
  if (!axes) return axes.error();
  const auto [x, y] = *axes;
  heatmap_model m;
  m.metric = set.metric_names.at(req.metric);
  m.smaller_is_better = req.smaller_is_better;
  m.agg = req.agg;
  m.x_axis = set.header.axes[x];
  m.x_values = values[x];
  if (y != no_axis) {
    m.y_axis = set.header.axes[y];
    m.y_values = values[y];
  } else {
    m.y_values = {""};
  }
  std::uint64_t expected = 1;
  for (std::size_t k = 0; k < values.size(); ++k)
    if (k != x && k != y) {
      m.reduced_axes.push_back(set.header.axes[k]);
      expected *= std::max<std::uint64_t>(values[k].size(), 1);
    }
  m.cells.resize(m.x_values.size() * m.y_values.size());
  std::vector<cell_tally> tallies = tally_rows(set, m, x, y, req);

  std::optional<double> lo, hi;
  for (std::size_t i = 0; i < m.cells.size(); ++i) {
    const cell_tally& t = tallies[i];
    heatmap_cell& c = m.cells[i];
    c.expected = expected;
    c.used = t.used;
    if (t.used) {
      c.kind = cell_kind::value;
      c.value = req.agg == reduction::best ? *t.best : t.sum / static_cast<double>(t.used);
      if (req.agg == reduction::best) c.best_row = t.best_row;
      lo = std::min(lo.value_or(*c.value), *c.value);
      hi = std::max(hi.value_or(*c.value), *c.value);
      if (!m.best_cell || better(*c.value, *m.cells[*m.best_cell].value, req.smaller_is_better)) m.best_cell = i;
    } else {
      c.kind = t.records ? cell_kind::not_ok : cell_kind::missing;
    }
    std::string xy = m.x_axis + "=" + m.x_values[i % m.x_values.size()];
    if (y != no_axis) xy += " " + m.y_axis + "=" + m.y_values[i / m.x_values.size()];
    c.tooltip = tooltip(set, m, xy, t, c);
  }
  if (lo) m.scale = make_colour_scale(*lo, *hi);
  m.layout = layout_heatmap(m);
  return m;
}

namespace {
constexpr double char_w = 7;     // average advance of a 12px sans-serif glyph
constexpr double line_h = 14;    // height of a line of 12px text
constexpr std::size_t longest_label = 24;

std::size_t longest(const std::vector<std::string>& texts) {
  std::size_t n = 0;
  for (const auto& t : texts) n = std::max(n, display_width(t));
  return std::min(n, longest_label);
}

std::size_t every(double needed, double cell) { return static_cast<std::size_t>(std::max(1.0, std::ceil(needed / cell))); }
}  // namespace

heatmap_layout layout_heatmap(const heatmap_model& m) {
  heatmap_layout l;
  const double nx = static_cast<double>(m.x_values.size()), ny = static_cast<double>(m.y_values.size());
  const bool one_row = m.y_axis.empty();
  l.cell_w = std::clamp(std::floor(800 / nx), 4.0, 64.0);
  l.cell_h = one_row ? std::min(l.cell_w, 48.0) : std::clamp(std::floor(600 / ny), 4.0, 48.0);
  l.label_chars = longest_label;
  const std::size_t x_chars = longest(m.x_values), y_chars = longest(m.y_values);

  l.x_labels_rotated = char_w * static_cast<double>(x_chars) + 6 > l.cell_w;
  l.x_label_every = l.x_labels_rotated ? every(line_h, l.cell_w) : 1;
  l.y_label_every = every(line_h, l.cell_h);
  std::size_t value_chars = 0;
  for (const auto& c : m.cells)
    if (c.value) value_chars = std::max(value_chars, cell_label(*c.value).size());
  l.values_in_cells = l.cell_h >= 16 && char_w * static_cast<double>(value_chars) + 6 <= l.cell_w;

  l.left = one_row ? 16 : 2 * line_h + char_w * static_cast<double>(y_chars) + 8;
  l.top = 2 * line_h + 8;  // the title
  const double map_w = nx * l.cell_w, map_h = ny * l.cell_h;
  const double x_labels_h = l.x_labels_rotated ? char_w * static_cast<double>(x_chars) + 10 : line_h + 6;
  const double below = x_labels_h + line_h + 8 + 2 * line_h + 12;  // labels, axis name, legend
  std::size_t tick_chars = 0;
  for (double t : m.scale.ticks) tick_chars = std::max(tick_chars, format_rounded(t, 6).size());
  const double scale_w = 24 + 16 + 6 + char_w * static_cast<double>(tick_chars) + 12;
  l.width = std::max(l.left + map_w + scale_w, 520.0);
  l.height = l.top + std::max(map_h, 160.0) + below;
  return l;
}

std::vector<axis_profile> axis_profiles(const result_set& set, const std::vector<std::vector<std::string>>& values,
                                        std::uint32_t metric, bool smaller_is_better) {
  std::vector<axis_profile> out;
  for (std::size_t k = 0; k < set.header.axes.size(); ++k) {
    std::unordered_map<std::string, value_stats> by_value;
    for (auto& s : axis_value_stats(set, k, metric)) by_value.emplace(s.value, s);
    axis_profile p;
    p.axis = set.header.axes[k];
    p.values = values[k];
    for (const auto& v : p.values) {
      auto it = by_value.find(v);
      bool any = it != by_value.end() && it->second.n > 0;
      p.used.push_back(any ? it->second.n : 0);
      p.best.push_back(any ? std::optional<double>(smaller_is_better ? it->second.lo : it->second.hi) : std::nullopt);
      p.mean.push_back(any ? std::optional<double>(it->second.mean()) : std::nullopt);
    }
    out.push_back(std::move(p));
  }
  return out;
}

}  // namespace gridctl
