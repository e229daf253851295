// What capacity is worth beyond the training runs (docs/market.md): a demand for GPU-hours over
// the horizon, valued at a price or a market index, and owned capacity no demand needs sublet at
// an index less a fee. Pure functions; times are seconds since the scenario start.
#pragma once
#include <cstddef>
#include <vector>

namespace bvr {

// From t_s on, the organisation wants `gpus` GPUs for work other than the training runs.
struct DemandStep {
  double t_s = 0;
  int gpus = 0;
};

// The GPU-hour demand beyond the runs: served by an option's capacity the runs no longer need,
// each GPU-hour worth `value_usd_per_gpu_s`, or the value of a market path when `value_path` >= 0
// (what renting it would cost).
struct GpuHourDemand {
  std::vector<DemandStep> steps;  // sorted by time; none before the first
  double value_usd_per_gpu_s = 0;
  int value_path = -1;            // index into Scenario::market, or -1
};

// GPUs wanted at t: the last step at or before t, 0 before the first.
int demand_gpus_at(const GpuHourDemand& demand, double t_s);

// Renting idle owned GPUs out: at the index less a fee (the broker's or marketplace's, per
// GPU-hour), for the share of hours rented.
struct Sublet {
  std::size_t path = 0;            // index into Scenario::market (a GPU rental path)
  double fee_usd_per_gpu_s = 0;
  double utilization = 0;
  // Who pays the energy of the rented GPU-hours: the owner (the default, as in a bare-metal or
  // marketplace rental priced with power included), or the tenant (passed through at cost).
  bool tenant_pays_energy = false;
};

// IT power of an owned site's GPUs beyond the runs (docs/market.md, "Energy of capacity beyond
// the runs"): those serving the demand run at full power, those offered for sublet at full power
// for the rented share of the hours and idle otherwise:
//   extra W over idle = serving x (full - idle) + sublet x utilization x (full - idle)
double beyond_runs_extra_it_w(double serving_gpus, double sublet_gpus, double utilization, double full_w_per_gpu,
                              double idle_w_per_gpu);

// Income per second of subletting `idle_gpus`:  idle x max(0, index - fee) x utilization.
double sublet_income_usd_per_s(double idle_gpus, double index_usd_per_gpu_s, const Sublet& sublet);

// How an option's idle capacity splits between the demand and subletting, site by site in order:
// the demand takes what it wants from the first sites first; what is left of a site that may
// sublet is sublet.
struct IdleUse {
  std::vector<double> serves_demand;  // GPUs per site
  std::vector<double> sublet;         // GPUs per site
};
IdleUse split_idle(const std::vector<double>& idle_gpus, const std::vector<bool>& may_sublet, double demand_gpus);

}  // namespace bvr
