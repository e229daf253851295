#include "models/build_tco.h"

#include <algorithm>

#include "models/finance.h"
#include "models/time.h"

namespace bvr {

OpexRates opex_rates(const BuildOpex& opex, double capex_usd, bool site_open) {
  OpexRates r;
  r.maintenance_usd_per_s = opex.maintenance_per_year * capex_usd / seconds_per_year;
  r.insurance_property_usd_per_s = opex.insurance_property_per_year * capex_usd / seconds_per_year;
  if (site_open) {
    r.staff_usd_per_s = opex.staff_usd_per_s;
    r.network_storage_usd_per_s = opex.network_storage_usd_per_s;
  }
  return r;
}

double resale_residual_usd(double cost_usd, double age_s, const std::vector<ResalePoint>& curve) {
  ResalePoint previous{0, 1};
  for (const ResalePoint& point : curve) {
    if (age_s <= point.age_s) {
      if (point.age_s <= previous.age_s) return cost_usd * point.share;
      const double along = std::max(0.0, age_s - previous.age_s) / (point.age_s - previous.age_s);
      return cost_usd * (previous.share + (point.share - previous.share) * along);
    }
    previous = point;
  }
  return cost_usd * previous.share;
}

double rental_residual_usd(int gpus, double age_s, double life_s, const RentalMarket& market, double annual_rate) {
  const double left_s = std::max(0.0, life_s - std::max(0.0, age_s));
  const double income_usd_per_s = gpus * market.price_usd_per_gpu_s * market.utilization;
  // A price falling by d a year discounted at r is a constant price discounted at r' with
  // 1 + r' = (1 + r) / (1 - d).
  const double effective_rate = (1 + annual_rate) / (1 - market.decline_per_year) - 1;
  return present_value_of_flow(income_usd_per_s, 0, left_s, effective_rate);
}

double weighted_average_cost_of_capital(const Financing& f) {
  return f.debt_share * f.debt_rate + (1 - f.debt_share) * f.equity_rate;
}

}  // namespace bvr
