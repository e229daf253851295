// Lease contracts in the campaign: take-or-pay on the committed count, credits for capacity the
// provider cannot deliver, escalation, early termination, on-demand pricing, storage and egress.
#include <doctest/doctest.h>

#include "models/time.h"
#include "sim/replications.h"

#include "small_scenario.h"

using namespace bvr;

namespace {

constexpr double day = seconds_per_day;
constexpr double per_hour = 1.0 / seconds_per_hour;

// 8,000 GPUs committed for 30 days at 2 USD/GPU/h (list 5); the provider ships 4,000 at once and
// 4,000 more on day 10. No failures.
Scenario lease_scenario(double train_days) {
  Scenario s = test::small_scenario("lease-billing");
  LeaseOffer lease;
  lease.ramp = {{0, 4'000}, {10 * day, 4'000}};
  lease.site_power = {{0, 1e9}};
  lease.max_gpus = 8'000;
  lease.list_price_usd_per_gpu_s = 5 * per_hour;
  lease.price_usd_per_gpu_s = 2 * per_hour;
  lease.renewal_price_usd_per_gpu_s = 4 * per_hour;
  lease.term_s = 30 * day;
  s.options = {test::one_site("lease", test::lease_site(lease))};
  s.workload.runs = {{"only", 4'000 * test::small_system().gpu.peak_bf16_flop_per_s * s.workload.fixed_mfu * train_days * day}};
  return s;
}

double cost(const OptionOutcome& o, CostCategory c) { return o.cost_usd[static_cast<std::size_t>(c)]; }

OptionOutcome run(const Scenario& s) { return test::run(s, 1).front().options.front(); }

}  // namespace

TEST_CASE("lease billing: take-or-pay bills undelivered committed GPUs, less the provider's credit") {
  Scenario s = lease_scenario(1);
  test::lease_of(s.options[0]).unavailable_credit = 0;
  CHECK(cost(run(s), CostCategory::LeaseBilling) == doctest::Approx(8'000 * 2.0 * 30 * 24));
  test::lease_of(s.options[0]).unavailable_credit = 0.5;  // 4,000 missing for 10 days, half credited
  CHECK(cost(run(s), CostCategory::LeaseBilling) == doctest::Approx((8'000 * 30 - 0.5 * 4'000 * 10) * 2.0 * 24));
  test::lease_of(s.options[0]).unavailable_credit = 1;  // billed as delivered
  CHECK(cost(run(s), CostCategory::LeaseBilling) == doctest::Approx((8'000 * 30 - 4'000 * 10) * 2.0 * 24));
}

TEST_CASE("lease billing: escalation raises the price at the contract anniversary") {
  Scenario s = lease_scenario(1);
  LeaseOffer& lease = test::lease_of(s.options[0]);
  lease.unavailable_credit = 0;
  lease.contract_start_s = -(seconds_per_year - 10 * day);  // the anniversary falls on day 10
  lease.term_s = seconds_per_year + 20 * day;               // the term ends on day 30
  lease.escalation_per_year = 0.10;
  CHECK(cost(run(s), CostCategory::LeaseBilling) == doctest::Approx(8'000 * (2.0 * 10 + 2.2 * 20) * 24));
}

TEST_CASE("lease billing: ending early pays the fee instead of the rest of the term") {
  Scenario s = lease_scenario(5);
  test::lease_of(s.options[0]).unavailable_credit = 0;
  test::lease_of(s.options[0]).ramp = {{0, 8'000}};
  s.workload.runs[0].compute_flop /= 2;  // 8,000 GPUs: 1.25 days of work
  test::lease_of(s.options[0]).early_termination_fee_share = 0.4;
  const OptionOutcome out = run(s);
  const double finish_s = 600 + 1.25 * day;
  CHECK(out[Metric::TimeToTrainDays] == doctest::Approx(finish_s / day));
  CHECK(cost(out, CostCategory::LeaseBilling) == doctest::Approx(8'000 * 2.0 * finish_s / 3600));
  CHECK(cost(out, CostCategory::LeaseTermination) == doctest::Approx(0.4 * 8'000 * 2.0 * (30 * day - finish_s) / 3600));
  // A fee of the whole commitment left is never worth paying: the term runs out.
  test::lease_of(s.options[0]).early_termination_fee_share = 1;
  const OptionOutcome kept = run(s);
  CHECK(cost(kept, CostCategory::LeaseTermination) == 0);
}

TEST_CASE("lease billing: on demand bills what is available until the work is done") {
  Scenario s = lease_scenario(15);
  LeaseOffer& lease = test::lease_of(s.options[0]);
  lease.pricing = LeasePricing::OnDemand;
  lease.term_s = 0;
  const OptionOutcome out = run(s);
  // 4,000 GPUs from 600 s to day 10, then 8,000 (the job restarts at the new size) until done.
  const double done_by_10 = 4'000 * (10 * day - 600);
  const double finish_s = 10 * day + 600 + (4'000 * 15 * day - done_by_10) / 8'000;
  CHECK(out[Metric::TimeToTrainDays] == doctest::Approx(finish_s / day));
  CHECK(cost(out, CostCategory::LeaseBilling) ==
        doctest::Approx((4'000 * 10 * day + 8'000 * (finish_s - 10 * day)) * 5.0 / 3600));
}

TEST_CASE("lease billing: storage and egress are charged while the lease runs") {
  Scenario s = lease_scenario(1);
  test::lease_of(s.options[0]).storage_usd_per_s = 20'000 / (30.4375 * day);  // 1 PB at 20 USD/TB/month
  test::lease_of(s.options[0]).egress_usd_per_s = 1'000 / day;
  const OptionOutcome out = run(s);
  CHECK(cost(out, CostCategory::LeaseStorageEgress) == doctest::Approx(30 * (20'000 / 30.4375 + 1'000)));
}
