// Serving a dated demand in the campaign (docs/serving.md, "Serving in the campaign"), on the
// small hand-checkable scenario: every site serves 100 output tokens/s per GPU in instances of 8
// GPUs (ServingWorkload's test seam), so an instance serves 800 tokens/s and a GPU draws the
// node's 10 kW / 8 = 1,250 W at PUE 1. Demand met and unmet add up; the training job and serving
// share the GPUs by the priority rule; serving energy is in the power and cost figures; a
// power-limited site serves less at the same tokens per MW.
#include <doctest/doctest.h>

#include "models/time.h"
#include "scenario/load.h"
#include "scenario/overrides.h"
#include "sim/replications.h"
#include "sim/results.h"

#include "small_scenario.h"

using namespace bvr;

namespace {

constexpr double day = seconds_per_day;
constexpr double year = seconds_per_year;
constexpr double per_hour = 1.0 / seconds_per_hour;
constexpr double gpu_w = 10'000.0 / 8;
constexpr double flop_per_gpu_s = 1e15 * 0.5;  // the small system at 50 % MFU

double serving(const OptionOutcome& o, ServingMetric m) { return o.serving[static_cast<std::size_t>(m)]; }
double cost(const OptionOutcome& o, CostCategory c) { return o.cost_usd[static_cast<std::size_t>(c)]; }

ServingWorkload fixed_rate_serving(std::vector<ServingDemandStep> demand) {
  ServingWorkload w;
  w.model.name = "test model";
  w.fixed_tokens_per_s_per_gpu = 100;
  w.fixed_instance_gpus = 8;
  w.demand = std::move(demand);
  return w;
}

// 800 GPUs leased at 2 USD/GPU/h from day 0 for two years, over a horizon of 60 days; no runs.
Scenario serving_lease(std::vector<ServingDemandStep> demand) {
  Scenario s = test::small_scenario("serving");
  s.discount_rate = 0;
  LeaseOffer lease;
  lease.ramp = {{0, 800}};
  lease.site_power = {{0, 1e9}};
  lease.max_gpus = 800;
  lease.term_s = 2 * year;
  lease.price_usd_per_gpu_s = 2 * per_hour;
  lease.list_price_usd_per_gpu_s = 2 * per_hour;
  s.options = {test::one_site("lease", test::lease_site(lease))};
  s.workload.serving = fixed_rate_serving(std::move(demand));
  return s;
}

OptionOutcome run_one(const Scenario& s) { return test::run(s, 1).front().options.front(); }

}  // namespace

TEST_CASE("serving campaign: demand met and unmet add up, by hand") {
  // 40,000 tokens/s for 30 days (50 instances, 400 GPUs), then 100,000 (125 instances wanted, 100
  // there: 80,000 served, 20,000 unmet).
  const Scenario s = serving_lease({{0, 40'000}, {30 * day, 100'000}});
  REQUIRE(s.serves());
  const auto reps = test::run(s, 1);
  const OptionOutcome& o = reps.front().options.front();
  const double demanded = (40'000 + 100'000) * 30 * day, served = (40'000 + 80'000) * 30 * day;
  CHECK(serving(o, ServingMetric::TokensDemanded) == doctest::Approx(demanded).epsilon(1e-12));
  CHECK(serving(o, ServingMetric::TokensServed) == doctest::Approx(served).epsilon(1e-12));
  CHECK(serving(o, ServingMetric::TokensUnmet) == doctest::Approx(20'000 * 30 * day).epsilon(1e-12));
  CHECK(serving(o, ServingMetric::TokensServed) + serving(o, ServingMetric::TokensUnmet) ==
        doctest::Approx(serving(o, ServingMetric::TokensDemanded)).epsilon(1e-12));
  CHECK(serving(o, ServingMetric::UnmetShare) == doctest::Approx(20.0 / 140));
  CHECK(serving(o, ServingMetric::GpuHours) == doctest::Approx((400 + 800) * 30 * 24.0));
  // The GPUs open to serving could serve 80,000 tokens/s all along.
  CHECK(serving(o, ServingMetric::Utilization) == doctest::Approx(served / (80'000 * 60 * day)));
  const double energy_j = (400 + 800) * 30 * day * gpu_w;
  CHECK(serving(o, ServingMetric::EnergyMwh) == doctest::Approx(energy_j / 3.6e9));
  CHECK(serving(o, ServingMetric::MeanPowerMw) == doctest::Approx(energy_j / (60 * day) / 1e6));
  CHECK(serving(o, ServingMetric::TokensPerSPerMw) == doctest::Approx(100 / (gpu_w / 1e6)));
  // Nothing trains: serving carries the whole bill, 800 GPUs x 2 USD x 60 days.
  const double bill = 800 * 2.0 * 60 * 24;
  CHECK(cost(o, CostCategory::LeaseBilling) == doctest::Approx(bill));
  CHECK(serving(o, ServingMetric::CostUsd) == doctest::Approx(bill));
  CHECK(serving(o, ServingMetric::CostPerMillionTokensUsd) == doctest::Approx(bill / served * 1e6));
  CHECK(o[Metric::TimeToTrainDays] == 0);
  CHECK(o[Metric::CompletedFraction] == 1);
  // The daily series follows the steps.
  const auto& series = o.series;
  REQUIRE(series.size() == 61);
  CHECK(series[10].serving_demand_tokens_per_s == 40'000);
  CHECK(series[10].serving_served_tokens_per_s == 40'000);
  CHECK(series[10].gpus_serving == 400);
  CHECK(series[10].serving_power_mw == doctest::Approx(400 * gpu_w / 1e6));
  CHECK(series[40].serving_demand_tokens_per_s == 100'000);
  CHECK(series[40].serving_served_tokens_per_s == 80'000);
  CHECK(series[40].gpus_serving == 800);
  // A lease's provider draws for the GPUs that work: the option's energy is serving's.
  CHECK(o[Metric::EnergyMwh] == doctest::Approx(energy_j / 3.6e9));
  // In results.json: the serving metrics by name, and the run's rates.
  const Results r = make_results(s, reps);
  CHECK(r.options.front().metric("serving_tokens_served").mean == doctest::Approx(served).epsilon(1e-12));
  REQUIRE(r.serving);
  CHECK(r.serving->sites.front().tokens_per_s_per_gpu == 100);
}

TEST_CASE("serving campaign: a demand in requests/s is that many requests of the mean output length") {
  const std::string file = std::string(BVR_SOURCE_DIR) + "/scenarios/serving-gb300-2026.yaml";
  const Scenario sc = load_scenario(file,
                                    {parse_override("workload.serving.demand.0.output_tokens=~"),
                                     parse_override("workload.serving.demand.0.requests=5000 requests/s")},
                                    false);
  REQUIRE(sc.workload.serving);
  CHECK(sc.workload.serving->demand.front().output_tokens_per_s == 5000.0 * sc.workload.serving->output_tokens);
  CHECK(sc.workload.serving->priority == ServingPriority::Training);
  const Scenario first = load_scenario(file, {parse_override("workload.serving.priority=serving")}, false);
  CHECK(first.workload.serving->priority == ServingPriority::Serving);
}

TEST_CASE("serving campaign: priority training, serving takes what the job leaves, then all") {
  // A run of 10 days on 400 GPUs from day 0; 48,000 tokens/s (60 instances) wanted all along.
  Scenario s = serving_lease({{0, 48'000}});
  s.workload.max_job_gpus = 400;
  s.workload.runs = {{"only", 400 * flop_per_gpu_s * 10 * day}};
  const OptionOutcome o = run_one(s);
  const double finish_s = o[Metric::TimeToTrainDays] * day;
  CHECK(finish_s == doctest::Approx(10 * day + 600));  // launch restart, then 10 days: serving does not slow it
  // While it trains, serving has the other 400 GPUs: 50 instances, 40,000 tokens/s.
  const double served = 40'000 * finish_s + 48'000 * (60 * day - finish_s);
  CHECK(serving(o, ServingMetric::TokensServed) == doctest::Approx(served).epsilon(1e-9));
  CHECK(serving(o, ServingMetric::TokensUnmet) == doctest::Approx(8'000 * finish_s).epsilon(1e-9));
  const double serving_gpu_s = 400 * finish_s + 480 * (60 * day - finish_s);
  CHECK(serving(o, ServingMetric::GpuHours) == doctest::Approx(serving_gpu_s / 3600).epsilon(1e-9));
  // The bill is shared by the GPU-hours each held.
  const double training_gpu_s = 400 * finish_s;
  CHECK(o[Metric::GpuHours] == doctest::Approx(training_gpu_s / 3600).epsilon(1e-9));
  const double bill = 800 * 2.0 * 60 * 24;
  CHECK(serving(o, ServingMetric::CostUsd) ==
        doctest::Approx(bill * serving_gpu_s / (serving_gpu_s + training_gpu_s)).epsilon(1e-9));
  CHECK(o.series[5].gpus_training == 400);
  CHECK(o.series[5].gpus_serving == 400);
  CHECK(o.series[20].gpus_serving == 480);
}

TEST_CASE("serving campaign: priority serving, the job runs on what serving leaves") {
  // From day 1 serving wants 480 GPUs: the job, on 400 until then, restarts on the 320 left.
  Scenario s = serving_lease({{1 * day, 48'000}});
  s.workload.serving->priority = ServingPriority::Serving;
  s.workload.max_job_gpus = 400;
  s.workload.runs = {{"only", 400 * flop_per_gpu_s * 10 * day}};
  const OptionOutcome o = run_one(s);
  CHECK(serving(o, ServingMetric::TokensUnmet) == doctest::Approx(0));
  CHECK(serving(o, ServingMetric::TokensServed) == doctest::Approx(48'000 * 59 * day).epsilon(1e-12));
  // 400 GPUs for the first day (after the 600 s launch), a 600 s restart, then 320 GPUs.
  const double done_flop = 400 * flop_per_gpu_s * (day - 600);
  const double finish_s = day + 600 + (400 * flop_per_gpu_s * 10 * day - done_flop) / (320 * flop_per_gpu_s);
  CHECK(o[Metric::TimeToTrainDays] * day == doctest::Approx(finish_s).epsilon(1e-9));
  CHECK(o.series[5].gpus_training == 320);
  CHECK(o.series[5].gpus_serving == 480);
}

TEST_CASE("serving campaign: a power-limited site serves less, at the same tokens per MW") {
  const Scenario full = serving_lease({{0, 48'000}});
  Scenario limited = full;
  test::lease_of(limited.options[0]).site_power = {{0, 400 * gpu_w}};  // powers 400 of the 800 GPUs
  const OptionOutcome a = run_one(full), b = run_one(limited);
  CHECK(serving(a, ServingMetric::TokensUnmet) == 0);
  CHECK(serving(b, ServingMetric::TokensServed) == doctest::Approx(40'000 * 60 * day));
  CHECK(serving(b, ServingMetric::TokensUnmet) == doctest::Approx(8'000 * 60 * day));
  CHECK(serving(b, ServingMetric::UnmetShare) == doctest::Approx(1.0 / 6));
  CHECK(serving(b, ServingMetric::TokensPerSPerMw) == doctest::Approx(serving(a, ServingMetric::TokensPerSPerMw)));
  CHECK(serving(b, ServingMetric::MeanPowerMw) == doctest::Approx(400 * gpu_w / 1e6));
  // The provider credits what its power cannot run (docs/finance.md): serving carries the bill of
  // the GPUs it could use.
  CHECK(cost(b, CostCategory::LeaseBilling) == doctest::Approx(400 * 2.0 * 60 * 24));
  CHECK(serving(b, ServingMetric::CostPerMillionTokensUsd) ==
        doctest::Approx(400 * 2.0 * 60 * 24 / serving(b, ServingMetric::TokensServed) * 1e6));
}

// 800 GPUs bought on day 0 and installed at once, PUE 1.25, the grid at 100 USD/MWh with
// `grid_w` of firm power; idle nodes draw nothing, so every joule is serving's.
constexpr double grid_usd_per_j = 100.0 / 3.6e9;
Scenario serving_build(double grid_w, std::vector<ServingDemandStep> demand) {
  Scenario s = test::small_scenario("owned-serving");
  s.discount_rate = 0;
  BuildPlan b;
  b.systems.orders = {{0, 800, 200'000}};
  b.phases = {{"all", 0, 1.0, -1}};
  b.systems.install_racks_per_s = 1'000 / day;
  b.systems.gpus_per_rack = 64;
  b.pue = 1.25;
  b.systems.it_life_s = 5 * year;
  b.facility_life_s = 10 * year;
  b.supply.grid = {{{0, grid_w}}, grid_usd_per_j};
  s.options = {test::one_site("build", test::build_site(b))};
  s.workload.serving = fixed_rate_serving(std::move(demand));
  test::set_idle_power(s, 0);
  return s;
}

TEST_CASE("serving campaign: serving energy is in the power and the electricity bill of a site we own") {
  const OptionOutcome o = run_one(serving_build(1e9, {{10 * day, 40'000}, {20 * day, 0}}));
  // 400 GPUs at 1,250 W x PUE 1.25 for ten days.
  const double energy_j = 400 * gpu_w * 1.25 * 10 * day;
  CHECK(serving(o, ServingMetric::EnergyMwh) == doctest::Approx(energy_j / 3.6e9));
  CHECK(o[Metric::EnergyMwh] == doctest::Approx(energy_j / 3.6e9));
  CHECK(o[Metric::PeakFacilityPowerMw] == doctest::Approx(400 * gpu_w * 1.25 / 1e6));
  CHECK(cost(o, CostCategory::Electricity) == doctest::Approx(energy_j * grid_usd_per_j));
  CHECK(o.series[15].serving_power_mw == doctest::Approx(400 * gpu_w * 1.25 / 1e6));
  CHECK(o.series[15].facility_power_mw == doctest::Approx(400 * gpu_w * 1.25 / 1e6));
  CHECK(o.series[25].facility_power_mw == 0);
}

TEST_CASE("serving campaign: a power-limited site we own serves less and pays more per token") {
  // Firm power for 400 of the 800 GPUs at full load; the demand from day 1, once every rack is in.
  const std::vector<ServingDemandStep> demand = {{1 * day, 48'000}};
  const OptionOutcome full = run_one(serving_build(1e9, demand));
  const OptionOutcome limited = run_one(serving_build(400 * gpu_w * 1.25, demand));
  CHECK(serving(full, ServingMetric::TokensUnmet) == 0);
  CHECK(serving(limited, ServingMetric::TokensServed) == doctest::Approx(40'000 * 59 * day));
  CHECK(serving(limited, ServingMetric::UnmetShare) == doctest::Approx(1.0 / 6));
  CHECK(serving(limited, ServingMetric::TokensPerSPerMw) == doctest::Approx(100 / (gpu_w * 1.25 / 1e6)));
  CHECK(serving(limited, ServingMetric::TokensPerSPerMw) == doctest::Approx(serving(full, ServingMetric::TokensPerSPerMw)));
  // The same systems bought, fewer tokens: each costs more.
  CHECK(serving(limited, ServingMetric::CostPerMillionTokensUsd) > serving(full, ServingMetric::CostPerMillionTokensUsd));
}

TEST_CASE("serving campaign: a GPU-hour that serves tokens is not also GPU-hour demand") {
  // 800 GPUs: serving holds 400; a GPU-hour demand for 600 gets only the other 400.
  Scenario s = serving_lease({{0, 40'000}});
  s.demand = GpuHourDemand{{{0, 600}}, 1 * per_hour, -1};
  const OptionOutcome o = run_one(s);
  CHECK(cost(o, CostCategory::ValueBeyondRuns) == doctest::Approx(-400 * 60 * day * per_hour));
}
