#include "sim/analysis.h"

#include "sim/breakeven.h"
#include "sim/sensitivity.h"

namespace bvr {

void add_analysis(const Scenario& scenario, const std::vector<ReplicationOutcome>& outcomes, int jobs, Results& results,
                  Progress* progress) {
  results.comparison.breakeven = find_price_breakeven(scenario, outcomes, jobs, progress);
  results.comparison.breakeven_horizon = find_horizon_breakeven(scenario, outcomes, jobs, progress);
  results.sensitivity = run_sensitivity(scenario, outcomes, jobs, progress);
}

}  // namespace bvr
