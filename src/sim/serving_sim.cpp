#include "sim/serving_sim.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <tuple>

#include "scenario/load_serving.h"
#include "sim/collective_sim.h"

namespace bvr {

namespace {

// Facility power the site has at `t_s` (0: not described). A host's contracted power is IT load.
double site_power_at_w(const Site& site, double t_s) {
  if (site.lease) return step_level_w(site.lease->site_power, t_s);
  if (site.build) return firm_power_w(site.build->supply, t_s);
  if (site.hosted) return step_level_w(site.hosted->host.contracted_power, t_s) * site.hosted->host.pue;
  return 0;
}

using LayoutKey = std::tuple<int, int, int>;
LayoutKey key(const ServingLayout& l) { return {l.tp, l.ep, l.pp}; }

// The combine all-to-all of `p` (the larger of the two per MoE layer) on the site's fabric,
// against its closed form; nothing when the fabric cannot lay the group out.
std::optional<SimulatedAllToAll> simulate_all_to_all(const ServingWorkload& w, const Site& site,
                                                     const ServingSystem& sys, const ServingPoint& p) {
  if (!site.fabric || p.layout.ep < 2 || !w.model.shape.moe()) return std::nullopt;
  const FabricSpec& fabric = *site.fabric;
  const int ep = p.layout.ep, domain = fabric.nvlink_domain_gpus;
  if (ep > fabric.gpus || (ep % domain != 0 && domain % ep != 0)) return std::nullopt;
  const double tokens_per_rank = p.batch / p.layout.pp / ep;
  const double bytes = tokens_per_rank * w.model.shape.experts_per_token * w.model.shape.hidden * 2.0;
  if (bytes <= 0) return std::nullopt;
  const double closed = collective_time_s(sys.system.network, CommKind::AllToAll, bytes, ep, 1);
  FabricSpec whole = fabric;
  whole.gpus = fabric.gpus / ep * ep;
  const CollectiveResult r = evaluate_collective(whole, CollectiveSpec{CollectiveKind::AllToAll, bytes, ep});
  if (r.time_s <= 0 || closed <= 0) return std::nullopt;
  return SimulatedAllToAll{ep, whole.gpus, bytes, r.time_s, closed, r.time_s / closed};
}

// The best layout at the target; its all-to-all simulated, and again for the next best while
// the simulation changes which layout wins (at most a few rounds).
struct BestLayout {
  std::optional<ServingPoint> best;
  std::map<LayoutKey, SimulatedAllToAll> simulated;
  ServingSystem system_for(const ServingSystem& base, const ServingLayout& l) const {
    ServingSystem s = base;
    if (auto it = simulated.find(key(l)); it != simulated.end()) s.refine.ep = it->second.ratio;
    return s;
  }
};

BestLayout best_layout(const ServingWorkload& w, const Site& site, const ServingSystem& base,
                       const std::vector<ServingLayout>& layouts, bool simulate) {
  BestLayout out;
  std::map<LayoutKey, bool> tried;
  for (int round = 0; round < 4; ++round) {
    std::optional<ServingPoint> best;
    for (const ServingLayout& l : layouts) {
      const auto p = best_layout_at(w, out.system_for(base, l), {l}, w.target_tokens_per_s_per_user);
      if (p && (!best || p->tokens_per_s_per_gpu > best->tokens_per_s_per_gpu)) best = p;
    }
    out.best = best;
    if (!best || !simulate || tried[key(best->layout)]) break;
    tried[key(best->layout)] = true;
    const auto a2a = simulate_all_to_all(w, site, base, *best);
    if (!a2a) break;
    out.simulated[key(best->layout)] = *a2a;
  }
  return out;
}

}  // namespace

std::optional<ServingRate> serving_rate_on_site(const Scenario& sc, const Site& site, bool simulate) {
  if (!sc.workload.serving) return std::nullopt;
  const ServingWorkload& w = *sc.workload.serving;
  if (w.fixed_tokens_per_s_per_gpu > 0) return ServingRate{ServingLayout{}, w.fixed_tokens_per_s_per_gpu, w.fixed_instance_gpus};
  const BestLayout b = best_layout(w, site, serving_system(site), serving_layouts(w, site.system.domain_gpus), simulate);
  if (!b.best || b.best->tokens_per_s_per_gpu <= 0) return std::nullopt;
  return ServingRate{b.best->layout, b.best->tokens_per_s_per_gpu, b.best->layout.gpus() + b.best->prefill_gpus};
}

SiteServing serve_on_site(const Scenario& sc, const Option& option, const Site& site, bool simulate) {
  const ServingWorkload& w = *sc.workload.serving;
  SiteServing out;
  out.option = option.name;
  out.site = site.name;
  out.system = site.system.name;
  out.site_gpus = site.nominal_gpus();
  out.rack_gpus = site.system.rack_gpus > 0 ? site.system.rack_gpus : site.system.domain_gpus;
  out.target_tokens_per_s_per_user = w.target_tokens_per_s_per_user;
  const ServingSystem base = serving_system(site);
  const std::vector<ServingLayout> layouts = serving_layouts(w, site.system.domain_gpus);
  const BestLayout chosen = best_layout(w, site, base, layouts, simulate);
  out.best = chosen.best;
  if (out.best)
    if (auto it = chosen.simulated.find(key(out.best->layout)); it != chosen.simulated.end()) out.all_to_all = it->second;
  auto system_for = [&](const ServingLayout& l) { return chosen.system_for(base, l); };

  std::vector<ServingPoint> points;
  for (const ServingLayout& l : layouts) {
    const auto some = serving_points(w, system_for(l), {l});
    points.insert(points.end(), some.begin(), some.end());
  }
  out.frontier = serving_frontier(points);

  out.gpu_hour = site_gpu_hour_cost(site, sc.discount_rate);
  out.facility_w_per_gpu = site_facility_w_per_gpu(site);
  out.idle_facility_w_per_gpu = site.system.node.idle_power_w / site.system.node.gpus_per_server * site_pue(site);
  if (!out.best) return out;
  const ServingPoint& b = *out.best;
  const double per_gpu = b.tokens_per_s_per_gpu;
  out.cost_per_million_tokens_usd = out.gpu_hour.usd_per_gpu_hour / (per_gpu * 3600) * 1e6;
  out.tokens_per_s_per_mw = per_gpu / out.facility_w_per_gpu * 1e6;
  // Whole instances (a disaggregated one with its share of the prefill pool).
  const double instance_gpus = b.layout.gpus() + b.prefill_gpus;
  // The GPUs the site's power runs at full load, at its level at the horizon: a power-limited
  // site serves fewer tokens (its tokens per MW stay those of a GPU).
  out.powered_gpus = out.site_gpus;
  if (const double power_w = site_power_at_w(site, sc.horizon_s); power_w > 0)
    out.powered_gpus = std::min(out.site_gpus, powerable_gpus(power_w, site.system.node, site_pue(site)));
  const double instances = std::floor(out.powered_gpus / instance_gpus);
  out.capacity_tokens_per_s = instances * instance_gpus * per_gpu;

  out.peak_demand_tokens_per_s = w.peak_demand_tokens_per_s();
  if (out.peak_demand_tokens_per_s > 0) {
    const double needed_instances = std::ceil(out.peak_demand_tokens_per_s / (instance_gpus * per_gpu));
    out.gpus_for_peak = static_cast<long>(std::ceil(needed_instances * instance_gpus));
    out.racks_for_peak = (out.gpus_for_peak + out.rack_gpus - 1) / out.rack_gpus;
    out.facility_mw_for_peak = static_cast<double>(out.gpus_for_peak) * out.facility_w_per_gpu / 1e6;
  }
  double span_s = 0, capacity_tokens = 0;
  for (std::size_t i = 0; i < w.demand.size(); ++i) {
    ServedStep s;
    s.from_s = std::max(0.0, w.demand[i].t_s);
    s.to_s = i + 1 < w.demand.size() ? std::min(w.demand[i + 1].t_s, sc.horizon_s) : sc.horizon_s;
    if (s.to_s <= s.from_s) continue;
    s.demand_tokens_per_s = w.demand[i].output_tokens_per_s;
    s.served_tokens_per_s = std::min(s.demand_tokens_per_s, out.capacity_tokens_per_s);
    s.unmet_tokens_per_s = s.demand_tokens_per_s - s.served_tokens_per_s;
    const double busy = s.served_tokens_per_s / per_gpu;
    s.power_w = busy * out.facility_w_per_gpu + (out.powered_gpus - busy) * out.idle_facility_w_per_gpu;
    const double dt = s.to_s - s.from_s;
    out.tokens_demanded += s.demand_tokens_per_s * dt;
    out.tokens_served += s.served_tokens_per_s * dt;
    out.tokens_unmet += s.unmet_tokens_per_s * dt;
    out.serving_energy_mwh += s.power_w * dt / 3.6e9;
    span_s += dt;
    capacity_tokens += out.capacity_tokens_per_s * dt;
    out.served.push_back(s);
  }
  if (span_s > 0) {
    out.utilization = capacity_tokens > 0 ? out.tokens_served / capacity_tokens : 0;
    // Every GPU of the site is paid for every hour of the demand's span; for systems we own the
    // GPU-hour holds full-load energy, which the idle hours do not draw: credit it back.
    const double full_energy_usd = out.gpu_hour.energy_usd * out.site_gpus * span_s / 3600;
    const double energy_usd = out.gpu_hour.energy_usd > 0
                                  ? out.serving_energy_mwh * 3.6e9 * site_energy_usd_per_j(site)
                                  : 0;
    out.cost_usd = out.gpu_hour.usd_per_gpu_hour * out.site_gpus * span_s / 3600 - full_energy_usd + energy_usd;
    out.cost_per_million_served_usd = out.tokens_served > 0 ? out.cost_usd / out.tokens_served * 1e6 : 0;
  }
  return out;
}

}  // namespace bvr
