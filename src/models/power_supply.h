// A site's power sources over time (the supply side of issue 5, in its first, simple form):
// grid connection steps, on-site turbines, and batteries. Firm power = grid + available turbine
// output; batteries cover short load swings and add no sustained power.
#pragma once
#include <vector>

namespace bvr {

struct PowerStep {
  double t_s = 0;      // from this time on (seconds since scenario start; <= 0 = from the start)
  double power_w = 0;  // the level, not an increment
  double capex_usd = 0;  // what we pay for this step of our grid connection (a substation), then
};

struct GridConnection {
  std::vector<PowerStep> steps;  // sorted by time
  double price_usd_per_j = 0;
  int price_path = -1;  // an energy market path the price follows instead (docs/market.md), or -1
};

struct TurbineFleet {
  double t_s = 0;  // online from
  int units = 0;
  double unit_power_w = 0;
  double availability = 1;  // share of nameplate available on average
  double fuel_usd_per_j = 0;
  double capex_usd_per_w = 0;
  int fuel_path = -1;  // an energy market path the fuel cost follows instead, or -1
};

struct BatteryFleet {
  double t_s = 0;
  int units = 0;
  double unit_power_w = 0;
  double unit_energy_j = 0;
  double unit_price_usd = 0;  // purchase and installation
};

// Synchronous training moves site power by tens of MW within seconds (every GPU pauses together
// at checkpoints and step boundaries). Grid and turbines tolerate a step of `step_limit_w`;
// batteries cover more, up to their power. Beyond that the cluster is capped by the policy.
struct LoadSwingPolicy {
  enum class Kind { Ignore, FewerReplicas, Wait };
  Kind kind = Kind::Ignore;
  double step_limit_w = 0;
  int replica_gpus = 1;  // data-parallel replica size: the unit in which a job can shrink
};

struct PowerSupply {
  GridConnection grid;
  std::vector<TurbineFleet> turbines;
  std::vector<BatteryFleet> batteries;
  LoadSwingPolicy swings;
};

// The level of a step function at time t (0 before the first step).
double step_level_w(const std::vector<PowerStep>& steps, double t_s);

double grid_power_w(const PowerSupply& supply, double t_s);
double turbine_power_w(const PowerSupply& supply, double t_s);
double firm_power_w(const PowerSupply& supply, double t_s);

double battery_power_w(const PowerSupply& supply, double t_s);

// GPUs the site may train on when `gpus` are otherwise available and each GPU swings
// `swing_per_gpu_w` (facility watts between training and pause): FewerReplicas drops whole
// replicas until the swing fits, Wait allows none until all fit, Ignore does not look.
int swing_limited_gpus(const PowerSupply& supply, double t_s, int gpus, double swing_per_gpu_w);

// Every time at which firm power changes, sorted, unique, clamped to >= 0.
std::vector<double> supply_change_times(const PowerSupply& supply);

// How a demand is met: grid first (it is cheaper per MWh than turbine fuel in every default),
// then turbines; the rest is unserved.
struct Dispatch {
  double grid_w = 0;
  double turbine_w = 0;
  double unserved_w = 0;
};
Dispatch dispatch(const PowerSupply& supply, double t_s, double demand_w);

}  // namespace bvr
