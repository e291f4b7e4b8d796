// heatmap: the model behind `gridctl report` (README, "Reading the results") — which two axes, one cell per pair
// of their values, every other axis reduced (best point, or the mean), the colour scale, the
// best cell, a tooltip per cell, the cells' pixel layout, and per axis the best and mean of the
// metric for each value. Pure: a result_set in, numbers and text out; report_html draws it.
//
// A cell holds the points whose x and y values are its own. Its value comes from the ok points
// that have the metric; a cell with none is drawn apart: `not_ok` when it has records (failed,
// timeout, lost, canceled, or ok without the metric), `missing` when it has none (pending).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "colour_scale.hpp"
#include "input_error.hpp"
#include "result_rows.hpp"

namespace gridctl {

/// How the axes other than x and y are reduced in a cell.
enum class reduction { best, mean };

/// What to draw.
struct heatmap_request {
  std::uint32_t metric = 0;           ///< index in result_set::metric_names
  std::optional<std::string> x, y;    ///< axis names; default: the first axes with more than one value
  bool smaller_is_better = false;     ///< --min
  reduction agg = reduction::best;
};

/// How a cell is drawn.
enum class cell_kind { value, not_ok, missing };

struct heatmap_cell {
  cell_kind kind = cell_kind::missing;
  std::optional<double> value;        ///< the reduced metric (kind == value)
  std::optional<std::size_t> best_row;  ///< with reduction::best: the row the value comes from
  std::uint64_t expected = 0;         ///< points of the grid in this cell
  std::uint64_t used = 0;             ///< ok points with the metric
  std::string tooltip;                ///< parameters, status, value (plain text, lines split by '\n')
};

/// Pixel geometry of the map (SVG user units).
struct heatmap_layout {
  double cell_w = 0, cell_h = 0;
  double left = 0, top = 0;           ///< the map's top-left corner
  double width = 0, height = 0;       ///< the whole picture, scale and legend included
  std::size_t x_label_every = 1, y_label_every = 1;  ///< label every n-th value (dense axes)
  bool x_labels_rotated = false;
  bool values_in_cells = false;       ///< cells are big enough to print their value
  std::size_t label_chars = 0;        ///< labels longer than this are cut (the tooltip has them whole)
};

struct heatmap_model {
  std::string metric;
  std::string x_axis, y_axis;         ///< y_axis empty: a one-row map
  std::vector<std::string> x_values, y_values;  ///< labels as written; y_values {""} when one row
  std::vector<std::string> reduced_axes;  ///< the others
  bool smaller_is_better = false;
  reduction agg = reduction::best;
  std::vector<heatmap_cell> cells;    ///< row-major: cells[y * x_values.size() + x]
  std::optional<std::size_t> best_cell;
  colour_scale scale;                 ///< over the cells' values
  heatmap_layout layout;

  const heatmap_cell& at(std::size_t x, std::size_t y) const { return cells[y * x_values.size() + x]; }
};

/// The values of each axis in display order: with `config_order` (rows from a config, grid order)
/// the order of first appearance, which is the config's; from a results file alone that order
/// varies from run to run, so the values are sorted (numerically when every value is a number).
std::vector<std::vector<std::string>> axis_values(const result_set& set, bool config_order);

/// The heatmap of `req.metric` over `values` (from axis_values). Errors (no `where`): an axis
/// name that is not an axis of the sweep (the message lists them), x and y the same axis.
parse_result<heatmap_model> build_heatmap(const result_set& set, const std::vector<std::vector<std::string>>& values,
                                          const heatmap_request& req);

/// The layout for a model's cells and labels: the map at most about 800 x 600, cells 4 to 64
/// units wide, labels thinned so that they never overlap.
heatmap_layout layout_heatmap(const heatmap_model& m);

/// One axis: for each value, the best and the mean metric over the ok points that have it.
struct axis_profile {
  std::string axis;
  std::vector<std::string> values;
  std::vector<std::optional<double>> best, mean;
  std::vector<std::uint64_t> used;  ///< ok points with the metric, per value
};

/// A profile per axis of the sweep, values in the order of `values`.
std::vector<axis_profile> axis_profiles(const result_set& set, const std::vector<std::vector<std::string>>& values,
                                        std::uint32_t metric, bool smaller_is_better);

/// The text printed inside a cell that is big enough: 3 significant digits (83.7, 0.833, 1e-05).
std::string cell_label(double value);

}  // namespace gridctl
