// The serving job of an option (docs/serving.md, "Serving in the campaign"): it follows the
// dated demand step by step, and failures strike the nodes it holds. OptionSim::recompute()
// places the demand in force on the sites' GPUs at every change of capacity, training or
// demand; the meters integrate what is served.
#include <algorithm>
#include <mutex>

#include "models/reliability.h"
#include "sim/option_sim.h"

namespace sg4 = simgrid::s4u;

namespace bvr {

namespace {

// The next failure among the serving nodes from now, and where: every class of every site at
// its rate per node times the site's serving nodes, drawn from serving's own stream. Redrawn
// at every change (exact for exponential classes, as the training job's draws are; an
// approximation for Weibull ones, docs/reliability.md).
struct ServingFailure {
  double t_s = never;
  std::size_t site = 0, failure_class = 0;
};

ServingFailure draw_serving_failure(OptionSim& s) {
  ServingFailure first;
  for (std::size_t k = 0; k < s.sites.size(); ++k) {
    const SiteSim& site = s.sites[k];
    const int nodes = site.serving_gpus / site.node.gpus_per_server;
    if (nodes <= 0) continue;
    const auto& classes = site.site.failure_classes;
    for (std::size_t c = 0; c < classes.size(); ++c) {
      const double u = static_cast<double>(s.serving_rng() >> 11) * 0x1.0p-53;
      const double t = sim_now() + draw_interval_s(nodes * classes[c].rate_per_node_s, classes[c].weibull_shape, u);
      if (t < first.t_s) first = {t, k, c};
    }
  }
  return first;
}

}  // namespace

void serving_job(OptionSim& s) {
  const std::vector<ServingDemandStep>& demand = s.sc.workload.serving->demand;
  std::size_t next = 0;  // the next demand step
  std::unique_lock lock(*s.mutex);
  while (sim_now() < s.horizon()) {
    const double step_s = next < demand.size() ? std::max(0.0, demand[next].t_s) : never;
    const ServingFailure failure = draw_serving_failure(s);
    const double wake = std::min({step_s, failure.t_s, s.horizon()});
    if (wake > sim_now()) {
      // Woken early by a change (capacity, training, repairs): the draw starts again from now.
      if (s.changed->wait_until(lock, wake) == std::cv_status::no_timeout && sim_now() < wake) continue;
    }
    if (sim_now() >= s.horizon()) return;
    if (sim_now() >= step_s) {
      // Under priority `serving` the training job must hear of it (it may have to shrink): notified.
      s.update([&] { s.serving.demand_tokens_per_s = demand[next].output_tokens_per_s; });
      ++next;
    } else if (sim_now() >= failure.t_s) {
      s.record_serving_failure(failure.site, failure.failure_class);
    }
  }
}

}  // namespace bvr
