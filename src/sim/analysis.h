// What `bvr run` adds to the simulated comparison: the lease price and horizon breakevens and the
// sensitivity tornado, all by simulating again (docs/finance.md).
#pragma once
#include <vector>

#include "scenario/scenario.h"
#include "sim/outcome.h"
#include "sim/progress.h"
#include "sim/results.h"

namespace bvr {

// `progress` (optional) hears of each what-if the breakevens and the tornado simulate.
void add_analysis(const Scenario& scenario, const std::vector<ReplicationOutcome>& outcomes, int jobs, Results& results,
                  Progress* progress = nullptr);

}  // namespace bvr
