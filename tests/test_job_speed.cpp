// The job's speed on a site keeps the collectives it simulated on the fabric: the ones whose
// ratios to the closed form refine the step time, as nccl-tests would report them.
#include <doctest/doctest.h>

#include <string>

#include "scenario/load.h"
#include "sim/job_speed.h"

using namespace bvr;

namespace {

const Scenario& default_scenario() {
  static const Scenario s = load_scenario(std::string(BVR_SOURCE_DIR) + "/scenarios/xai-oracle-2024.yaml");
  return s;
}

const Option& option_named(const Scenario& s, const std::string& name) {
  for (const Option& o : s.options)
    if (o.name == name) return o;
  FAIL("no option " << name);
  return s.options.front();
}

}  // namespace

TEST_CASE("job speed: the simulated collectives are what the step-time refinement was taken from") {
  const Scenario& s = default_scenario();
  const std::size_t run = headline_run(s);
  for (const char* name : {"lease-oracle", "build-colossus"}) {
    INFO(name);
    const Option& option = option_named(s, name);
    const FabricSpec& fabric = *option.sites.back().fabric;
    const SiteSpeed site = final_site_speed(s, option, true);
    const RunSpeed& rs = site.runs[run];
    REQUIRE(rs.plan);
    const ParallelPlan& p = *rs.plan;
    REQUIRE(p.ep > 1);  // Grok: a mixture of experts, so both collectives
    REQUIRE(rs.collectives.size() == 2);
    const SimulatedCollective& dp = rs.collectives[0];
    const SimulatedCollective& ep = rs.collectives[1];
    CHECK(dp.purpose == "data-parallel gradients");
    CHECK(ep.purpose == "expert all-to-all");
    CHECK(dp.kind == (p.sharding == Sharding::None ? CollectiveKind::AllReduceRing : CollectiveKind::ReduceScatter));
    CHECK(ep.kind == CollectiveKind::AllToAll);
    CHECK(dp.group_gpus == p.tp * p.cp * p.dp);
    CHECK(ep.group_gpus == p.tp * p.cp * p.ep);
    // The very numbers the step time uses, not recomputed ones.
    CHECK(dp.ratio == rs.refine.dp);
    CHECK(ep.ratio == rs.refine.ep);
    for (const SimulatedCollective& c : rs.collectives) {
      INFO(c.purpose);
      CHECK(c.fabric_gpus == fabric.gpus / c.group_gpus * c.group_gpus);
      CHECK(c.bytes_per_gpu > 0);
      CHECK(c.time_s > 0);
      CHECK(c.closed_form_s > 0);
      CHECK(c.ratio == c.time_s / c.closed_form_s);
      CHECK(c.algbw_bytes_per_s == doctest::Approx(c.bytes_per_gpu / c.time_s).epsilon(1e-12));
      CHECK(c.busbw_bytes_per_s ==
            doctest::Approx(c.algbw_bytes_per_s * bus_bandwidth_factor(c.kind, c.group_gpus)).epsilon(1e-12));
    }
  }
}

TEST_CASE("job speed: nothing simulated, nothing kept: without simulation or without a fabric") {
  const Scenario& s = default_scenario();
  const std::size_t run = headline_run(s);
  const Option& build = option_named(s, "build-colossus");
  const RunSpeed closed = site_speed(s, build.sites[0], s.workload.max_job_gpus, false).runs[run];
  CHECK(closed.collectives.empty());
  CHECK(closed.refine.dp == 1);
  Site without_fabric = build.sites[0];
  without_fabric.fabric.reset();
  const RunSpeed plain = site_speed(s, without_fabric, s.workload.max_job_gpus, true).runs[run];
  REQUIRE(plain.plan);
  CHECK(plain.collectives.empty());
  CHECK(plain.refine.ep == 1);
}
