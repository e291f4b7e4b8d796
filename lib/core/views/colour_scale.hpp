// colour_scale: numbers to colours for `gridctl report` — viridis (perceptually uniform, readable
// in grey and by most colour-blind readers), computed from its published control points rather
// than shipped as a picture, and the round tick values printed beside the colour bar.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gridctl {

/// An sRGB colour, 8 bits per channel.
struct rgb {
  std::uint8_t r = 0, g = 0, b = 0;
  /// "#rrggbb".
  std::string hex() const;
  /// Relative luminance in [0, 1] (WCAG), to choose dark or light text on top of it.
  double luminance() const;
  bool operator==(const rgb&) const = default;
};

/// Viridis at `t` in [0, 1] (clamped): #440154 at 0, #21908c at 0.5, #fde725 at 1, linear in sRGB
/// between the 11 control points of matplotlib's map (t = 0, 0.1, ..., 1).
rgb viridis(double t);

/// A linear map from [lo, hi] to [0, 1], with the ticks to print on its bar.
struct colour_scale {
  double lo = 0, hi = 0;
  std::vector<double> ticks;  ///< round values in [lo, hi], ascending

  /// Where `value` falls, clamped to [0, 1]; 0.5 when lo == hi (one value: the middle colour).
  double position(double value) const;
  rgb colour(double value) const { return viridis(position(value)); }
};

/// The scale over [lo, hi] with ticks from nice_ticks.
colour_scale make_colour_scale(double lo, double hi, int target = 6);

/// Round values inside [lo, hi]: the multiples of a step of 1, 2 or 5 times a power of ten, the
/// step that makes the number of intervals nearest `target`. lo == hi gives the one tick lo.
std::vector<double> nice_ticks(double lo, double hi, int target);

}  // namespace gridctl
