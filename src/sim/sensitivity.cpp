#include "sim/sensitivity.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "sim/what_if.h"

namespace bvr {

namespace {

// The verdict options a --set key can change: one option's keys change only that option.
std::vector<std::string> affected_options(const std::string& key, const Analysis& a) {
  const std::string prefix = "options.";
  if (!key.starts_with(prefix)) return {a.lease_option, a.build_option};
  for (const std::string& name : {a.lease_option, a.build_option})
    if (key.starts_with(prefix + name + ".")) return {name};
  return {};  // another option's key (a hybrid): the verdict does not move
}

}  // namespace

Sensitivity run_sensitivity(const Scenario& scenario, const std::vector<ReplicationOutcome>& outcomes, int jobs) {
  const Analysis& a = scenario.analysis;
  Sensitivity result;
  if (a.lease_option.empty() || a.build_option.empty() || a.sensitivity.empty()) return result;
  result.computed = true;
  result.lease_option = a.lease_option;
  result.build_option = a.build_option;
  result.replications = std::min(a.sensitivity_replications, static_cast<int>(outcomes.size()));
  const auto base = option_means(scenario, outcomes, result.replications);
  const auto npv_gap = [&](const std::map<std::string, OptionMeans>& m) {
    return m.at(a.build_option).npv_cost_usd - m.at(a.lease_option).npv_cost_usd;
  };
  const auto time_gap = [&](const std::map<std::string, OptionMeans>& m) {
    return m.at(a.build_option).time_adjusted_cost_usd - m.at(a.lease_option).time_adjusted_cost_usd;
  };
  result.base_npv_gap_usd = npv_gap(base);
  result.base_time_adjusted_gap_usd = time_gap(base);

  for (const SensitivityParameter& p : a.sensitivity) {
    const auto options = affected_options(p.key, a);
    const auto at = [&](const std::string& value) {
      auto means = base;
      if (!options.empty())
        for (const auto& [name, m] : run_what_if(scenario, {{parse_override(p.key + "=" + value)}, options, result.replications}, jobs))
          means[name] = m;
      return means;
    };
    const auto low = at(p.low), high = at(p.high);
    SensitivityRow row{p.key, p.low, p.high, npv_gap(low), npv_gap(high), time_gap(low), time_gap(high), 0, false};
    row.swing_usd = std::fabs(row.npv_gap_high_usd - row.npv_gap_low_usd);
    const bool base_build_wins = result.base_npv_gap_usd < 0;
    row.flips = (row.npv_gap_low_usd < 0) != base_build_wins || (row.npv_gap_high_usd < 0) != base_build_wins;
    result.rows.push_back(row);
  }
  std::stable_sort(result.rows.begin(), result.rows.end(),
                   [](const SensitivityRow& x, const SensitivityRow& y) { return x.swing_usd > y.swing_usd; });
  return result;
}

}  // namespace bvr
