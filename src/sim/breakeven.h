// The lease price, and the analysis horizon, at which renting and building cost the same (NPV),
// found by simulating again: secant steps over `options.<lease>.list_price`, and a scan then
// bracketed steps over `scenario.horizon`, both values that --set can repeat.
#pragma once
#include <vector>

#include "scenario/scenario.h"
#include "sim/outcome.h"
#include "sim/results.h"

namespace bvr {

// `outcomes` is the run of `scenario` (its build NPV and the first secant point). Only the lease
// option is simulated again. Not found when the scenario lacks a lease or a build, or no price
// at or above zero equalizes the two.
Breakeven find_lease_price_breakeven(const Scenario& scenario, const std::vector<ReplicationOutcome>& outcomes,
                                     int jobs);

// The horizon (whole days) at which the two NPVs are equal within 0.1 %, over the run's first N
// replications (N = analysis.sensitivity.replications, as the tornado). NPV is not monotonic in
// the horizon, so the gap is first scanned outward from the scenario's horizon over 180 days to
// 10 years for a sign change; the crossing nearest the scenario's horizon is then refined. Both
// options are simulated again (the horizon moves both). Not found without a lease and a build,
// or without a crossing in the range.
Breakeven find_horizon_breakeven(const Scenario& scenario, const std::vector<ReplicationOutcome>& outcomes, int jobs);

}  // namespace bvr
