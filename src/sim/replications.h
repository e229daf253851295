// Monte Carlo: N independent replications, each in its own process (one SimGrid engine per
// process), up to `jobs` at a time. Results do not depend on `jobs`.
#pragma once
#include <vector>

#include "scenario/scenario.h"
#include "sim/outcome.h"
#include "sim/progress.h"

namespace bvr {

// Replication 0 keeps its daily series. Throws std::runtime_error when a child fails. `progress`
// (optional) hears of the job speeds' fabric simulations and of each replication collected.
std::vector<ReplicationOutcome> run_replications(const Scenario& scenario, int jobs, Progress* progress = nullptr);

}  // namespace bvr
