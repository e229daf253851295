// Market price paths (docs/market.md): named indices given as dated points, linear between them,
// flat before the first, changing at a stated rate per year after the last, scaled as a whole;
// optionally a mean-reverting log price around that base drawn per replication from a random
// stream of its own. Pure functions; times are seconds since the scenario start.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace bvr {

// What a path prices (its points' dimension, checked by whatever uses it).
enum class PriceKind {
  GpuRental,  // USD per GPU-second (written USD/GPU/h)
  Hardware,   // USD per GPU (written USD)
  Energy,     // USD per J (written USD/MWh)
};
const char* to_string(PriceKind kind);
// The unit results.json and the reports show values of `kind` in, and the factor from the
// internal unit to it.
const char* display_unit(PriceKind kind);
double display_factor(PriceKind kind);

struct PricePoint {
  double t_s = 0;
  double value = 0;  // internal unit of the path's kind, >= 0
};

// A mean-reverting (Ornstein-Uhlenbeck) log price around the base path:
//   x(t+dt) = x(t) e^(-k dt) + volatility * sqrt((1 - e^(-2 k dt)) / (2 k)) * Z,  k = ln 2 / half_life,
//   value(t) = base(t) * exp(x(t) - Var[x(t)] / 2),   x(0) = 0,
// so the mean over replications is the base path. Without mean reversion (half_life 0), a
// random walk: Var[x(t)] = volatility^2 t.
struct PriceUncertainty {
  double volatility_per_sqrt_year = 0;  // standard deviation of the log price over one year
  double half_life_s = 0;               // of a deviation from the base path; 0: none (random walk)
};

struct PricePath {
  std::string name;
  PriceKind kind = PriceKind::GpuRental;
  std::vector<PricePoint> points;    // sorted by time, at least one
  double scale = 1;                  // multiplies every value (a level the breakeven can solve for)
  double forward_change_per_year = 0;  // after the last point: value * (1 + change)^(years since)
  std::optional<PriceUncertainty> uncertainty;
};

// The base path at t: linear between points, the first point's value before it, the last one
// compounding at forward_change_per_year after it; times `scale`.
double base_price(const PricePath& path, double t_s);

// Markets reprice monthly: a spot bill, an index-linked energy price, a sublet price hold the
// value at the start of the month they are in (the grid k * market_step_s from the start).
inline constexpr double market_step_s = 365.25 * 86400.0 / 12.0;

// One replication's draw of a path: its values on the monthly grid from the start to past the
// horizon. Without uncertainty these are the base path's values.
struct RealizedPath {
  const PricePath* path = nullptr;
  std::vector<double> grid;  // value at k * market_step_s
  // The value at t: linear between grid values (before the start, the base path: history is known).
  double at(double t_s) const;
  // The value in force for monthly repricing: the grid value at the start of t's month.
  double stepped(double t_s) const;
};

// Draws a path for one replication over [0, horizon_s] from its own stream, seeded by
// `stream_seed` (market_stream_seed). Without uncertainty nothing is drawn.
RealizedPath realize_path(const PricePath& path, double horizon_s, std::uint64_t stream_seed);

// The seed of path `index`'s stream in a replication: splitmix64 of the replication seed and a
// stream number of the market's own (2^32 + index), apart from the failure, fleet and straggler
// streams, so drawing prices leaves every failure time where it was.
std::uint64_t market_stream_seed(std::uint64_t replication_seed, std::size_t index);

// Every path of a scenario drawn for one replication, in scenario order.
std::vector<RealizedPath> realize_market(const std::vector<PricePath>& paths, double horizon_s,
                                         std::uint64_t replication_seed);

// Problems the loader reports (nothing when fine): "points.2.date: ..." etc.
std::optional<std::string> price_path_problem(const PricePath& path);

}  // namespace bvr
