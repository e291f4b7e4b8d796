// results_table: the rows of `gridctl results` chosen, sorted and laid out — an aligned table
// that fits a terminal, RFC 4180 CSV, or JSON Lines — and the per-axis summary of a metric.
// Pure text in, text out: lib/cli/results_command.cpp only picks the options and prints.
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "result_rows.hpp"

namespace gridctl {

/// Cells as text, one header; an empty cell is a missing value.
struct text_table {
  std::vector<std::string> header;
  std::vector<bool> numeric;  ///< per column: right-aligned in a table
  std::vector<std::vector<std::string>> rows;
};

/// Which rows, in which order.
struct row_selection {
  std::vector<std::string> statuses;     ///< keep rows whose status_text() is listed; empty: all
  std::optional<std::uint32_t> sort_by;  ///< metric index; rows without it go last
  bool descending = false;               ///< --max (best = largest) rather than --min
  std::optional<std::uint64_t> top;      ///< keep the first N
};

/// Indices into set.rows, filtered, sorted (stable) and cut as `sel` says.
std::vector<std::size_t> select_rows(const result_set& set, const row_selection& sel);

/// Column names of the metrics: the name, or "metrics.NAME" when an axis or a fixed column
/// (status, attempt, duration_s) already has that name.
std::vector<std::string> metric_columns(const result_set& set);

/// The axes, status, attempt, duration_s and every metric of the chosen rows.
text_table rows_table(const result_set& set, const std::vector<std::size_t>& chosen);

/// One value of an axis: its points ok, and the metric over the ok points that have it.
struct value_stats {
  std::string value;
  std::uint64_t ok = 0, n = 0;  ///< points ok; ok points with the metric
  double sum = 0, lo = INFINITY, hi = -INFINITY;
  double mean() const { return n ? sum / static_cast<double>(n) : NAN; }
};

/// The values of axis number `axis` in row order (first appearance), each with its stats.
std::vector<value_stats> axis_value_stats(const result_set& set, std::size_t axis, std::uint32_t metric);

/// For every axis and each of its values (in row order): points ok, and the mean, min and max
/// of the metric over the ok points that have it.
text_table summary_table(const result_set& set, std::uint32_t metric);

/// Aligned columns separated by two spaces, no wider than `width` display columns when that
/// is possible: the widest columns are narrowed first, their long values cut with "…".
std::string format_table(const text_table& t, std::size_t width);
/// RFC 4180: CRLF line ends, a header row, fields with , " CR LF or outer blanks quoted, quotes doubled.
std::string format_csv(const text_table& t);
/// One JSON object per row, keyed by the header; numeric columns as JSON numbers, missing as null.
std::string format_jsonl(const text_table& t);
/// One JSON object per chosen row: point, params, status, attempt, duration_s, exit_code, signal, metrics.
std::string format_jsonl_rows(const result_set& set, const std::vector<std::size_t>& chosen);

/// One CSV field, quoted when needed.
std::string csv_field(std::string_view text);
/// Number of display columns of UTF-8 `text` (one per code point; wide CJK glyphs count as one).
std::size_t display_width(std::string_view text);
/// `text` cut to at most `width` display columns, ending in "…" when cut; control characters
/// become spaces.
std::string fit_width(std::string_view text, std::size_t width);

}  // namespace gridctl
