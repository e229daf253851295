// Serving on a site (docs/serving.md): the frontier of output tokens per GPU against tokens per
// user on the site's system, the best layout at the scenario's interactivity target with its
// expert all-to-all simulated on the site's fabric (sim/collective_sim.h, as the training
// collectives are), the cost per million tokens from the site's GPU-hour, tokens per MW of
// facility power, and what the dated demand needs of it.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "models/serving.h"
#include "models/serving_cost.h"
#include "scenario/scenario.h"

namespace bvr {

// The expert all-to-all of the chosen layout as simulated on the site's fabric.
struct SimulatedAllToAll {
  int group_gpus = 0;        // ep
  int fabric_gpus = 0;       // GPUs simulated at once (every group of the fabric active)
  double bytes_per_gpu = 0;  // nccl-tests size of the combine all-to-all at the chosen batch
  double time_s = 0, closed_form_s = 0, ratio = 1;
};

// One demand step as the site at full size serves it.
struct ServedStep {
  double from_s = 0, to_s = 0;
  double demand_tokens_per_s = 0, served_tokens_per_s = 0, unmet_tokens_per_s = 0;
  double power_w = 0;  // facility power: busy GPUs at full load, the rest idle
};

struct SiteServing {
  std::string option, site, system;
  int site_gpus = 0;     // what the site is meant to reach
  int powered_gpus = 0;  // of them, what the site's power at the horizon runs at full load
  int rack_gpus = 0;
  double target_tokens_per_s_per_user = 0;
  std::vector<ServingPoint> frontier;
  std::optional<ServingPoint> best;  // at the target (without one: the most tokens per GPU)
  std::optional<SimulatedAllToAll> all_to_all;
  GpuHourCost gpu_hour;
  double facility_w_per_gpu = 0, idle_facility_w_per_gpu = 0;
  double cost_per_million_tokens_usd = 0;  // every GPU busy at the best point
  double tokens_per_s_per_mw = 0;          // of facility power
  double capacity_tokens_per_s = 0;        // the powered GPUs' whole instances at the best point
  // The demand (none: all zero): at its peak, what it needs; over the horizon, what the site
  // serves of it at full size.
  double peak_demand_tokens_per_s = 0;
  long gpus_for_peak = 0, racks_for_peak = 0;
  double facility_mw_for_peak = 0;
  std::vector<ServedStep> served;
  double tokens_demanded = 0, tokens_served = 0, tokens_unmet = 0;
  double utilization = 0;                         // tokens served / what the site could serve
  double serving_energy_mwh = 0;
  double cost_usd = 0;                            // the site's GPUs for the demand's span, every hour paid
  double cost_per_million_served_usd = 0;
};

// What one GPU of a site serves in the campaign (docs/serving.md, "Serving in the campaign"): the
// best layout at the scenario's interactivity target, as `bvr serve` picks it on the site's system
// and fabric, and the GPUs of one instance (a disaggregated one with its share of the prefill pool).
struct ServingRate {
  ServingLayout layout;
  double tokens_per_s_per_gpu = 0;
  double instance_gpus = 0;
  double instance_tokens_per_s() const { return instance_gpus * tokens_per_s_per_gpu; }
};

// Nothing when no layout reaches the target on the site (the loader has refused such a scenario).
// `simulate` as below; the fabric simulations are cached, so the campaign's replications reuse
// what prepare_job_speeds() ran once (sim/job_speed.h).
std::optional<ServingRate> serving_rate_on_site(const Scenario& sc, const Site& site, bool simulate);

// `simulate`: refine the chosen layout's expert all-to-all on the site's fabric (when it has one).
SiteServing serve_on_site(const Scenario& sc, const Option& option, const Site& site, bool simulate);

}  // namespace bvr
