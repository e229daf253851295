#include "models/power_supply.h"

#include <algorithm>
#include <cmath>

namespace bvr {

double step_level_w(const std::vector<PowerStep>& steps, double t_s) {
  double level = 0;
  for (const auto& step : steps)
    if (step.t_s <= t_s) level = step.power_w;
  return level;
}

double grid_power_w(const PowerSupply& supply, double t_s) { return step_level_w(supply.grid.steps, t_s); }

double turbine_power_w(const PowerSupply& supply, double t_s) {
  double power = 0;
  for (const auto& fleet : supply.turbines)
    if (fleet.t_s <= t_s) power += fleet.units * fleet.unit_power_w * fleet.availability;
  return power;
}

double firm_power_w(const PowerSupply& supply, double t_s) {
  return grid_power_w(supply, t_s) + turbine_power_w(supply, t_s);
}

double battery_power_w(const PowerSupply& supply, double t_s) {
  double power = 0;
  for (const auto& fleet : supply.batteries)
    if (fleet.t_s <= t_s) power += fleet.units * fleet.unit_power_w;
  return power;
}

int swing_limited_gpus(const PowerSupply& supply, double t_s, int gpus, double swing_per_gpu_w) {
  const LoadSwingPolicy& policy = supply.swings;
  if (policy.kind == LoadSwingPolicy::Kind::Ignore || swing_per_gpu_w <= 0) return gpus;
  const double capacity_w = policy.step_limit_w + battery_power_w(supply, t_s);
  const double fitting = std::floor(capacity_w / swing_per_gpu_w * (1 + 1e-12));
  if (fitting >= gpus) return gpus;
  if (policy.kind == LoadSwingPolicy::Kind::Wait) return 0;
  const int replicas = static_cast<int>(fitting) / policy.replica_gpus;
  return replicas * policy.replica_gpus;
}

std::vector<double> supply_change_times(const PowerSupply& supply) {
  std::vector<double> times;
  for (const auto& step : supply.grid.steps) times.push_back(std::max(0.0, step.t_s));
  for (const auto& fleet : supply.turbines) times.push_back(std::max(0.0, fleet.t_s));
  for (const auto& fleet : supply.batteries) times.push_back(std::max(0.0, fleet.t_s));
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  return times;
}

Dispatch dispatch(const PowerSupply& supply, double t_s, double demand_w) {
  Dispatch d;
  d.grid_w = std::min(demand_w, grid_power_w(supply, t_s));
  d.turbine_w = std::min(demand_w - d.grid_w, turbine_power_w(supply, t_s));
  d.unserved_w = demand_w - d.grid_w - d.turbine_w;
  return d;
}

}  // namespace bvr
