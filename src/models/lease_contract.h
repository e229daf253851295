// A cloud lease on the calendar: the price in force, the GPUs billed, the charges beside them and
// what ending early costs. Pure functions of a LeaseOffer; equations in docs/finance.md.
// Times are seconds since the scenario start.
#pragma once
#include <vector>

#include "models/market.h"
#include "models/options.h"

namespace bvr {

// A provider's discount for committing to a term ("1 year: 37 %, 3 years: 56 %").
struct TermDiscount {
  double term_s = 0;
  double discount = 0;
};

// The discount for a term of `term_s`: linear between the listed terms, the nearest listed one
// outside them. `schedule` is sorted by term and not empty.
double discount_for_term(const std::vector<TermDiscount>& schedule, double term_s);

// Whole contract years since the contract start (0 in the first year and before it).
int contract_year(const LeaseOffer& lease, double t_s);

// The contract's anniversaries after its start and before `until_s`: when escalated or indexed
// prices change (and a renewal at the index is repriced).
std::vector<double> price_change_times(const LeaseOffer& lease, double until_s);

// Price per GPU-second in force at t: committed (or list, on demand) times (1 + escalation) per
// contract year; after the term, the renewal price as written. With a market (`market`, this
// replication's paths; docs/market.md): Indexed, the index at the start of the contract year;
// Spot, the index at the start of the month; a renewal at the index, the index at the start of
// the renewal year; each times (1 + spread) within the floor and the cap.
double lease_price_usd_per_gpu_s(const LeaseOffer& lease, double t_s, bool term_over,
                                 const std::vector<RealizedPath>* market = nullptr);

// An index price under the contract's terms: value x (1 + spread), within [floor, cap].
double indexed_price_usd_per_gpu_s(const IndexTerms& terms, double index_usd_per_gpu_s);

// GPUs billed while the lease runs, given the GPUs the provider makes available. During a
// committed term: the committed count less the credit for those unavailable (take-or-pay).
// On demand and after the term: the GPUs available.
double billed_gpus(const LeaseOffer& lease, bool term_over, int available_gpus);

// Committed billing from t to the end of the term at the full committed count, nominal.
double remaining_commitment_usd(const LeaseOffer& lease, double t_s, const std::vector<RealizedPath>* market = nullptr);

// What ending the lease at t costs (0 after the term; only meaningful when the contract allows it).
double early_termination_fee_usd(const LeaseOffer& lease, double t_s, const std::vector<RealizedPath>* market = nullptr);

}  // namespace bvr
