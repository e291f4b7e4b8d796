// colour_scale: viridis by interpolation, and 1-2-5 ticks.
#include "colour_scale.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>

namespace gridctl {

std::string rgb::hex() const {
  char buf[8];
  std::snprintf(buf, sizeof buf, "#%02x%02x%02x", r, g, b);
  return buf;
}

double rgb::luminance() const {
  auto linear = [](std::uint8_t c) {
    double s = c / 255.0;
    return s <= 0.04045 ? s / 12.92 : std::pow((s + 0.055) / 1.055, 2.4);
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

rgb viridis(double t) {
  // matplotlib's viridis sampled at t = 0, 0.1, ..., 1 (as R's viridisLite::viridis(11) lists them).
  static constexpr std::array<std::array<int, 3>, 11> points{{
      {0x44, 0x01, 0x54}, {0x48, 0x25, 0x76}, {0x41, 0x44, 0x87}, {0x35, 0x60, 0x8d},
      {0x2a, 0x78, 0x8e}, {0x21, 0x90, 0x8c}, {0x22, 0xa8, 0x84}, {0x43, 0xbf, 0x71},
      {0x7a, 0xd1, 0x51}, {0xbb, 0xdf, 0x27}, {0xfd, 0xe7, 0x25},
  }};
  if (!(t > 0)) t = 0;  // also NaN
  if (t > 1) t = 1;
  double scaled = t * 10;
  std::size_t i = std::min<std::size_t>(static_cast<std::size_t>(scaled), 9);
  double f = scaled - static_cast<double>(i);
  auto mix = [&](int c) {
    double v = points[i][c] + f * (points[i + 1][c] - points[i][c]);
    return static_cast<std::uint8_t>(std::lround(v));
  };
  return rgb{mix(0), mix(1), mix(2)};
}

double colour_scale::position(double value) const {
  if (!(hi > lo)) return 0.5;
  return std::clamp((value - lo) / (hi - lo), 0.0, 1.0);
}

std::vector<double> nice_ticks(double lo, double hi, int target) {
  if (!(hi > lo) || target < 1) return {lo};
  double raw = (hi - lo) / target;
  double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;  // of 1, 2, 5 and 10 times it, the one giving the nearest to `target` steps
  for (double m : {2.0, 5.0, 10.0})
    if (std::abs((hi - lo) / (m * magnitude) - target) < std::abs((hi - lo) / step - target)) step = m * magnitude;
  std::vector<double> out;
  // k * step, not a running sum: no accumulated rounding (0.1 + 0.1 + 0.1 != 0.3).
  const double first = std::ceil(lo / step - 1e-9), last = std::floor(hi / step + 1e-9);
  for (double k = first; k <= last; ++k) out.push_back(k * step == 0 ? 0.0 : k * step);
  if (out.empty()) out.push_back(lo);
  return out;
}

colour_scale make_colour_scale(double lo, double hi, int target) {
  colour_scale s;
  s.lo = lo;
  s.hi = hi;
  s.ticks = nice_ticks(lo, hi, target);
  return s;
}

}  // namespace gridctl
