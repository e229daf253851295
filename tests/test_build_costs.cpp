// Build TCO in the campaign: spares with each delivery, opex from the construction start and on
// the capex paid so far, and the residual value by the scenario's method.
#include <doctest/doctest.h>

#include <cmath>

#include "models/time.h"
#include "sim/replications.h"

#include "small_scenario.h"

using namespace bvr;

namespace {

constexpr double day = seconds_per_day;
constexpr double year = seconds_per_year;

// 8,000 GPUs (1,000 servers at $200k) arriving on day 10; construction from day 0, one phase
// of 2 days paying the whole facility ($100M); 60-day horizon; no failures, no discounting.
Scenario build_scenario() {
  Scenario s = test::small_scenario("build-costs");
  s.discount_rate = 0;
  s.workload.runs = {{"only", 8'000 * 1e15 * 0.5 * 5 * day}};
  BuildPlan b;
  b.systems.orders = {{10 * day, 8'000, 200'000}};
  b.phases = {{"all", 2 * day, 1.0, -1}};
  b.systems.install_racks_per_s = 1'000 / day;
  b.systems.gpus_per_rack = 64;
  b.pue = 1.0;
  b.facility_capex_usd_per_w = 10;  // 8,000 x 1,250 W x 10 = $100M
  b.systems.network_capex_fraction = 0.25;
  b.systems.spares_share = 0.10;
  b.systems.it_life_s = 5 * year;
  b.facility_life_s = 10 * year;
  b.supply.grid = {{{0, 1e9}}, 0};
  s.options = {test::one_site("build", test::build_site(b))};
  return s;
}

double cost(const OptionOutcome& o, CostCategory c) { return o.cost_usd[static_cast<std::size_t>(c)]; }
OptionOutcome run(const Scenario& s) { return test::run(s, 1).front().options.front(); }

}  // namespace

TEST_CASE("build costs: spares and opex on their dates") {
  Scenario s = build_scenario();
  test::build_of(s.options[0]).systems.opex = {0.12, 0.06, 36.525e6 / year, 3.6525e6 / year};  // staff $100k/day, network $10k/day
  const OptionOutcome out = run(s);
  const double servers = 1'000 * 200'000.0, facility = 100e6;
  CHECK(cost(out, CostCategory::Spares) == doctest::Approx(0.10 * servers));
  // Maintenance 12 %/yr on the facility from day 0 (its phase is paid then), on the servers,
  // network and spares from day 10.
  const double it = servers * (1 + 0.25 + 0.10);
  const double capex_days = facility * 60 + it * 50;
  CHECK(cost(out, CostCategory::Maintenance) == doctest::Approx(0.12 * capex_days * day / year));
  CHECK(cost(out, CostCategory::InsuranceProperty) == doctest::Approx(0.06 * capex_days * day / year));
  CHECK(cost(out, CostCategory::Staff) == doctest::Approx(100e3 * 60));
  CHECK(cost(out, CostCategory::NetworkStorageOpex) == doctest::Approx(10e3 * 60));
  // Straight-line residual includes the spares.
  CHECK(cost(out, CostCategory::ResidualValue) ==
        doctest::Approx(-(it * (1 - 50 * day / (5 * year)) + facility * (1 - 60 * day / (10 * year)))));
}

TEST_CASE("build costs: staff start with the construction") {
  Scenario s = build_scenario();
  test::build_of(s.options[0]).construction_start_s = 20 * day;
  test::build_of(s.options[0]).systems.opex.staff_usd_per_s = 1;
  CHECK(cost(run(s), CostCategory::Staff) == doctest::Approx(40 * day));
}

TEST_CASE("build costs: residual value by resale curve or by rental income") {
  Scenario s = build_scenario();
  test::build_of(s.options[0]).systems.spares_share = 0;
  const double it = 1'000 * 200'000.0 * 1.25, facility = 100e6;
  const double facility_book = facility * (1 - 60 * day / (10 * year));
  test::build_of(s.options[0]).systems.residual = {ResidualMethod::Resale, {{100 * day, 0.5}}, {}};
  CHECK(cost(run(s), CostCategory::ResidualValue) == doctest::Approx(-(it * (1 - 0.5 * 50.0 / 100) + facility_book)));
  s.discount_rate = 0.10;
  test::build_of(s.options[0]).systems.residual = {ResidualMethod::Rental, {}, {1.0 / 3600, 0.8, 0.2}};
  const double rental = rental_residual_usd(8'000, 50 * day, 5 * year, {1.0 / 3600, 0.8, 0.2}, 0.10);
  CHECK(rental == doctest::Approx(8'000 * 0.8 * 24 * 365.25 * (1 - std::pow(0.8 / 1.1, 5 - 50 / 365.25)) / std::log(1.1 / 0.8)));
  CHECK(cost(run(s), CostCategory::ResidualValue) == doctest::Approx(-(rental + facility_book)));
}
