// The small hand-checkable scenario the simulation tests start from: 1e15 FLOP/s GPUs at 50 %
// MFU in 8-GPU servers of 10 kW, a 60-day horizon from 2024-03-01, one replication, seed 7,
// 10-minute restarts and nothing that fails. Each test adds its options and workload.
#pragma once
#include "models/time.h"
#include "scenario/scenario.h"

namespace bvr::test {

inline Scenario small_scenario(const char* name) {
  Scenario s;
  s.name = name;
  s.file = "test.yaml";
  s.start_day = 19'783;  // 2024-03-01
  s.horizon_s = 60 * seconds_per_day;
  s.seed = 7;
  s.replications = 1;
  s.discount_rate = 0.10;
  s.gpu = {"H100", 1e15, 0, 700, 80e9, 3.35e12, 450e9};
  s.server = {8, 10'000, 0};
  s.workload.fixed_mfu = 0.5;  // runs without a model: the test seam of models/workload.h
  s.workload.max_job_gpus = 100'000;
  s.workload.min_job_gpus = 8;
  s.reliability.restart_s = 600;  // no failure classes: nothing fails
  return s;
}

}  // namespace bvr::test
