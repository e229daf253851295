#include "sim/what_if.h"

#include <algorithm>

#include "scenario/load.h"
#include "sim/replications.h"

namespace bvr {

std::map<std::string, OptionMeans> option_means(const Scenario& scenario,
                                                const std::vector<ReplicationOutcome>& outcomes, int replications) {
  const std::size_t n = replications > 0 ? std::min(outcomes.size(), static_cast<std::size_t>(replications)) : outcomes.size();
  std::map<std::string, OptionMeans> means;
  for (std::size_t i = 0; i < scenario.options.size(); ++i) {
    OptionMeans m;
    for (std::size_t r = 0; r < n; ++r) {
      // Net of the credits beyond the runs: the cost the comparison ranks by (the gross without them).
      m.npv_cost_usd += net_npv_cost_usd(outcomes[r].options[i]);
      m.time_adjusted_cost_usd += net_time_adjusted_cost_usd(outcomes[r].options[i]);
    }
    if (n > 0) {
      m.npv_cost_usd /= static_cast<double>(n);
      m.time_adjusted_cost_usd /= static_cast<double>(n);
    }
    means[scenario.options[i].name] = m;
  }
  return means;
}

std::vector<std::string> options_moved_by(const std::string& key, const Scenario& scenario,
                                          const std::vector<std::string>& among) {
  const std::string prefix = "options.";
  if (!key.starts_with(prefix)) return among;
  std::vector<std::string> moved;
  for (const std::string& name : among) {
    for (const Option& o : scenario.options) {
      if (o.name != name) continue;
      const bool own = key.starts_with(prefix + name + ".");
      const bool inherited = std::any_of(o.based_on.begin(), o.based_on.end(),
                                         [&](const std::string& base) { return key.starts_with(prefix + base + "."); });
      if (own || inherited) moved.push_back(name);
    }
  }
  return moved;
}

std::map<std::string, OptionMeans> run_what_if(const Scenario& base, const WhatIf& what_if, int jobs) {
  std::vector<Override> overrides = base.overrides;
  overrides.insert(overrides.end(), what_if.overrides.begin(), what_if.overrides.end());
  Scenario scenario = load_scenario(base.file, overrides, false);
  if (what_if.replications > 0) scenario.replications = what_if.replications;
  std::erase_if(scenario.options, [&](const Option& o) {
    return std::find(what_if.options.begin(), what_if.options.end(), o.name) == what_if.options.end();
  });
  if (scenario.options.empty()) return {};
  return option_means(scenario, run_replications(scenario, jobs));
}

}  // namespace bvr
