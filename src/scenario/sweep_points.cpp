#include "scenario/sweep_points.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace bvr {

std::vector<std::string> range_values(double from, double to, int steps) {
  std::vector<std::string> out;
  for (int i = 0; i < steps; ++i) {
    const double v = steps == 1 ? from : from + (to - from) * i / (steps - 1);
    out.push_back(fmt::format("{:.12g}", v == 0 ? 0.0 : v));  // no "-0"
  }
  return out;
}

std::size_t grid_point_count(const std::vector<SweepAxis>& axes) {
  std::size_t n = 1;
  for (const auto& axis : axes) n *= axis.values.size();
  return axes.empty() ? 0 : n;
}

double uniform01(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1.0p-53; }

std::uint64_t uniform_below(std::mt19937_64& rng, std::uint64_t n) {
  // Draws above the largest multiple of n would favour small results: draw again.
  const std::uint64_t limit = std::numeric_limits<std::uint64_t>::max() - std::numeric_limits<std::uint64_t>::max() % n;
  while (true) {
    const std::uint64_t x = rng();
    if (x < limit) return x % n;
  }
}

double normal_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

double normal_quantile(double p) {
  // Bisection on the CDF: slower than a rational approximation but needs no table of
  // coefficients, and is exact to the last bit the CDF can tell apart. 40 sd covers any
  // probability a double can hold.
  double lo = -40, hi = 40;
  for (int i = 0; i < 200; ++i) {
    const double mid = 0.5 * (lo + hi);
    if (mid == lo || mid == hi) break;
    (normal_cdf(mid) < p ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

std::string axis_value_at(const SweepAxis& axis, double u) {
  if (axis.discrete()) {
    const auto n = axis.values.size();
    return axis.values[std::min(n - 1, static_cast<std::size_t>(u * static_cast<double>(n)))];
  }
  double x = 0;
  switch (axis.source) {
    case AxisSource::Uniform: x = axis.a + u * (axis.b - axis.a); break;
    case AxisSource::LogUniform: x = std::exp(std::log(axis.a) + u * (std::log(axis.b) - std::log(axis.a))); break;
    case AxisSource::Normal: {
      // Truncation by inversion: u spreads over the CDF's share of [min, max] only.
      const double p_lo = normal_cdf((axis.min - axis.a) / axis.b), p_hi = normal_cdf((axis.max - axis.a) / axis.b);
      x = axis.a + axis.b * normal_quantile(p_lo + u * (p_hi - p_lo));
      x = std::clamp(x, axis.min, axis.max);
      break;
    }
    default: throw std::logic_error("axis_value_at: not a distribution");
  }
  if (axis.integer) return fmt::format("{}", static_cast<long long>(std::llround(x)));
  return fmt::format("{:.6g}", x == 0 ? 0.0 : x);
}

std::vector<SweepPoint> sweep_points(const std::vector<SweepAxis>& axes, SweepMode mode, int points,
                                     std::uint64_t seed) {
  std::vector<SweepPoint> out;
  if (axes.empty()) return out;
  if (mode == SweepMode::Grid) {
    const std::size_t total = grid_point_count(axes);
    for (std::size_t i = 0; i < total; ++i) {
      SweepPoint p{static_cast<int>(i), std::vector<std::string>(axes.size())};
      std::size_t rest = i;  // mixed-radix digits of i, the last axis least significant
      for (std::size_t a = axes.size(); a-- > 0;) {
        p.values[a] = axes[a].values[rest % axes[a].values.size()];
        rest /= axes[a].values.size();
      }
      out.push_back(std::move(p));
    }
    return out;
  }
  std::mt19937_64 rng(seed);
  const auto n = static_cast<std::size_t>(points);
  for (int i = 0; i < points; ++i) out.push_back({i, std::vector<std::string>(axes.size())});
  if (mode == SweepMode::Random) {
    // Draw order: point by point, axis by axis within a point.
    for (auto& p : out)
      for (std::size_t a = 0; a < axes.size(); ++a) p.values[a] = axis_value_at(axes[a], uniform01(rng));
    return out;
  }
  // Latin hypercube: for each axis in turn, a Fisher-Yates shuffle of the strata 0..P-1 (from the
  // last position down), then one draw per point for its place inside its stratum. Every axis
  // then has exactly one point in each of its P equal-probability slices.
  for (std::size_t a = 0; a < axes.size(); ++a) {
    std::vector<std::size_t> stratum(n);
    std::iota(stratum.begin(), stratum.end(), std::size_t{0});
    for (std::size_t k = n; k-- > 1;) std::swap(stratum[k], stratum[uniform_below(rng, k + 1)]);
    for (std::size_t i = 0; i < n; ++i) {
      const double u = (static_cast<double>(stratum[i]) + uniform01(rng)) / static_cast<double>(n);
      out[i].values[a] = axis_value_at(axes[a], u);
    }
  }
  return out;
}

std::string compact_indices(const std::vector<int>& sorted, std::size_t max_runs) {
  std::string out;
  std::size_t runs = 0;
  for (std::size_t i = 0; i < sorted.size();) {
    std::size_t j = i;
    while (j + 1 < sorted.size() && sorted[j + 1] == sorted[j] + 1) ++j;
    if (runs == max_runs) {
      const std::size_t rest = sorted.size() - i;
      return out + fmt::format(", ... and {} more point{}", rest, rest == 1 ? "" : "s");
    }
    out += (out.empty() ? "" : ", ") + (j == i ? std::to_string(sorted[i]) : fmt::format("{}-{}", sorted[i], sorted[j]));
    ++runs;
    i = j + 1;
  }
  return out;
}

}  // namespace bvr
