#include "sim/sensitivity.h"

#include <algorithm>
#include <cmath>
#include <string>

#include "sim/what_if.h"

namespace bvr {

Sensitivity run_sensitivity(const Scenario& scenario, const std::vector<ReplicationOutcome>& outcomes, int jobs,
                            Progress* progress) {
  const Analysis& a = scenario.analysis;
  Sensitivity result;
  if (a.first_option.empty() || a.second_option.empty() || a.sensitivity.empty()) return result;
  result.computed = true;
  result.first_option = a.first_option;
  result.second_option = a.second_option;
  result.replications = std::min(a.sensitivity_replications, static_cast<int>(outcomes.size()));
  const auto base = option_means(scenario, outcomes, result.replications);
  const auto npv_gap = [&](const std::map<std::string, OptionMeans>& m) {
    return m.at(a.second_option).npv_cost_usd - m.at(a.first_option).npv_cost_usd;
  };
  const auto time_gap = [&](const std::map<std::string, OptionMeans>& m) {
    return m.at(a.second_option).time_adjusted_cost_usd - m.at(a.first_option).time_adjusted_cost_usd;
  };
  result.base_npv_gap_usd = npv_gap(base);
  result.base_time_adjusted_gap_usd = time_gap(base);

  ProgressPhase phase(progress, "sensitivity tornado, what-ifs", 2 * static_cast<int>(a.sensitivity.size()));
  for (const SensitivityParameter& p : a.sensitivity) {
    // A parameter of one option re-simulates only it (and the options like it).
    const auto options = options_moved_by(p.key, scenario, {a.first_option, a.second_option});
    const auto at = [&](const std::string& value) {
      auto means = base;
      if (!options.empty())
        for (const auto& [name, m] : run_what_if(scenario, {{parse_override(p.key + "=" + value)}, options, result.replications}, jobs))
          means[name] = m;
      phase.step();
      return means;
    };
    const auto low = at(p.low), high = at(p.high);
    SensitivityRow row{p.key, p.low, p.high, npv_gap(low), npv_gap(high), time_gap(low), time_gap(high), 0, false};
    row.swing_usd = std::fabs(row.npv_gap_high_usd - row.npv_gap_low_usd);
    const bool base_second_wins = result.base_npv_gap_usd < 0;
    row.flips = (row.npv_gap_low_usd < 0) != base_second_wins || (row.npv_gap_high_usd < 0) != base_second_wins;
    result.rows.push_back(row);
  }
  std::stable_sort(result.rows.begin(), result.rows.end(),
                   [](const SensitivityRow& x, const SensitivityRow& y) { return x.swing_usd > y.swing_usd; });
  return result;
}

}  // namespace bvr
