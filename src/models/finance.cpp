#include "models/finance.h"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "models/time.h"

namespace bvr {

double discount_factor(double t_years, double annual_rate) {
  return std::pow(1.0 + annual_rate, -t_years);
}

double present_value_of_flow(double usd_per_s, double t0_s, double t1_s, double annual_rate) {
  if (t1_s <= t0_s || usd_per_s == 0) return 0;
  if (annual_rate == 0) return usd_per_s * (t1_s - t0_s);
  // d/dt of -(1+r)^(-t/Y) * Y / ln(1+r) is (1+r)^(-t/Y), with Y seconds per year.
  const double k = std::log1p(annual_rate) / seconds_per_year;
  return usd_per_s * (std::exp(-k * t0_s) - std::exp(-k * t1_s)) / k;
}

double straight_line_residual_usd(double cost_usd, double age_s, double life_s) {
  if (life_s <= 0) return 0;
  return cost_usd * std::clamp(1.0 - age_s / life_s, 0.0, 1.0);
}

std::string_view cost_category_name(CostCategory category) {
  switch (category) {
    case CostCategory::LeaseBilling: return "lease_billing";
    case CostCategory::GpuServers: return "gpu_servers";
    case CostCategory::Network: return "network";
    case CostCategory::Facility: return "facility";
    case CostCategory::PowerPlant: return "power_plant";
    case CostCategory::Electricity: return "electricity";
    case CostCategory::Fuel: return "fuel";
    case CostCategory::ResidualValue: return "residual_value";
    case CostCategory::LeaseStorageEgress: return "lease_storage_egress";
    case CostCategory::LeaseTermination: return "lease_termination";
    case CostCategory::Spares: return "spares";
    case CostCategory::Maintenance: return "maintenance";
    case CostCategory::InsuranceProperty: return "insurance_property";
    case CostCategory::Staff: return "staff";
    case CostCategory::NetworkStorageOpex: return "network_storage_opex";
    case CostCategory::Colocation: return "colocation";
    case CostCategory::ValueBeyondRuns: return "value_beyond_runs";
    case CostCategory::SubletIncome: return "sublet_income";
  }
  return "unknown";
}

void CashLedger::lump(double t_s, double usd, CostCategory category) {
  nominal_[index(category)] += usd;
  present_[index(category)] += usd * discount_factor(t_s / seconds_per_year, rate_);
  usd_seconds_[index(category)] += usd * t_s;
}

void CashLedger::flow(double t0_s, double t1_s, double usd_per_s, CostCategory category) {
  if (t1_s <= t0_s || usd_per_s == 0) return;
  nominal_[index(category)] += usd_per_s * (t1_s - t0_s);
  present_[index(category)] += present_value_of_flow(usd_per_s, t0_s, t1_s, rate_);
  usd_seconds_[index(category)] += usd_per_s * (t1_s - t0_s) * (0.5 * (t0_s + t1_s));
}

double CashLedger::nominal_usd() const {
  return std::accumulate(nominal_.begin(), nominal_.begin() + gross_cost_category_count, 0.0);
}
double CashLedger::present_value_usd() const {
  return std::accumulate(present_.begin(), present_.begin() + gross_cost_category_count, 0.0);
}
double CashLedger::net_present_value_usd() const {
  return std::accumulate(present_.begin() + gross_cost_category_count, present_.end(), present_value_usd());
}

}  // namespace bvr
