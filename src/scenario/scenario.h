// A loaded, validated scenario: plain structs with every unit resolved (see units.h).
#pragma once
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/build_tco.h"
#include "models/capacity_value.h"
#include "models/market.h"
#include "models/options.h"
#include "models/reliability.h"
#include "models/workload.h"
#include "scenario/input_warning.h"
#include "scenario/overrides.h"

namespace bvr {

// One parameter of the sensitivity tornado: a --set key path and its low and high values as
// YAML text with units ("8 USD/GPU/h").
struct SensitivityParameter {
  std::string key;
  std::string low, high;
};

// What `bvr run` computes beyond the simulation (docs/finance.md): which two options the
// breakevens and the tornado compare (the gap is the second's cost minus the first's), the
// parameter of the price breakeven, and the tornado's parameters.
struct Analysis {
  std::string first_option, second_option;  // empty when the scenario has fewer than two options
  // A --set key path whose value has a unit ("options.lease-oracle.list_price"): the breakeven
  // solves for it. Empty: no price breakeven (the scenario's options rent nothing).
  std::string breakeven_parameter;
  double breakeven_scenario_value = 0;  // its value in the scenario as loaded, in `breakeven_unit`
  std::string breakeven_unit;           // as written in --set: "<parameter>=<value> <unit>"
  // The lowest value the breakeven searches down to, in `breakeven_unit`: a cent for a price (the
  // loader wants it positive); just inside the loader's own bound for a signed parameter such as
  // a path's forward_change_per_year (-94.9 %), so a falling path's slope can be solved for.
  double breakeven_lowest_value = 0.01;
  bool breakeven_signed = false;        // the parameter may be negative
  int sensitivity_replications = 2;
  std::vector<SensitivityParameter> sensitivity;
};

struct Scenario {
  std::string name;
  std::string file;                 // where it was loaded from
  std::int64_t start_day = 0;       // days since 1970-01-01; simulated time 0
  double horizon_s = 0;             // costs are counted over [0, horizon]
  std::uint64_t seed = 0;
  int replications = 1;
  double discount_rate = 0;         // annual: the scenario's, or the WACC of its financing
  std::optional<Financing> financing;
  double value_of_time_usd_per_day = 0;

  // Market price paths (docs/market.md), by name in file order: what index-linked contracts,
  // sublets, resale and energy prices refer to (by index). Empty: prices as written.
  std::vector<PricePath> market;
  // Demand for GPU-hours beyond the training runs, valued at a price or an index.
  std::optional<GpuHourDemand> demand;
  // Whether the scenario values capacity beyond the runs (a demand, or a site that sublets):
  // results.json then has net_npv_cost_usd and the comparison ranks by it.
  bool has_credits_beyond_runs() const {
    if (demand) return true;
    for (const Option& o : options)
      for (const Site& site : o.sites)
        if (site.sublet) return true;
    return false;
  }

  Workload workload;
  // Whether the campaign serves a dated demand (workload.serving.demand): results.json then has
  // the serving metrics and series columns (docs/serving.md, "Serving in the campaign").
  bool serves() const { return workload.serving && !workload.serving->demand.empty(); }
  // Restarts, maintenance, spares and checkpoints for every site; its failure classes are the
  // default of sites whose own list is not given (each Site holds the classes it runs with).
  ReliabilityPolicy reliability;
  std::vector<Option> options;
  Analysis analysis;
  std::vector<Override> overrides;  // applied to the file, in order: a what-if reloads with more
  std::vector<InputWarning> warnings;  // what loads but looks wrong (scenario/input_warning.h)
};

// Every failure class name of the scenario's sites, in order of first appearance: the
// interruptions_<class> metrics, the same list for every option.
inline std::vector<std::string> failure_class_names(const Scenario& s) {
  std::vector<std::string> names;
  for (const Option& option : s.options)
    for (const Site& site : option.sites)
      for (const FailureClass& c : site.failure_classes)
        if (std::find(names.begin(), names.end(), c.name) == names.end()) names.push_back(c.name);
  return names;
}

// Every rung name of the sites' repair ladders, in order of first appearance: the
// repairs_<step> metrics, the same list for every option.
inline std::vector<std::string> repair_step_names(const Scenario& s) {
  std::vector<std::string> names;
  for (const Option& option : s.options)
    for (const Site& site : option.sites)
      for (const RepairStep& step : site.fleet.repairs.ladder)
        if (std::find(names.begin(), names.end(), step.name) == names.end()) names.push_back(step.name);
  return names;
}

}  // namespace bvr
