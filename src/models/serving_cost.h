// What an hour of one GPU of a site costs and draws, as serving prices its tokens
// (docs/serving.md, "Cost and power"): a lease's price; for systems we own, the capital
// recovered over their life at the discount rate plus running costs and energy, every GPU busy.
#pragma once
#include "models/options.h"

namespace bvr {

// Capital recovery factor: the annual payment that repays 1 over `years` at `rate`
// (r / (1 - (1 + r)^-n); 1 / n at r = 0).
double capital_recovery_per_year(double rate, double years);

struct GpuHourCost {
  double usd_per_gpu_hour = 0;
  // Parts of an owned GPU-hour (zero for a lease): systems and network, facility (or host fees),
  // maintenance, insurance, staff and WAN, energy.
  double systems_usd = 0, facility_usd = 0, opex_usd = 0, energy_usd = 0;
};

// `discount_rate`: annual (the scenario's). A lease is priced at its committed price (on-demand:
// list price).
GpuHourCost site_gpu_hour_cost(const Site& site, double discount_rate);

// Facility power of one GPU of the site while it works (the server's share at full load x PUE).
double site_facility_w_per_gpu(const Site& site);
double site_pue(const Site& site);

// The energy price the site pays (grid first, else its turbines' fuel; a host's pass-through), 0
// for a lease (in the price).
double site_energy_usd_per_j(const Site& site);

}  // namespace bvr
