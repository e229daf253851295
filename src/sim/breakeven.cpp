#include "sim/breakeven.h"

#include <fmt/format.h>

#include <cmath>
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

}  // namespace

Breakeven find_lease_price_breakeven(const Scenario& scenario, const std::vector<ReplicationOutcome>& outcomes,
                                     int jobs) {
  Breakeven b;
  b.lease_option = scenario.analysis.lease_option;
  b.build_option = scenario.analysis.build_option;
  if (b.lease_option.empty() || b.build_option.empty()) {
    b.note = "the scenario needs a lease and a build option";
    return b;
  }
  b.parameter = fmt::format("options.{}.list_price", b.lease_option);
  b.unit = "USD/GPU/h";
  const Option* lease = nullptr;
  for (const auto& o : scenario.options)
    if (o.name == b.lease_option) lease = &o;
  b.scenario_value = lease->lease->list_price_usd_per_gpu_s * seconds_per_hour;

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

}  // namespace bvr
