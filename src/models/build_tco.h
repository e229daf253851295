// What owning a cluster costs besides buying it, and what it is worth at the horizon: opex rates,
// the residual value of IT equipment by the scenario's method, and the discount rate from
// financing. Pure functions; equations and sources in docs/finance.md.
#pragma once
#include <vector>

namespace bvr {

// Running costs of our own site. Shares are of the capex paid so far, per year.
struct BuildOpex {
  double maintenance_per_year = 0;
  double insurance_property_per_year = 0;
  double staff_usd_per_s = 0;            // from the construction start
  double network_storage_usd_per_s = 0;  // WAN, storage and their support, from the construction start
};

// Opex per second by kind, with `capex_usd` paid so far; `site_open`: the construction has started.
struct OpexRates {
  double maintenance_usd_per_s = 0, insurance_property_usd_per_s = 0, staff_usd_per_s = 0, network_storage_usd_per_s = 0;
};
OpexRates opex_rates(const BuildOpex& opex, double capex_usd, bool site_open);

enum class ResidualMethod {
  StraightLine,  // book value over the depreciation life
  Resale,        // a used-equipment price curve by age
  Rental,        // what renting the GPUs out for the rest of their life would earn
  Index,         // sold at the horizon at a used-hardware market path's price per GPU (docs/market.md)
};

// Share of the purchase price that used equipment fetches at an age.
struct ResalePoint {
  double age_s = 0;
  double share = 0;
};

// The market the owner could rent its GPUs into after the horizon.
struct RentalMarket {
  double price_usd_per_gpu_s = 0;  // at the horizon, net of the owner's running costs
  double utilization = 0;          // share of the hours rented
  double decline_per_year = 0;     // the market price falls by this share each year
};

struct ResidualPolicy {
  ResidualMethod method = ResidualMethod::StraightLine;
  std::vector<ResalePoint> resale;  // by increasing age; (0, 100 %) is implied before the first point
  RentalMarket rental;
  std::size_t index_path = 0;  // Index: into Scenario::market (a hardware path, USD per GPU)
};

// Resale value: linear between the curve's points, starting from the full price at age 0, and
// the last point's share beyond it.
double resale_residual_usd(double cost_usd, double age_s, const std::vector<ResalePoint>& curve);

// Rental value at the horizon: the present value there of renting `gpus` for the life they have
// left, at a price falling by `decline_per_year`, discounted at `annual_rate`:
//   PV = gpus x price x utilization x (1 - q^L) / ln(1/q) x year,  q = (1 - decline) / (1 + r)
double rental_residual_usd(int gpus, double age_s, double life_s, const RentalMarket& market, double annual_rate);

// How capital is raised. The weighted average cost of capital discounts every option's cash
// flows when a scenario gives financing (interest is in the rate, not added as a flow).
struct Financing {
  double debt_share = 0;
  double debt_rate = 0;    // annual
  double equity_rate = 0;  // annual, the owners' required return
};
double weighted_average_cost_of_capital(const Financing& financing);

}  // namespace bvr
