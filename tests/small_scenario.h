// The small hand-checkable scenario the simulation tests start from: 1e15 FLOP/s GPUs at 50 %
// MFU in 8-GPU nodes of 10 kW, a 60-day horizon from 2024-03-01, one replication, seed 7,
// 10-minute restarts and nothing that fails. Each test adds its options and workload; the
// helpers below build one-site options on the small system and run them.
#pragma once
#include <vector>

#include "models/fabric.h"
#include "models/time.h"
#include "scenario/scenario.h"
#include "sim/replications.h"

namespace bvr::test {

inline SystemSpec small_system() {
  SystemSpec s;
  s.id = "test";
  s.name = "test system";
  s.gpu = {"H100", 1e15, 0, 700, 80e9, 3.35e12, 450e9, 0};
  s.domain_gpus = 8;
  s.nic_bytes_per_s = 50e9;
  s.node = {8, 10'000, 0};
  s.rack_gpus = 64;
  return s;
}

inline Scenario small_scenario(const char* name) {
  Scenario s;
  s.name = name;
  s.file = "test.yaml";
  s.start_day = 19'783;  // 2024-03-01
  s.horizon_s = 60 * seconds_per_day;
  s.seed = 7;
  s.replications = 1;
  s.discount_rate = 0.10;
  s.workload.fixed_mfu = 0.5;  // runs without a model: the test seam of models/workload.h
  s.workload.max_job_gpus = 100'000;
  s.workload.min_job_gpus = 8;
  s.reliability.restart_s = 600;  // no failure classes: nothing fails
  return s;
}

inline Site lease_site(LeaseOffer lease, const char* name = "") {
  Site site;
  site.name = name;
  site.contract = ContractKind::Lease;
  site.system = small_system();
  site.lease = std::move(lease);
  return site;
}

inline Site build_site(BuildPlan build, const char* name = "") {
  Site site;
  site.name = name;
  site.contract = ContractKind::Build;
  site.system = small_system();
  site.build = std::move(build);
  return site;
}

inline Option one_site(const char* name, Site site) {
  Option o;
  o.name = name;
  o.sites = {std::move(site)};
  return o;
}

// The 2024 hybrid: on the lease until the build is as large.
inline Option hybrid(const char* name, LeaseOffer lease, BuildPlan build) {
  Option o;
  o.name = name;
  o.sites = {lease_site(std::move(lease), "lease"), build_site(std::move(build), "build")};
  return o;
}

inline LeaseOffer& lease_of(Option& o) { return *o.sites.front().lease; }
inline BuildPlan& build_of(Option& o) { return *o.sites.back().build; }

// Every site's nodes draw `watts` when powered but not computing.
inline void set_idle_power(Scenario& s, double watts) {
  for (Option& o : s.options)
    for (Site& site : o.sites) site.system.node.idle_power_w = watts;
}

// As the loader does: a site without failure classes of its own runs the scenario's, with
// servers_out made concrete for the site (its failure unit, or the servers behind a leaf).
inline void resolve_failure_classes(Scenario& s) {
  for (Option& o : s.options)
    for (Site& site : o.sites) {
      if (!site.failure_classes.empty()) continue;
      site.failure_classes = s.reliability.classes;
      for (FailureClass& c : site.failure_classes) {
        if (c.servers_out == servers_in_failure_unit) c.servers_out = site.system.failure_unit_nodes();
        if (c.servers_out == servers_behind_leaf_switch) c.servers_out = servers_behind_leaf(*site.fabric);
      }
    }
}

inline std::vector<ReplicationOutcome> run(Scenario s, int jobs) {
  resolve_failure_classes(s);
  return run_replications(s, jobs);
}

}  // namespace bvr::test
