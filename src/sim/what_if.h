// The scenario run again from its file with more --set overrides, simulating only some options:
// what the breakeven search and the sensitivity tornado are made of. Options never interact in
// a campaign, so an option simulated alone gets exactly what it gets in the full run.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "scenario/scenario.h"
#include "sim/outcome.h"

namespace bvr {

struct WhatIf {
  std::vector<Override> overrides;   // after the scenario's own
  std::vector<std::string> options;  // the options to simulate
  int replications = 0;              // 0: the scenario's
};

// The money means the comparison is made of, over replications.
struct OptionMeans {
  double npv_cost_usd = 0;
  double time_adjusted_cost_usd = 0;
};

// Means of each option over its first `replications` replications (all when 0).
std::map<std::string, OptionMeans> option_means(const Scenario& scenario,
                                                const std::vector<ReplicationOutcome>& outcomes, int replications = 0);

// The options among `among` that a --set of `key` can change: every one for a key outside
// `options`; for `options.<name>...`, that option and those with a site `like` it.
std::vector<std::string> options_moved_by(const std::string& key, const Scenario& scenario,
                                          const std::vector<std::string>& among);

// Reloads `base.file` with the extra overrides (errors are InputError) and simulates.
std::map<std::string, OptionMeans> run_what_if(const Scenario& base, const WhatIf& what_if, int jobs);

}  // namespace bvr
