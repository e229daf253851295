// The daily series (replication 0), the meters brought to the horizon, and the residual value
// of what the option owns credited there.
#include <cmath>
#include <mutex>

#include "models/time.h"
#include "sim/option_sim.h"

namespace sg4 = simgrid::s4u;

namespace bvr {

namespace {

DailyRow sample(OptionSim& s, std::vector<SitePowerDay>* site_series) {
  DailyRow row;
  const double t = sim_now();
  row.day = s.sc.start_day + static_cast<std::int64_t>(std::llround(t / seconds_per_day));
  double power_w = 0, grid_w = 0, turbine_w = 0, supply_w = 0, grid_supply_w = 0, turbine_supply_w = 0;
  double lease_supply_w = 0;
  std::size_t own_sites = 0;
  for (const SiteSim& site : s.sites) own_sites += site.is_lease() ? 0 : 1;
  for (std::size_t k = 0; k < s.sites.size(); ++k) {
    const SiteSim& site = s.sites[k];
    if (site.is_lease()) {
      // A provider's capacity counts as delivered, installed, healthy and powered as it comes.
      const int delivered = s.site_delivered(k), online = s.site_online(k);
      row.gpus_delivered += delivered;
      row.gpus_installed += delivered;
      row.gpus_healthy += online;
      row.gpus_powered += online;
      row.gpus_online += online;
      if (!site.ended) {
        supply_w += site.provider_power_w;
        lease_supply_w += site.provider_power_w;
      }
    } else {
      row.gpus_delivered += site.delivered;
      row.gpus_installed += site.installed;
      row.gpus_healthy += site.healthy();
      row.gpus_powered += site.powered();
      row.gpus_online += s.site_online(k);
      supply_w += site.supply_w;
      if (own_sites > 1 && site_series) site_series->push_back({.power_mw = site.power_w / 1e6, .supply_mw = site.supply_w / 1e6});
      if (site.site.build) {
        grid_supply_w += grid_power_w(site.site.build->supply, t);
        turbine_supply_w += turbine_power_w(site.site.build->supply, t);
      }
    }
    power_w += site.power_w;
    grid_w += site.grid_w;
    turbine_w += site.turbine_w;
  }
  row.facility_power_mw = power_w / 1e6;
  row.grid_mw = grid_w / 1e6;
  row.turbine_mw = turbine_w / 1e6;
  // Supply available to the option: its own sites and, while a lease runs, the provider's cap.
  row.power_supply_mw = supply_w / 1e6;
  row.lease_supply_mw = lease_supply_w / 1e6;
  row.grid_supply_mw = grid_supply_w / 1e6;
  row.turbine_supply_mw = turbine_supply_w / 1e6;
  row.gpus_training = s.job.gpus;
  row.training_progress = s.job.workload_done ? 1.0 : s.progress_flop() / s.sc.workload.total_compute_flop();
  if (s.serves()) {
    row.serving_demand_tokens_per_s = s.serving.demand_tokens_per_s;
    row.serving_served_tokens_per_s = s.served_tokens_per_s();
    row.gpus_serving = s.serving_gpus();
    row.serving_power_mw = s.serving_power_w() / 1e6;
  }
  row.cumulative_cost_usd = s.meters.ledger.nominal_usd();
  // The binding limit of the site the job is on, or of the next once a lease has ended.
  std::size_t k = s.job.site;
  while (k + 1 < s.sites.size() && s.sites[k].is_lease() && s.sites[k].ended) ++k;
  row.binding = s.site_state(k).limit;
  // Energy and its cost since the previous sample: differences of the meters.
  const CashLedger& ledger = s.meters.ledger;
  const double energy_cost_usd = ledger.nominal_usd(CostCategory::Electricity) + ledger.nominal_usd(CostCategory::Fuel);
  row.energy_mwh = (s.meters.energy_j - s.meters.sampled_energy_j) / joules_per_mwh;
  row.energy_cost_usd = energy_cost_usd - s.meters.sampled_energy_cost_usd;
  s.meters.sampled_energy_j = s.meters.energy_j;
  s.meters.sampled_energy_cost_usd = energy_cost_usd;
  return row;
}

// What owned equipment is still worth at the horizon, credited as a negative cost: the systems
// by the site's residual method, a build's facility and power plant straight-line.
void credit_residual_value(OptionSim& s) {
  const double end = s.horizon();
  for (std::size_t k = 0; k < s.sites.size(); ++k) {
    const SiteSim& site = s.sites[k];
    const SystemPurchase* systems = site.site.owned_systems();
    if (!systems) continue;
    double residual = 0;
    for (const auto& p : site.it_purchases) {
      const double age_s = end - p.t_s;
      switch (systems->residual.method) {
        case ResidualMethod::StraightLine: residual += straight_line_residual_usd(p.usd, age_s, systems->it_life_s); break;
        case ResidualMethod::Resale: residual += resale_residual_usd(p.usd, age_s, systems->residual.resale); break;
        case ResidualMethod::Rental:
          residual += rental_residual_usd(p.gpus, age_s, systems->it_life_s, systems->residual.rental, s.sc.discount_rate);
          break;
        case ResidualMethod::Index:  // sold at the horizon at the used-hardware index, per GPU
          residual += p.gpus * s.market[systems->residual.index_path].at(end);
          break;
      }
    }
    if (const BuildPlan* build = site.site.build ? &*site.site.build : nullptr) {
      residual += straight_line_residual_usd(site.ledger.nominal_usd(CostCategory::Facility),
                                            end - std::max(0.0, build->construction_start_s), build->facility_life_s);
      // Power plant ages from the day each fleet came online.
      for (const auto& fleet : build->supply.turbines)
        if (fleet.t_s <= end)
          residual += straight_line_residual_usd(fleet.units * fleet.unit_power_w * fleet.capex_usd_per_w,
                                                end - std::max(0.0, fleet.t_s), build->facility_life_s);
      for (const auto& battery : build->supply.batteries)
        if (battery.t_s <= end)
          residual += straight_line_residual_usd(battery.units * battery.unit_price_usd, end - std::max(0.0, battery.t_s),
                                                build->facility_life_s);
    }
    s.lump(k, end, -residual, CostCategory::ResidualValue);
  }
}

DayCash cumulative_cash(const CashLedger& ledger) {
  DayCash out;
  out.usd = ledger.nominal_by_category();
  for (std::size_t c = 0; c < cost_category_count; ++c) out.usd_days[c] = ledger.usd_seconds_by_category()[c] / seconds_per_day;
  return out;
}

}  // namespace

void daily_meter(OptionSim& s, std::vector<DailyRow>* series, std::vector<SitePowerDay>* site_series) {
  for (std::int64_t day = 0; static_cast<double>(day) * seconds_per_day <= s.horizon(); ++day) {
    sg4::this_actor::sleep_until(static_cast<double>(day) * seconds_per_day);
    std::unique_lock lock(*s.mutex);
    s.advance(sim_now());
    if (day > 0) s.meters.cumulative_by_day.push_back(cumulative_cash(s.meters.ledger));
    if (series) series->push_back(sample(s, site_series));
  }
  sg4::this_actor::sleep_until(s.horizon());
  std::unique_lock lock(*s.mutex);
  s.advance(s.horizon());
  credit_residual_value(s);
  // The last bucket runs to the horizon: a horizon of whole days adds its residual to the last day.
  auto& cumulative = s.meters.cumulative_by_day;
  if (!cumulative.empty() && static_cast<double>(cumulative.size()) * seconds_per_day >= s.horizon())
    cumulative.pop_back();
  cumulative.push_back(cumulative_cash(s.meters.ledger));
}

}  // namespace bvr
