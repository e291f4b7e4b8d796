// report_html: SVG and HTML text from the report's model.
#include "report_html.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "number_format.hpp"
#include "results_table.hpp"

namespace gridctl {

std::string xml_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default:
        if ((c < 0x20 && ch != '\n' && ch != '\t') || c == 0x7f) out += "\xEF\xBF\xBD";
        else out += ch;
    }
  }
  return out;
}

namespace {

/// A coordinate: at most 2 decimals, no trailing zeros ("12", "12.5").
std::string num(double x) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", x);
  std::string s = buf;
  s.erase(s.find_last_not_of('0') + 1);
  if (s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

std::string label(const std::string& text, std::size_t chars) { return xml_escape(fit_width(text, chars)); }

/// The first line of a tooltip (the parameters).
std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

const char* const not_ok_fill = "url(#gridctl-not-ok)";
const char* const missing_fill = "url(#gridctl-missing)";

std::string svg_defs() {
  std::string out = "<defs>\n";
  // Grey, hatched: a cell without a value must not read as a colour of the scale.
  out += "<pattern id=\"gridctl-not-ok\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
         "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#bdbdbd\"/>"
         "<rect width=\"2\" height=\"6\" fill=\"#6e6e6e\"/></pattern>\n";
  out += "<pattern id=\"gridctl-missing\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
         "patternTransform=\"rotate(-45)\"><rect width=\"6\" height=\"6\" fill=\"#f2f2f2\"/>"
         "<rect width=\"1\" height=\"6\" fill=\"#b0b0b0\"/></pattern>\n";
  out += "<linearGradient id=\"gridctl-viridis\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">";
  for (int i = 0; i <= 20; ++i)
    out += "<stop offset=\"" + num(i / 20.0) + "\" stop-color=\"" + viridis(i / 20.0).hex() + "\"/>";
  return out + "</linearGradient>\n</defs>\n";
}

std::string heatmap_title(const heatmap_model& m) {
  std::string t = m.metric;
  if (!m.reduced_axes.empty()) {
    t += m.agg == reduction::best ? ", best over " : ", mean over ";
    for (std::size_t i = 0; i < m.reduced_axes.size(); ++i) t += (i ? ", " : "") + m.reduced_axes[i];
  }
  return t + (m.smaller_is_better ? " (smaller is better)" : " (larger is better)");
}

std::string svg_cells(const heatmap_model& m) {
  const heatmap_layout& l = m.layout;
  std::string out = "<g class=\"cells\">\n";
  out.reserve(m.cells.size() * 120);
  for (std::size_t y = 0; y < m.y_values.size(); ++y) {
    for (std::size_t x = 0; x < m.x_values.size(); ++x) {
      const heatmap_cell& c = m.at(x, y);
      const double cx = l.left + static_cast<double>(x) * l.cell_w, cy = l.top + static_cast<double>(y) * l.cell_h;
      std::string fill = c.value ? m.scale.colour(*c.value).hex() : c.kind == cell_kind::not_ok ? not_ok_fill : missing_fill;
      out += "<rect x=\"" + num(cx) + "\" y=\"" + num(cy) + "\" width=\"" + num(l.cell_w) + "\" height=\"" +
             num(l.cell_h) + "\" fill=\"" + fill + "\"><title>" + xml_escape(c.tooltip) + "</title></rect>\n";
      if (c.value && l.values_in_cells) {
        const char* ink = m.scale.colour(*c.value).luminance() > 0.35 ? "#000" : "#fff";
        out += "<text x=\"" + num(cx + l.cell_w / 2) + "\" y=\"" + num(cy + l.cell_h / 2) +
               "\" text-anchor=\"middle\" dominant-baseline=\"central\" font-size=\"11\" fill=\"" + ink +
               "\" pointer-events=\"none\">" + xml_escape(cell_label(*c.value)) + "</text>\n";
      }
    }
  }
  return out + "</g>\n";
}

/// A black frame with a white one inside, visible on any colour; a little outside small cells.
std::string best_marker(double x, double y, double w, double h) {
  double pad = w < 12 || h < 12 ? 2 : 0;
  std::string r = "x=\"" + num(x - pad) + "\" y=\"" + num(y - pad) + "\" width=\"" + num(w + 2 * pad) + "\" height=\"" +
                  num(h + 2 * pad) + "\" fill=\"none\"";
  return "<g class=\"best\" pointer-events=\"none\"><rect " + r + " stroke=\"#000\" stroke-width=\"3\"/><rect " + r +
         " stroke=\"#fff\" stroke-width=\"1\"/></g>\n";
}

std::string svg_labels(const heatmap_model& m) {
  const heatmap_layout& l = m.layout;
  const double map_w = static_cast<double>(m.x_values.size()) * l.cell_w;
  const double map_h = static_cast<double>(m.y_values.size()) * l.cell_h;
  std::string out = "<g class=\"labels\">\n";
  double below = l.top + map_h + 4;
  for (std::size_t i = 0; i < m.x_values.size(); i += l.x_label_every) {
    double cx = l.left + (static_cast<double>(i) + 0.5) * l.cell_w;
    std::string text = label(m.x_values[i], l.label_chars);
    if (l.x_labels_rotated)
      out += "<text transform=\"translate(" + num(cx) + "," + num(below) +
             ") rotate(-90)\" text-anchor=\"end\" dominant-baseline=\"central\">" + text + "</text>\n";
    else
      out += "<text x=\"" + num(cx) + "\" y=\"" + num(below + 12) + "\" text-anchor=\"middle\">" + text + "</text>\n";
  }
  std::size_t x_chars = 0;
  for (const auto& v : m.x_values) x_chars = std::max(x_chars, std::min(display_width(v), l.label_chars));
  double name_y = below + (l.x_labels_rotated ? 7.0 * static_cast<double>(x_chars) + 10 : 20) + 14;
  out += "<text x=\"" + num(l.left + map_w / 2) + "\" y=\"" + num(name_y) +
         "\" text-anchor=\"middle\" font-weight=\"bold\">" + xml_escape(m.x_axis) + "</text>\n";
  if (!m.y_axis.empty()) {
    for (std::size_t j = 0; j < m.y_values.size(); j += l.y_label_every)
      out += "<text x=\"" + num(l.left - 6) + "\" y=\"" + num(l.top + (static_cast<double>(j) + 0.5) * l.cell_h) +
             "\" text-anchor=\"end\" dominant-baseline=\"central\">" + label(m.y_values[j], l.label_chars) + "</text>\n";
    out += "<text transform=\"translate(14," + num(l.top + map_h / 2) +
           ") rotate(-90)\" text-anchor=\"middle\" font-weight=\"bold\">" + xml_escape(m.y_axis) + "</text>\n";
  }
  return out + "</g>\n";
}

std::string svg_scale(const heatmap_model& m) {
  if (!m.best_cell) return {};
  const heatmap_layout& l = m.layout;
  const double x = l.left + static_cast<double>(m.x_values.size()) * l.cell_w + 24;
  const double h = std::max(static_cast<double>(m.y_values.size()) * l.cell_h, 160.0);
  std::string out = "<g class=\"scale\">\n<rect x=\"" + num(x) + "\" y=\"" + num(l.top) + "\" width=\"16\" height=\"" +
                    num(h) + "\" fill=\"url(#gridctl-viridis)\" stroke=\"#444\" stroke-width=\"0.5\"/>\n";
  for (double t : m.scale.ticks) {
    double ty = l.top + h * (1 - m.scale.position(t));
    out += "<line x1=\"" + num(x + 16) + "\" x2=\"" + num(x + 20) + "\" y1=\"" + num(ty) + "\" y2=\"" + num(ty) +
           "\" stroke=\"#444\"/><text x=\"" + num(x + 23) + "\" y=\"" + num(ty) + "\" dominant-baseline=\"central\">" +
           xml_escape(format_rounded(t, 6)) + "</text>\n";
  }
  return out + "</g>\n";
}

std::string svg_legend(const heatmap_model& m) {
  const heatmap_layout& l = m.layout;
  double y = l.height - 26;
  std::string out = "<g class=\"legend\">\n";
  double x = 8;
  if (m.best_cell) {
    const heatmap_cell& b = m.cells[*m.best_cell];
    out += best_marker(x + 2, y - 10, 12, 12);
    std::string text = "best: " + format_number(*b.value) + " at " + first_line(b.tooltip);
    out += "<text x=\"" + num(x + 20) + "\" y=\"" + num(y) + "\">" + xml_escape(fit_width(text, 90)) + "</text>\n";
  } else {
    out += "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\">no point has a value of " + xml_escape(m.metric) + "</text>\n";
  }
  y += 18;
  out += "<rect x=\"" + num(x) + "\" y=\"" + num(y - 10) + "\" width=\"12\" height=\"12\" fill=\"" + not_ok_fill +
         "\"/><text x=\"" + num(x + 18) + "\" y=\"" + num(y) + "\">not ok, or no " + xml_escape(m.metric) + "</text>\n";
  out += "<rect x=\"" + num(x + 200) + "\" y=\"" + num(y - 10) + "\" width=\"12\" height=\"12\" fill=\"" +
         missing_fill + "\" stroke=\"#b0b0b0\" stroke-width=\"0.5\"/><text x=\"" + num(x + 218) + "\" y=\"" + num(y) +
         "\">no record yet</text>\n";
  return out + "</g>\n";
}

}  // namespace

std::string heatmap_svg(const heatmap_model& m, bool standalone) {
  const heatmap_layout& l = m.layout;
  std::string out = standalone ? "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" : "";
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"heatmap\" width=\"" + num(l.width) + "\" height=\"" +
         num(l.height) + "\" viewBox=\"0 0 " + num(l.width) + " " + num(l.height) +
         "\" font-family=\"system-ui, -apple-system, 'Segoe UI', sans-serif\" font-size=\"12\" fill=\"#222\">\n";
  out += "<title>" + xml_escape(heatmap_title(m)) + "</title>\n" + svg_defs();
  out += "<rect width=\"100%\" height=\"100%\" fill=\"#fff\"/>\n";
  out += "<text x=\"8\" y=\"18\" font-size=\"14\" font-weight=\"bold\">" + xml_escape(heatmap_title(m)) + "</text>\n";
  out += svg_cells(m);
  if (m.best_cell) {
    std::size_t bx = *m.best_cell % m.x_values.size(), by = *m.best_cell / m.x_values.size();
    out += best_marker(l.left + static_cast<double>(bx) * l.cell_w, l.top + static_cast<double>(by) * l.cell_h,
                       l.cell_w, l.cell_h);
  }
  out += svg_labels(m) + svg_scale(m) + svg_legend(m);
  return out + "</svg>\n";
}

namespace {

constexpr const char* best_ink = "#440154";  // viridis' ends: the two lines apart in grey too
constexpr const char* mean_ink = "#21908c";

/// The polyline segments through the defined values of `ys` (a gap where a value has none),
/// and a dot with a tooltip at each.
std::string series(const std::vector<std::optional<double>>& ys, const std::vector<double>& px,
                   const colour_scale& sy, double top, double h, const char* ink, const char* dash) {
  std::string out, points;
  auto flush = [&] {
    if (!points.empty())
      out += "<polyline fill=\"none\" stroke=\"" + std::string(ink) + "\" stroke-width=\"2\"" + dash +
             " points=\"" + points + "\"/>\n";
    points.clear();
  };
  for (std::size_t i = 0; i < ys.size(); ++i) {
    if (!ys[i]) {
      flush();
      continue;
    }
    points += (points.empty() ? "" : " ") + num(px[i]) + "," + num(top + h * (1 - sy.position(*ys[i])));
  }
  flush();
  return out;
}

}  // namespace

std::string profile_svg(const axis_profile& p, const std::string& metric, bool smaller_is_better) {
  const double width = 380, height = 230, left = 64, right = 12, top = 30, h = 130;
  const double w = width - left - right;
  std::optional<double> lo, hi;
  for (const auto* ys : {&p.best, &p.mean})
    for (const auto& v : *ys)
      if (v) {
        lo = std::min(lo.value_or(*v), *v);
        hi = std::max(hi.value_or(*v), *v);
      }
  std::string out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"profile\" width=\"" + num(width) +
                    "\" height=\"" + num(height) + "\" viewBox=\"0 0 " + num(width) + " " + num(height) +
                    "\" font-family=\"system-ui, -apple-system, 'Segoe UI', sans-serif\" font-size=\"11\" fill=\"#222\">\n";
  out += "<text x=\"8\" y=\"16\" font-size=\"13\" font-weight=\"bold\">" + xml_escape(metric + " by " + p.axis) + "</text>\n";
  out += "<rect x=\"" + num(left) + "\" y=\"" + num(top) + "\" width=\"" + num(w) + "\" height=\"" + num(h) +
         "\" fill=\"#fafafa\" stroke=\"#ccc\"/>\n";
  if (!lo) return out + "<text x=\"" + num(left + 8) + "\" y=\"" + num(top + h / 2) + "\">no ok point has " +
                  xml_escape(metric) + "</text>\n</svg>\n";
  colour_scale sy = make_colour_scale(*lo, *hi, 4);
  for (double t : sy.ticks) {
    double ty = top + h * (1 - sy.position(t));
    out += "<line x1=\"" + num(left) + "\" x2=\"" + num(left + w) + "\" y1=\"" + num(ty) + "\" y2=\"" + num(ty) +
           "\" stroke=\"#e4e4e4\"/><text x=\"" + num(left - 4) + "\" y=\"" + num(ty) +
           "\" text-anchor=\"end\" dominant-baseline=\"central\">" + xml_escape(format_rounded(t, 6)) + "</text>\n";
  }
  const std::size_t n = p.values.size();
  const double step = w / static_cast<double>(std::max<std::size_t>(n, 1));
  std::size_t chars = 1;
  for (const auto& v : p.values) chars = std::max(chars, std::min<std::size_t>(display_width(v), 10));
  const auto label_every = static_cast<std::size_t>(std::max(1.0, std::ceil((6.5 * static_cast<double>(chars) + 8) / step)));
  std::vector<double> px;
  for (std::size_t i = 0; i < n; ++i) px.push_back(left + (static_cast<double>(i) + 0.5) * step);
  for (std::size_t i = 0; i < n; i += label_every)
    out += "<text x=\"" + num(px[i]) + "\" y=\"" + num(top + h + 14) + "\" text-anchor=\"middle\">" +
           xml_escape(fit_width(p.values[i], chars)) + "</text>\n";
  out += "<text x=\"" + num(left + w / 2) + "\" y=\"" + num(top + h + 32) + "\" text-anchor=\"middle\" font-weight=\"bold\">" +
         xml_escape(p.axis) + "</text>\n";
  out += series(p.mean, px, sy, top, h, mean_ink, " stroke-dasharray=\"5 3\"");
  out += series(p.best, px, sy, top, h, best_ink, "");
  for (std::size_t i = 0; i < n; ++i) {
    if (!p.best[i]) continue;
    std::string tip = p.axis + "=" + p.values[i] + "\nbest " + format_number(*p.best[i]) + ", mean " +
                      format_rounded(*p.mean[i], 6) + " (" + std::to_string(p.used[i]) +
                      (p.used[i] == 1 ? " point)" : " points)");
    for (const auto& [v, ink] : {std::pair{*p.mean[i], mean_ink}, std::pair{*p.best[i], best_ink}})
      out += "<circle cx=\"" + num(px[i]) + "\" cy=\"" + num(top + h * (1 - sy.position(v))) + "\" r=\"3\" fill=\"" +
             ink + "\"><title>" + xml_escape(tip) + "</title></circle>\n";
  }
  const double ly = height - 12;
  out += "<line x1=\"" + num(left) + "\" x2=\"" + num(left + 18) + "\" y1=\"" + num(ly - 4) + "\" y2=\"" + num(ly - 4) +
         "\" stroke=\"" + best_ink + "\" stroke-width=\"2\"/><text x=\"" + num(left + 22) + "\" y=\"" + num(ly) + "\">best (" +
         (smaller_is_better ? "min" : "max") + ")</text>\n";
  out += "<line x1=\"" + num(left + 110) + "\" x2=\"" + num(left + 128) + "\" y1=\"" + num(ly - 4) + "\" y2=\"" +
         num(ly - 4) + "\" stroke=\"" + mean_ink + "\" stroke-width=\"2\" stroke-dasharray=\"5 3\"/><text x=\"" +
         num(left + 132) + "\" y=\"" + num(ly) + "\">mean</text>\n";
  return out + "</svg>\n";
}

namespace {

constexpr const char* page_style =
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:1.5em;color:#222;background:#fff}"
    "h1{font-size:1.4em;margin:0 0 .6em}h2{font-size:1.1em;margin:1.4em 0 .5em}"
    "table.meta td{padding:.1em .8em .1em 0;vertical-align:top}table.meta td:first-child{color:#666}"
    "code,pre{font-family:ui-monospace,'DejaVu Sans Mono',monospace;font-size:.9em}"
    "pre{background:#f6f6f6;padding:.8em;overflow-x:auto}.profiles{display:flex;flex-wrap:wrap;gap:1em}"
    "ul.notes{color:#8a5a00}svg{max-width:100%;height:auto}";

std::string counts_text(const report_page& page) {
  std::string out = std::to_string(page.points) + (page.points == 1 ? " point" : " points");
  std::string parts;
  for (const auto& [status, n] : page.counts) parts += (parts.empty() ? "" : ", ") + std::to_string(n) + " " + status;
  if (!parts.empty()) out += ": " + parts;
  return out + "; " + std::to_string(page.records) + (page.records == 1 ? " attempt" : " attempts") + " recorded";
}

std::string meta_table(const report_page& page) {
  auto row = [](const char* name, const std::string& html) {
    return std::string("<tr><td>") + name + "</td><td>" + html + "</td></tr>\n";
  };
  return "<table class=\"meta\">\n" + row("command", "<code>" + xml_escape(page.command) + "</code>") +
         row("started", xml_escape(page.created)) + row("results", "<code>" + xml_escape(page.results_file) + "</code>") +
         row("points", xml_escape(counts_text(page))) + "</table>\n";
}

}  // namespace

std::string report_html(const report_page& page) {
  const heatmap_model& m = page.heatmap;
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" +
                    xml_escape("gridctl report: " + page.sweep + " — " + m.metric) + "</title>\n<style>" + page_style +
                    "</style>\n</head>\n<body>\n";
  out += "<h1>" + xml_escape("gridctl report: " + page.sweep) + "</h1>\n" + meta_table(page);
  if (!page.notes.empty()) {
    out += "<ul class=\"notes\">\n";
    for (const auto& n : page.notes) out += "<li>" + xml_escape(n) + "</li>\n";
    out += "</ul>\n";
  }
  out += "<h2>" + xml_escape(m.metric + " over " + m.x_axis + (m.y_axis.empty() ? "" : " and " + m.y_axis)) + "</h2>\n";
  out += heatmap_svg(m, false);
  out += "<h2>" + xml_escape(m.metric + " by axis") + "</h2>\n<div class=\"profiles\">\n";
  for (const auto& p : page.profiles) out += profile_svg(p, m.metric, m.smaller_is_better);
  out += "</div>\n<h2>Failures</h2>\n<pre class=\"failures\">" + xml_escape(page.failures) + "</pre>\n";
  return out + "</body>\n</html>\n";
}

std::filesystem::path default_report_path(const std::filesystem::path& results_file) {
  std::filesystem::path p = results_file;
  if (p.extension() == ".jsonl") return p.replace_extension(".html");
  return p += ".html";
}

}  // namespace gridctl
