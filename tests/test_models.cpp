// Models against closed forms and hand calculations.
#include <doctest/doctest.h>

#include <cmath>

#include "models/capacity.h"
#include "models/fabric.h"
#include "models/finance.h"
#include "models/hardware.h"
#include "models/power_supply.h"
#include "models/reliability.h"
#include "models/time.h"
#include "models/workload.h"

using namespace bvr;

TEST_CASE("hardware: facility power and powerable GPUs in whole servers") {
  const ServerSpec dgx{8, 10'200};
  CHECK(it_power_per_gpu_w(dgx) == doctest::Approx(1275));
  CHECK(facility_power_per_gpu_w(dgx, 1.2) == doctest::Approx(1530));
  // 100 servers at 10.2 kW x 1.2 = 1.224 MW exactly: rounding must not lose a server.
  CHECK(powerable_gpus(1.224e6, dgx, 1.2) == 800);
  CHECK(powerable_gpus(1.224e6 - 1, dgx, 1.2) == 792);
  CHECK(powerable_gpus(0, dgx, 1.2) == 0);
  CHECK(whole_servers_gpus(8007, dgx) == 8000);
}

TEST_CASE("workload: job FLOP rate and total compute") {
  const GpuSpec h100{"H100", 989.4e12, 1979e12, 700};
  CHECK(job_flop_per_s(1000, h100, 0.4) == doctest::Approx(3.9576e17));
  Workload w;
  w.runs = {{"a", 1e25}, {"b", 2e25}};
  CHECK(w.total_compute_flop() == doctest::Approx(3e25));
}

TEST_CASE("reliability: Young and Daly intervals, and the policy") {
  CHECK(young_interval_s(10, 3600) == doctest::Approx(std::sqrt(2.0 * 10 * 3600)));
  // Daly: sqrt(2 d M) (1 + sqrt(d / 2M) / 3 + (d / 2M) / 9) - d.
  const double d = 60, m = 3600, x = d / (2 * m);
  CHECK(daly_interval_s(d, m) == doctest::Approx(std::sqrt(2 * d * m) * (1 + std::sqrt(x) / 3 + x / 9) - d));
  CHECK(daly_interval_s(8000, 3600) == 3600);  // delta >= 2M: checkpoint every MTBI
  ReliabilityPolicy p;
  p.classes = {{"a", 1.5 / 1000 / seconds_per_day, 1, 0, 1, 0}, {"b", 0.84 / 1000 / seconds_per_day, 1, 0, 1, 0}};
  CHECK(total_rate_per_node_s(p) == doctest::Approx(2.34 / 1000 / seconds_per_day));
  const int nodes = 12'500;
  const double mtbi = 1 / job_interruption_rate_per_s(nodes, total_rate_per_node_s(p));
  CHECK(mtbi == doctest::Approx(seconds_per_day * 1000 / 2.34 / nodes));
  p.checkpoint.rule = CheckpointIntervalRule::Young;
  CHECK(checkpoint_interval_s(p, nodes, 5, 0) == doctest::Approx(std::sqrt(2 * 5 * mtbi)));
  CHECK(checkpoint_interval_s(p, nodes, 5, 1e4) == 1e4);  // not before the previous upload is done
  p.checkpoint.rule = CheckpointIntervalRule::Daly;
  CHECK(checkpoint_interval_s(p, nodes, 5, 0) == doctest::Approx(daly_interval_s(5, mtbi)));
  CHECK(checkpoint_interval_s(p, nodes, 0, 0) == 0);  // free checkpoints: continuous
  p.checkpoint.rule = CheckpointIntervalRule::Fixed;
  p.checkpoint.fixed_interval_s = 1800;
  CHECK(checkpoint_interval_s(p, nodes, 5, 0) == 1800);
  p.checkpoint.rule = CheckpointIntervalRule::Young;
  p.classes.clear();  // no failures: never checkpoint
  CHECK(std::isinf(checkpoint_interval_s(p, nodes, 5, 0)));
}

TEST_CASE("reliability: checkpoint size and times") {
  CheckpointPolicy p;
  p.bytes_per_parameter = 14;
  p.blocking_overhead_s = 5;
  p.host_copy_bytes_per_s_per_gpu = 50e9;
  p.storage_write_bytes_per_s = 1e12;
  p.storage_read_bytes_per_s = 2e12;
  const double bytes = checkpoint_bytes(314e9, p);
  CHECK(bytes == doctest::Approx(4.396e12));
  CHECK(checkpoint_blocking_s(bytes, 1'000, p) == doctest::Approx(5 + 4.396e12 / 1'000 / 50e9));
  CHECK(checkpoint_async_s(bytes, p) == doctest::Approx(4.396));
  CHECK(checkpoint_reload_s(bytes, p) == doctest::Approx(2.198));
}

TEST_CASE("reliability: closed-form ETTR and interval draws") {
  // Without failures, only checkpoint blocking costs time.
  CHECK(expected_ettr(0, 100, 10, 600) == doctest::Approx(100.0 / 110));
  // Small rates: ETTR ~ 1 - (delta/tau) - rate (tau/2 + R) to first order.
  const double rate = 1e-6, tau = 1000, delta = 10, downtime = 600;
  CHECK(expected_ettr(rate, tau, delta, downtime) ==
        doctest::Approx(1 - delta / tau - rate * (tau / 2 + downtime + delta)).epsilon(1e-3));
  // The mean of the draws over evenly spread u is the mean interval, exponential or Weibull.
  for (double shape : {1.0, 0.7, 2.0}) {
    double sum = 0;
    const int n = 200'000;
    for (int i = 0; i < n; ++i) sum += draw_interval_s(0.01, shape, (i + 0.5) / n);
    CHECK(sum / n == doctest::Approx(100).epsilon(0.01));
  }
  CHECK(std::isinf(draw_interval_s(0, 1, 0.5)));
}

TEST_CASE("reliability: checkpoint cycle bookkeeping") {
  const CheckpointCycle c{100, 10};
  CHECK(wall_time_for_work_s(c, 0) == 0);
  CHECK(wall_time_for_work_s(c, 50) == 50);
  CHECK(wall_time_for_work_s(c, 100) == 100);   // no checkpoint after the last piece of work
  CHECK(wall_time_for_work_s(c, 250) == 270);   // two checkpoints on the way
  CHECK(work_done_s(c, 105) == 100);            // checkpointing: no progress
  CHECK(work_done_s(c, 115) == 105);
  CHECK(committed_work_s(c, 105) == 0);         // the first checkpoint completes at 110
  CHECK(committed_work_s(c, 110) == 100);
  CHECK(committed_work_s(c, 219) == 100);
  CHECK(committed_work_s(c, 220) == 200);
  // work_done inverts wall_time_for_work.
  for (double w : {1.0, 99.5, 100.0, 100.5, 333.0, 1000.0}) CHECK(work_done_s(c, wall_time_for_work_s(c, w)) == doctest::Approx(w));
  const CheckpointCycle none{INFINITY, 10};
  CHECK(wall_time_for_work_s(none, 500) == 500);
  CHECK(committed_work_s(none, 500) == 0);
  const CheckpointCycle continuous{0, 0};
  CHECK(wall_time_for_work_s(continuous, 500) == 500);
  CHECK(work_done_s(continuous, 500) == 500);
  CHECK(committed_work_s(continuous, 500) == 500);
}

TEST_CASE("finance: discounting against closed forms") {
  CHECK(discount_factor(0, 0.12) == 1);
  CHECK(discount_factor(2, 0.10) == doctest::Approx(1 / 1.21));
  // A year of $1/s at 10 %: integral of 1.1^(-t) over a year = (1 - 1/1.1) / ln(1.1) years.
  const double pv = present_value_of_flow(1, 0, seconds_per_year, 0.10);
  CHECK(pv == doctest::Approx(seconds_per_year * (1 - 1 / 1.1) / std::log(1.1)));
  // Additivity: [0, 2y] = [0, 1y] + [1y, 2y].
  CHECK(present_value_of_flow(3, 0, 2 * seconds_per_year, 0.07) ==
        doctest::Approx(present_value_of_flow(3, 0, seconds_per_year, 0.07) +
                        present_value_of_flow(3, seconds_per_year, 2 * seconds_per_year, 0.07)));
  // Numeric check with the midpoint rule.
  double sum = 0;
  const int steps = 10'000;
  const double t1 = 3 * seconds_per_year, dt = t1 / steps;
  for (int i = 0; i < steps; ++i) sum += discount_factor((i + 0.5) * dt / seconds_per_year, 0.12) * dt;
  CHECK(present_value_of_flow(1, 0, t1, 0.12) == doctest::Approx(sum).epsilon(1e-6));
  CHECK(present_value_of_flow(2, 5, 15, 0) == 20);
  CHECK(present_value_of_flow(2, 15, 5, 0.1) == 0);
}

TEST_CASE("finance: straight-line residual value") {
  CHECK(straight_line_residual_usd(600, 0, 6) == 600);
  CHECK(straight_line_residual_usd(600, 2, 6) == doctest::Approx(400));
  CHECK(straight_line_residual_usd(600, 7, 6) == 0);
  CHECK(straight_line_residual_usd(600, -1, 6) == 600);
}

TEST_CASE("finance: the ledger keeps categories, nominal and present value") {
  CashLedger ledger(0.10);
  ledger.lump(seconds_per_year, 110, CostCategory::GpuServers);
  ledger.flow(0, seconds_per_year, 1e-6, CostCategory::LeaseBilling);
  ledger.lump(0, -10, CostCategory::ResidualValue);
  CHECK(ledger.nominal_usd(CostCategory::GpuServers) == 110);
  CHECK(ledger.nominal_usd(CostCategory::LeaseBilling) == doctest::Approx(seconds_per_year * 1e-6));
  CHECK(ledger.nominal_usd() == doctest::Approx(100 + seconds_per_year * 1e-6));
  CHECK(ledger.present_value_usd() ==
        doctest::Approx(100 - 10 + present_value_of_flow(1e-6, 0, seconds_per_year, 0.10)));
  CHECK(cost_category_name(CostCategory::ResidualValue) == "residual_value");
}

TEST_CASE("power supply: step levels, firm power and grid-first dispatch") {
  PowerSupply s;
  s.grid.steps = {{0, 8e6}, {100, 50e6}, {200, 150e6}};
  s.turbines = {{50, 14, 2.5e6, 0.9, 0, 0}};
  s.batteries = {{150, 10, 1.9e6, 3.9 * joules_per_mwh, 1}};
  CHECK(grid_power_w(s, -1) == 0);
  CHECK(grid_power_w(s, 0) == 8e6);
  CHECK(grid_power_w(s, 150) == 50e6);
  CHECK(turbine_power_w(s, 49) == 0);
  CHECK(turbine_power_w(s, 50) == doctest::Approx(31.5e6));
  CHECK(firm_power_w(s, 120) == doctest::Approx(81.5e6));  // batteries add no sustained power
  CHECK(supply_change_times(s) == std::vector<double>{0, 50, 100, 150, 200});  // batteries: swings
  const Dispatch d = dispatch(s, 120, 70e6);
  CHECK(d.grid_w == 50e6);
  CHECK(d.turbine_w == doctest::Approx(20e6));
  CHECK(d.unserved_w == doctest::Approx(0));
  const Dispatch short_of_power = dispatch(s, 60, 50e6);
  CHECK(short_of_power.unserved_w == doctest::Approx(50e6 - 8e6 - 31.5e6));
}

TEST_CASE("capacity: the binding stage is the earliest at the minimum") {
  CapacityStages build;
  build.nominal = 100'000;
  build.delivered = 50'000;
  build.site_ready = unlimited;
  build.installed = 46'000;
  build.powerable = 27'000;
  build.brought_up = unlimited;
  CHECK(capacity_state(build).online == 27'000);
  CHECK(capacity_state(build).limit == CapacityLimit::Power);
  build.brought_up = 0;
  CHECK(capacity_state(build).limit == CapacityLimit::BringUp);
  build.site_ready = 0;
  build.installed = 0;
  CHECK(capacity_state(build).limit == CapacityLimit::Construction);  // before installation and bring-up
  build.delivered = 0;
  CHECK(capacity_state(build).limit == CapacityLimit::Delivery);
  CapacityStages full;
  full.nominal = 8'000;
  full.delivered = 8'000;
  full.powerable = 9'000;
  CHECK(capacity_state(full).online == 8'000);
  CHECK(capacity_state(full).limit == CapacityLimit::None);
  CHECK(capacity_limit_name(CapacityLimit::BringUp) == "bring-up");
}

TEST_CASE("power supply: load swings capped by policy, batteries covering them") {
  PowerSupply s;
  s.grid.steps = {{0, 200e6}};
  s.batteries = {{100, 10, 2e6, 4 * joules_per_mwh, 1}};  // 20 MW of batteries from t = 100
  s.swings = {LoadSwingPolicy::Kind::FewerReplicas, 10e6, 128};
  const double swing_per_gpu_w = 1'000;  // 10 MW of steps fits 10,000 GPUs
  CHECK(battery_power_w(s, 99) == 0);
  CHECK(battery_power_w(s, 100) == 20e6);
  CHECK(swing_limited_gpus(s, 0, 8'000, swing_per_gpu_w) == 8'000);            // fits
  CHECK(swing_limited_gpus(s, 0, 20'000, swing_per_gpu_w) == 78 * 128);         // whole replicas
  CHECK(swing_limited_gpus(s, 100, 20'000, swing_per_gpu_w) == 20'000);         // batteries cover 30 MW
  CHECK(swing_limited_gpus(s, 100, 40'000, swing_per_gpu_w) == 234 * 128);
  s.swings.kind = LoadSwingPolicy::Kind::Wait;
  CHECK(swing_limited_gpus(s, 0, 20'000, swing_per_gpu_w) == 0);
  CHECK(swing_limited_gpus(s, 100, 20'000, swing_per_gpu_w) == 20'000);
  s.swings.kind = LoadSwingPolicy::Kind::Ignore;
  CHECK(swing_limited_gpus(s, 0, 1'000'000, swing_per_gpu_w) == 1'000'000);
  CHECK(supply_change_times(s) == std::vector<double>{0, 100});  // batteries change what fits
}

TEST_CASE("fabric: network capex from counts and unit prices") {
  FabricCounts counts;
  counts.switches = 10;
  counts.transceivers = 100;
  counts.cables = 60;
  const NetworkPrices prices{1'000, 10, 2, 5};
  CHECK(network_capex_usd(counts, 40, prices) == 10 * 1'000 + 100 * 10 + 60 * 2 + 40 * 5);
}

TEST_CASE("capacity: servers in repair bind only when nothing else does") {
  CapacityStages lease;
  lease.nominal = 100'000;
  lease.delivered = 24'000;
  lease.healthy = 23'856;  // 18 servers in repair
  CHECK(capacity_state(lease).online == 23'856);
  CHECK(capacity_state(lease).limit == CapacityLimit::Delivery);  // the 76,000-GPU gap, not the 144
  lease.delivered = 100'000;
  lease.healthy = 99'856;
  CHECK(capacity_state(lease).online == 99'856);
  CHECK(capacity_state(lease).limit == CapacityLimit::Repair);
  lease.healthy = 100'000;
  CHECK(capacity_state(lease).limit == CapacityLimit::None);
}
