// results_table: selection, layout and formats of `gridctl results`.
#include "results_table.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <unordered_map>

#include "json_text.hpp"
#include "number_format.hpp"

namespace gridctl {

std::vector<std::size_t> select_rows(const result_set& set, const row_selection& sel) {
  std::vector<std::size_t> out;
  for (std::size_t i = 0; i < set.rows.size(); ++i) {
    if (!sel.statuses.empty() &&
        std::find(sel.statuses.begin(), sel.statuses.end(), set.rows[i].status_text()) == sel.statuses.end())
      continue;
    out.push_back(i);
  }
  if (sel.sort_by) {
    std::uint32_t m = *sel.sort_by;
    std::stable_sort(out.begin(), out.end(), [&](std::size_t a, std::size_t b) {
      auto x = set.rows[a].metric(m), y = set.rows[b].metric(m);
      if (!x || !y) return x.has_value() && !y.has_value();  // those with the metric first
      return sel.descending ? *x > *y : *x < *y;
    });
  }
  if (sel.top && *sel.top < out.size()) out.resize(static_cast<std::size_t>(*sel.top));
  return out;
}

std::vector<std::string> metric_columns(const result_set& set) {
  std::set<std::string> taken(set.header.axes.begin(), set.header.axes.end());
  taken.insert({"status", "attempt", "duration_s"});
  std::vector<std::string> out;
  for (const auto& m : set.metric_names) out.push_back(taken.count(m) ? "metrics." + m : m);
  return out;
}

text_table rows_table(const result_set& set, const std::vector<std::size_t>& chosen) {
  text_table t;
  t.header = set.header.axes;
  t.numeric.assign(t.header.size(), false);
  for (const char* c : {"status", "attempt", "duration_s"}) t.header.push_back(c);
  t.numeric.insert(t.numeric.end(), {false, true, true});
  for (auto& c : metric_columns(set)) t.header.push_back(std::move(c));
  t.numeric.resize(t.header.size(), true);
  for (std::size_t i : chosen) {
    const result_row& r = set.rows[i];
    std::vector<std::string> cells = r.values;
    cells.resize(set.header.axes.size());
    cells.push_back(r.status_text());
    cells.push_back(r.attempt ? std::to_string(r.attempt) : "");
    cells.push_back(r.duration_s ? format_number(*r.duration_s) : "");
    for (std::uint32_t m = 0; m < set.metric_names.size(); ++m) {
      auto x = r.metric(m);
      cells.push_back(x ? format_number(*x) : "");
    }
    t.rows.push_back(std::move(cells));
  }
  return t;
}

std::vector<value_stats> axis_value_stats(const result_set& set, std::size_t axis, std::uint32_t metric) {
  std::vector<value_stats> out;
  std::unordered_map<std::string, std::size_t> index;
  for (const auto& r : set.rows) {
    if (axis >= r.values.size()) continue;
    auto [it, fresh] = index.try_emplace(r.values[axis], out.size());
    if (fresh) out.push_back(value_stats{r.values[axis]});
    if (r.status != attempt_status::ok) continue;
    value_stats& s = out[it->second];
    ++s.ok;
    if (auto x = r.metric(metric)) {
      ++s.n;
      s.sum += *x;
      s.lo = std::min(s.lo, *x);
      s.hi = std::max(s.hi, *x);
    }
  }
  return out;
}

text_table summary_table(const result_set& set, std::uint32_t metric) {
  text_table t;
  t.header = {"axis", "value", "ok", "mean", "min", "max"};
  t.numeric = {false, false, true, true, true, true};
  for (std::size_t k = 0; k < set.header.axes.size(); ++k) {
    for (const auto& s : axis_value_stats(set, k, metric)) {
      bool any = s.n > 0;
      t.rows.push_back({set.header.axes[k], s.value, std::to_string(s.ok), any ? format_rounded(s.mean(), 6) : "",
                        any ? format_number(s.lo) : "", any ? format_number(s.hi) : ""});
    }
  }
  return t;
}

std::size_t display_width(std::string_view text) {
  std::size_t n = 0;
  for (unsigned char c : text)
    if ((c & 0xC0) != 0x80) ++n;  // count lead bytes, not continuation bytes
  return n;
}

std::string fit_width(std::string_view text, std::size_t width) {
  std::string clean(text);
  for (char& c : clean)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
  if (display_width(clean) <= width) return clean;
  if (width == 0) return {};
  // Keep width-1 code points, then the ellipsis.
  std::size_t kept = 0, i = 0;
  for (; i < clean.size(); ++i) {
    if ((static_cast<unsigned char>(clean[i]) & 0xC0) != 0x80) {
      if (kept == width - 1) break;
      ++kept;
    }
  }
  return clean.substr(0, i) + "\xE2\x80\xA6";
}

std::string format_table(const text_table& t, std::size_t width) {
  const std::size_t n = t.header.size();
  constexpr std::size_t gap = 2, narrowest = 6;
  std::vector<std::size_t> w(n, 0);
  for (std::size_t c = 0; c < n; ++c) {
    w[c] = display_width(t.header[c]);
    for (const auto& row : t.rows) w[c] = std::max(w[c], display_width(row[c]));
  }
  auto total = [&] {
    std::size_t s = n ? gap * (n - 1) : 0;
    for (auto x : w) s += x;
    return s;
  };
  // Narrow the widest column, one display column at a time, until the table fits.
  for (std::size_t over = total(); over > width; --over) {
    auto widest = std::max_element(w.begin(), w.end());
    if (widest == w.end() || *widest <= narrowest) break;
    --*widest;
  }
  std::string out;
  auto line = [&](const std::vector<std::string>& cells) {
    std::string l;
    for (std::size_t c = 0; c < n; ++c) {
      std::string cell = fit_width(cells[c], w[c]);
      std::string pad(w[c] - display_width(cell), ' ');
      if (c) l += std::string(gap, ' ');
      l += t.numeric[c] ? pad + cell : cell + pad;
    }
    l.erase(l.find_last_not_of(' ') + 1);
    out += l + "\n";
  };
  line(t.header);
  for (const auto& row : t.rows) line(row);
  return out;
}

std::string csv_field(std::string_view text) {
  bool quote = text.find_first_of(",\"\r\n") != std::string_view::npos ||
               (!text.empty() && (text.front() == ' ' || text.back() == ' ' || text.front() == '\t' || text.back() == '\t'));
  if (!quote) return std::string(text);
  std::string out = "\"";
  for (char c : text) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

std::string format_csv(const text_table& t) {
  std::string out;
  auto line = [&](const std::vector<std::string>& cells) {
    for (std::size_t c = 0; c < cells.size(); ++c) out += (c ? "," : "") + csv_field(cells[c]);
    out += "\r\n";
  };
  line(t.header);
  for (const auto& row : t.rows) line(row);
  return out;
}

std::string format_jsonl(const text_table& t) {
  std::string out;
  for (const auto& row : t.rows) {
    out += '{';
    for (std::size_t c = 0; c < row.size(); ++c) {
      if (c) out += ", ";
      append_json_string(out, t.header[c]);
      out += ": ";
      if (row[c].empty()) out += "null";
      else if (t.numeric[c] && is_json_number(row[c])) out += row[c];
      else append_json_string(out, row[c]);
    }
    out += "}\n";
  }
  return out;
}

std::string format_jsonl_rows(const result_set& set, const std::vector<std::size_t>& chosen) {
  std::string out;
  for (std::size_t i : chosen) {
    const result_row& r = set.rows[i];
    out += "{\"point\": \"" + format_point_id(r.point) + "\", \"params\": {";
    for (std::size_t k = 0; k < set.header.axes.size() && k < r.values.size(); ++k) {
      if (k) out += ", ";
      append_json_string(out, set.header.axes[k]);
      out += ": ";
      if (is_json_number(r.values[k])) out += r.values[k];
      else append_json_string(out, r.values[k]);
    }
    out += "}, \"status\": \"" + r.status_text() + "\"";
    out += ", \"attempt\": " + (r.attempt ? std::to_string(r.attempt) : std::string("null"));
    out += ", \"duration_s\": " + (r.duration_s ? format_number(*r.duration_s) : std::string("null"));
    out += ", \"exit_code\": " + (r.exit_code ? std::to_string(*r.exit_code) : std::string("null"));
    out += ", \"signal\": ";
    if (r.signal().empty()) out += "null";
    else append_json_string(out, r.signal());
    out += ", \"metrics\": {";
    for (std::size_t m = 0; m < r.metrics.size(); ++m) {
      if (m) out += ", ";
      append_json_string(out, set.metric_names[r.metrics[m].first]);
      out += ": " + format_number(r.metrics[m].second);
    }
    out += "}}\n";
  }
  return out;
}

}  // namespace gridctl
