// The money keys of a scenario: lease contracts, build TCO and the analysis section, through
// --set overrides on the default scenario so every error names its key path.
#include <doctest/doctest.h>

#include <string>

#include "scenario/input_error.h"
#include "scenario/load.h"

using namespace bvr;

namespace {

const std::string default_scenario = std::string(BVR_SOURCE_DIR) + "/scenarios/xai-oracle-2024.yaml";
constexpr double per_hour = 1.0 / 3600;

Scenario with(std::initializer_list<const char*> assignments) {
  std::vector<Override> overrides;
  for (const char* a : assignments) overrides.push_back(parse_override(a));
  return load_scenario(default_scenario, overrides, false);  // the analysis' values are checked below
}

std::string error_of(std::initializer_list<const char*> assignments) {
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

TEST_CASE("loader: lease contract keys") {
  const LeaseOffer lease = *with({}).options[0].sites[0].lease;
  CHECK(lease.pricing == LeasePricing::Committed);
  CHECK(lease.list_price_usd_per_gpu_s == doctest::Approx(10 * per_hour));
  CHECK(lease.unavailable_credit == 1);
  CHECK(lease.escalation_per_year == 0);
  CHECK(!lease.early_termination_fee_share);
  CHECK(lease.storage_usd_per_s == doctest::Approx(20e3 * 20 / (30.4375 * 86400)));  // 20 PB at 20 USD/TB/month
  CHECK(lease.egress_usd_per_s == doctest::Approx(200 * 10 / (30.4375 * 86400)));    // 200 TB/month at 10 USD/TB

  // Discounts by term: the two-year term sits halfway between GCP's 1-year and 3-year discounts.
  const LeaseOffer by_term = *with({"options.lease-oracle.commitment_discount=[{term: 1 year, discount: 37 %}, "
                                    "{term: 3 years, discount: 56 %}]",
                                    "options.lease-oracle.term=2 years"})
                                  .options[0]
                                  .sites[0]
                                  .lease;
  CHECK(by_term.price_usd_per_gpu_s == doctest::Approx(10 * (1 - 0.465) * per_hour));
  CHECK(contains(error_of({"options.lease-oracle.commitment_discount=[{term: 3 years, discount: 56 %}, "
                           "{term: 1 year, discount: 37 %}]"}),
                 "options.lease-oracle.commitment_discount.1.term: dates must not go backwards"));

  const LeaseOffer fee = *with({"options.lease-oracle.early_termination_fee=30 %", "options.lease-oracle.escalation=-10 %/yr",
                                "options.lease-oracle.unavailable_credit=0"})
                              .options[0]
                              .sites[0]
                              .lease;
  CHECK(fee.early_termination_fee_share == doctest::Approx(0.3));
  CHECK(fee.escalation_per_year == doctest::Approx(-0.1));
  CHECK(fee.unavailable_credit == 0);

  // On demand: no term, no discount; the keys of a commitment are errors, not silently ignored.
  const std::string on_demand_error = error_of({"options.lease-oracle.pricing=on_demand"});
  CHECK(contains(on_demand_error, "options.lease-oracle.term: applies to committed or indexed pricing only"));
  // The hybrid's site like it has a term of its own: an error there too, until it goes.
  CHECK(contains(error_of({"options.lease-oracle.pricing=on_demand", "options.lease-oracle.term=~",
                           "options.lease-oracle.commitment_discount=~", "options.lease-oracle.renewal_price=~",
                           "options.lease-oracle.unavailable_credit=~"}),
                 "options.hybrid.sites.oracle.term: applies to committed or indexed pricing only"));
  const Scenario on_demand = with({"options.lease-oracle.pricing=on_demand", "options.lease-oracle.term=~",
                                   "options.lease-oracle.commitment_discount=~", "options.lease-oracle.renewal_price=~",
                                   "options.lease-oracle.unavailable_credit=~", "options.hybrid.sites.oracle.term=~"});
  CHECK(on_demand.options[0].sites[0].lease->pricing == LeasePricing::OnDemand);
  CHECK(on_demand.options[0].sites[0].lease->term_s == 0);
  CHECK(on_demand.options[2].sites[0].lease->term_s == 0);

  CHECK(contains(error_of({"options.lease-oracle.storage.price=20 USD/TB"}),
                 "options.lease-oracle.storage.price: expected a price per amount of data stored per time"));
  CHECK(contains(error_of({"options.lease-oracle.egress.volume=200 TB"}), "options.lease-oracle.egress.volume: expected a bandwidth"));
  CHECK(contains(error_of({"options.lease-oracle.pricing=auction"}), "expected one of committed, on_demand, indexed, spot"));
  CHECK(contains(error_of({"options.lease-oracle.escalation=80 %/yr", "options.lease-oracle.escalation=-60 %/yr"}),
                 "options.lease-oracle.escalation: expected a fraction between -0.5 and 1"));
}

TEST_CASE("loader: build TCO keys and financing") {
  const Scenario s = with({});
  const SystemPurchase& b = s.options[1].sites[0].build->systems;
  CHECK(b.spares_share == doctest::Approx(0.083));
  CHECK(b.opex.maintenance_per_year == doctest::Approx(0.03));
  CHECK(b.opex.insurance_property_per_year == doctest::Approx(0.01));
  CHECK(b.opex.staff_usd_per_s == doctest::Approx(25e6 / (365.25 * 86400)));
  CHECK(b.opex.network_storage_usd_per_s == doctest::Approx(0.5e6 / (30.4375 * 86400)));
  CHECK(b.residual.method == ResidualMethod::Index);  // at the used-H100 index (docs/market.md)
  CHECK(!s.financing);

  const SystemPurchase resale = with({"options.build-colossus.residual_value={method: resale, curve: [{age: 1 year, "
                                      "value: 60 %}, {age: 3 years, value: 20 %}]}"})
                                    .options[1]
                                    .sites[0]
                                    .build->systems;
  CHECK(resale.residual.method == ResidualMethod::Resale);
  CHECK(resale.residual.resale.size() == 2);
  const SystemPurchase rental = with({"options.build-colossus.residual_value={method: rental, price: 2 USD/GPU/h, "
                                      "utilization: 70 %, price_decline: 25 %/yr}"})
                                    .options[1]
                                    .sites[0]
                                    .build->systems;
  CHECK(rental.residual.rental.price_usd_per_gpu_s == doctest::Approx(2 * per_hour));
  CHECK(contains(error_of({"options.build-colossus.residual_value={method: rental, price: 2 USD/GPU/h}"}),
                 "options.build-colossus.residual_value: missing key \"utilization\""));
  CHECK(contains(error_of({"options.build-colossus.residual_value={method: resale, price: 2 USD/GPU/h}"}),
                 "options.build-colossus.residual_value.price: unknown key \"price\""));
  CHECK(contains(error_of({"options.build-colossus.opex.staff=25 MUSD"}),
                 "options.build-colossus.opex.staff: expected an amount of money per time such as 40 MUSD/year"));

  // Financing replaces the discount rate with its WACC; giving both is an error.
  const Scenario financed = with({"scenario.discount_rate=~", "scenario.financing={debt_share: 40 %, debt_rate: 12 %/yr, "
                                  "equity_rate: 20 %/yr}"});
  CHECK(financed.discount_rate == doctest::Approx(0.4 * 0.12 + 0.6 * 0.20));
  CHECK(contains(error_of({"scenario.financing={debt_share: 40 %, debt_rate: 12 %/yr, equity_rate: 20 %/yr}"}),
                 "scenario.discount_rate: give either discount_rate or financing"));
}

TEST_CASE("loader: the analysis section") {
  const Scenario s = load_scenario(default_scenario);
  CHECK(s.analysis.first_option == "lease-oracle");
  CHECK(s.analysis.second_option == "build-colossus");
  CHECK(s.analysis.breakeven_parameter == "options.lease-oracle.list_price");
  CHECK(s.analysis.breakeven_scenario_value == doctest::Approx(10));
  CHECK(s.analysis.breakeven_unit == "USD/GPU/h");
  CHECK(s.analysis.sensitivity_replications == 2);
  REQUIRE(!s.analysis.sensitivity.empty());
  CHECK(s.analysis.sensitivity[0].key == "options.lease-oracle.list_price");
  CHECK(s.analysis.sensitivity[0].low == "4.92 USD/GPU/h");
  // Without the section: the first option that only rents and the first that owns, no tornado.
  const Scenario bare = load_scenario(default_scenario, {parse_override("analysis=~")});
  CHECK(bare.analysis.first_option == "lease-oracle");
  CHECK(bare.analysis.second_option == "build-colossus");
  CHECK(bare.analysis.sensitivity.empty());
  // Any two options; the price breakeven on any key with a unit.
  const Scenario two = load_scenario(default_scenario, {parse_override("analysis.compare=[hybrid, build-colossus]"),
                                                        parse_override("analysis.breakeven=options.build-colossus.facility_cost")});
  CHECK(two.analysis.first_option == "hybrid");
  CHECK(two.analysis.breakeven_parameter == "options.build-colossus.facility_cost");
  CHECK(two.analysis.breakeven_scenario_value == doctest::Approx(11'700'000));
  CHECK(two.analysis.breakeven_unit == "USD/MW");
  const Scenario hybrid_first = load_scenario(default_scenario, {parse_override("analysis.compare=[hybrid, build-colossus]")});
  CHECK(hybrid_first.analysis.breakeven_parameter == "options.hybrid.sites.oracle.list_price");
  // Each value is checked by loading the scenario with it, and blamed on its own line.
  const auto error = [](const char* assignment) {
    try {
      load_scenario(default_scenario, {parse_override(assignment)});
    } catch (const InputError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  CHECK(contains(error("analysis.sensitivity.parameters.0.high=12.29 USD/GPU"),
                 "analysis.sensitivity.parameters.0.high: this value of options.lease-oracle.list_price does not load"));
  CHECK(contains(error("analysis.sensitivity.parameters.0.key=options.lease-oracle.list_prize"),
                 "unknown key \"list_prize\" (did you mean \"list_price\"?)"));
  CHECK(contains(error("analysis.compare=[hybrid, hybrid]"), "analysis.compare.1: compare two different options"));
  CHECK(contains(error("analysis.compare=[hybrid]"), "analysis.compare: expected a list of at least 2 items"));
  CHECK(contains(error("analysis.breakeven=options.lease-oracle.contract"),
                 "the breakeven needs a number with a unit, such as 10 USD/GPU/h"));
  CHECK(contains(error("analysis.breakeven=options.lease-oracle.list_prize"), "no value at options.lease-oracle.list_prize"));
  // A --set that makes a tornado value invalid says how to go on without the tornado.
  try {
    load_scenario(default_scenario, {parse_override("options.lease-oracle.pricing=on_demand"),
                                     parse_override("options.lease-oracle.term=~"),
                                     parse_override("options.lease-oracle.commitment_discount=~"),
                                     parse_override("options.lease-oracle.renewal_price=~"),
                                     parse_override("options.lease-oracle.unavailable_credit=~"),
                                     parse_override("options.hybrid.sites.oracle.term=~")});
    FAIL("expected an InputError");
  } catch (const InputError& e) {
    CHECK(contains(e.what(), "analysis.sensitivity.parameters.3.low: this value of options.lease-oracle.commitment_discount "
                             "does not load (fix it, or run with --no-analysis)"));
  }
}

TEST_CASE("loader: money in compound units takes its prefixes (13 MUSD/MW is 13,000,000 USD/MW)") {
  const double base = with({}).options[1].sites[0].build->facility_capex_usd_per_w;
  CHECK(base == doctest::Approx(11.7));
  for (const char* spelling : {"options.build-colossus.facility_cost=11.7 MUSD/MW",
                               "options.build-colossus.facility_cost=11.7 million USD/MW",
                               "options.build-colossus.facility_cost=11700 kUSD/MW",
                               "options.build-colossus.facility_cost=11.7 kUSD/kW"}) {
    CAPTURE(spelling);
    CHECK(with({spelling}).options[1].sites[0].build->facility_capex_usd_per_w == doctest::Approx(base));
  }
  CHECK(with({"options.lease-oracle.list_price=0.01 kUSD/GPU/h"}).options[0].sites[0].lease->list_price_usd_per_gpu_s ==
        doctest::Approx(10 * per_hour));
  // A typo keeps its prefix in the suggestion.
  CHECK(contains(error_of({"options.build-colossus.facility_cost=11.7 MUSD/MWW"}), "did you mean \"MUSD/MW\"?"));
}
