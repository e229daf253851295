// Colocation and used hardware on hand-checkable cases: the host's fee on its contracted power,
// the energy passed through, the contracted power capping what runs, a used purchase's price,
// failure rates and residual value; an option whose sites run different systems.
#include <doctest/doctest.h>

#include "models/time.h"
#include "sim/replications.h"

#include "small_scenario.h"

using namespace bvr;

namespace {

constexpr double day = seconds_per_day;
constexpr double month = 30.4375 * day;

// 8,000 GPUs (1,000 nodes of 10 kW) on day 1, a host ready from day 0 with `contracted_w` of IT
// power at 150 USD/kW/month and energy at 60 USD/MWh, PUE 1.25.
Site hosted_site(double contracted_w, ContractKind contract = ContractKind::Colocation) {
  HostedPurchase h;
  h.systems.orders = {{1 * day, 8'000, 200'000}};
  h.systems.first_rack_to_training_s = 1 * day;  // all racks are in by then
  h.systems.install_racks_per_s = 125 / day;
  h.systems.gpus_per_rack = 64;
  h.systems.it_life_s = 4 * seconds_per_year;
  h.host = {0, {{0, contracted_w, 0}}, 150.0 / 1e3 / month, 60.0 / joules_per_mwh, 1.25};
  Site site;
  site.contract = contract;
  site.system = test::small_system();
  site.hosted = h;
  return site;
}

double work_flop(int gpus, double seconds) {
  return gpus * test::small_system().gpu.peak_bf16_flop_per_s * 0.5 * seconds;
}

double cost(const OptionOutcome& o, CostCategory c) { return o.cost_usd[static_cast<std::size_t>(c)]; }

}  // namespace

TEST_CASE("colocation: the host bills its contracted power per kW-month, and energy is passed through") {
  Scenario s = test::small_scenario("colocation");
  s.options = {test::one_site("colo", hosted_site(100e6))};
  s.workload.runs = {{"only", work_flop(8'000, 5 * day)}};
  const OptionOutcome o = test::run(s, 1).front().options.front();
  // The fee: 100 MW x 150 USD/kW/month over the 60-day horizon, used or not.
  CHECK(cost(o, CostCategory::Colocation) == doctest::Approx(100e3 * 150 * 60 * day / month));
  // Energy: what the 8,000 GPUs drew while training (10 kW per 8, idle power 0 here), x PUE 1.25.
  const double energy_mwh = 8'000 * 1'250 * 1.25 * 5 * day / joules_per_mwh;
  CHECK(o[Metric::EnergyMwh] == doctest::Approx(energy_mwh));
  CHECK(cost(o, CostCategory::Electricity) == doctest::Approx(energy_mwh * 60));
  // The systems are ours: servers on delivery, no facility, no power plant, a residual value.
  CHECK(cost(o, CostCategory::GpuServers) == doctest::Approx(1'000 * 200'000.0));
  CHECK(cost(o, CostCategory::Facility) == 0);
  CHECK(cost(o, CostCategory::PowerPlant) == 0);
  CHECK(cost(o, CostCategory::ResidualValue) ==
        doctest::Approx(-1'000 * 200'000.0 * (1 - 59 * day / (4 * seconds_per_year))));
  // Racks go in from day 1 at 125 a day; bring-up a day after the first rack.
  const double start_s = 1 * day + day / 125 + 1 * day;
  CHECK(o[Metric::TimeToTrainDays] == doctest::Approx((start_s + 600 + 5 * day) / day));
}

TEST_CASE("colocation: the contracted power caps the GPUs that run") {
  Scenario s = test::small_scenario("colocation-capped");
  s.options = {test::one_site("colo", hosted_site(4e6))};  // 4 MW of IT: 400 nodes of 10 kW
  s.workload.runs = {{"only", work_flop(3'200, 5 * day)}};
  const OptionOutcome o = test::run(s, 1).front().options.front();
  CHECK(o.series[4].gpus_installed == 8'000);
  CHECK(o.series[4].gpus_training == 3'200);
  CHECK(o.series[4].binding == CapacityLimit::Power);
  CHECK(o[Metric::PeakFacilityPowerMw] == doctest::Approx(3'200 * 1'250 * 1.25 / 1e6));
}

TEST_CASE("used hardware: its price, its failure rates scaled, its shorter life") {
  Scenario s = test::small_scenario("used");
  Site fresh = hosted_site(100e6), used = hosted_site(100e6, ContractKind::Used);
  used.hosted->systems.orders[0].server_price_usd = 8 * 22'000;  // 22k USD per used GPU
  used.hosted->systems.it_life_s = 2 * seconds_per_year;
  fresh.failure_classes = {{"gpu", 2.0 / (1000 * day), 1, 0, 1, 0}};
  used.failure_classes = {{"gpu", 3.0 / (1000 * day), 1, 0, 1, 0}};  // 1.5x, as failure_rate_scale 150 % loads it
  s.options = {test::one_site("fresh", fresh), test::one_site("used", used)};
  s.replications = 8;
  s.workload.runs = {{"only", work_flop(8'000, 20 * day)}};
  const auto out = test::run(s, 2);
  double fresh_interruptions = 0, used_interruptions = 0;
  for (const auto& r : out) {
    fresh_interruptions += r.options[0][Metric::Interruptions];
    used_interruptions += r.options[1][Metric::Interruptions];
    CHECK(cost(r.options[1], CostCategory::GpuServers) == doctest::Approx(8'000 * 22'000.0));
    CHECK(cost(r.options[1], CostCategory::ResidualValue) ==
          doctest::Approx(-8'000 * 22'000.0 * (1 - 59 * day / (2 * seconds_per_year))));
  }
  // Common random numbers and one class each: the used fleet fails about 1.5 times as often.
  CHECK(used_interruptions / fresh_interruptions == doctest::Approx(1.5).epsilon(0.15));
}

TEST_CASE("sites: a lease of one system until a build of another is online, the job faster on the second") {
  Scenario s = test::small_scenario("two-systems");
  LeaseOffer lease;
  lease.ramp = {{0, 8'000}};
  lease.site_power = {{0, 1e9}};
  lease.pue = 1.25;
  lease.max_gpus = 8'000;
  lease.price_usd_per_gpu_s = 2.0 / seconds_per_hour;
  lease.renewal_price_usd_per_gpu_s = 2.0 / seconds_per_hour;
  lease.term_s = 10 * day;
  Site old_site = test::lease_site(lease, "old");
  Site new_site = hosted_site(1e9);
  new_site.name = "new";
  new_site.system.gpu.peak_bf16_flop_per_s *= 2;  // twice as fast per GPU
  new_site.system.id = "test-2x";
  Option o;
  o.name = "move";
  o.sites = {old_site, new_site};
  s.options = {o};
  s.workload.runs = {{"only", work_flop(8'000, 20 * day)}};
  const OptionOutcome out = test::run(s, 1).front().options.front();
  // On the lease from the start, on the twice-as-fast owned GPUs once they are all online.
  const double move_s = 1 * day + day / 125 + 1 * day;
  const double done_before = 8'000.0 * (move_s - 600);
  const double finish_s = move_s + 600 + (8'000.0 * 20 * day - done_before) / (2 * 8'000);
  CHECK(out[Metric::TimeToTrainDays] == doctest::Approx(finish_s / day));
  // The lease bills its term although the job moved: take-or-pay.
  CHECK(cost(out, CostCategory::LeaseBilling) == doctest::Approx(8'000 * 2.0 * 10 * 24));
}

TEST_CASE("sites: a campus whose halls open one by one takes racks in each as it opens") {
  Scenario s = test::small_scenario("halls");
  BuildPlan b;
  b.systems.orders = {{0, 8'000, 200'000}};
  b.systems.first_rack_to_training_s = 1 * day;
  b.systems.install_racks_per_s = 125 / day;
  b.systems.gpus_per_rack = 64;
  b.systems.it_life_s = 5 * seconds_per_year;
  b.phases = {{"hall-1", 10 * day, 0.5, -1, 0.5}, {"hall-2", 10 * day, 0.5, -1, 0.5}};
  b.facility_life_s = 10 * seconds_per_year;
  b.supply.grid = {{{0, 1e9}}, 0};
  s.options = {test::one_site("campus", test::build_site(b))};
  s.workload.runs = {{"only", work_flop(8'000, 20 * day)}};
  const OptionOutcome o = test::run(s, 1).front().options.front();
  // Hall 1 on day 10 takes 62 racks (3,968 GPUs: whole racks of its half); hall 2 the rest on day 20.
  CHECK(o.series[9].gpus_installed == 0);
  CHECK(o.series[15].gpus_installed == 62 * 64);
  CHECK(o.series[15].binding == CapacityLimit::Construction);
  CHECK(o.series[15].gpus_training == 62 * 64);
  CHECK(o.series[25].gpus_installed == 8'000);
}

TEST_CASE("sites: move_when_faster leaves for the faster GPUs before there are as many of them") {
  auto option = [](Placement placement) {
    LeaseOffer lease;
    lease.ramp = {{0, 8'000}};
    lease.site_power = {{0, 1e9}};
    lease.max_gpus = 8'000;
    lease.price_usd_per_gpu_s = 2.0 / seconds_per_hour;
    lease.renewal_price_usd_per_gpu_s = 2.0 / seconds_per_hour;
    lease.term_s = 5 * day;
    Site fast = hosted_site(1e9);
    fast.name = "fast";
    fast.system.gpu.peak_bf16_flop_per_s *= 2;
    fast.hosted->systems.install_racks_per_s = 25 / day;  // 125 racks in 5 days
    fast.hosted->systems.first_rack_to_training_s = 0.5 * day;
    Option o;
    o.name = "move";
    o.sites = {test::lease_site(lease, "slow"), fast};
    o.placement = placement;
    return o;
  };
  Scenario s = test::small_scenario("faster");
  s.workload.runs = {{"only", work_flop(8'000, 30 * day)}};
  s.options = {option(Placement::MoveWhenLarger)};
  const OptionOutcome larger = test::run(s, 1).front().options.front();
  s.options = {option(Placement::MoveWhenFaster)};
  const OptionOutcome faster = test::run(s, 1).front().options.front();
  // On day 4 the fast site has ~3/5 of its racks: as fast as the 8,000 leased GPUs already.
  CHECK(larger.series[4].gpus_training == 8'000);
  CHECK(faster.series[4].gpus_training < 8'000);
  CHECK(faster.series[4].gpus_training >= 4'000);
  CHECK(faster[Metric::TimeToTrainDays] < larger[Metric::TimeToTrainDays]);
}

TEST_CASE("sites: hot spares by site, in that site's nodes") {
  Scenario s = test::small_scenario("spares");
  s.reliability.spare_servers = 40;
  Site site = hosted_site(1e9);
  site.spare_nodes = 100;
  s.options = {test::one_site("colo", site)};
  s.workload.runs = {{"only", work_flop(8'000, 5 * day)}};
  const OptionOutcome o = test::run(s, 1).front().options.front();
  CHECK(o.series[3].gpus_training == 8'000 - 100 * 8);
}
