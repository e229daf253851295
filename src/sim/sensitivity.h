// The tornado: each parameter of the scenario's `analysis.sensitivity` list set to its low and
// its high value, the verdict gap (second compared option minus first, NPV and time-adjusted) simulated again at
// each end with fewer replications, and the parameters sorted by how far they move it.
#pragma once
#include <vector>

#include "scenario/scenario.h"
#include "sim/outcome.h"
#include "sim/progress.h"
#include "sim/results.h"

namespace bvr {

// The base gap comes from the run's first N replications (N = the analysis' replications): the
// same random streams as every variant, so the bars show the parameter, not noise. A parameter
// of one option re-simulates only that option (and the options with a site like it).
// `progress` (optional) hears of each end of each parameter.
Sensitivity run_sensitivity(const Scenario& scenario, const std::vector<ReplicationOutcome>& outcomes, int jobs,
                            Progress* progress = nullptr);

}  // namespace bvr
