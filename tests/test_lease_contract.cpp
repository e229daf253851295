// Lease contracts against hand calculations: prices by contract year, take-or-pay with credits,
// the commitment left and the fee for ending early.
#include <doctest/doctest.h>

#include "models/lease_contract.h"
#include "models/time.h"

using namespace bvr;

namespace {

constexpr double year = seconds_per_year;
constexpr double per_hour = 1.0 / seconds_per_hour;

LeaseOffer two_year_lease() {
  LeaseOffer lease;
  lease.max_gpus = 1'000;
  lease.list_price_usd_per_gpu_s = 10 * per_hour;
  lease.price_usd_per_gpu_s = 6 * per_hour;
  lease.renewal_price_usd_per_gpu_s = 9 * per_hour;
  lease.contract_start_s = 0;
  lease.billing_start_s = 0;
  lease.term_s = 2 * year;
  return lease;
}

}  // namespace

TEST_CASE("lease: discount by term is linear between listed terms, flat outside") {
  const std::vector<TermDiscount> gcp = {{1 * year, 0.37}, {3 * year, 0.56}};  // GCP 1-yr / 3-yr (Epoch AI)
  CHECK(discount_for_term(gcp, 0.5 * year) == doctest::Approx(0.37));
  CHECK(discount_for_term(gcp, 1 * year) == doctest::Approx(0.37));
  CHECK(discount_for_term(gcp, 2 * year) == doctest::Approx(0.465));
  CHECK(discount_for_term(gcp, 3 * year) == doctest::Approx(0.56));
  CHECK(discount_for_term(gcp, 5 * year) == doctest::Approx(0.56));
  CHECK(discount_for_term({{1 * year, 0.25}}, 3 * year) == doctest::Approx(0.25));
}

TEST_CASE("lease: escalation steps the price at each contract anniversary") {
  LeaseOffer lease = two_year_lease();
  lease.contract_start_s = 0.5 * year;
  lease.escalation_per_year = 0.10;
  CHECK(contract_year(lease, 0) == 0);  // before the contract: its first-year price
  CHECK(lease_price_usd_per_gpu_s(lease, 1.4 * year, false) == doctest::Approx(6 * per_hour));
  CHECK(lease_price_usd_per_gpu_s(lease, 1.5 * year, false) == doctest::Approx(6.6 * per_hour));
  CHECK(lease_price_usd_per_gpu_s(lease, 2.49 * year, false) == doctest::Approx(6.6 * per_hour));
  CHECK(lease_price_usd_per_gpu_s(lease, 2.6 * year, true) == doctest::Approx(9 * per_hour));  // renewal as written
  CHECK(price_change_times(lease, 3 * year) == std::vector<double>{1.5 * year, 2.5 * year});
  lease.escalation_per_year = 0;
  CHECK(price_change_times(lease, 3 * year).empty());
  // On demand: the list price, escalated, term or not.
  lease.pricing = LeasePricing::OnDemand;
  lease.escalation_per_year = -0.2;
  CHECK(lease_price_usd_per_gpu_s(lease, 1.6 * year, true) == doctest::Approx(8 * per_hour));
}

TEST_CASE("lease: take-or-pay bills the committed count less the credit for what is unavailable") {
  LeaseOffer lease = two_year_lease();
  lease.unavailable_credit = 0;  // pure take-or-pay
  CHECK(billed_gpus(lease, false, 0) == 1'000);
  CHECK(billed_gpus(lease, false, 400) == 1'000);
  lease.unavailable_credit = 0.25;
  CHECK(billed_gpus(lease, false, 400) == doctest::Approx(1'000 - 0.25 * 600));
  CHECK(billed_gpus(lease, false, 1'000) == 1'000);
  lease.unavailable_credit = 1;  // billed as delivered
  CHECK(billed_gpus(lease, false, 400) == 400);
  // After the term, and on demand, only what is available.
  lease.unavailable_credit = 0;
  CHECK(billed_gpus(lease, true, 400) == 400);
  lease.pricing = LeasePricing::OnDemand;
  CHECK(billed_gpus(lease, false, 400) == 400);
}

TEST_CASE("lease: the commitment left and the early termination fee") {
  LeaseOffer lease = two_year_lease();
  lease.escalation_per_year = 0.10;
  // From 0.5 years: half a year at 6, a year at 6.6 USD/GPU/h, 1,000 GPUs.
  const double left = 1'000 * (6 * 0.5 * year + 6.6 * 1 * year) * per_hour;
  CHECK(remaining_commitment_usd(lease, 0.5 * year) == doctest::Approx(left));
  CHECK(remaining_commitment_usd(lease, 2 * year) == 0);
  CHECK(remaining_commitment_usd(lease, 3 * year) == 0);
  // Billing starts later: the commitment counts from billing start.
  lease.billing_start_s = 1.5 * year;
  CHECK(remaining_commitment_usd(lease, 0) == doctest::Approx(1'000 * 6.6 * 0.5 * year * per_hour));
  lease.billing_start_s = 0;
  CHECK(early_termination_fee_usd(lease, 0.5 * year) == 0);  // no clause: no fee (and no exit)
  lease.early_termination_fee_share = 0.4;
  CHECK(early_termination_fee_usd(lease, 0.5 * year) == doctest::Approx(0.4 * left));
  lease.pricing = LeasePricing::OnDemand;
  CHECK(remaining_commitment_usd(lease, 0.5 * year) == 0);
}
