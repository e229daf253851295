// Systems as data (docs/hardware.md): every shipped system file loads with sourced figures, the
// layout search gives a layout on each, and a 72-GPU NVLink domain changes what the search picks.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <string>

#include "models/memory_per_gpu.h"
#include "models/plan_search.h"
#include "models/step_time.h"
#include "scenario/load_system.h"

using namespace bvr;

namespace {

SystemSpec system_named(const std::string& id) { return load_system_file(systems_dir() + "/" + id + ".yaml"); }

SystemModel plain(const SystemSpec& s) {
  return {s.gpu, system_network(s)};
}

// A mixture of experts whose 16 layers cap the pipeline at 16 stages: 256 experts of width 8192,
// 8 per token (8.3e11 parameters).
const TransformerModel wide_moe{16, 8192, 8192, 64, 8, 129280, 256, 8, true, false};
const TrainingBatch batch{4096, 15360};

}  // namespace

TEST_CASE("systems: the shipped library loads, every file with its own id, and the 2024 H100 as before") {
  const auto files = shipped_system_files();
  std::set<std::string> ids;
  for (const auto& file : files) {
    INFO(file);
    const SystemSpec s = load_system_file(file);
    CHECK(s.id == std::filesystem::path(file).stem().string());
    CHECK(ids.insert(s.id).second);
    CHECK(s.gpu.peak_bf16_flop_per_s > 0);
    CHECK(s.gpu.hbm_bytes > 0);
    CHECK(s.node.it_power_w >= s.node.gpus_per_server * s.gpu.tdp_w);
    CHECK(s.domain_gpus % s.node.gpus_per_server == 0);
    CHECK(s.price_usd_per_gpu > 0);
  }
  for (const char* id : {"a100-hgx", "h100-hgx", "h200-hgx", "b200-hgx", "b300-hgx", "gb200-nvl72", "gb300-nvl72",
                         "mi300x-platform", "mi355x-platform"})
    CHECK_MESSAGE(ids.count(id) == 1, id);
  // The figures the compiled catalogue and the 2024 scenario's hardware section had.
  const SystemSpec h100 = system_named("h100-hgx");
  CHECK(h100.gpu.peak_bf16_flop_per_s == 989.4e12);
  CHECK(h100.gpu.peak_fp8_flop_per_s == 1979e12);
  CHECK(h100.gpu.peak_fp4_flop_per_s == 0);
  CHECK(h100.gpu.tdp_w == 700);
  CHECK(h100.gpu.hbm_bytes == 80.0 * 1024 * 1024 * 1024);
  CHECK(h100.gpu.hbm_bytes_per_s == 3.35e12);
  CHECK(h100.gpu.nvlink_bytes_per_s == 450e9);
  CHECK(h100.node.gpus_per_server == 8);
  CHECK(h100.node.it_power_w == 10'200);
  CHECK(h100.node.idle_power_w == 2'500);
  CHECK(h100.nic_bytes_per_s == 50e9);
  CHECK(h100.failure_classes.size() == 8);
  CHECK(!h100.bad_nodes.any());
  for (const char* id : {"b200-hgx", "b300-hgx", "gb200-nvl72", "gb300-nvl72"}) {
    const SystemSpec blackwell = system_named(id);
    CHECK_MESSAGE(blackwell.bad_nodes.count == 3, id);
    CHECK_MESSAGE(blackwell.bad_nodes.rate_multiple == 400, id);
  }
  // Rack-scale Blackwell: one 72-GPU domain per rack of 18 four-GPU trays, liquid-cooled, FP4.
  const SystemSpec gb200 = system_named("gb200-nvl72");
  CHECK(gb200.domain_gpus == 72);
  CHECK(gb200.node.gpus_per_server == 4);
  CHECK(gb200.rack_gpus == 72);
  CHECK(gb200.cooling == Cooling::Liquid);
  CHECK(gb200.rack_power_w() == doctest::Approx(132e3));
  CHECK(gb200.gpu.peak_fp4_flop_per_s == doctest::Approx(4 * gb200.gpu.peak_bf16_flop_per_s));
  CHECK(gb200.price_usd_per_gpu == doctest::Approx(3.4e6 / 72));
  CHECK(system_named("a100-hgx").gpu.peak_fp8_flop_per_s == 0);
}

TEST_CASE("systems: the search gives a layout on every shipped system") {
  const TransformerModel llama70b{80, 8192, 28672, 64, 8, 128256, 1, 1, true, false};
  for (const auto& file : shipped_system_files()) {
    const SystemSpec s = load_system_file(file);
    INFO(s.id);
    const SearchResult r =
        search_plans(llama70b, TrainingBatch{4096, 1024}, 4032, plain(s), SearchSpace{Recompute::Selective, {}, {}}, 1);
    REQUIRE(!r.best.empty());
    const StepTime& st = r.best.front();
    CHECK(st.plan.tp <= s.domain_gpus);
    CHECK(st.plan.gpus() <= 4032);
    CHECK(st.mfu > 0.1);
    CHECK(st.mfu < 0.8);
  }
}

TEST_CASE("systems: TP and expert blocks are packed into whole NVLink domains") {
  ParallelPlan p;
  p.tp = 2, p.ep = 32;  // a block of 64 GPUs: one per 72-GPU domain, 8 left idle
  CHECK(usable_gpus(p, 7 * 72, 72) == 7 * 64);
  CHECK(usable_gpus(p, 7 * 72 + 68, 72) == 8 * 64);
  CHECK(usable_gpus(p, 1024, 8) == 1024);  // larger than an 8-GPU domain: no packing
  p.ep = 4;                                 // 8 GPUs: nine blocks fill a 72-GPU domain
  CHECK(usable_gpus(p, 720, 72) == 720);
  CHECK(resize_plan(p, 720, 72)->dp == 720 / 2 / 4 * 4);
}

TEST_CASE("systems: on an NVL72 rack a wide MoE gets EP beyond 8 inside the domain, because it is faster") {
  const SystemSpec gb200 = system_named("gb200-nvl72"), b200 = system_named("b200-hgx");
  const SearchSpace space{Recompute::Selective, Precision::Bf16, Sharding::Zero1};
  const SearchResult r = search_plans(wide_moe, batch, 8064, plain(gb200), space, 1);
  REQUIRE(!r.best.empty());
  const ParallelPlan best = r.best.front().plan;
  MESSAGE("NVL72: TP", best.tp, " PP", best.pp, " EP", best.ep, " DP", best.dp, ", step ", r.best.front().step_s, " s");
  CHECK(best.ep > 8);
  // (The expert all-to-all overlaps the compute of another micro-batch, DualPipe-style, so an
  // EP block may span two racks: the NVL72's advantage shows in the exposed all-to-all below.)
  // The hand-derived reason. The same layout with EP 8 instead (DP grows to fill the GPUs):
  // each GPU then holds 4x the expert weights, so the data-parallel gradient traffic of the
  // expert weights and the expert GEMMs' rows per expert (tokens x top-k x EP / experts) are
  // 4x worse; both cost more than the EP=32 all-to-all, which NVLink carries at 900 GB/s.
  ParallelPlan ep8 = best;
  ep8.ep = 8;
  const auto sized = resize_plan(ep8, 8064, 72);
  REQUIRE(sized);
  const StageParams wide = stage_params(wide_moe, best), narrow = stage_params(wide_moe, *sized);
  CHECK(narrow.expert == doctest::Approx(wide.expert * best.ep / 8.0));
  const StepTime at_ep8 = step_time(wide_moe, batch, *sized, plain(gb200));
  const StepTime at_best = step_time(wide_moe, batch, best, plain(gb200));
  CHECK(at_best.tokens_per_s > at_ep8.tokens_per_s);
  CHECK(at_best.breakdown.dp_comm_s < at_ep8.breakdown.dp_comm_s);
  // On 8-GPU HGX boards of the same GPU, that EP block spans several servers: its all-to-all
  // goes over the 400 Gb/s NICs and costs several times as much.
  // (Compared without the overlap, on an EP block of 64 that one rack holds.)
  ParallelPlan in_rack = best;
  in_rack.ep = 64, in_rack.tp = 1, in_rack.cp = 1;
  in_rack.ep_comm_overlap = false;
  const StepTime on_hgx = step_time(wide_moe, batch, *resize_plan(in_rack, 8064, 8), plain(b200));
  const StepTime on_nvl72 = step_time(wide_moe, batch, *resize_plan(in_rack, 8064, 72), plain(gb200));
  CHECK(on_hgx.breakdown.ep_comm_s > 3 * on_nvl72.breakdown.ep_comm_s);
  const SearchResult hgx = search_plans(wide_moe, batch, 8064, plain(b200), space, 1);
  REQUIRE(!hgx.best.empty());
  CHECK(hgx.best.front().tokens_per_s < r.best.front().tokens_per_s);
}
