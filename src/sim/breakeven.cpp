#include "sim/breakeven.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>
#include <string>

#include "models/secant.h"
#include "models/time.h"
#include "sim/what_if.h"

namespace bvr {

namespace {

// The solver works on the value as written in --set, rounded to what the text carries, so that
// repeating the printed assignment repeats the last simulation exactly.
double as_written(double usd_per_gpu_hour) { return std::stod(fmt::format("{:.9g}", usd_per_gpu_hour)); }

// A gap within this share of the build's NPV counts as equal: far inside the 0.5 % the results
// contract promises, and reached in one secant step since NPV is affine in the price.
constexpr double relative_tolerance = 1e-5;
constexpr int max_evaluations = 6;
// The loader wants a positive price; a cent per GPU-hour is as good as free at these scales.
constexpr double lowest_price_usd_per_gpu_hour = 0.01;

// The horizon search: NPV moves by days, not affinely, so a looser stop (still 5 times inside
// the contract's 0.5 %, leaving room for the run's other replications) and more steps.
constexpr double horizon_relative_tolerance = 1e-3;
constexpr int horizon_max_refinements = 12;
// The horizons scanned for a sign change, in days: every half year to 3 years, then yearly to 10.
constexpr std::array<double, 13> horizon_grid_days{180, 365, 548, 730, 913, 1096, 1461, 1826, 2191, 2557, 2922, 3287, 3652};

// A breakeven between the lease and the build the analysis compares (or a note why there is none).
Breakeven between_compared_options(const Scenario& scenario) {
  Breakeven b;
  b.lease_option = scenario.analysis.lease_option;
  b.build_option = scenario.analysis.build_option;
  if (b.lease_option.empty() || b.build_option.empty()) b.note = "the scenario needs a lease and a build option";
  return b;
}

}  // namespace

Breakeven find_lease_price_breakeven(const Scenario& scenario, const std::vector<ReplicationOutcome>& outcomes,
                                     int jobs) {
  Breakeven b = between_compared_options(scenario);
  if (!b.note.empty()) return b;
  b.parameter = fmt::format("options.{}.list_price", b.lease_option);
  b.unit = "USD/GPU/h";
  const Option* lease = nullptr;
  for (const auto& o : scenario.options)
    if (o.name == b.lease_option) lease = &o;
  b.scenario_value = lease->lease->list_price_usd_per_gpu_s * seconds_per_hour;
  b.replications = static_cast<int>(outcomes.size());

  const auto base = option_means(scenario, outcomes);
  b.build_npv_usd = base.at(b.build_option).npv_cost_usd;
  const double tolerance = relative_tolerance * std::fabs(b.build_npv_usd);
  double last_lease_npv = base.at(b.lease_option).npv_cost_usd;
  const auto gap = [&](double price) {
    const WhatIf what_if{{parse_override(fmt::format("{}={:.9g} {}", b.parameter, as_written(price), b.unit))},
                         {b.lease_option},
                         0};
    last_lease_npv = run_what_if(scenario, what_if, jobs).at(b.lease_option).npv_cost_usd;
    return b.build_npv_usd - last_lease_npv;
  };
  const double x0 = b.scenario_value;
  const double f0 = b.build_npv_usd - last_lease_npv;
  // Building cheaper (f0 < 0): the lease breaks even at a lower price; start the search there.
  const double x1 = as_written(x0 * (f0 < 0 ? 0.75 : 1.25));
  const RootSearch root =
      secant_root([&](double x) { return gap(as_written(x)); }, x0, f0, x1, tolerance, max_evaluations,
                  lowest_price_usd_per_gpu_hour);
  b.evaluations = root.evaluations;
  b.lease_npv_usd = last_lease_npv;
  if (!root.found) {
    b.note = root.x <= lowest_price_usd_per_gpu_hour ? "the build costs less than the lease even at a lease price of 0.01 USD/GPU/h"
                         : "no price found where the NPVs meet (the lease NPV does not move with its price)";
    return b;
  }
  b.found = true;
  b.value = as_written(root.x);
  return b;
}

Breakeven find_horizon_breakeven(const Scenario& scenario, const std::vector<ReplicationOutcome>& outcomes, int jobs) {
  Breakeven b = between_compared_options(scenario);
  if (!b.note.empty()) return b;
  b.parameter = "scenario.horizon";
  b.unit = "days";
  b.scenario_value = scenario.horizon_s / seconds_per_day;
  b.replications = std::min(scenario.analysis.sensitivity_replications, static_cast<int>(outcomes.size()));

  struct Npvs {
    double lease = 0, build = 0;
  };
  std::map<double, Npvs> at;  // by horizon in days: each horizon is simulated once
  const auto base = option_means(scenario, outcomes, b.replications);
  at[b.scenario_value] = {base.at(b.lease_option).npv_cost_usd, base.at(b.build_option).npv_cost_usd};
  // Build minus lease, as a share of the larger: the search's tolerance is relative.
  const auto gap = [&](double days) {
    auto it = at.find(days);
    if (it == at.end()) {
      const WhatIf what_if{{parse_override(fmt::format("{}={:.9g} {}", b.parameter, days, b.unit))},
                           {b.lease_option, b.build_option},
                           b.replications};
      const auto means = run_what_if(scenario, what_if, jobs);
      ++b.evaluations;
      it = at.emplace(days, Npvs{means.at(b.lease_option).npv_cost_usd, means.at(b.build_option).npv_cost_usd}).first;
    }
    const Npvs& n = it->second;
    return (n.build - n.lease) / std::max({std::fabs(n.build), std::fabs(n.lease), 1.0});
  };
  const auto meet = [](double g0, double g1) {
    return (g0 < 0) != (g1 < 0) || std::fabs(g0) <= horizon_relative_tolerance ||
           std::fabs(g1) <= horizon_relative_tolerance;
  };

  // Outward from the scenario's horizon, one grid step up then one down, to the first sign change.
  std::vector<double> grid(horizon_grid_days.begin(), horizon_grid_days.end());
  if (std::find(grid.begin(), grid.end(), b.scenario_value) == grid.end()) {
    grid.push_back(b.scenario_value);
    std::sort(grid.begin(), grid.end());
  }
  const auto k = static_cast<std::size_t>(std::find(grid.begin(), grid.end(), b.scenario_value) - grid.begin());
  double lo = 0, hi = 0;
  bool bracketed = false;
  for (std::size_t d = 1; !bracketed && (k + d < grid.size() || d <= k); ++d) {
    if (k + d < grid.size() && meet(gap(grid[k + d - 1]), gap(grid[k + d]))) {
      lo = grid[k + d - 1];
      hi = grid[k + d];
      bracketed = true;
    } else if (d <= k && meet(gap(grid[k - d]), gap(grid[k - d + 1]))) {
      lo = grid[k - d];
      hi = grid[k - d + 1];
      bracketed = true;
    }
  }
  if (!bracketed) {
    b.note = fmt::format("the {} costs less than the {} at every horizon from {:.0f} to {:.0f} days",
                         gap(b.scenario_value) < 0 ? "build" : "lease", gap(b.scenario_value) < 0 ? "lease" : "build",
                         grid.front(), grid.back());
    return b;
  }
  b.build_cheaper_above = gap(hi) < gap(lo);
  const RootSearch root =
      bracketed_root(gap, lo, gap(lo), hi, gap(hi), horizon_relative_tolerance, horizon_max_refinements, 1.0);
  b.lease_npv_usd = at.at(root.x).lease;
  b.build_npv_usd = at.at(root.x).build;
  if (!root.found) {
    b.note = fmt::format("the NPVs cross between {:.9g} and {:.9g} days but do not meet within {:.1f} % there",
                         lo, hi, horizon_relative_tolerance * 100);
    return b;
  }
  b.found = true;
  b.value = root.x;
  return b;
}

}  // namespace bvr
