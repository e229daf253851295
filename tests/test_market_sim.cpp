// The market in the campaign (docs/market.md): an indexed lease's bill, resale at a used-hardware
// index, the demand served and the sublet income of idle owned capacity, all hand-computed on
// the small scenario; price uncertainty leaves every failure where it was; zero and falling
// paths give finite results.
#include <doctest/doctest.h>

#include <cmath>

#include "models/time.h"
#include "sim/replications.h"
#include "sim/results.h"

#include "small_scenario.h"

using namespace bvr;

namespace {

constexpr double day = seconds_per_day;
constexpr double year = seconds_per_year;
constexpr double per_hour = 1.0 / seconds_per_hour;

double cost(const OptionOutcome& o, CostCategory c) { return o.cost_usd[static_cast<std::size_t>(c)]; }

PricePath path(const char* name, std::vector<PricePoint> points) {
  PricePath p;
  p.name = name;
  p.points = std::move(points);
  return p;
}

// 1,000 GPUs on an indexed two-year lease from day 0; the index falls from 3 to 1.5 USD/GPU/h
// over the first year and stays there. A horizon of 400 days; a short run.
Scenario indexed_lease_scenario() {
  Scenario s = test::small_scenario("indexed-lease");
  s.discount_rate = 0;
  s.horizon_s = 400 * day;
  s.market = {path("rental", {{0, 3 * per_hour}, {year, 1.5 * per_hour}})};
  LeaseOffer lease;
  lease.pricing = LeasePricing::Indexed;
  lease.index = IndexTerms{0, 0, std::nullopt, std::nullopt};
  lease.ramp = {{0, 1'000}};
  lease.site_power = {{0, 1e9}};
  lease.max_gpus = 1'000;
  lease.term_s = 2 * year;
  s.options = {test::one_site("lease", test::lease_site(lease))};
  s.workload.runs = {{"only", 1'000 * 1e15 * 0.5 * 2 * day}};
  return s;
}

// 8,000 GPUs bought (1,000 servers at $200k) on day 10, trained on for ~5 days, idle after.
Scenario owned_scenario() {
  Scenario s = test::small_scenario("owned");
  s.discount_rate = 0;
  s.workload.runs = {{"only", 8'000 * 1e15 * 0.5 * 5 * day}};
  BuildPlan b;
  b.systems.orders = {{10 * day, 8'000, 200'000}};
  b.phases = {{"all", 2 * day, 1.0, -1}};
  b.systems.install_racks_per_s = 1'000 / day;
  b.systems.gpus_per_rack = 64;
  b.pue = 1.0;
  b.systems.it_life_s = 5 * year;
  b.facility_life_s = 10 * year;
  b.supply.grid = {{{0, 1e9}}, 0};
  s.options = {test::one_site("build", test::build_site(b))};
  return s;
}

OptionOutcome run_one(const Scenario& s) { return test::run(s, 1).front().options.front(); }

}  // namespace

TEST_CASE("market sim: an indexed lease bills each contract year at the index on its anniversary") {
  const OptionOutcome out = run_one(indexed_lease_scenario());
  // Take-or-pay on 1,000 GPUs: year 0 at 3 USD/GPU/h, then 1.5 to day 400.
  const double expected = 1'000 * (3 * per_hour * year + 1.5 * per_hour * (400 * day - year));
  CHECK(cost(out, CostCategory::LeaseBilling) == doctest::Approx(expected).epsilon(1e-9));
  // With a cap of 2 USD/GPU/h, year 0 is billed at the cap.
  Scenario capped = indexed_lease_scenario();
  test::lease_of(capped.options[0]).index->cap_usd_per_gpu_s = 2 * per_hour;
  const OptionOutcome c = run_one(capped);
  CHECK(cost(c, CostCategory::LeaseBilling) ==
        doctest::Approx(1'000 * (2 * per_hour * year + 1.5 * per_hour * (400 * day - year))).epsilon(1e-9));
}

TEST_CASE("market sim: a spot lease pays the index of each month for what it gets") {
  Scenario s = indexed_lease_scenario();
  s.horizon_s = 90 * day;
  LeaseOffer& lease = test::lease_of(s.options[0]);
  lease.pricing = LeasePricing::Spot;
  lease.term_s = 0;
  lease.spot_availability = 0.6;  // 600 of the 1,000 GPUs (75 whole servers)
  s.workload.runs = {{"only", 600 * 1e15 * 0.5 * 100 * day}};  // still running at the horizon
  const OptionOutcome out = run_one(s);
  const std::vector<RealizedPath> market = realize_market(s.market, s.horizon_s, 0);
  double expected = 0;
  for (int k = 0; k * market_step_s < s.horizon_s; ++k) {
    const double from = k * market_step_s, to = std::min(s.horizon_s, (k + 1) * market_step_s);
    expected += 600 * market[0].grid[static_cast<std::size_t>(k)] * (to - from);
  }
  CHECK(cost(out, CostCategory::LeaseBilling) == doctest::Approx(expected).epsilon(1e-9));
}

TEST_CASE("market sim: owned systems resell at the used-hardware index on the horizon's date") {
  Scenario s = owned_scenario();
  // Used GPUs: 30,000 USD each on day 0, 20,000 on day 100: 24,000 on day 60, the horizon.
  s.market = {path("used", {{0, 30'000}, {100 * day, 20'000}})};
  s.market[0].kind = PriceKind::Hardware;
  test::build_of(s.options[0]).systems.residual.method = ResidualMethod::Index;
  test::build_of(s.options[0]).systems.residual.index_path = 0;
  const OptionOutcome out = run_one(s);
  // The index is read on its monthly knots (day 0 and day 30.44, 60.88) and linearly between them.
  const RealizedPath r = realize_path(s.market[0], s.horizon_s, 0);
  const double at_horizon = r.at(60 * day);
  CHECK(at_horizon == doctest::Approx(24'000).epsilon(0.001));
  // The facility's straight-line residual is added as before; the systems are 8,000 x the index.
  const double facility = straight_line_residual_usd(cost(out, CostCategory::Facility), 60 * day, 10 * year);
  CHECK(cost(out, CostCategory::ResidualValue) == doctest::Approx(-(8'000 * at_horizon + facility)));
}

TEST_CASE("market sim: sublet income = idle GPU-hours x (index - fee) x utilization, the demand is served first") {
  Scenario s = owned_scenario();
  s.market = {path("rental", {{0, 2.1 * per_hour}})};
  Site& site = s.options[0].sites[0];
  site.sublet = Sublet{0, 0.3 * per_hour, 0.7};
  const OptionOutcome alone = run_one(s);
  const double finish_s = alone[Metric::TimeToTrainDays] * day;
  REQUIRE(finish_s < 20 * day);
  const double idle_gpu_s = 8'000 * (s.horizon_s - finish_s);
  CHECK(cost(alone, CostCategory::SubletIncome) == doctest::Approx(-idle_gpu_s * (2.1 - 0.3) * per_hour * 0.7));
  CHECK(cost(alone, CostCategory::ValueBeyondRuns) == 0);
  // The credits are not in the gross cost, only in the net.
  CHECK(alone[Metric::TotalCostUsd] == doctest::Approx(run_one(owned_scenario())[Metric::TotalCostUsd]));
  CHECK(net_npv_cost_usd(alone) == doctest::Approx(alone[Metric::NpvCostUsd] + cost(alone, CostCategory::SubletIncome)));

  // 3,000 GPUs of other work valued at 2 USD/GPU/h from the start: served first, the rest sublet.
  s.demand = GpuHourDemand{{{0, 3'000}}, 2 * per_hour, -1};
  const OptionOutcome both = run_one(s);
  CHECK(both[Metric::TimeToTrainDays] == alone[Metric::TimeToTrainDays]);
  CHECK(cost(both, CostCategory::ValueBeyondRuns) == doctest::Approx(-3'000 * (s.horizon_s - finish_s) * 2 * per_hour));
  CHECK(cost(both, CostCategory::SubletIncome) == doctest::Approx(-5'000 * (s.horizon_s - finish_s) * 1.8 * per_hour * 0.7));
  // results.json lists the credits and the net cost only for such a scenario.
  const Results r = make_results(s, test::run(s, 1));
  CHECK(r.comparison.ranked_by == "net_npv_cost_usd");
  CHECK(r.options[0].metric("net_npv_cost_usd").mean == doctest::Approx(net_npv_cost_usd(both)));
  const Results plain = make_results(owned_scenario(), test::run(owned_scenario(), 1));
  CHECK(plain.comparison.ranked_by == "npv_cost_usd");
  CHECK(!plain.options[0].find_metric("net_npv_cost_usd"));
  CHECK(!plain.options[0].find_metric("cost_sublet_income_usd"));
  CHECK(plain.market.empty());
}

TEST_CASE("market sim: price uncertainty leaves every replication's failures where they were") {
  Scenario s = indexed_lease_scenario();
  s.horizon_s = 200 * day;
  s.replications = 4;
  s.reliability.classes = {{"any", 2.0 / (1000 * day), 1, 2 * 3600.0, 1, 0}};
  s.workload.runs = {{"only", 1'000 * 1e15 * 0.5 * 100 * day}};
  // On spot, the bill follows the index month by month.
  test::lease_of(s.options[0]).pricing = LeasePricing::Spot;
  test::lease_of(s.options[0]).term_s = 0;
  Scenario uncertain = s;
  uncertain.market[0].uncertainty = PriceUncertainty{0.6, 0.5 * year};
  const auto a = test::run(s, 2), b = test::run(uncertain, 2);
  bool prices_moved = false;
  for (std::size_t r = 0; r < a.size(); ++r) {
    const OptionOutcome &x = a[r].options[0], &y = b[r].options[0];
    CHECK(x[Metric::Interruptions] > 0);
    CHECK(x[Metric::Interruptions] == y[Metric::Interruptions]);
    CHECK(x.interruptions_by_class == y.interruptions_by_class);
    CHECK(x.run_finish_days == y.run_finish_days);
    CHECK(x[Metric::UsefulGpuHours] == y[Metric::UsefulGpuHours]);
    prices_moved = prices_moved || cost(x, CostCategory::LeaseBilling) != cost(y, CostCategory::LeaseBilling);
  }
  CHECK(prices_moved);
  // The market block: the mean over replications, P10 below P90 once prices are uncertain.
  const Results res = make_results(uncertain, b);
  REQUIRE(res.market.size() == 1);
  CHECK(res.market[0].unit == "USD/GPU/h");
  CHECK(res.market[0].monthly.front().value.mean == doctest::Approx(3));
  CHECK(res.market[0].monthly.back().value.p10 < res.market[0].monthly.back().value.p90);
}

TEST_CASE("market sim: zero and falling paths give finite costs") {
  Scenario s = owned_scenario();
  s.market = {path("rental", {{0, 0.0}})};
  s.market[0].uncertainty = PriceUncertainty{1.0, 0};
  s.options[0].sites[0].sublet = Sublet{0, 0.3 * per_hour, 0.7};
  s.demand = GpuHourDemand{{{0, 1'000}}, 0, 0};
  const OptionOutcome zero = run_one(s);
  CHECK(cost(zero, CostCategory::SubletIncome) == 0);
  CHECK(cost(zero, CostCategory::ValueBeyondRuns) == 0);
  s.market = {path("rental", {{0, 4 * per_hour}, {30 * day, 0.0}})};
  s.market[0].forward_change_per_year = -0.9;
  s.market[0].uncertainty = PriceUncertainty{2.0, 0.1 * year};
  const OptionOutcome falling = run_one(s);
  for (double v : falling.cost_usd) CHECK(std::isfinite(v));
  for (double v : falling.npv_usd) CHECK(std::isfinite(v));
  CHECK(std::isfinite(net_npv_cost_usd(falling)));
  CHECK(cost(falling, CostCategory::SubletIncome) <= 0);
}

namespace {

// 1,000 GPUs committed for 100 days at 3 USD/GPU/h from day 0, renewed after the term at
// 2 USD/GPU/h at the size the demand wants; a 2-day run; a horizon of 400 days; no discounting.
// The demand: 480 GPUs (60 servers) from day 0, 1,604 from day 200, each GPU-hour worth 2.50.
Scenario follows_demand_scenario() {
  Scenario s = indexed_lease_scenario();
  LeaseOffer& lease = test::lease_of(s.options[0]);
  lease.pricing = LeasePricing::Committed;
  lease.index.reset();
  lease.price_usd_per_gpu_s = 3 * per_hour;
  lease.renewal_price_usd_per_gpu_s = 2 * per_hour;
  lease.term_s = 100 * day;
  lease.renewal_follows_demand = true;
  lease.renewal_max_gpus = 2'000;
  // The provider can ship 1,000 more from day 300 (beyond the commitment: only a renewal takes them).
  lease.ramp = {{0, 1'000}, {300 * day, 1'000}};
  s.demand = GpuHourDemand{{{0, 480}, {200 * day, 1'604}}, 2.5 * per_hour, -1};
  return s;
}

}  // namespace

TEST_CASE("market sim: a lease that follows the demand renews at the demand's size each contract year") {
  const Scenario s = follows_demand_scenario();
  const OptionOutcome out = run_one(s);
  const double finish_s = out[Metric::TimeToTrainDays] * day;
  REQUIRE(finish_s < 5 * day);
  // The term: take-or-pay on 1,000 at 3. At its end the work is done: renewed for the 480 the
  // demand wants (60 whole servers) to the anniversary (day 365.25); then for 1,604, 201 servers
  // = 1,608 GPUs (the second tranche shipped on day 300 lets it grow past the 1,000 committed).
  const double billed = 1'000 * 3 * per_hour * 100 * day + 480 * 2 * per_hour * (year - 100 * day) +
                        1'608 * 2 * per_hour * (400 * day - year);
  CHECK(cost(out, CostCategory::LeaseBilling) == doctest::Approx(billed).epsilon(1e-9));
  // The demand served: 480 from the run's end (the term's idle 1,000 and then the 480 renewed),
  // 1,604 from the anniversary; between day 200 and the anniversary the lease has only 480.
  const double value = 2.5 * per_hour * (480 * (year - finish_s) + 1'604 * (400 * day - year));
  CHECK(cost(out, CostCategory::ValueBeyondRuns) == doctest::Approx(-value).epsilon(1e-9));

  // A floor of 600 GPUs: the first renewal is rounded up to it.
  Scenario floor = s;
  test::lease_of(floor.options[0]).renewal_min_gpus = 600;
  CHECK(cost(run_one(floor), CostCategory::LeaseBilling) ==
        doctest::Approx(1'000 * 3 * per_hour * 100 * day + 600 * 2 * per_hour * (year - 100 * day) +
                        1'608 * 2 * per_hour * (400 * day - year))
            .epsilon(1e-9));

  // A demand worth less than the renewal price: no renewal, the lease ends with its term.
  Scenario cheap = s;
  cheap.demand->value_usd_per_gpu_s = 1.5 * per_hour;
  const OptionOutcome c = run_one(cheap);
  CHECK(cost(c, CostCategory::LeaseBilling) == doctest::Approx(1'000 * 3 * per_hour * 100 * day).epsilon(1e-9));
  CHECK(cost(c, CostCategory::ValueBeyondRuns) == doctest::Approx(-1.5 * per_hour * 480 * (100 * day - finish_s)).epsilon(1e-9));

  // Without following the demand the lease ends with its term, as before.
  Scenario committed = s;
  test::lease_of(committed.options[0]).renewal_follows_demand = false;
  CHECK(cost(run_one(committed), CostCategory::LeaseBilling) ==
        doctest::Approx(1'000 * 3 * per_hour * 100 * day).epsilon(1e-9));
}

TEST_CASE("market sim: a lease whose contract allows it sublets what the demand does not take") {
  Scenario s = follows_demand_scenario();
  test::lease_of(s.options[0]).renewal_follows_demand = false;
  s.demand->steps = {{0, 480}};
  s.options[0].sites[0].sublet = Sublet{0, 0.3 * per_hour, 0.7};
  test::lease_of(s.options[0]).sublet_allowed = true;
  const OptionOutcome out = run_one(s);
  const double finish_s = out[Metric::TimeToTrainDays] * day;
  // From the run's end to the term's end, 520 idle leased GPUs rented out at the month's index
  // (3 USD/GPU/h on day 0 falling to 1.5 over the year, repriced monthly) less 0.30, 70 % of the hours.
  const RealizedPath index = realize_path(s.market[0], s.horizon_s, 0);
  double expected = 0;
  for (int k = 0; k * market_step_s < 100 * day; ++k) {
    const double from = std::max(finish_s, k * market_step_s), to = std::min(100 * day, (k + 1) * market_step_s);
    if (to > from) expected += 520 * (index.grid[static_cast<std::size_t>(k)] - 0.3 * per_hour) * 0.7 * (to - from);
  }
  CHECK(cost(out, CostCategory::SubletIncome) == doctest::Approx(-expected).epsilon(1e-9));
  // The leased GPUs' energy is the provider's: nothing is added for it.
  CHECK(cost(out, CostCategory::Electricity) == 0);
}

TEST_CASE("market sim: owned capacity serving the demand or sublet draws its power, the owner pays it") {
  // 8,000 owned GPUs of 10 kW servers (1,250 W a GPU, 250 W idle here), PUE 1, at 50 USD/MWh.
  Scenario s = owned_scenario();
  test::set_idle_power(s, 2'000);
  test::build_of(s.options[0]).supply.grid.price_usd_per_j = 50.0 / 3.6e9;
  const OptionOutcome plain = run_one(s);
  const double finish_s = plain[Metric::TimeToTrainDays] * day;
  REQUIRE(finish_s < 20 * day);
  // 3,000 GPUs of demand and the other 5,000 sublet at 70 %: after the run, demand at full power,
  // sublet 70 % at full and 30 % idle; before it ends nothing is idle (the job holds all 8,000).
  s.market = {path("rental", {{0, 2.1 * per_hour}})};
  s.options[0].sites[0].sublet = Sublet{0, 0.3 * per_hour, 0.7};
  s.demand = GpuHourDemand{{{0, 3'000}}, 2 * per_hour, -1};
  const OptionOutcome both = run_one(s);
  CHECK(both[Metric::TimeToTrainDays] == plain[Metric::TimeToTrainDays]);
  const double after_s = s.horizon_s - finish_s;
  const double full_w = 1'250, idle_w = 250;
  const double beyond_w = 3'000 * full_w + 5'000 * (0.7 * full_w + 0.3 * idle_w);
  const double price = 50.0 / 3.6e9;
  // Before: done, the nodes went to other work, whose energy was not counted.
  CHECK(cost(both, CostCategory::Electricity) - cost(plain, CostCategory::Electricity) ==
        doctest::Approx(beyond_w * after_s * price).epsilon(1e-6));
  CHECK(both[Metric::EnergyMwh] - plain[Metric::EnergyMwh] == doctest::Approx(beyond_w * after_s / 3.6e9).epsilon(1e-6));
  // A tenant that pays its energy pays back the rented hours' full power at the site's price.
  s.options[0].sites[0].sublet->tenant_pays_energy = true;
  const OptionOutcome tenant = run_one(s);
  CHECK(cost(tenant, CostCategory::Electricity) == doctest::Approx(cost(both, CostCategory::Electricity)));
  CHECK(cost(tenant, CostCategory::SubletIncome) - cost(both, CostCategory::SubletIncome) ==
        doctest::Approx(-5'000 * 0.7 * full_w * after_s * price).epsilon(1e-6));
}
