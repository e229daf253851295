#include "models/market.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numbers>
#include <random>

#include "models/time.h"

namespace bvr {

const char* to_string(PriceKind kind) {
  switch (kind) {
    case PriceKind::GpuRental: return "gpu_rental";
    case PriceKind::Hardware: return "hardware";
    case PriceKind::Energy: return "energy";
  }
  return "unknown";
}

const char* display_unit(PriceKind kind) {
  switch (kind) {
    case PriceKind::GpuRental: return "USD/GPU/h";
    case PriceKind::Hardware: return "USD/GPU";
    case PriceKind::Energy: return "USD/MWh";
  }
  return "";
}

double display_factor(PriceKind kind) {
  switch (kind) {
    case PriceKind::GpuRental: return seconds_per_hour;
    case PriceKind::Hardware: return 1;
    case PriceKind::Energy: return joules_per_mwh;
  }
  return 1;
}

double base_price(const PricePath& path, double t_s) {
  const auto& p = path.points;
  double v = 0;
  if (t_s <= p.front().t_s) {
    v = p.front().value;
  } else if (t_s >= p.back().t_s) {
    v = p.back().value * std::pow(1 + path.forward_change_per_year, (t_s - p.back().t_s) / seconds_per_year);
  } else {
    const auto hi = std::upper_bound(p.begin(), p.end(), t_s, [](double t, const PricePoint& q) { return t < q.t_s; });
    const auto lo = hi - 1;
    const double span = hi->t_s - lo->t_s;
    v = span > 0 ? lo->value + (hi->value - lo->value) * (t_s - lo->t_s) / span : hi->value;
  }
  return path.scale * v;
}

double RealizedPath::at(double t_s) const {
  if (t_s <= 0 || grid.empty()) return base_price(*path, t_s);
  const double k = t_s / market_step_s;
  const auto i = static_cast<std::size_t>(std::floor(k));
  if (i + 1 >= grid.size()) return grid.back();
  const double w = k - static_cast<double>(i);
  return grid[i] + (grid[i + 1] - grid[i]) * w;
}

double RealizedPath::stepped(double t_s) const {
  if (t_s < 0 || grid.empty()) return base_price(*path, t_s);
  // A micro-second of slack: a repricing event at k * step must read month k, not k - 1.
  const auto i = static_cast<std::size_t>(std::floor((t_s + 1e-6) / market_step_s));
  return grid[std::min(i, grid.size() - 1)];
}

std::uint64_t market_stream_seed(std::uint64_t replication_seed, std::size_t index) {
  const std::uint64_t stream = (1ull << 32) + index;
  std::uint64_t z = replication_seed + stream * 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

RealizedPath realize_path(const PricePath& path, double horizon_s, std::uint64_t stream_seed) {
  RealizedPath r;
  r.path = &path;
  const auto steps = static_cast<std::size_t>(std::ceil(std::max(0.0, horizon_s) / market_step_s)) + 1;
  r.grid.reserve(steps + 1);
  for (std::size_t k = 0; k <= steps; ++k) r.grid.push_back(base_price(path, static_cast<double>(k) * market_step_s));
  if (!path.uncertainty || path.uncertainty->volatility_per_sqrt_year <= 0) return r;
  const PriceUncertainty& u = *path.uncertainty;
  // Normal draws by Box-Muller from the stream's own uniforms: the same on every platform.
  std::mt19937_64 g(stream_seed);
  auto uniform_open = [&g] { return (static_cast<double>(g() >> 11) + 0.5) * 0x1.0p-53; };
  const double dt = market_step_s / seconds_per_year;  // years
  const double sigma2 = u.volatility_per_sqrt_year * u.volatility_per_sqrt_year;
  const double k = u.half_life_s > 0 ? std::numbers::ln2 / (u.half_life_s / seconds_per_year) : 0;
  const double decay = std::exp(-k * dt);
  const double step_var = k > 0 ? sigma2 * (1 - std::exp(-2 * k * dt)) / (2 * k) : sigma2 * dt;
  double x = 0, var = 0;
  for (std::size_t i = 1; i < r.grid.size(); ++i) {
    const double z = std::sqrt(-2 * std::log(uniform_open())) * std::cos(2 * std::numbers::pi * uniform_open());
    x = x * decay + std::sqrt(step_var) * z;
    var = var * decay * decay + step_var;
    r.grid[i] *= std::exp(x - var / 2);
  }
  return r;
}

std::vector<RealizedPath> realize_market(const std::vector<PricePath>& paths, double horizon_s,
                                         std::uint64_t replication_seed) {
  std::vector<RealizedPath> out;
  out.reserve(paths.size());
  for (std::size_t i = 0; i < paths.size(); ++i)
    out.push_back(realize_path(paths[i], horizon_s, market_stream_seed(replication_seed, i)));
  return out;
}

std::optional<std::string> price_path_problem(const PricePath& path) {
  if (path.points.empty()) return "points: expected at least one dated price";
  for (std::size_t i = 0; i < path.points.size(); ++i) {
    if (!(path.points[i].value >= 0) || !std::isfinite(path.points[i].value))
      return fmt::format("points.{}.price: a price cannot be negative", i);
    if (i > 0 && path.points[i].t_s <= path.points[i - 1].t_s)
      return fmt::format("points.{}.date: dates must increase (this one is not after the one before)", i);
  }
  if (!(path.scale >= 0)) return "scale: cannot be negative";
  if (!(path.forward_change_per_year > -1)) return "forward_change_per_year: must be above -100 %";
  return std::nullopt;
}

}  // namespace bvr
