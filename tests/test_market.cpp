// Market price paths, index-linked lease prices, sublet income and the demand beyond the runs
// (models/market.h, models/lease_contract.h, models/capacity_value.h) and their loading
// (scenario/load_market.h): hand-computed values, and errors that name file, line and key.
#include <doctest/doctest.h>

#include <cmath>
#include <string>

#include "models/capacity_value.h"
#include "models/lease_contract.h"
#include "models/market.h"
#include "models/time.h"
#include "scenario/input_error.h"
#include "scenario/load.h"

using namespace bvr;

namespace {

constexpr double day = seconds_per_day;
constexpr double year = seconds_per_year;
constexpr double per_hour = 1.0 / seconds_per_hour;

// 8 USD/GPU/h on day 0, 2 on day 100, 4 on day 300 (in USD per GPU-second).
PricePath rental() {
  PricePath p;
  p.name = "rental";
  p.points = {{0, 8 * per_hour}, {100 * day, 2 * per_hour}, {300 * day, 4 * per_hour}};
  return p;
}

const std::string default_scenario = std::string(BVR_SOURCE_DIR) + "/scenarios/xai-oracle-2024.yaml";

Scenario with(std::initializer_list<std::string> assignments) {
  std::vector<Override> overrides;
  for (const std::string& a : assignments) overrides.push_back(parse_override(a));
  return load_scenario(default_scenario, overrides, false);
}

std::string error_of(std::initializer_list<std::string> assignments) {
  try {
    with(assignments);
  } catch (const InputError& e) {
    return e.what();
  }
  FAIL("expected an InputError");
  return "";
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("market: a path is linear between its points, flat before, compounding after, scaled") {
  PricePath p = rental();
  CHECK(base_price(p, -5 * day) == doctest::Approx(8 * per_hour));
  CHECK(base_price(p, 50 * day) == doctest::Approx(5 * per_hour));   // halfway from 8 to 2
  CHECK(base_price(p, 200 * day) == doctest::Approx(3 * per_hour));  // halfway from 2 to 4
  CHECK(base_price(p, 300 * day + year) == doctest::Approx(4 * per_hour));  // no forward change
  p.forward_change_per_year = -0.25;
  CHECK(base_price(p, 300 * day + 2 * year) == doctest::Approx(4 * 0.75 * 0.75 * per_hour));
  p.scale = 0.5;
  CHECK(base_price(p, 50 * day) == doctest::Approx(2.5 * per_hour));
}

TEST_CASE("market: without uncertainty a replication's path is the base path, monthly repricing holds the month's start") {
  const PricePath p = rental();
  const RealizedPath r = realize_path(p, 400 * day, 123);
  for (double t : {0.0, 10 * day, 50 * day, 99.5 * day, 250 * day, 399 * day})
    CHECK(r.at(t) == doctest::Approx(base_price(p, t)).epsilon(0.03));  // linear between monthly knots
  // Exactly the base path on the grid.
  for (std::size_t k = 0; k < r.grid.size(); ++k) CHECK(r.grid[k] == doctest::Approx(base_price(p, k * market_step_s)));
  // stepped(): the value at the start of the month, also just before the next one.
  CHECK(r.stepped(market_step_s * 2.5) == doctest::Approx(base_price(p, 2 * market_step_s)));
  CHECK(r.stepped(market_step_s * 3) == doctest::Approx(base_price(p, 3 * market_step_s)));
  CHECK(r.stepped(market_step_s * 3 - 1) == doctest::Approx(base_price(p, 2 * market_step_s)));
}

TEST_CASE("market: a mean-reverting log price keeps the base path as its mean and stays finite and positive") {
  PricePath p = rental();
  p.uncertainty = PriceUncertainty{0.4, 0.5 * year};
  const int draws = 4000;
  const std::size_t month = 10;
  double sum = 0, sum_log2 = 0;
  for (int i = 0; i < draws; ++i) {
    const RealizedPath r = realize_path(p, 400 * day, market_stream_seed(99, 0) + static_cast<std::uint64_t>(i));
    CHECK(r.grid[0] == base_price(p, 0));  // no uncertainty at the start
    const double v = r.grid[month];
    REQUIRE(std::isfinite(v));
    REQUIRE(v > 0);
    sum += v;
    const double l = std::log(v / base_price(p, month * market_step_s));
    sum_log2 += l * l;
  }
  const double base = base_price(p, month * market_step_s);
  CHECK(sum / draws == doctest::Approx(base).epsilon(0.03));
  // Var[x(t)] = sigma^2 (1 - e^(-2kt)) / (2k), k = ln 2 / half-life: the spread of the log price.
  const double k = std::log(2.0) / 0.5, t = month * market_step_s / year;
  const double var = 0.16 * (1 - std::exp(-2 * k * t)) / (2 * k);
  CHECK(sum_log2 / draws == doctest::Approx(var + var * var / 4).epsilon(0.08));
}

TEST_CASE("market: each path has its own stream, apart from every other seed of the replication") {
  CHECK(market_stream_seed(5, 0) != market_stream_seed(5, 1));
  CHECK(market_stream_seed(5, 0) != market_stream_seed(6, 0));
  PricePath a = rental(), b = rental();
  a.uncertainty = b.uncertainty = PriceUncertainty{0.3, year};
  const auto both = realize_market({a, b}, 200 * day, 5);
  CHECK(both[0].grid[3] != both[1].grid[3]);
  // The same replication draws the same path, whatever else is in the market before it is drawn.
  const auto again = realize_market({a, b}, 200 * day, 5);
  CHECK(again[1].grid == both[1].grid);
}

TEST_CASE("market: zero and falling paths give finite prices, never negative") {
  PricePath zero;
  zero.points = {{0, 0.0}};
  zero.uncertainty = PriceUncertainty{0.5, 0};
  const RealizedPath z = realize_path(zero, 3 * year, 1);
  for (double v : z.grid) CHECK(v == 0);
  PricePath falling;
  falling.points = {{0, 4 * per_hour}, {year, 0.0}};
  falling.forward_change_per_year = -0.95;
  falling.uncertainty = PriceUncertainty{1.0, 0.25 * year};
  const RealizedPath f = realize_path(falling, 5 * year, 2);
  for (double v : f.grid) {
    CHECK(std::isfinite(v));
    CHECK(v >= 0);
  }
  CHECK(f.at(3 * year) == 0);
}

TEST_CASE("market: path problems the loader reports") {
  PricePath p = rental();
  CHECK(!price_path_problem(p));
  p.points[2].value = -1;
  CHECK(price_path_problem(p)->starts_with("points.2.price"));
  p = rental();
  p.points[2].t_s = 50 * day;
  CHECK(price_path_problem(p)->starts_with("points.2.date"));
}

TEST_CASE("indexed lease: each contract year is priced at the index on its anniversary, within floor and cap") {
  const PricePath p = rental();
  const std::vector<RealizedPath> market{realize_path(p, 3 * year, 1)};
  LeaseOffer lease;
  lease.pricing = LeasePricing::Indexed;
  lease.contract_start_s = 50 * day;
  lease.term_s = 2 * year;
  lease.max_gpus = 1000;
  lease.index = IndexTerms{0, 0.10, std::nullopt, std::nullopt};
  // Year 0 from day 50: the index there, between the first two monthly knots, plus 10 %.
  const double year0 = market[0].at(50 * day) * 1.1;
  CHECK(lease_price_usd_per_gpu_s(lease, 60 * day, false, &market) == doctest::Approx(year0));
  CHECK(lease_price_usd_per_gpu_s(lease, 50 * day + year - day, false, &market) == doctest::Approx(year0));
  // Year 1 from day 50 + 365.25: after the last point, the path holds 4 USD/GPU/h.
  CHECK(lease_price_usd_per_gpu_s(lease, 50 * day + year + day, false, &market) == doctest::Approx(4.4 * per_hour));
  // A cap and a floor.
  lease.index->cap_usd_per_gpu_s = 4 * per_hour;
  lease.index->floor_usd_per_gpu_s = 5.6 * per_hour;  // above the cap: the floor wins, as written last
  CHECK(indexed_price_usd_per_gpu_s(*lease.index, 2 * per_hour) == doctest::Approx(5.6 * per_hour));
  lease.index->floor_usd_per_gpu_s = 3 * per_hour;
  CHECK(indexed_price_usd_per_gpu_s(*lease.index, 2 * per_hour) == doctest::Approx(3 * per_hour));
  CHECK(indexed_price_usd_per_gpu_s(*lease.index, 10 * per_hour) == doctest::Approx(4 * per_hour));
  // The anniversaries reprice the lease (the lease's actor wakes at them).
  CHECK(price_change_times(lease, 3 * year).size() == 2);
  // The remaining commitment sums the years at their index prices.
  lease.index->cap_usd_per_gpu_s.reset();
  lease.index->floor_usd_per_gpu_s.reset();
  CHECK(remaining_commitment_usd(lease, 50 * day, &market) ==
        doctest::Approx(1000 * (year0 + 4.4 * per_hour) * year));
}

TEST_CASE("spot and renewal at the index") {
  const PricePath p = rental();
  const std::vector<RealizedPath> market{realize_path(p, 3 * year, 1)};
  LeaseOffer spot;
  spot.pricing = LeasePricing::Spot;
  spot.max_gpus = 1000;
  spot.index = IndexTerms{0, 0, std::nullopt, std::nullopt};
  const double t = 2.5 * market_step_s;
  CHECK(lease_price_usd_per_gpu_s(spot, t, false, &market) == doctest::Approx(base_price(p, 2 * market_step_s)));
  CHECK(billed_gpus(spot, false, 600) == 600);  // what is available, no take-or-pay
  CHECK(remaining_commitment_usd(spot, 0, &market) == 0);
  LeaseOffer renew;
  renew.pricing = LeasePricing::Committed;
  renew.price_usd_per_gpu_s = 3 * per_hour;
  renew.term_s = 100 * day;
  renew.renewal_at_index = true;
  renew.index = IndexTerms{0, -0.5, std::nullopt, std::nullopt};
  CHECK(lease_price_usd_per_gpu_s(renew, 50 * day, false, &market) == doctest::Approx(3 * per_hour));
  // After the term: the index at the start of the contract year (day 0), less 50 %.
  CHECK(lease_price_usd_per_gpu_s(renew, 150 * day, true, &market) == doctest::Approx(4 * per_hour));
  CHECK(lease_price_usd_per_gpu_s(renew, year + 10 * day, true, &market) == doctest::Approx(2 * per_hour));
}

TEST_CASE("sublet income: idle GPUs x (index - fee) x utilization, the demand takes idle capacity first") {
  const Sublet s{0, 0.3 * per_hour, 0.7};
  // 1,000 idle GPUs at 2.10 less 0.30, 70 % rented: 1,000 x 1.80 x 0.7 = 1,260 USD an hour.
  CHECK(sublet_income_usd_per_s(1000, 2.1 * per_hour, s) * seconds_per_hour == doctest::Approx(1260));
  CHECK(sublet_income_usd_per_s(1000, 0.2 * per_hour, s) == 0);  // below the fee: nothing
  const IdleUse use = split_idle({500, 800}, {false, true}, 600);
  CHECK(use.serves_demand == std::vector<double>{500, 100});
  CHECK(use.sublet == std::vector<double>{0, 700});
  GpuHourDemand d;
  d.steps = {{10 * day, 100}, {20 * day, 0}};
  CHECK(demand_gpus_at(d, 5 * day) == 0);
  CHECK(demand_gpus_at(d, 10 * day) == 100);
  CHECK(demand_gpus_at(d, 25 * day) == 0);
}

TEST_CASE("loader: market paths, index-linked leases, resale at an index, sublet and demand") {
  const std::string market =
      "market={h100-rental: {points: [{date: 2023-06-01, price: 8 USD/GPU/h}, {date: 2024-10-01, price: 2 USD/GPU/h}], "
      "forward_change_per_year: -10 %, uncertainty: {volatility: 30 %, half_life: 1 year}}, "
      "used-h100: {points: [{date: 2026-02-15, price: 23500 USD}]}, power: {points: [{date: 2024-01-01, price: 60 USD/MWh}]}}";
  const Scenario s = with({market, "options.lease-oracle.pricing=indexed", "options.lease-oracle.commitment_discount=~",
                           "options.lease-oracle.index={path: h100-rental, spread: 5 %, floor: 1 USD/GPU/h}",
                           "options.lease-oracle.renewal_price=index",
                           "options.build-colossus.residual_value={method: index, index: used-h100}",
                           "options.build-colossus.power.grid.price=~", "options.build-colossus.power.grid.price_index=power",
                           "options.build-colossus.sublet={index: h100-rental, fee: 0.3 USD/GPU/h, utilization: 70 %}",
                           "demand={gpu_hours: [{from: 2025-01-01, gpus: 50000}], value_index: h100-rental}"});
  REQUIRE(s.market.size() >= 3);
  const auto find = [&](const char* name) {
    for (std::size_t i = 0; i < s.market.size(); ++i)
      if (s.market[i].name == name) return i;
    FAIL("no path");
    return std::size_t{0};
  };
  const PricePath& h100 = s.market[find("h100-rental")];
  CHECK(h100.kind == PriceKind::GpuRental);
  CHECK(h100.points.size() == 2);
  CHECK(h100.points[1].value == doctest::Approx(2 * per_hour));
  CHECK(h100.forward_change_per_year == doctest::Approx(-0.1));
  CHECK(h100.uncertainty->half_life_s == doctest::Approx(year));
  CHECK(s.market[find("used-h100")].kind == PriceKind::Hardware);
  CHECK(s.market[find("power")].kind == PriceKind::Energy);
  const LeaseOffer& lease = *s.options[0].sites[0].lease;
  CHECK(lease.pricing == LeasePricing::Indexed);
  CHECK(lease.index->path == find("h100-rental"));
  CHECK(lease.index->spread == doctest::Approx(0.05));
  CHECK(*lease.index->floor_usd_per_gpu_s == doctest::Approx(per_hour));
  CHECK(lease.renewal_at_index);
  const Site& build = s.options[1].sites[0];
  CHECK(build.build->systems.residual.method == ResidualMethod::Index);
  CHECK(build.build->systems.residual.index_path == find("used-h100"));
  CHECK(build.build->supply.grid.price_path == static_cast<int>(find("power")));
  CHECK(build.sublet->utilization == doctest::Approx(0.7));
  CHECK(s.demand->steps.front().gpus == 50000);
  CHECK(s.demand->value_path == static_cast<int>(find("h100-rental")));
  CHECK(s.has_credits_beyond_runs());
}

TEST_CASE("loader: bad paths name the file, line, column and key") {
  const std::string head = "market={h100-rental: {points: [";
  // Unsorted dates.
  std::string e = error_of({head + "{date: 2024-10-01, price: 2 USD/GPU/h}, {date: 2023-06-01, price: 8 USD/GPU/h}]}}"});
  CHECK(contains(e, "market.h100-rental.points.1.date: dates must increase"));
  // A negative price.
  e = error_of({head + "{date: 2024-10-01, price: -2 USD/GPU/h}]}}"});
  CHECK(contains(e, "market.h100-rental.points.0.price: a price cannot be negative"));
  // A price without its unit.
  e = error_of({head + "{date: 2024-10-01, price: 2}]}}"});
  CHECK(contains(e, "market.h100-rental.points.0.price: expected a price with its unit"));
  // A later point in another unit than the first.
  e = error_of({head + "{date: 2024-10-01, price: 2 USD/GPU/h}, {date: 2025-10-01, price: 60 USD/MWh}]}}"});
  CHECK(contains(e, "market.h100-rental.points.1.price: expected a GPU rental price"));
  // A path named but not defined.
  e = error_of({head + "{date: 2024-10-01, price: 2 USD/GPU/h}]}}", "options.lease-oracle.pricing=spot",
                "options.lease-oracle.term=~", "options.lease-oracle.commitment_discount=~",
                "options.lease-oracle.renewal_price=~", "options.lease-oracle.unavailable_credit=~",
                "options.lease-oracle.index={path: h100-rentl}"});
  CHECK(contains(e, "options.lease-oracle.index.path: no price path named \"h100-rentl\" in market (did you mean \"h100-rental\"?)"));
  // A path of the wrong kind.
  e = error_of({head + "{date: 2024-10-01, price: 2 USD/GPU/h}]}}",
                "options.build-colossus.residual_value={method: index, index: h100-rental}"});
  CHECK(contains(e, "options.build-colossus.residual_value.index: price path \"h100-rental\" prices gpu_rental"));
  // Indexed pricing without an index.
  e = error_of({"options.lease-oracle.pricing=indexed", "options.lease-oracle.commitment_discount=~"});
  CHECK(contains(e, "options.lease-oracle: pricing: indexed needs index"));
  // Every error is located in the file or on the command line.
  CHECK(contains(e, "xai-oracle-2024.yaml:"));
}

TEST_CASE("loader: a lease that follows the demand at renewal, subletting a lease only where its contract allows") {
  const Scenario s = with({"options.lease-oracle.renewal_gpus=demand", "options.lease-oracle.renewal_min_gpus=8000",
                           "options.lease-oracle.renewal_max_gpus=120000", "options.lease-oracle.sublet_allowed=yes",
                           "options.lease-oracle.sublet={index: h100-rental, fee: 0.3 USD/GPU/h, utilization: 50 %, energy_paid_by: tenant}"});
  const Site& site = s.options[0].sites[0];
  CHECK(site.lease->renewal_follows_demand);
  CHECK(site.lease->renewal_min_gpus == 8000);
  CHECK(site.lease->renewal_max_gpus == 120000);
  CHECK(site.lease->sublet_allowed);
  CHECK(site.sublet->utilization == doctest::Approx(0.5));
  CHECK(site.sublet->tenant_pays_energy);
  // Without the keys: the committed count, no sublet, the owner pays the sublet's energy.
  const Scenario plain = with({});
  CHECK(!plain.options[0].sites[0].lease->renewal_follows_demand);
  CHECK(plain.options[0].sites[0].lease->renewal_max_gpus == plain.options[0].sites[0].lease->max_gpus);
  CHECK(!plain.options[1].sites[0].sublet->tenant_pays_energy);

  // A lease's sublet needs the contract's consent.
  std::string e = error_of({"options.lease-oracle.sublet={index: h100-rental, fee: 0.3 USD/GPU/h, utilization: 50 %}"});
  CHECK(contains(e, "options.lease-oracle.sublet: this lease does not allow subletting"));
  CHECK(contains(e, "sublet_allowed: yes"));
  // Bounds without following the demand, a floor above the ceiling, a renewal without a demand.
  e = error_of({"options.lease-oracle.renewal_max_gpus=1000"});
  CHECK(contains(e, "options.lease-oracle.renewal_max_gpus: renewal_max_gpus bounds a renewal that follows the demand"));
  e = error_of({"options.lease-oracle.renewal_gpus=demand", "options.lease-oracle.renewal_min_gpus=9000",
                "options.lease-oracle.renewal_max_gpus=8000"});
  CHECK(contains(e, "options.lease-oracle.renewal_min_gpus: the floor is above renewal_max_gpus (8000)"));
  e = error_of({"options.lease-oracle.renewal_gpus=demand", "demand=~"});
  CHECK(contains(e, "options.lease-oracle.renewal_gpus: renewal_gpus: demand needs a demand section"));
  e = error_of({"options.lease-oracle.renewal_gpus=market"});
  CHECK(contains(e, "options.lease-oracle.renewal_gpus: expected one of committed, demand"));
  e = error_of({"options.build-colossus.sublet.energy_paid_by=landlord"});
  CHECK(contains(e, "options.build-colossus.sublet.energy_paid_by: expected one of owner, tenant"));
}

TEST_CASE("loader: a breakeven on a path's slope searches a signed range") {
  const Scenario s = load_scenario(default_scenario, {parse_override("analysis.breakeven=market.h100-rental.forward_change_per_year")});
  CHECK(s.analysis.breakeven_parameter == "market.h100-rental.forward_change_per_year");
  CHECK(s.analysis.breakeven_unit == "%");
  CHECK(s.analysis.breakeven_scenario_value == doctest::Approx(-15));
  CHECK(s.analysis.breakeven_signed);
  CHECK(s.analysis.breakeven_lowest_value == doctest::Approx(-94.9));  // just inside the loader's -95 %
  const Scenario price = load_scenario(default_scenario);
  CHECK(!price.analysis.breakeven_signed);
  CHECK(price.analysis.breakeven_lowest_value == doctest::Approx(0.01));
}
