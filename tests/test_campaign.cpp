// The SimGrid campaign on small scenarios whose answers can be worked out by hand.
// Each replication runs in a forked child (run_replications), as in production.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>

#include "models/hardware.h"
#include "models/time.h"
#include "sim/replications.h"
#include "sim/results.h"

#include "small_scenario.h"

using namespace bvr;

namespace {

constexpr double day = seconds_per_day;

// One failure class at `rate` per node-second; checkpoints block for `blocking_s` (size 0).
ReliabilityPolicy reliability(double rate_per_node_s, double restart_s, double blocking_s, double repair_s = 0) {
  ReliabilityPolicy r;
  if (rate_per_node_s > 0) r.classes = {{"any", rate_per_node_s, 1, repair_s, 1, 0}};
  r.restart_s = restart_s;
  r.checkpoint.rule = CheckpointIntervalRule::Young;
  r.checkpoint.blocking_overhead_s = blocking_s;
  return r;
}

Scenario base_scenario() {
  Scenario s = test::small_scenario("test");
  s.value_of_time_usd_per_day = 1e6;
  s.reliability = reliability(0, 600, 0);
  return s;
}

// 8,000 GPUs from day 0 for 30 days, plenty of power.
Option simple_lease() {
  LeaseOffer lease;
  lease.ramp = {{0, 8'000}};
  lease.site_power = {{0, 1e9}};
  lease.pue = 1.25;
  lease.max_gpus = 8'000;
  lease.price_usd_per_gpu_s = 2.0 / seconds_per_hour;
  lease.renewal_price_usd_per_gpu_s = 4.0 / seconds_per_hour;
  lease.contract_start_s = 0;
  lease.term_s = 30 * day;
  return test::one_site("lease", test::lease_site(lease));
}

// 8,000 GPUs (125 racks) arriving on day 1; site ready on day 2; 125 racks a day.
Option simple_build(double grid_w) {
  BuildPlan b;
  b.systems.orders = {{1 * day, 8'000, 200'000}};
  b.construction_start_s = 0;
  b.phases = {{"shell", 0.5 * day, 0.25, -1}, {"fit-out", 1.5 * day, 0.75, -1}};
  b.systems.first_rack_to_training_s = 1 * day;
  b.systems.install_racks_per_s = 125 / day;
  b.systems.gpus_per_rack = 64;
  b.pue = 1.2;
  b.facility_capex_usd_per_w = 10;
  b.systems.network_capex_fraction = 0.25;
  b.systems.it_life_s = 5 * seconds_per_year;
  b.facility_life_s = 10 * seconds_per_year;
  b.supply.grid = {{{0, grid_w}}, 50.0 / joules_per_mwh};
  return test::one_site("build", test::build_site(b));
}

double work_flop(const Scenario& s, int gpus, double seconds) {
  return gpus * test::small_system().gpu.peak_bf16_flop_per_s * s.workload.fixed_mfu * seconds;
}

double metric(const ReplicationOutcome& r, std::size_t option, Metric m) { return r.options[option][m]; }

}  // namespace

TEST_CASE("campaign: a failure-free lease trains at full speed and bills take-or-pay") {
  Scenario s = base_scenario();
  s.options = {simple_lease()};
  test::set_idle_power(s, 2'000);  // 250 W per GPU while the job restarts
  s.workload.runs = {{"only", work_flop(s, 8'000, 10 * day)}};
  const auto out = test::run(s, 1);
  REQUIRE(out.size() == 1);
  const double train_s = 600 + 10 * day;  // restart (job launch) then ten days of work
  CHECK(metric(out[0], 0, Metric::TimeToTrainDays) == doctest::Approx(train_s / day));
  CHECK(metric(out[0], 0, Metric::Interruptions) == 0);
  CHECK(metric(out[0], 0, Metric::CompletedFraction) == 1);
  // Billed for the whole 30-day term although the work took ten days.
  CHECK(metric(out[0], 0, Metric::TotalCostUsd) == doctest::Approx(8'000 * 2.0 * 30 * 24));
  CHECK(metric(out[0], 0, Metric::GpuHours) == doctest::Approx(8'000 * train_s / 3600));
  CHECK(metric(out[0], 0, Metric::EnergyMwh) ==
        doctest::Approx(8'000 * (1'250 * 10 * day + 250 * 600) * 1.25 / joules_per_mwh));
  CHECK(metric(out[0], 0, Metric::PeakFacilityPowerMw) == doctest::Approx(8'000 * 1250 * 1.25 / 1e6));
  CHECK(metric(out[0], 0, Metric::EffectiveTrainingTimeRatio) == doctest::Approx(10 * day / train_s));
  CHECK(metric(out[0], 0, Metric::FullCapacityDays) == 0);
  // Daily series: one row per day of the horizon, progress and cost rising.
  const auto& series = out[0].options[0].series;
  REQUIRE(series.size() == 61);
  CHECK(series[0].day == s.start_day);
  CHECK(series[5].gpus_training == 8'000);
  CHECK(series[5].training_progress == doctest::Approx((5 * day - 600) / (10 * day)));
  CHECK(series[20].gpus_training == 0);
  CHECK(series[20].training_progress == 1);
  CHECK(series[20].binding == CapacityLimit::None);           // done, still under contract
  CHECK(series[40].binding == CapacityLimit::ContractEnded);  // term over, work done
  CHECK(series[15].cumulative_cost_usd == doctest::Approx(8'000 * 2.0 * 15 * 24));
}

TEST_CASE("campaign: work left after the term is billed at the renewal price until done") {
  Scenario s = base_scenario();
  s.options = {simple_lease()};
  s.workload.runs = {{"long", work_flop(s, 8'000, 40 * day)}};
  const auto out = test::run(s, 1);
  const double finish_s = 600 + 40 * day;
  CHECK(metric(out[0], 0, Metric::TimeToTrainDays) == doctest::Approx(finish_s / day));
  CHECK(metric(out[0], 0, Metric::TotalCostUsd) ==
        doctest::Approx(8'000 * (2.0 * 30 * 24 + 4.0 * (finish_s - 30 * day) / 3600)));
}

TEST_CASE("campaign: a build pays capex on its dates and trains after bring-up") {
  Scenario s = base_scenario();
  s.options = {simple_build(1e9)};
  s.workload.runs = {{"only", work_flop(s, 8'000, 5 * day)}};
  const auto out = test::run(s, 1);
  // First rack at day 2 + 1/125 day; bring-up one day later; all racks in by day 3.
  const double start_s = 2 * day + day / 125 + 1 * day;
  CHECK(metric(out[0], 0, Metric::TimeToTrainDays) == doctest::Approx((start_s + 600 + 5 * day) / day));
  const auto& cost = out[0].options[0].cost_usd;
  const auto at = [&](CostCategory c) { return cost[static_cast<std::size_t>(c)]; };
  CHECK(at(CostCategory::GpuServers) == doctest::Approx(1'000 * 200'000.0));
  CHECK(at(CostCategory::Network) == doctest::Approx(0.25 * 1'000 * 200'000.0));
  CHECK(at(CostCategory::Facility) == doctest::Approx(8'000 * 1'250 * 10.0));
  const double energy_mwh = 8'000 * 1'250 * 1.2 * 5 * day / joules_per_mwh;  // idle power 0 here
  CHECK(metric(out[0], 0, Metric::EnergyMwh) == doctest::Approx(energy_mwh));
  CHECK(at(CostCategory::Electricity) == doctest::Approx(energy_mwh * 50));
  // Residual value at day 60: servers + network over 5 years from day 1, facility over 10 years from day 0.
  const double it = 1.25 * 1'000 * 200'000.0, facility = 8'000 * 1'250 * 10.0;
  const double residual = it * (1 - 59 * day / (5 * seconds_per_year)) + facility * (1 - 60 * day / (10 * seconds_per_year));
  CHECK(at(CostCategory::ResidualValue) == doctest::Approx(-residual));
  CHECK(metric(out[0], 0, Metric::TotalCostUsd) ==
        doctest::Approx(it + facility + energy_mwh * 50 - residual));
  CHECK(metric(out[0], 0, Metric::NpvCostUsd) < metric(out[0], 0, Metric::TotalCostUsd) + residual);
}

TEST_CASE("campaign: power caps the GPUs that can train") {
  Scenario s = base_scenario();
  // 8 MW at PUE 1.2 runs floor(8e6 / 12 kW) = 666 servers = 5,328 GPUs.
  s.options = {simple_build(8e6)};
  s.workload.runs = {{"only", work_flop(s, 5'328, 5 * day)}};
  const auto out = test::run(s, 1);
  const double start_s = 3 * day + day / 125;
  CHECK(metric(out[0], 0, Metric::TimeToTrainDays) == doctest::Approx((start_s + 600 + 5 * day) / day));
  CHECK(out[0].options[0].series[5].gpus_installed == 8'000);
  CHECK(out[0].options[0].series[5].gpus_powered == 5'328);
  CHECK(out[0].options[0].series[5].gpus_training == 5'328);
  CHECK(metric(out[0], 0, Metric::PeakFacilityPowerMw) == doctest::Approx(5'328 * 1'250 * 1.2 / 1e6));
}

TEST_CASE("campaign: a hybrid leases, then moves to the build when it is as large") {
  Scenario s = base_scenario();
  Option lease = simple_lease(), build = simple_build(1e9);
  Option hybrid = test::hybrid("hybrid", test::lease_of(lease), test::build_of(build));
  test::lease_of(hybrid).ramp = {{0, 4'000}};
  test::lease_of(hybrid).max_gpus = 4'000;
  s.options = {hybrid};
  s.workload.runs = {{"only", work_flop(s, 8'000, 10 * day)}};
  const auto out = test::run(s, 1);
  const auto& series = out[0].options[0].series;
  CHECK(series[2].gpus_training == 4'000);
  CHECK(series[5].gpus_training == 8'000);
  // Lease billed for its whole term; the build's capex on top.
  CHECK(out[0].options[0].cost_usd[0] == doctest::Approx(4'000 * 2.0 * 30 * 24));
  // Planned move keeps all work: 4,000 GPUs from 600 s to the move, then 8,000.
  const double move_s = 3 * day + day / 125;
  const double done_before = 4'000.0 * (move_s - 600);
  const double finish_s = move_s + 600 + (8'000.0 * 10 * day - done_before) / 8'000;
  CHECK(metric(out[0], 0, Metric::TimeToTrainDays) == doctest::Approx(finish_s / day));
}

TEST_CASE("campaign: interruptions follow N x rate x time within a Poisson tolerance") {
  Scenario s = base_scenario();
  s.options = {simple_lease()};
  s.horizon_s = 40 * day;
  s.replications = 20;
  s.reliability = reliability(1.0 / (1000 * day), 60, 0);  // 1,000 nodes: one interruption a day
  s.workload.runs = {{"only", work_flop(s, 8'000, 20 * day)}};
  const auto out = test::run(s, 2);
  double interruptions = 0, running_s = 0;
  for (const auto& r : out) {
    interruptions += metric(r, 0, Metric::Interruptions);
    running_s += metric(r, 0, Metric::GpuHours) * 3600 / 8'000;
    // Free, continuous checkpoints: each interruption costs one restart, plus the part of a
    // restart already done when a failure strikes during it.
    const double restarts_s = 60 * (1 + metric(r, 0, Metric::Interruptions));
    CHECK(metric(r, 0, Metric::TimeToTrainDays) * day >= doctest::Approx(20 * day + restarts_s));
    CHECK(metric(r, 0, Metric::TimeToTrainDays) * day <= doctest::Approx(20 * day + 2 * restarts_s));
  }
  const double expected = 1000 * s.reliability.classes[0].rate_per_node_s * running_s;
  CHECK(std::fabs(interruptions - expected) < 4 * std::sqrt(expected));
}

TEST_CASE("campaign: same seed, same bits, whatever the parallelism, and another seed differs") {
  Scenario s = base_scenario();
  s.options = {simple_lease(), simple_build(1e9)};
  s.replications = 5;
  s.reliability = reliability(2.0 / (1000 * day), 600, 5);
  s.workload.runs = {{"a", work_flop(s, 8'000, 3 * day)}, {"b", work_flop(s, 8'000, 6 * day)}};
  const auto serial = test::run(s, 1);
  const auto parallel = test::run(s, 3);
  REQUIRE(serial.size() == parallel.size());
  for (std::size_t r = 0; r < serial.size(); ++r)
    for (std::size_t o = 0; o < 2; ++o) {
      CHECK(std::memcmp(serial[r].options[o].metrics.data(), parallel[r].options[o].metrics.data(),
                        sizeof(double) * metric_count) == 0);
      CHECK(serial[r].options[o].series.size() == parallel[r].options[o].series.size());
    }
  s.seed = 8;
  const auto other = test::run(s, 2);
  CHECK(std::memcmp(serial[0].options[0].metrics.data(), other[0].options[0].metrics.data(),
                    sizeof(double) * metric_count) != 0);
}

TEST_CASE("results: percentiles and summaries") {
  CHECK(percentile({1, 2, 3, 4, 5}, 0.5) == 3);
  CHECK(percentile({1, 2, 3, 4, 5}, 0.1) == doctest::Approx(1.4));
  CHECK(percentile({5, 1, 4, 2, 3}, 0.9) == doctest::Approx(4.6));
  CHECK(percentile({7}, 0.9) == 7);
  const MetricSummary m = summarize({1, 2, 3, 4});
  CHECK(m.mean == 2.5);
  CHECK(m.p50 == 2.5);
}

TEST_CASE("campaign: the series names the binding constraint, and growth restarts only past the resize step") {
  Scenario s = base_scenario();
  Option build = simple_build(4e6);  // 4 MW runs 333 servers = 2,664 GPUs
  test::build_of(build).supply.grid.steps = {{0, 4e6}, {10 * day, 5e6}, {20 * day, 8e6}};  // 3,328 then 5,328 GPUs
  test::build_of(build).systems.orders[0].arrival_s = 0.5 * day;  // between the midnight samples
  s.options = {build};
  s.workload.resize_step = 0.5;
  s.workload.runs = {{"only", work_flop(s, 5'328, 30 * day)}};
  const auto out = test::run(s, 1);
  const auto& series = out[0].options[0].series;
  CHECK(series[0].binding == CapacityLimit::Delivery);
  CHECK(series[1].binding == CapacityLimit::Construction);  // GPUs on site, site not ready
  CHECK(series[3].binding == CapacityLimit::BringUp);       // all racks in at day 3, training at 3 + 1/125
  CHECK(series[4].binding == CapacityLimit::Power);         // 8,000 installed, 2,664 powerable
  CHECK(series[5].gpus_training == 2'664);
  CHECK(series[15].gpus_online == 3'328);
  CHECK(series[15].gpus_training == 2'664);  // +25 % is below the 50 % resize step: no restart
  CHECK(series[25].gpus_training == 5'328);  // +100 %: restarted larger
  CHECK(series[25].binding == CapacityLimit::Power);
  CHECK(series[25].grid_mw == doctest::Approx(5'328 * 1'250 * 1.2 / 1e6));
  CHECK(series[25].power_supply_mw == doctest::Approx(8));
}

TEST_CASE("campaign: idle servers of our own site draw idle power until the workload is done") {
  Scenario s = base_scenario();
  s.options = {simple_build(1e9)};
  test::set_idle_power(s, 2'400);  // 300 W per GPU
  s.workload.runs = {{"only", work_flop(s, 8'000, 5 * day)}};
  const auto out = test::run(s, 1);
  const auto& series = out[0].options[0].series;
  CHECK(series[3].gpus_training == 0);  // installed, bring-up not done: idle
  CHECK(series[3].facility_power_mw == doctest::Approx(series[3].gpus_powered * 300 * 1.2 / 1e6));
  CHECK(series[3].facility_power_mw > 0);
  CHECK(series[5].facility_power_mw == doctest::Approx(8'000 * 1'250 * 1.2 / 1e6));  // training
  CHECK(series[20].facility_power_mw == 0);  // done: what the servers do next is not this workload
}

TEST_CASE("campaign: long-lead equipment gates construction, and facility cost is paid by phase") {
  Scenario s = base_scenario();
  Option build = simple_build(1e9);
  test::build_of(build).long_lead = {{"switchgear", 10 * day}};
  test::build_of(build).phases[1].waits_for = 0;  // fit-out needs the switchgear: site ready at 11.5 days
  s.options = {build};
  s.workload.runs = {{"only", work_flop(s, 8'000, 5 * day)}};
  const auto out = test::run(s, 1);
  const auto& series = out[0].options[0].series;
  CHECK(series[11].binding == CapacityLimit::Construction);
  CHECK(series[9].cumulative_cost_usd == doctest::Approx(0.25 * 8'000 * 1'250 * 10.0 + 1.25 * 1'000 * 200'000.0));
  CHECK(series[11].cumulative_cost_usd == doctest::Approx(8'000 * 1'250 * 10.0 + 1.25 * 1'000 * 200'000.0));
  const double start_s = 11.5 * day + day / 125 + 1 * day;  // first rack, then bring-up
  CHECK(metric(out[0], 0, Metric::TimeToTrainDays) == doctest::Approx((start_s + 600 + 5 * day) / day));
}

TEST_CASE("campaign: a vendor supply cap paces deliveries") {
  Scenario s = base_scenario();
  Option build = simple_build(1e9);
  test::build_of(build).systems.gpu_supply_per_s = 1'000 / day;  // 8,000 GPUs take 8 days, 64 at a time
  s.options = {build};
  s.workload.runs = {{"only", work_flop(s, 8'000, 5 * day)}};
  const auto out = test::run(s, 1);
  const auto& series = out[0].options[0].series;
  CHECK(series[2].gpus_delivered == 64 * 16);  // from day 1, one rack's worth every 0.064 day
  CHECK(series[5].gpus_delivered == 64 * 63);  // then one every 64/1000 day: 62.5 more by day 5
  CHECK(series[5].binding == CapacityLimit::Delivery);
  CHECK(series[10].gpus_delivered == 8'000);
}

TEST_CASE("campaign: a lease bills only from its billing start") {
  Scenario s = base_scenario();
  Option lease = simple_lease();
  test::lease_of(lease).billing_start_s = 10 * day;
  s.options = {lease};
  s.workload.runs = {{"only", work_flop(s, 8'000, 1 * day)}};
  const auto out = test::run(s, 1);
  CHECK(metric(out[0], 0, Metric::TotalCostUsd) == doctest::Approx(8'000 * 2.0 * 20 * 24));
}

TEST_CASE("campaign: load swings cap the cluster until batteries arrive, by each policy") {
  for (const auto kind : {LoadSwingPolicy::Kind::FewerReplicas, LoadSwingPolicy::Kind::Wait}) {
    Scenario s = base_scenario();
    Option build = simple_build(1e9);
    test::build_of(build).supply.swings = {kind, 6e6, 1'024};  // 6 MW of steps: 5,000 GPUs -> 4 replicas
    test::build_of(build).supply.batteries = {{10 * day, 2, 2e6, 4 * joules_per_mwh, 1e6}};
    s.options = {build};
    test::set_idle_power(s, 2'000);  // swing per GPU: (1,250 - 250) W x PUE 1.2 = 1.2 kW
    s.workload.runs = {{"only", work_flop(s, 8'000, 30 * day)}};
    const auto out = test::run(s, 1);
    const auto& series = out[0].options[0].series;
    const int capped = kind == LoadSwingPolicy::Kind::FewerReplicas ? 4'096 : 0;
    CHECK(series[5].gpus_online == capped);
    CHECK(series[5].gpus_training == capped);
    CHECK(series[5].binding == CapacityLimit::PowerSwings);
    CHECK(series[12].gpus_training == 8'000);  // 6 + 4 MW covers 8,000 x 1.2 kW = 9.6 MW
    CHECK(series[12].binding == CapacityLimit::None);
  }
}

TEST_CASE("campaign: failed servers are out for repair, and daily energy adds up to the total") {
  Scenario s = base_scenario();
  s.options = {simple_lease()};
  test::set_idle_power(s, 2'000);
  s.reliability = reliability(1.0 / (1000 * day), 600, 5, 2 * day);  // about one failure a day, 2-day repairs
  s.workload.runs = {{"only", work_flop(s, 8'000, 20 * day)}};
  const auto out = test::run(s, 1);
  const auto& series = out[0].options[0].series;
  REQUIRE(metric(out[0], 0, Metric::Interruptions) > 5);
  bool saw_repair = false;
  double energy_mwh = 0;
  for (const auto& row : series) {
    CHECK(row.gpus_online <= row.gpus_healthy);
    CHECK(row.gpus_training <= row.gpus_online);
    if (row.gpus_healthy < 8'000 && row.training_progress < 1) {
      saw_repair = true;
      CHECK(row.binding == CapacityLimit::Repair);
      CHECK(8'000 - row.gpus_healthy <= 8 * 8);  // a handful of servers at a time
    }
    energy_mwh += row.energy_mwh;
  }
  CHECK(saw_repair);
  CHECK(energy_mwh == doctest::Approx(metric(out[0], 0, Metric::EnergyMwh)));
  CHECK(metric(out[0], 0, Metric::FullCapacityDays) == 0);  // repairs do not make it flicker
}

namespace {

// 8,000 leased GPUs (1,000 servers) for as long as needed, one failure class.
Scenario steady_job(double mtbi_s, double blocking_s, double restart_s, double work_days) {
  Scenario s = base_scenario();
  s.horizon_s = 400 * day;
  Option lease = simple_lease();
  test::lease_of(lease).term_s = 400 * day;
  s.options = {lease};
  s.reliability = reliability(1 / (1'000 * mtbi_s), restart_s, blocking_s);
  s.workload.runs = {{"steady", work_flop(s, 8'000, work_days * day), 0}};
  return s;
}

double mean_metric(const std::vector<ReplicationOutcome>& out, Metric m) {
  double sum = 0;
  for (const auto& r : out) sum += r.options[0][m];
  return sum / static_cast<double>(out.size());
}

}  // namespace

TEST_CASE("reliability: simulated ETTR of a constant-size job agrees with the closed form within 1 %") {
  const double mtbi_s = 3'600, blocking_s = 60, restart_s = 300;
  Scenario s = steady_job(mtbi_s, blocking_s, restart_s, 30);
  s.replications = 16;
  const auto out = test::run(s, 2);
  const double tau = young_interval_s(blocking_s, mtbi_s);
  const double expected = expected_ettr(1 / mtbi_s, tau, blocking_s, restart_s);
  const double simulated = mean_metric(out, Metric::EffectiveTrainingTimeRatio);
  MESSAGE("ETTR simulated ", simulated, ", closed form ", expected);
  CHECK(simulated == doctest::Approx(expected).epsilon(0.01));
  // GPU time adds up: useful work plus every cause of loss.
  for (const auto& r : out) {
    double lost = 0;
    for (double h : r.options[0].lost_gpu_hours) lost += h;
    CHECK(r.options[0][Metric::UsefulGpuHours] == doctest::Approx(8'000 * 30 * 24));
    CHECK(r.options[0][Metric::GpuHours] == doctest::Approx(8'000 * 30 * 24 + lost));
  }
}

TEST_CASE("reliability: the optimal checkpoint interval beats half and twice of it") {
  const double mtbi_s = 3'600, blocking_s = 60, restart_s = 300;
  const double best = daly_interval_s(blocking_s, mtbi_s);
  std::vector<double> ettr;
  for (double factor : {0.5, 1.0, 2.0}) {
    Scenario s = steady_job(mtbi_s, blocking_s, restart_s, 20);
    s.replications = 8;
    s.reliability.checkpoint.rule = CheckpointIntervalRule::Fixed;
    s.reliability.checkpoint.fixed_interval_s = best * factor;
    ettr.push_back(mean_metric(test::run(s, 2), Metric::EffectiveTrainingTimeRatio));
  }
  MESSAGE("ETTR at 0.5x, 1x, 2x the Daly interval: ", ettr[0], ", ", ettr[1], ", ", ettr[2]);
  CHECK(ettr[1] > ettr[0]);
  CHECK(ettr[1] > ettr[2]);
}

TEST_CASE("reliability: hot spares keep the job's size, and without them it shrinks or waits") {
  for (const auto policy : {OutOfSpares::Shrink, OutOfSpares::Wait}) {
    Scenario s = steady_job(6 * 3'600, 5, 300, 20);
    s.reliability.classes[0].repair_s = 2 * day;  // ~8 servers in repair at a time
    s.reliability.out_of_spares = policy;
    s.reliability.spare_servers = 40;
    auto out = test::run(s, 1);
    for (const auto& row : out[0].options[0].series)
      if (row.training_progress > 0 && row.training_progress < 1 && row.gpus_training > 0)
        CHECK(row.gpus_training == 8'000 - 40 * 8);  // spares cover every repair
    s.reliability.spare_servers = 0;
    out = test::run(s, 1);
    bool shrank = false, waited = false;
    for (const auto& row : out[0].options[0].series) {
      if (row.training_progress <= 0 || row.training_progress >= 1) continue;
      if (row.gpus_training > 0 && row.gpus_training < 8'000) shrank = true;
      if (row.gpus_training == 0 && row.gpus_healthy < 8'000) waited = true;
    }
    if (policy == OutOfSpares::Shrink) CHECK(shrank);
    if (policy == OutOfSpares::Wait) {
      CHECK(!shrank);
      CHECK(waited);
    }
  }
}

TEST_CASE("reliability: late-detected corruption and planned maintenance") {
  // Silent data corruption found 6 h late rolls back past the checkpoints taken since, into
  // earlier segments when needed. Rare enough here (every 2 days) that rollbacks seldom overlap.
  Scenario s = steady_job(48 * 3'600, 5, 300, 60);
  s.reliability.classes[0].detection_delay_s = 6 * 3'600;
  const auto late = test::run(s, 1);
  s.reliability.classes[0].detection_delay_s = 0;
  const auto prompt = test::run(s, 1);
  const auto failed_work = [](const std::vector<ReplicationOutcome>& out) {
    return out[0].options[0].lost_gpu_hours[static_cast<std::size_t>(Lost::FailedWork)];
  };
  const double interruptions = late[0].options[0][Metric::Interruptions];
  CHECK(failed_work(late) > failed_work(prompt) + 0.7 * interruptions * 8'000 * 6);
  CHECK(failed_work(late) < failed_work(prompt) + 1.1 * interruptions * 8'000 * 6);
  // Planned maintenance every day: ~one stop a day, no work thrown away, downtime booked.
  Scenario m = steady_job(1e12, 5, 300, 10);  // (practically) no failures
  m.reliability.planned_interval_s = day;
  m.reliability.planned_downtime_s = 1'800;
  const auto maintained = test::run(m, 1);
  const auto& o = maintained[0].options[0];
  CHECK(o[Metric::PlannedInterruptions] == 10);  // days 1..10 of ~10.2 days of wall time
  CHECK(o.lost_gpu_hours[static_cast<std::size_t>(Lost::FailedWork)] == 0);
  CHECK(o.lost_gpu_hours[static_cast<std::size_t>(Lost::Maintenance)] == doctest::Approx(10 * 8'000 * 0.5));
}

TEST_CASE("reliability: Weibull failures keep their mean rate") {
  Scenario s = steady_job(3'600, 5, 60, 20);
  s.reliability.classes[0].weibull_shape = 0.7;
  s.replications = 8;
  const auto out = test::run(s, 2);
  const double running_s = mean_metric(out, Metric::GpuHours) * 3'600 / 8'000;
  const double expected = running_s / 3'600;
  CHECK(std::fabs(mean_metric(out, Metric::Interruptions) - expected) < 0.1 * expected);
}

TEST_CASE("reliability: a leaf switch failure takes out the servers behind it in the site's fabric") {
  Scenario s = steady_job(24 * 3'600, 5, 300, 10);
  FabricSpec fabric;
  fabric.gpus = 8'000;
  fabric.gpus_per_server = 8;
  fabric.nic_bw_bytes_per_s = 50e9;
  fabric.nvlink_bw_bytes_per_s = 450e9;
  fabric.switch_ports = 64;
  fabric.switch_port_bw_bytes_per_s = 100e9;  // 800 Gb/s split in two 400 Gb/s links: radix 128
  fabric.rail_optimized = true;
  fabric.tiers = 2;
  fabric.oversubscription = {1};
  REQUIRE(servers_behind_leaf(fabric) == 64);
  s.options[0].sites[0].fabric = fabric;
  s.reliability.classes[0].servers_out = servers_behind_leaf_switch;
  s.reliability.classes[0].repair_s = 2 * day;
  const auto out = test::run(s, 1);
  REQUIRE(out[0].options[0][Metric::Interruptions] > 0);
  bool saw_leaf_out = false;
  for (const auto& row : out[0].options[0].series) {
    if (row.gpus_delivered == 0) continue;  // the lease has ended
    CHECK((8'000 - row.gpus_healthy) % 512 == 0);  // whole leaves: 64 servers of 8 GPUs
    if (row.gpus_healthy < 8'000) saw_leaf_out = true;
  }
  CHECK(saw_leaf_out);
}

TEST_CASE("campaign: network capex from the fabric's parts is paid per GPU delivered") {
  Scenario s = base_scenario();
  Option build = simple_build(1e9);
  test::build_of(build).systems.network_usd_per_gpu = 1'000;  // replaces the 25 % share
  s.options = {build};
  s.workload.runs = {{"only", work_flop(s, 8'000, 1 * day)}};
  const auto out = test::run(s, 1);
  CHECK(out[0].options[0].cost_usd[static_cast<std::size_t>(CostCategory::Network)] == doctest::Approx(8'000 * 1'000.0));
}

TEST_CASE("campaign: a grid step we pay for is power plant capex on its date, with no residual") {
  Scenario s = base_scenario();
  Option build = simple_build(1e9);
  test::build_of(build).supply.grid.steps = {{0, 1e9, 0}, {10 * day, 2e9, 24e6}};
  s.options = {build};
  s.workload.runs = {{"only", work_flop(s, 8'000, 1 * day)}};
  const auto out = test::run(s, 1);
  CHECK(out[0].options[0].cost_usd[static_cast<std::size_t>(CostCategory::PowerPlant)] == doctest::Approx(24e6));
  CHECK(out[0].options[0].series[9].cumulative_cost_usd + 24e6 ==
        doctest::Approx(out[0].options[0].series[10].cumulative_cost_usd).epsilon(1e-3));
}
