#include "models/lease_contract.h"

#include <algorithm>
#include <cmath>

#include "models/time.h"

namespace bvr {

namespace {

// Anniversaries computed as start + k years can land a rounding error before the boundary: a
// micro-second of slack keeps year k from being read as year k - 1 at its own anniversary.
constexpr double boundary_slack_s = 1e-6;

double term_end_s(const LeaseOffer& lease) { return lease.contract_start_s + lease.term_s; }

double first_year_price(const LeaseOffer& lease) {
  return lease.pricing == LeasePricing::OnDemand || lease.pricing == LeasePricing::Spot ? lease.list_price_usd_per_gpu_s : lease.price_usd_per_gpu_s;
}

}  // namespace

double discount_for_term(const std::vector<TermDiscount>& schedule, double term_s) {
  if (term_s <= schedule.front().term_s) return schedule.front().discount;
  for (std::size_t i = 1; i < schedule.size(); ++i) {
    const TermDiscount& a = schedule[i - 1];
    const TermDiscount& b = schedule[i];
    if (term_s <= b.term_s) {
      if (b.term_s == a.term_s) return b.discount;
      return a.discount + (b.discount - a.discount) * (term_s - a.term_s) / (b.term_s - a.term_s);
    }
  }
  return schedule.back().discount;
}

int contract_year(const LeaseOffer& lease, double t_s) {
  const double years = (t_s - lease.contract_start_s + boundary_slack_s) / seconds_per_year;
  return years <= 0 ? 0 : static_cast<int>(std::floor(years));
}

std::vector<double> price_change_times(const LeaseOffer& lease, double until_s) {
  std::vector<double> times;
  const bool reprices = lease.pricing == LeasePricing::Indexed || lease.renewal_at_index;
  if (lease.escalation_per_year == 0 && !reprices) return times;
  for (int k = 1;; ++k) {
    const double t = lease.contract_start_s + k * seconds_per_year;
    if (t >= until_s) break;
    times.push_back(t);
  }
  return times;
}

double indexed_price_usd_per_gpu_s(const IndexTerms& terms, double index_usd_per_gpu_s) {
  double price = index_usd_per_gpu_s * (1 + terms.spread);
  if (terms.cap_usd_per_gpu_s) price = std::min(price, *terms.cap_usd_per_gpu_s);
  if (terms.floor_usd_per_gpu_s) price = std::max(price, *terms.floor_usd_per_gpu_s);
  return std::max(0.0, price);
}

double lease_price_usd_per_gpu_s(const LeaseOffer& lease, double t_s, bool term_over,
                                 const std::vector<RealizedPath>* market) {
  const bool committed_term = lease.pricing == LeasePricing::Committed || lease.pricing == LeasePricing::Indexed;
  auto index_at = [&](double when) {
    return indexed_price_usd_per_gpu_s(*lease.index, (*market)[lease.index->path].at(when));
  };
  const bool has_index = market && lease.index && lease.index->path < market->size();
  // The start of t's contract year (its anniversary), where an index-linked year takes its price.
  const double year_start = lease.contract_start_s + contract_year(lease, t_s) * seconds_per_year;
  if (term_over && committed_term) {
    if (lease.renewal_at_index && has_index) return index_at(year_start);
    return lease.renewal_price_usd_per_gpu_s;
  }
  if (lease.pricing == LeasePricing::Indexed && has_index) return index_at(year_start);
  if (lease.pricing == LeasePricing::Spot && has_index)
    return indexed_price_usd_per_gpu_s(*lease.index, (*market)[lease.index->path].stepped(t_s));
  return first_year_price(lease) * std::pow(1 + lease.escalation_per_year, contract_year(lease, t_s));
}

double billed_gpus(const LeaseOffer& lease, bool term_over, int available_gpus) {
  if (term_over || lease.pricing == LeasePricing::OnDemand || lease.pricing == LeasePricing::Spot) return available_gpus;
  const double unavailable = std::max(0, lease.max_gpus - available_gpus);
  return lease.max_gpus - lease.unavailable_credit * unavailable;
}

double remaining_commitment_usd(const LeaseOffer& lease, double t_s, const std::vector<RealizedPath>* market) {
  if (lease.pricing == LeasePricing::OnDemand || lease.pricing == LeasePricing::Spot) return 0;
  const double end = term_end_s(lease);
  double t = std::max(t_s, lease.billing_start_s);
  double usd = 0;
  // Piecewise by contract year: the price is constant within one.
  while (t < end) {
    const int year = contract_year(lease, t);
    const double year_end = std::min(end, lease.contract_start_s + (year + 1) * seconds_per_year);
    usd += lease.max_gpus * lease_price_usd_per_gpu_s(lease, t, false, market) * (year_end - t);
    t = year_end;
  }
  return usd;
}

double early_termination_fee_usd(const LeaseOffer& lease, double t_s, const std::vector<RealizedPath>* market) {
  return lease.early_termination_fee_share.value_or(0) * remaining_commitment_usd(lease, t_s, market);
}

}  // namespace bvr
