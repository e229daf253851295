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
double as_written(double value) { return std::stod(fmt::format("{:.9g}", value)); }

// A gap within this share of the NPV that the parameter does not move counts as equal: far inside the 0.5 % the results
// contract promises, and reached in one secant step since NPV is affine in the price.
constexpr double relative_tolerance = 1e-5;
constexpr int max_evaluations = 6;
// The first step of a signed parameter (a path's slope) from its value, at least this many
// points of its unit (10 % when written in %): a slope of 0 has no scale to step by.
constexpr double signed_first_step_percent = 10;

// The horizon search: NPV moves by days, not affinely, so a looser stop (still 5 times inside
// the contract's 0.5 %, leaving room for the run's other replications) and more steps.
constexpr double horizon_relative_tolerance = 1e-3;
constexpr int horizon_max_refinements = 12;
// The horizons scanned for a sign change, in days: every half year to 3 years, then yearly to 10.
constexpr std::array<double, 13> horizon_grid_days{180, 365, 548, 730, 913, 1096, 1461, 1826, 2191, 2557, 2922, 3287, 3652};

// A breakeven between the two options the analysis compares (or a note why there is none).
Breakeven between_compared_options(const Scenario& scenario) {
  Breakeven b;
  b.first_option = scenario.analysis.first_option;
  b.second_option = scenario.analysis.second_option;
  if (b.first_option.empty() || b.second_option.empty()) b.note = "the scenario needs two options to compare";
  return b;
}

}  // namespace

Breakeven find_price_breakeven(const Scenario& scenario, const std::vector<ReplicationOutcome>& outcomes, int jobs,
                               Progress* progress) {
  Breakeven b = between_compared_options(scenario);
  if (!b.note.empty()) return b;
  const Analysis& a = scenario.analysis;
  if (a.breakeven_parameter.empty()) {
    b.note = "neither compared option rents capacity; name the parameter to solve for with analysis.breakeven";
    return b;
  }
  b.parameter = a.breakeven_parameter;
  b.unit = a.breakeven_unit;
  b.scenario_value = a.breakeven_scenario_value;
  b.replications = static_cast<int>(outcomes.size());
  // Only the options the parameter moves are simulated again; the other keeps its NPV.
  const std::vector<std::string> moved = options_moved_by(b.parameter, scenario, {b.first_option, b.second_option});
  if (moved.empty()) {
    b.note = fmt::format("{} changes neither {} nor {}", b.parameter, b.first_option, b.second_option);
    return b;
  }
  const bool moves_first = std::find(moved.begin(), moved.end(), b.first_option) != moved.end();

  const auto base = option_means(scenario, outcomes);
  b.first_npv_usd = base.at(b.first_option).npv_cost_usd;
  b.second_npv_usd = base.at(b.second_option).npv_cost_usd;
  // Relative to the NPV that stays put (both when the parameter moves both).
  const bool moves_second = std::find(moved.begin(), moved.end(), b.second_option) != moved.end();
  const double fixed_npv = !moves_second ? b.second_npv_usd
                           : !moves_first ? b.first_npv_usd
                                          : std::max(std::fabs(b.first_npv_usd), std::fabs(b.second_npv_usd));
  const double tolerance = relative_tolerance * std::fabs(fixed_npv);
  ProgressPhase phase(progress, "breakeven of " + b.parameter + ", what-ifs", 0);
  const auto gap = [&](double value) {
    const WhatIf what_if{{parse_override(fmt::format("{}={:.9g} {}", b.parameter, as_written(value), b.unit))},
                         moved, 0};
    const auto means = run_what_if(scenario, what_if, jobs);
    phase.step();
    for (const auto& [name, m] : means) (name == b.first_option ? b.first_npv_usd : b.second_npv_usd) = m.npv_cost_usd;
    return b.second_npv_usd - b.first_npv_usd;
  };
  const double x0 = b.scenario_value;
  const double f0 = b.second_npv_usd - b.first_npv_usd;
  // A price of the first option: the second cheaper (f0 < 0) means the first breaks even at a
  // lower value; start the search on that side (the other way round for the second's).
  const bool lower = (f0 < 0) == moves_first;
  // A price is searched over positive values (a quarter of the scenario's value per first step);
  // a signed parameter over its whole range, stepping by at least 10 points of a percent.
  const double lowest_value = a.breakeven_lowest_value;
  double x1 = x0 * (lower ? 0.75 : 1.25);
  if (a.breakeven_signed) {
    const double step = std::max(0.25 * std::fabs(x0), signed_first_step_percent * (b.unit.starts_with('%') ? 1 : 0.01));
    x1 = std::max(lowest_value, x0 + (lower ? -step : step));
  }
  x1 = as_written(x1);
  const RootSearch root =
      secant_root([&](double x) { return gap(as_written(x)); }, x0, f0, x1, tolerance, max_evaluations, lowest_value);
  b.evaluations = root.evaluations;
  if (!root.found) {
    b.note = root.x <= lowest_value
                 ? fmt::format("{} costs less than {} even at {}={} {}", f0 < 0 ? b.second_option : b.first_option,
                               f0 < 0 ? b.first_option : b.second_option, b.parameter, lowest_value, b.unit)
                 : fmt::format("no value of {} found where the NPVs meet (they do not move with it)", b.parameter);
    return b;
  }
  b.found = true;
  b.value = as_written(root.x);
  // The scenario's value lies on one side of the breakeven, where its gap says who is cheaper.
  b.second_cheaper_above = x0 == b.value ? moves_first : (x0 > b.value) == (f0 < 0);
  return b;
}

Breakeven find_horizon_breakeven(const Scenario& scenario, const std::vector<ReplicationOutcome>& outcomes, int jobs,
                                 Progress* progress) {
  Breakeven b = between_compared_options(scenario);
  if (!b.note.empty()) return b;
  b.parameter = "scenario.horizon";
  b.unit = "days";
  b.scenario_value = scenario.horizon_s / seconds_per_day;
  b.replications = std::min(scenario.analysis.sensitivity_replications, static_cast<int>(outcomes.size()));

  struct Npvs {
    double first = 0, second = 0;
  };
  std::map<double, Npvs> at;  // by horizon in days: each horizon is simulated once
  const auto base = option_means(scenario, outcomes, b.replications);
  at[b.scenario_value] = {base.at(b.first_option).npv_cost_usd, base.at(b.second_option).npv_cost_usd};
  ProgressPhase phase(progress, "breakeven of the horizon, what-ifs", 0);
  // Second minus first, as a share of the larger: the search's tolerance is relative.
  const auto gap = [&](double days) {
    auto it = at.find(days);
    if (it == at.end()) {
      const WhatIf what_if{{parse_override(fmt::format("{}={:.9g} {}", b.parameter, days, b.unit))},
                           {b.first_option, b.second_option},
                           b.replications};
      const auto means = run_what_if(scenario, what_if, jobs);
      phase.step();
      ++b.evaluations;
      it = at.emplace(days, Npvs{means.at(b.first_option).npv_cost_usd, means.at(b.second_option).npv_cost_usd}).first;
    }
    const Npvs& n = it->second;
    return (n.second - n.first) / std::max({std::fabs(n.second), std::fabs(n.first), 1.0});
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
    const bool second_cheaper = gap(b.scenario_value) < 0;
    b.note = fmt::format("{} costs less than {} at every horizon from {:.0f} to {:.0f} days",
                         second_cheaper ? b.second_option : b.first_option,
                         second_cheaper ? b.first_option : b.second_option, grid.front(), grid.back());
    return b;
  }
  b.second_cheaper_above = gap(hi) < gap(lo);
  const RootSearch root =
      bracketed_root(gap, lo, gap(lo), hi, gap(hi), horizon_relative_tolerance, horizon_max_refinements, 1.0);
  b.first_npv_usd = at.at(root.x).first;
  b.second_npv_usd = at.at(root.x).second;
  // Whole days cannot meet the tolerance where the gap moves by more than it in a day (with the
  // value of capacity beyond the runs the net gap of the 2024 scenario moves ~0.4 % a day): a sign
  // change between two consecutive days is the crossing, to the day; the day nearer it is the
  // breakeven.
  const bool within_a_day = !root.found && [&] {
    for (const double next : {root.x - 1, root.x + 1})
      if (at.contains(next) && (gap(next) < 0) != (gap(root.x) < 0)) return true;
    return false;
  }();
  if (!root.found && !within_a_day) {
    b.note = fmt::format("the NPVs cross between {:.9g} and {:.9g} days but do not meet within {:.1f} % there",
                         lo, hi, horizon_relative_tolerance * 100);
    return b;
  }
  b.found = true;
  b.value = root.x;
  return b;
}

}  // namespace bvr
