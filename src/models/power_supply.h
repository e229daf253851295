// A site's power sources over time (the supply side of issue 5, in its first, simple form):
// grid connection steps, on-site turbines, and batteries. Firm power = grid + available turbine
// output; batteries cover short load swings and add no sustained power.
#pragma once
#include <vector>

namespace bvr {

struct PowerStep {
  double t_s = 0;      // from this time on (seconds since scenario start; <= 0 = from the start)
  double power_w = 0;  // the level, not an increment
};

struct GridConnection {
  std::vector<PowerStep> steps;  // sorted by time
  double price_usd_per_j = 0;
};

struct TurbineFleet {
  double t_s = 0;  // online from
  int units = 0;
  double unit_power_w = 0;
  double availability = 1;  // share of nameplate available on average
  double fuel_usd_per_j = 0;
  double capex_usd_per_w = 0;
};

struct BatteryFleet {
  double t_s = 0;
  int units = 0;
  double unit_power_w = 0;
  double unit_energy_j = 0;
  double unit_price_usd = 0;  // purchase and installation
};

struct PowerSupply {
  GridConnection grid;
  std::vector<TurbineFleet> turbines;
  std::vector<BatteryFleet> batteries;
};

// The level of a step function at time t (0 before the first step).
double step_level_w(const std::vector<PowerStep>& steps, double t_s);

double grid_power_w(const PowerSupply& supply, double t_s);
double turbine_power_w(const PowerSupply& supply, double t_s);
double firm_power_w(const PowerSupply& supply, double t_s);

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
