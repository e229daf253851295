// Failures as fleets see them (models/fleet.h, docs/reliability.md "Fleets") on hand cases: a bad
// node's share of the interruptions, repairs up a ladder, a group failure's nodes, retirement,
// cold spares, and a straggler's cost in progress.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>

#include "models/fleet.h"
#include "models/time.h"
#include "sim/replications.h"

#include "small_scenario.h"

using namespace bvr;

namespace {

constexpr double day = seconds_per_day;

// `gpus` leased GPUs for 400 days, one failure class at `per_node_day` per node-day, repaired in a day.
Scenario leased_fleet(int gpus, double per_node_day, double work_days) {
  Scenario s = test::small_scenario("fleet");
  s.horizon_s = 400 * day;
  LeaseOffer lease;
  lease.ramp = {{0, gpus}};
  lease.site_power = {{0, 1e12}};
  lease.max_gpus = gpus;
  lease.price_usd_per_gpu_s = 1.0 / seconds_per_hour;
  lease.renewal_price_usd_per_gpu_s = 1.0 / seconds_per_hour;
  lease.term_s = 400 * day;
  s.options = {test::one_site("lease", test::lease_site(lease))};
  s.reliability.restart_s = 60;
  s.reliability.checkpoint.rule = CheckpointIntervalRule::Young;
  if (per_node_day > 0) s.reliability.classes = {{"hw", per_node_day / day, 1, 1 * day, 1, 0}};
  s.workload.runs = {{"only", gpus * test::small_system().gpu.peak_bf16_flop_per_s * 0.5 * work_days * day}};
  return s;
}

double mean_of(const std::vector<ReplicationOutcome>& out, Metric m) {
  double sum = 0;
  for (const auto& r : out) sum += r.options[0][m];
  return sum / static_cast<double>(out.size());
}

}  // namespace

TEST_CASE("fleet: the repair ladder's rung, duration and expected time") {
  RepairPolicy p;
  p.ladder = {{"reboot", 3'600, 0.25}, {"part-swap", 2 * day, 1.0}};
  // Fails the first time with probability 0.75: E[T] = 1 h + 0.75 x 2 days.
  CHECK(expected_repair_s(p) == doctest::Approx(3'600 + 0.75 * 2 * day));
  CHECK(repair_rung(p, 0.10) == 0);
  CHECK(repair_rung(p, 0.30) == 1);
  CHECK(repair_duration_s(p, 1) == doctest::Approx(3'600 + 2 * day));
  p.ladder.insert(p.ladder.begin() + 1, RepairStep{"reimage", 4 * 3'600, 0.5});
  CHECK(expected_repair_s(p) == doctest::Approx(3'600 + 0.75 * 4 * 3'600 + 0.75 * 0.5 * 2 * day));
  // Bad nodes: a share f failing m times as often.
  CHECK(effective_nodes(100, 0.15, 5) == doctest::Approx(100 * (0.85 + 0.15 * 5)));
  CHECK(bad_node_probability(0.15, 5) == doctest::Approx(0.75 / 1.6));
}

TEST_CASE("fleet: one bad node among N raises the job's interruption rate to (N - 1 + m) per node-rate") {
  // 100 nodes, one of them failing 20 times as often: (99 + 20) / 100 = 1.19 times the uniform rate.
  Scenario uniform = leased_fleet(800, 0.05, 200);
  uniform.replications = 24;
  Scenario one_bad = uniform;
  one_bad.options[0].sites[0].fleet.bad_nodes = BadNodes{0, 1, 20};
  const auto a = test::run(uniform, 2), b = test::run(one_bad, 2);
  const double rate_a = mean_of(a, Metric::Interruptions) / mean_of(a, Metric::GpuHours);
  const double rate_b = mean_of(b, Metric::Interruptions) / mean_of(b, Metric::GpuHours);
  MESSAGE("interruptions per GPU-hour: uniform ", rate_a, ", one bad node ", rate_b);
  const double expected = 0.05 / day * 3'600 / 8;  // per GPU-hour: the rate per node over its 8 GPUs
  CHECK(rate_a == doctest::Approx(expected).epsilon(0.06));
  CHECK(rate_b / rate_a == doctest::Approx(119.0 / 100).epsilon(0.06));
}

TEST_CASE("fleet: a repair ladder's first rung fixes its share, and nodes in repair follow the expected time") {
  Scenario s = leased_fleet(8'000, 0.02, 300);  // 1,000 nodes: 20 failures a day
  s.replications = 4;
  s.reliability.classes[0].ladder_repair = true;
  s.options[0].sites[0].fleet.repairs.ladder = {{"reboot", 3'600, 0.4}, {"part-swap", 3 * day, 1.0}};
  const auto out = test::run(s, 2);
  double repairs = 0, rebooted = 0;
  for (const auto& r : out) {
    repairs += r.options[0][Metric::NodeRepairs];
    rebooted += r.options[0].repairs_by_step[0];
  }
  CHECK(rebooted / repairs == doctest::Approx(0.4).epsilon(0.05));
  // Little's law on the first replication: GPUs in repair = failures per day x E[T] x 8.
  double out_sum = 0;
  int days = 0;
  for (const auto& row : out[0].options[0].series)
    if (row.training_progress > 0.1 && row.training_progress < 0.9) {
      out_sum += 8'000 - row.gpus_healthy;
      ++days;
    }
  const double expected_out = 20 * (3'600 + 0.6 * 3 * day) / day * 8;
  CHECK(out_sum / days == doctest::Approx(expected_out).epsilon(0.15));
}

TEST_CASE("fleet: a rack-power failure takes down exactly its rack, and wrong repairs come back to fail again") {
  Scenario s = leased_fleet(8'000, 0.05, 100);
  s.reliability.classes[0].servers_out = 8;  // a 64-GPU rack of 8 nodes, as servers_out: rack resolves it
  const auto out = test::run(s, 1);
  REQUIRE(out[0].options[0][Metric::Interruptions] > 5);
  for (const auto& row : out[0].options[0].series)
    if (row.gpus_delivered > 0) CHECK((8'000 - row.gpus_healthy) % 64 == 0);
  // Every repair wrong: each node comes back failing at the bad nodes' rate (x 10).
  Scenario wrong = leased_fleet(800, 0.05, 200);
  wrong.replications = 8;
  Scenario right = wrong;
  wrong.options[0].sites[0].fleet.repairs.misdiagnosis = 1;
  wrong.options[0].sites[0].fleet.bad_nodes = BadNodes{0, 0, 10};
  right.options[0].sites[0].fleet.bad_nodes = BadNodes{0, 0, 10};
  const double rate_wrong = mean_of(test::run(wrong, 2), Metric::Interruptions);
  const double rate_right = mean_of(test::run(right, 2), Metric::Interruptions);
  CHECK(mean_of(test::run(wrong, 1), Metric::RepairsMisdiagnosed) > 0);
  CHECK(rate_wrong > 2 * rate_right);
}

TEST_CASE("fleet: a node failing K times in the window is retired and replaced at its list price") {
  Scenario s = test::small_scenario("retire");
  s.horizon_s = 200 * day;
  BuildPlan b;
  b.systems.orders = {{0, 80, 200'000}};  // 10 nodes
  b.systems.install_racks_per_s = 100 / day;
  b.systems.gpus_per_rack = 80;
  b.systems.it_life_s = 5 * seconds_per_year;
  b.phases = {{"all", 0, 1, -1}};
  b.facility_life_s = 10 * seconds_per_year;
  b.supply.grid = {{{0, 1e9}}, 0};
  Site site = test::build_site(b);
  site.system.price_usd_per_gpu = 30'000;
  site.fleet.bad_nodes = BadNodes{0, 1, 100};          // one node fails 100 times as often
  site.fleet.retirement = {3, 60 * day, 20 * day};     // 3 failures within 60 days: retired
  s.options = {test::one_site("build", site)};
  s.reliability.classes = {{"hw", 0.005 / day, 1, 1 * day, 1, 0}};  // the bad node: one every 2 days
  s.reliability.restart_s = 60;
  s.workload.min_job_gpus = 8;
  s.workload.runs = {{"only", 80 * test::small_system().gpu.peak_bf16_flop_per_s * 0.5 * 150 * day}};
  const OptionOutcome o = test::run(s, 1).front().options.front();
  CHECK(o[Metric::NodesRetired] >= 1);
  MESSAGE("retired ", o[Metric::NodesRetired], " of 10 nodes; ", o[Metric::Interruptions], " interruptions");
  // Each retirement buys a node: 8 GPUs at the system's list price, on top of the order.
  CHECK(o.cost_usd[static_cast<std::size_t>(CostCategory::GpuServers)] ==
        doctest::Approx(10 * 200'000.0 + o[Metric::NodesRetired] * 8 * 30'000.0));
  // Once the bad node is gone its replacement fails at the base rate: good nodes (0.005 a day)
  // seldom fail 3 times in 60 days.
  CHECK(o[Metric::NodesRetired] <= 2);
}

TEST_CASE("fleet: a straggler of slowdown s found after d costs s x d of progress, and its restart") {
  Scenario s = leased_fleet(800, 0, 20);  // nothing fails; stragglers only
  s.replications = 6;
  s.reliability.spare_servers = 10;  // the job keeps its 720 GPUs when one node is taken out
  Scenario base = s;
  const StragglerClass slow{"slow", 0.005 / day, 0.3, 6 * 3'600, 1 * day};  // one in 2 days on 100 nodes
  s.options[0].sites[0].fleet.stragglers = {slow};
  const auto out = test::run(s, 2);
  const double base_s = test::run(base, 1)[0].options[0][Metric::TimeToTrainDays] * day;
  // Each straggler found: 0.3 x 6 h of the job's work, and a 60 s restart to take it out; one
  // still in the job when it finishes costs 0.3 of the time it was there.
  const double per_straggler_h = 720 * (0.3 * 6 + 60.0 / 3'600);
  int found = 0;
  for (const auto& r : out) {
    const OptionOutcome& o = r.options[0];
    const double lost_h = o.lost_gpu_hours[static_cast<std::size_t>(Lost::Stragglers)];
    const double stragglers = lost_h / per_straggler_h;
    found += static_cast<int>(std::floor(stragglers + 1e-9));
    // The job finishes later by exactly the progress lost, at 720 GPUs.
    CHECK(o[Metric::TimeToTrainDays] * day == doctest::Approx(base_s + lost_h * 3'600 / 720).epsilon(1e-9));
    // GPU time adds up: useful work + what the stragglers took (+ the job's launch).
    double lost = 0;
    for (double h : o.lost_gpu_hours) lost += h;
    CHECK(o[Metric::UsefulGpuHours] == doctest::Approx(720 * 20 * 24 * 800.0 / 720));
    CHECK(o[Metric::GpuHours] == doctest::Approx(o[Metric::UsefulGpuHours] + lost));
  }
  MESSAGE("stragglers found in 6 replications: ", found);
  CHECK(found >= 6);  // about 10 a replication
}

TEST_CASE("fleet: the same seed gives the same bits with every fleet rule on") {
  Scenario s = leased_fleet(8'000, 0.03, 60);
  s.replications = 3;
  Site& site = s.options[0].sites[0];
  site.fleet.bad_nodes = BadNodes{0.15, 0, 5};
  site.fleet.repairs = {{{"reboot", 3'600, 0.5}, {"rma", 10 * day, 1.0}}, 0.1};
  site.fleet.stragglers = {{"slow", 0.01 / day, 0.2, 3'600, day}};
  site.fleet.cold_spares = 20;
  site.fleet.swap_s = 4 * 3'600;
  s.reliability.classes[0].ladder_repair = true;
  const auto a = test::run(s, 1), b = test::run(s, 3);
  for (std::size_t r = 0; r < a.size(); ++r) {
    CHECK(std::memcmp(a[r].options[0].metrics.data(), b[r].options[0].metrics.data(), sizeof(double) * metric_count) == 0);
    CHECK(a[r].options[0].lost_gpu_hours == b[r].options[0].lost_gpu_hours);
  }
  CHECK(a[0].options[0][Metric::RepairsMisdiagnosed] > 0);
}

TEST_CASE("fleet: a fixed count of bad nodes interrupts a small job several times more often, a large one hardly") {
  // The rule behind docs/validation.md's fleet cases: 3 bad nodes at m times the base rate add
  // the same node-equivalents X to a job of any size, so the small job's rate per node moves
  // and the large one's does not. 128 and 2,048 nodes (+ 8 spares), repairs of an hour.
  auto rate_per_node = [](int nodes, bool bad) {
    Scenario s = leased_fleet((nodes + 8) * 8, 0.005, 60);
    s.replications = 6;
    s.workload.max_job_gpus = nodes * 8;
    s.reliability.spare_servers = 8;
    s.reliability.classes[0].repair_s = 3'600;
    if (bad) s.options[0].sites[0].fleet.bad_nodes = BadNodes{0, 3, 200};
    const auto out = test::run(s, 2);
    return mean_of(out, Metric::Interruptions) / mean_of(out, Metric::GpuHours) * 8;  // per node-hour
  };
  const double small = rate_per_node(128, true) / rate_per_node(128, false);
  const double large = rate_per_node(2'048, true) / rate_per_node(2'048, false);
  MESSAGE("rate with 3 bad nodes / uniform: 128 nodes ", small, ", 2,048 nodes ", large);
  // Hand bound: X = 3 x 199 = 597 node-equivalents at most (less while they are in repair).
  CHECK(small > 2.5);
  CHECK(small < 1 + 597.0 / 128 * 1.1);
  CHECK(large < 1.35);
  CHECK(large > 1.0);
}
