// report_html: draws a finished heatmap model (heatmap.hpp) as inline SVG and lays out the page
// of `gridctl report`: self-contained HTML — no script, no font, no picture fetched from anywhere,
// so it opens from disk in any browser, and prints. Every text from the sweep is escaped.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "heatmap.hpp"

namespace gridctl {

/// Everything the page shows, already computed.
struct report_page {
  std::string sweep;            ///< the header's sweep name
  std::string command;          ///< the header's command
  std::string created;          ///< when the sweep started (the results file's header)
  std::string results_file;
  std::vector<std::pair<std::string, std::uint64_t>> counts;  ///< ("ok", 130), ("failed", 10) ...
  std::uint64_t points = 0;     ///< points of the grid (or seen in the results file)
  std::uint64_t records = 0;    ///< attempts recorded
  heatmap_model heatmap;
  std::vector<axis_profile> profiles;
  std::string failures;         ///< `results --failures` text
  std::vector<std::string> notes;  ///< warnings: skipped lines, points without the metric
};

/// `text` for XML/HTML text and attribute values: & < > " ' escaped; control characters other
/// than tab and newline (which XML 1.0 forbids) become U+FFFD.
std::string xml_escape(std::string_view text);

/// The heatmap as one <svg> element; `standalone` adds the XML declaration for a .svg file.
std::string heatmap_svg(const heatmap_model& m, bool standalone);

/// A small plot of the best and the mean metric for each value of one axis.
std::string profile_svg(const axis_profile& p, const std::string& metric, bool smaller_is_better);

/// The whole page.
std::string report_html(const report_page& page);

/// Where the page goes by default: RESULTS.jsonl -> RESULTS.html (other names get .html added).
std::filesystem::path default_report_path(const std::filesystem::path& results_file);

}  // namespace gridctl
