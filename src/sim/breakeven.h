// The lease price at which renting and building cost the same (NPV), found by simulating again
// at other prices: secant steps over `options.<lease>.list_price`, which --set can repeat.
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

}  // namespace bvr
