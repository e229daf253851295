#include "models/serving_cost.h"

#include <cmath>

namespace bvr {

namespace {
constexpr double seconds_per_hour = 3600;
constexpr double hours_per_year = 8766;  // 365.25 days
}  // namespace

double capital_recovery_per_year(double rate, double years) {
  if (years <= 0) return 0;
  if (rate <= 0) return 1 / years;
  return rate / (1 - std::pow(1 + rate, -years));
}

double site_pue(const Site& site) {
  if (site.lease) return site.lease->pue;
  if (site.build) return site.build->pue;
  if (site.hosted) return site.hosted->host.pue;
  return 1;
}

double site_facility_w_per_gpu(const Site& site) {
  return facility_power_per_gpu_w(site.system.node, site_pue(site));
}

double site_energy_usd_per_j(const Site& site) {
  if (site.build) {
    const PowerSupply& s = site.build->supply;
    if (!s.grid.steps.empty()) return s.grid.price_usd_per_j;
    if (!s.turbines.empty()) return s.turbines.front().fuel_usd_per_j;
    return s.grid.price_usd_per_j;
  }
  if (site.hosted) return site.hosted->host.energy_usd_per_j;
  return 0;
}

GpuHourCost site_gpu_hour_cost(const Site& site, double discount_rate) {
  GpuHourCost c;
  if (site.lease) {
    const LeaseOffer& l = *site.lease;
    const double price = l.pricing == LeasePricing::OnDemand ? l.list_price_usd_per_gpu_s : l.price_usd_per_gpu_s;
    c.usd_per_gpu_hour = price * seconds_per_hour;
    return c;
  }
  const SystemPurchase* systems = site.owned_systems();
  if (!systems) return c;
  // Purchase per GPU: the orders' server prices, weighted by their GPUs.
  double gpus = 0, server_usd = 0;
  for (const GpuOrder& o : systems->orders) {
    gpus += o.gpus;
    server_usd += o.gpus * o.server_price_usd / site.system.node.gpus_per_server;
  }
  if (gpus <= 0) return c;
  const double per_gpu = server_usd / gpus;
  const double network = systems->network_usd_per_gpu > 0 ? systems->network_usd_per_gpu
                                                          : per_gpu * systems->network_capex_fraction;
  const double capex = per_gpu * (1 + systems->spares_share) + network;
  const double years = systems->it_life_s / (hours_per_year * seconds_per_hour);
  c.systems_usd = capex * capital_recovery_per_year(discount_rate, years) / hours_per_year;
  const double it_w = it_power_per_gpu_w(site.system.node);
  double facility_capex = 0;
  if (site.build) {
    const BuildPlan& b = *site.build;
    facility_capex = b.facility_capex_usd_per_w * it_w;
    const double life = b.facility_life_s / (hours_per_year * seconds_per_hour);
    c.facility_usd = facility_capex * capital_recovery_per_year(discount_rate, life) / hours_per_year;
  } else if (site.hosted) {
    c.facility_usd = site.hosted->host.usd_per_w_s * it_w * seconds_per_hour;
  }
  const BuildOpex& o = systems->opex;
  c.opex_usd = (o.maintenance_per_year + o.insurance_property_per_year) * (capex + facility_capex) / hours_per_year +
               (o.staff_usd_per_s + o.network_storage_usd_per_s) * seconds_per_hour / gpus;
  c.energy_usd = site_facility_w_per_gpu(site) * seconds_per_hour * site_energy_usd_per_j(site);
  c.usd_per_gpu_hour = c.systems_usd + c.facility_usd + c.opex_usd + c.energy_usd;
  return c;
}

}  // namespace bvr
