// A loaded, validated scenario: plain structs with every unit resolved (see units.h).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/build_tco.h"
#include "models/hardware.h"
#include "models/options.h"
#include "models/reliability.h"
#include "models/workload.h"
#include "scenario/overrides.h"

namespace bvr {

// One parameter of the sensitivity tornado: a --set key path and its low and high values as
// YAML text with units ("8 USD/GPU/h").
struct SensitivityParameter {
  std::string key;
  std::string low, high;
};

// What `bvr run` computes beyond the simulation (docs/finance.md): which lease and build the
// breakeven and the tornado compare, and the tornado's parameters.
struct Analysis {
  std::string lease_option, build_option;  // empty when the scenario has no such option
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

  GpuSpec gpu;
  ServerSpec server;
  Workload workload;
  ReliabilityPolicy reliability;
  std::vector<Option> options;
  Analysis analysis;
  std::vector<Override> overrides;  // applied to the file, in order: a what-if reloads with more
};

}  // namespace bvr
