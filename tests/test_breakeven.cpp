// The breakeven and the tornado simulate again: an option simulated alone must get exactly what
// it gets in the full run, the breakeven must equalize the NPVs when run again, and the verdict
// must flip across it.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

#include <unistd.h>

#include "scenario/load.h"
#include "sim/breakeven.h"
#include "sim/replications.h"
#include "sim/sensitivity.h"
#include "sim/what_if.h"

using namespace bvr;

namespace {

const std::string small = std::string(BVR_SOURCE_DIR) + "/tests/data/rent-or-build-small.yaml";

double relative_gap(double a, double b) { return std::fabs(a - b) / std::max(std::fabs(a), std::fabs(b)); }

}  // namespace

TEST_CASE("what-if: an option simulated alone gets the same bits as in the full run") {
  const Scenario full = load_scenario(small);
  const auto all = run_replications(full, 2);
  Scenario alone = full;
  alone.options.erase(alone.options.begin());  // the build only
  const auto one = run_replications(alone, 2);
  for (std::size_t r = 0; r < all.size(); ++r) {
    CHECK(std::memcmp(all[r].options[1].metrics.data(), one[r].options[0].metrics.data(), sizeof(double) * metric_count) == 0);
    CHECK(std::memcmp(all[r].options[1].cost_usd.data(), one[r].options[0].cost_usd.data(),
                      sizeof(double) * cost_category_count) == 0);
  }
}

TEST_CASE("breakeven: the lease price found gives equal NPVs when run again, and the verdict flips across it") {
  const Scenario s = load_scenario(small);
  const auto outcomes = run_replications(s, 2);
  const Breakeven b = find_price_breakeven(s, outcomes, 2);
  REQUIRE(b.found);
  CHECK(b.parameter == "options.rent.list_price");
  CHECK(b.unit == "USD/GPU/h");
  CHECK(b.scenario_value == doctest::Approx(6));
  CHECK(b.evaluations <= 3);  // NPV is affine in the price: a probe and the root
  MESSAGE("breakeven list price ", b.value, " USD/GPU/h after ", b.evaluations, " simulations");

  const auto at = [&](double price) {
    return run_what_if(s, {{parse_override(fmt::format("{}={:.9g} {}", b.parameter, price, b.unit))}, {"rent", "build"}, 0}, 2);
  };
  const auto equal = at(b.value);
  CHECK(relative_gap(equal.at("rent").npv_cost_usd, equal.at("build").npv_cost_usd) < 0.005);
  CHECK(equal.at("build").npv_cost_usd == doctest::Approx(b.second_npv_usd));
  const auto cheaper = at(b.value * 0.9), dearer = at(b.value * 1.1);
  CHECK(cheaper.at("rent").npv_cost_usd < cheaper.at("build").npv_cost_usd);  // below: renting wins
  CHECK(dearer.at("rent").npv_cost_usd > dearer.at("build").npv_cost_usd);    // above: building wins
}

TEST_CASE("breakeven: none when no positive price equalizes the NPVs") {
  // Make the build nearly free: a lease still costs its storage and egress at a price of zero.
  const Scenario s = load_scenario(small, {parse_override("options.build.gpu_orders.0.server_price=1 USD"),
                                           parse_override("options.build.facility_cost=0 USD/MW"),
                                           parse_override("options.build.opex={}"),
                                           parse_override("options.build.power.grid.price=0 USD/MWh"),
                                           parse_override("options.rent.storage.capacity=100 PB")});
  const Breakeven b = find_price_breakeven(s, run_replications(s, 2), 2);
  CHECK(!b.found);
  CHECK(b.note == "build costs less than rent even at options.rent.list_price=0.01 USD/GPU/h");
}

TEST_CASE("breakeven horizon: the horizon found gives equal NPVs when run again, and the verdict flips across it") {
  const Scenario s = load_scenario(small);
  const auto outcomes = run_replications(s, 2);
  const Breakeven b = find_horizon_breakeven(s, outcomes, 2);
  REQUIRE_MESSAGE(b.found, b.note);
  CHECK(b.parameter == "scenario.horizon");
  CHECK(b.unit == "days");
  CHECK(b.scenario_value == doctest::Approx(365));
  CHECK(b.replications == 2);  // analysis.sensitivity.replications
  CHECK(b.value == std::round(b.value));
  // The small build is cheaper over half a year, dearer over a year: the crossing lies between.
  CHECK(b.value > 180);
  CHECK(b.value < 365);
  CHECK(!b.second_cheaper_above);
  CHECK(b.evaluations <= 2 + 12);  // the scan's one step either way, then the refinement
  MESSAGE("breakeven horizon ", b.value, " days after ", b.evaluations, " simulations");

  const auto at = [&](double days, int replications) {
    return run_what_if(s, {{parse_override(fmt::format("scenario.horizon={:.9g} days", days))}, {"rent", "build"}, replications}, 2);
  };
  const auto equal = at(b.value, b.replications);
  CHECK(relative_gap(equal.at("rent").npv_cost_usd, equal.at("build").npv_cost_usd) < 0.001);
  CHECK(equal.at("build").npv_cost_usd == doctest::Approx(b.second_npv_usd));
  CHECK(equal.at("rent").npv_cost_usd == doctest::Approx(b.first_npv_usd));
  const auto all = at(b.value, 0);  // the run's replications: still within the 0.5 % promised
  CHECK(relative_gap(all.at("rent").npv_cost_usd, all.at("build").npv_cost_usd) < 0.005);
  const auto shorter = at(b.value - 30, 0), longer = at(b.value + 30, 0);
  CHECK(shorter.at("build").npv_cost_usd < shorter.at("rent").npv_cost_usd);  // shorter: building wins
  CHECK(longer.at("build").npv_cost_usd > longer.at("rent").npv_cost_usd);    // longer: renting wins
}

TEST_CASE("breakeven horizon: none when the NPVs do not cross from 180 days to 10 years") {
  // At 30 USD/GPU/h the lease costs more than the build over any horizon in the range.
  const Scenario s = load_scenario(small, {parse_override("options.rent.list_price=30 USD/GPU/h")});
  const Breakeven b = find_horizon_breakeven(s, run_replications(s, 2), 2);
  CHECK(!b.found);
  CHECK(b.note == "build costs less than rent at every horizon from 180 to 3652 days");
  CHECK(b.evaluations == 12);  // every other point of the scan
}

TEST_CASE("sensitivity: rows sorted by swing, one option re-simulated per option key") {
  const Scenario s = load_scenario(small);
  const auto outcomes = run_replications(s, 2);
  const Sensitivity sens = run_sensitivity(s, outcomes, 2);
  REQUIRE(sens.computed);
  CHECK(sens.replications == 2);
  REQUIRE(sens.rows.size() == 3);
  CHECK(sens.rows[0].parameter == "options.rent.list_price");
  for (std::size_t i = 1; i < sens.rows.size(); ++i) CHECK(sens.rows[i - 1].swing_usd >= sens.rows[i].swing_usd);
  // The value of time moves only the time-adjusted gap: 2 MUSD/day x (build days - rent days).
  const SensitivityRow& time = sens.rows[2];
  CHECK(time.parameter == "scenario.value_per_day_earlier");
  CHECK(time.swing_usd == doctest::Approx(0).epsilon(1e-9));
  CHECK(time.npv_gap_low_usd == doctest::Approx(sens.base_npv_gap_usd));
  CHECK(time.time_adjusted_gap_high_usd - time.time_adjusted_gap_low_usd > 0);
  // Price: a cheaper lease widens the build's disadvantage; at 8 USD/GPU/h, near the breakeven.
  CHECK(sens.rows[0].npv_gap_low_usd > sens.base_npv_gap_usd);
  CHECK(!sens.rows[0].flips);
}

TEST_CASE("breakeven: a path's slope is solved over a signed range (hand-checked)") {
  // Two leases of 800 GPUs for two years, billed take-or-pay from day 0, no discounting: one fixed
  // at 0.9 x 4 = 3.60 USD/GPU/h, one indexed on a path at 4 USD/GPU/h on day 0 falling (or
  // rising) by g a year after it, each contract year at the index on its anniversary. Over 730
  // days: indexed = 800 x 4 x (365.25 d + (1 + g) x 364.75 d), fixed = 800 x 3.6 x 730 d: equal at
  // 1 + g = (0.9 x 730 - 365.25) / 364.75, g = -20.014 %. NPV is affine in g: one secant step.
  const auto dir = std::filesystem::temp_directory_path() / fmt::format("bvr-breakeven-slope-{}", ::getpid());
  std::filesystem::create_directories(dir);
  const std::string file = (dir / "slope.yaml").string();
  const std::string lease_common = R"(
    contract: lease
    system: h100-hgx
    contract_start: 2024-01-01
    billing_start: 2024-01-01
    term: 730 days
    committed_gpus: 800
    renewal_price: 4 USD/GPU/h
    pue: 1.2
    deliveries: [{date: 2024-01-01, gpus: 800}]
    site_power: [{from: 2024-01-01, power: 20 MW}])";
  std::ofstream(file) << R"(scenario:
  name: slope
  start: 2024-01-01
  horizon: 730 days
  seed: 3
  replications: 1
  discount_rate: 0 %/yr
  value_per_day_earlier: 0 USD
market:
  rental:
    points: [{date: 2024-01-01, price: 4 USD/GPU/h}]
    forward_change_per_year: 10 %
workload:
  parallelism: {tp: 8, pp: 1, microbatch: 1}
  recompute: selective
  precision: bf16
  resize_step: 10 %
  max_job_gpus: 800
  min_job_gpus: 8
  runs:
    - name: short
      compute: 1e22 FLOP
      model: {layers: 32, hidden: 4096, ffn: 14336, heads: 32, kv_heads: 8, vocab: 32000, gated_ffn: yes}
      sequence_length: 4096
      global_batch_tokens: 1048576
reliability:
  failure_classes:
    - {name: node, rate: 1 per 1000 node-days, repair_time: 2 days}
  restart_time: 10 min
  spare_servers: 0
  when_out_of_spares: shrink
  checkpoint:
    interval: young
    bytes_per_parameter: 14
    blocking_overhead: 5 s
    host_copy_bandwidth: 50 GB/s
    storage_write_bandwidth: 1 TB/s
    storage_read_bandwidth: 2 TB/s
options:
  fixed:)" + lease_common + R"(
    list_price: 3.6 USD/GPU/h
    commitment_discount: 0 %
  indexed:)" + lease_common + R"(
    pricing: indexed
    index: {path: rental}
analysis:
  compare: [fixed, indexed]
  breakeven: market.rental.forward_change_per_year
)";
  const Scenario s = load_scenario(file);
  REQUIRE(s.analysis.breakeven_signed);
  const auto outcomes = run_replications(s, 1);
  const Breakeven b = find_price_breakeven(s, outcomes, 1);
  std::filesystem::remove_all(dir);
  REQUIRE_MESSAGE(b.found, b.note);
  CHECK(b.parameter == "market.rental.forward_change_per_year");
  CHECK(b.unit == "%");
  CHECK(b.scenario_value == doctest::Approx(10));
  const double hand = 100 * ((0.9 * 730 - 365.25) / 364.75 - 1);
  CHECK(hand == doctest::Approx(-20.014).epsilon(1e-4));
  CHECK(b.value == doctest::Approx(hand).epsilon(1e-4));
  CHECK(b.value < 0);  // below zero: the positive-only search could not find it
  CHECK(b.evaluations <= 3);
  // Above the breakeven the index rises faster and the fixed lease is cheaper.
  CHECK(b.second_cheaper_above == false);
}
