#include "models/capacity_value.h"

#include <algorithm>

namespace bvr {

int demand_gpus_at(const GpuHourDemand& demand, double t_s) {
  int gpus = 0;
  for (const DemandStep& step : demand.steps) {
    if (step.t_s > t_s) break;
    gpus = step.gpus;
  }
  return gpus;
}

double sublet_income_usd_per_s(double idle_gpus, double index_usd_per_gpu_s, const Sublet& sublet) {
  return std::max(0.0, idle_gpus) * std::max(0.0, index_usd_per_gpu_s - sublet.fee_usd_per_gpu_s) * sublet.utilization;
}

IdleUse split_idle(const std::vector<double>& idle_gpus, const std::vector<bool>& may_sublet, double demand_gpus) {
  IdleUse use{std::vector<double>(idle_gpus.size(), 0.0), std::vector<double>(idle_gpus.size(), 0.0)};
  double left = std::max(0.0, demand_gpus);
  for (std::size_t k = 0; k < idle_gpus.size(); ++k) {
    const double idle = std::max(0.0, idle_gpus[k]);
    use.serves_demand[k] = std::min(idle, left);
    left -= use.serves_demand[k];
    if (k < may_sublet.size() && may_sublet[k]) use.sublet[k] = idle - use.serves_demand[k];
  }
  return use;
}

double beyond_runs_extra_it_w(double serving_gpus, double sublet_gpus, double utilization, double full_w_per_gpu,
                              double idle_w_per_gpu) {
  const double swing_w = std::max(0.0, full_w_per_gpu - idle_w_per_gpu);
  return (std::max(0.0, serving_gpus) + std::max(0.0, sublet_gpus) * utilization) * swing_w;
}

}  // namespace bvr
