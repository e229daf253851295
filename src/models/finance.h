// Money on a calendar: cash flows, discounting and residual value. Equations: docs/models.md.
// Times are seconds since the scenario start; rates are annual.
#pragma once
#include <array>
#include <string_view>

namespace bvr {

// (1 + r)^(-t): the value today of one dollar paid t years from now.
double discount_factor(double t_years, double annual_rate);

// Present value of a constant flow of `usd_per_s` paid continuously from t0 to t1:
// integral of usd_per_s * (1 + r)^(-t/year) dt, in closed form.
double present_value_of_flow(double usd_per_s, double t0_s, double t1_s, double annual_rate);

// Straight-line book value of equipment bought for `cost_usd` after `age_s` of a `life_s` life.
double straight_line_residual_usd(double cost_usd, double age_s, double life_s);

enum class CostCategory {
  LeaseBilling,
  GpuServers,
  Network,
  Facility,
  PowerPlant,
  Electricity,
  Fuel,
  ResidualValue,  // negative: what owned equipment is still worth at the horizon
  LeaseStorageEgress,
  LeaseTermination,  // the fee for ending a committed term early
  Spares,
  Maintenance,
  InsuranceProperty,
  Staff,
  NetworkStorageOpex,
  Colocation,  // a host's fee for power and space (per kW-month of contracted power)
  // Credits beyond the runs (docs/market.md), negative: not in the gross cost (npv_cost_usd),
  // only in the net (net_npv_cost_usd).
  ValueBeyondRuns,  // the GPU-hour demand served by capacity the runs no longer need
  SubletIncome,     // idle owned capacity rented out at the index less a fee
};
constexpr std::size_t cost_category_count = 18;
// The categories of the gross cost: every one before the credits beyond the runs.
constexpr std::size_t gross_cost_category_count = 16;
std::string_view cost_category_name(CostCategory category);
inline bool is_credit_beyond_runs(CostCategory c) {
  return c == CostCategory::ValueBeyondRuns || c == CostCategory::SubletIncome;
}

// Every dollar an option spends, nominal and discounted, by category.
class CashLedger {
 public:
  explicit CashLedger(double annual_discount_rate) : rate_(annual_discount_rate) {}
  void lump(double t_s, double usd, CostCategory category);
  void flow(double t0_s, double t1_s, double usd_per_s, CostCategory category);

  // The gross cost: every category but the credits beyond the runs.
  double nominal_usd() const;
  double present_value_usd() const;
  // The net cost: the gross with the credits beyond the runs.
  double net_present_value_usd() const;
  double nominal_usd(CostCategory category) const { return nominal_[index(category)]; }
  double present_value_usd(CostCategory category) const { return present_[index(category)]; }
  const std::array<double, cost_category_count>& nominal_by_category() const { return nominal_; }
  // Sum of amount x the time it is paid (USD-seconds; a flow's integral of usd_per_s * t dt):
  // divided by the nominal amount, the amount-weighted mean time of payment. Whatever the rate,
  // discounting an interval's spending at that mean time gives its present value to second
  // order, (1 + r)^(-t) being nearly linear over a day (cashflows.xlsx does so by day).
  const std::array<double, cost_category_count>& usd_seconds_by_category() const { return usd_seconds_; }

 private:
  static std::size_t index(CostCategory c) { return static_cast<std::size_t>(c); }
  double rate_;
  std::array<double, cost_category_count> nominal_{};
  std::array<double, cost_category_count> present_{};
  std::array<double, cost_category_count> usd_seconds_{};
};

}  // namespace bvr
