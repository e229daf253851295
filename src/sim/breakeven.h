// The price, and the analysis horizon, at which the two compared options cost the same (NPV),
// found by simulating again: secant steps over `analysis.breakeven` (by default the list price
// of a compared option's lease), and a scan then bracketed steps over `scenario.horizon`, both
// values that --set can repeat.
#pragma once
#include <vector>

#include "scenario/scenario.h"
#include "sim/outcome.h"
#include "sim/progress.h"
#include "sim/results.h"

namespace bvr {

// `outcomes` is the run of `scenario` (the NPVs and the first secant point). Only the options
// the parameter moves are simulated again. Not found without two options and a parameter, or
// when no value at or above 0.01 equalizes the two.
// `progress` (optional) hears of each what-if simulated, in both searches.
Breakeven find_price_breakeven(const Scenario& scenario, const std::vector<ReplicationOutcome>& outcomes, int jobs,
                               Progress* progress = nullptr);

// The horizon (whole days) at which the two NPVs are equal within 0.1 % (or cross between two
// consecutive days, where the gap moves by more than that in a day), over the run's first N
// replications (N = analysis.sensitivity.replications, as the tornado). NPV is not monotonic in
// the horizon, so the gap is first scanned outward from the scenario's horizon over 180 days to
// 10 years for a sign change; the crossing nearest the scenario's horizon is then refined. Both
// options are simulated again (the horizon moves both). Not found without two options,
// or without a crossing in the range.
Breakeven find_horizon_breakeven(const Scenario& scenario, const std::vector<ReplicationOutcome>& outcomes, int jobs,
                                 Progress* progress = nullptr);

}  // namespace bvr
