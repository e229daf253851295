// Collectives on SimGrid: a single flow against its closed form, the scaled evaluation against
// the full flow-level simulation (within 3 %, up to 4,096 GPUs), ECMP collisions against
// adaptive routing, and the cache. Every evaluation forks a child with its own engine.
#include <doctest/doctest.h>

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "models/agreement_fabric.h"
#include "models/collective_path.h"
#include "models/fabric_collectives.h"
#include "sim/collective_sim.h"

using namespace bvr;

namespace {

void check_scaled_matches_full(const FabricSpec& fabric, const CollectiveSpec& c, FullSync sync = FullSync::PerGpu) {
  CAPTURE(to_string(c.kind));
  CAPTURE(fabric.gpus);
  CAPTURE(c.group_gpus);
  CAPTURE(to_string(fabric.routing));
  // The full simulation plays the phases one after the other: so does the scaled one compared.
  CollectiveEvalOptions sequential;
  sequential.pipelined = false;
  sequential.closed_form = false;
  const CollectiveResult scaled = evaluate_collective(fabric, c, sequential);
  const CollectiveResult full = simulate_collective_full(fabric, c, sync);
  CHECK(scaled.simulated_flows < full.simulated_flows);
  CHECK(scaled.time_s == doctest::Approx(full.time_s).epsilon(0.03));
}

}  // namespace

TEST_CASE("one flow over one rail leaf takes two hops of latency plus size over NIC bandwidth") {
  const FabricSpec fabric = agreement_fabric(16, FabricRouting::Adaptive);
  const double bytes = 64e6;
  const CollectiveResult r = evaluate_collective(fabric, {CollectiveKind::SendRecv, bytes, 16});
  CHECK(r.time_s == doctest::Approx(2 * fabric.hop_latency_s + bytes / fabric.nic_bw_bytes_per_s).epsilon(1e-6));
  CHECK(r.busbw_bytes_per_s == doctest::Approx(r.algbw_bytes_per_s));
}

// The unit suite holds the cases it can afford (a few seconds each); tools/test-fabric-agreement.sh
// runs every collective on the whole 4,096-GPU fabric, which takes minutes.
TEST_CASE("scaled ring collectives agree with full simulation within 3% up to 4,096 GPUs") {
  const auto adaptive = FabricRouting::Adaptive, ecmp = FabricRouting::StaticEcmp;
  check_scaled_matches_full(agreement_fabric(4096, adaptive), {CollectiveKind::AllReduceRing, 64e6, 64});
  check_scaled_matches_full(agreement_fabric(2048, ecmp), {CollectiveKind::AllGather, 64e6, 256});
  check_scaled_matches_full(agreement_fabric(1024, adaptive), {CollectiveKind::ReduceScatter, 64e6, 0});
}

// 16 MB per GPU: NCCL's chunk rule gives 16-32 pipeline steps instead of 45-78 at 64 MB, so
// the whole 4,096-GPU fabric fits the unit suite (64 MB: tools/test-fabric-agreement.sh).
TEST_CASE("scaled tree all-reduce agrees with full simulation within 3% up to 4,096 GPUs") {
  const auto adaptive = FabricRouting::Adaptive, ecmp = FabricRouting::StaticEcmp;
  check_scaled_matches_full(agreement_fabric(1024, adaptive), {CollectiveKind::AllReduceTree, 16e6, 0});
  check_scaled_matches_full(agreement_fabric(2048, ecmp), {CollectiveKind::AllReduceTree, 16e6, 0}, FullSync::Barrier);
  check_scaled_matches_full(agreement_fabric(4096, adaptive), {CollectiveKind::AllReduceTree, 16e6, 0}, FullSync::Barrier);
}

TEST_CASE("scaled send/recv and all-to-all agree with full simulation within 3% up to 4,096 GPUs") {
  const auto adaptive = FabricRouting::Adaptive, ecmp = FabricRouting::StaticEcmp;
  check_scaled_matches_full(agreement_fabric(4096, adaptive), {CollectiveKind::SendRecv, 64e6, 0});
  check_scaled_matches_full(agreement_fabric(4096, ecmp), {CollectiveKind::SendRecv, 64e6, 0});
  check_scaled_matches_full(agreement_fabric(2048, adaptive), {CollectiveKind::AllToAll, 64e6, 64});
  // Under ECMP the GPUs of an all-to-all carry unequal loads: checked against the same
  // step-by-step synchronization the scaled evaluation assumes (its per-GPU variant: docs/fabric.md).
  check_scaled_matches_full(agreement_fabric(4096, ecmp), {CollectiveKind::AllToAll, 64e6, 64}, FullSync::Barrier);
}

TEST_CASE("on NVL72 racks an all-reduce inside the rack runs at NVLink speed, across racks on the NICs") {
  // Four GB200 NVL72 racks: 4-GPU trays, 72-GPU NVLink domains at 900 GB/s, 400 Gb/s per GPU.
  FabricSpec f = agreement_fabric(288, FabricRouting::Adaptive);
  f.gpus_per_server = 4;
  f.nvlink_domain_gpus = 72;
  f.nvlink_bw_bytes_per_s = 900e9;
  REQUIRE_FALSE(fabric_problem(f).has_value());
  const double S = 720e6;
  CollectiveEvalOptions simulated;
  simulated.closed_form = false;
  const CollectiveResult rack = evaluate_collective(f, {CollectiveKind::AllReduceRing, S, 72}, simulated);
  // Ring all-reduce over NVLink only: 2 x 71/72 x S at 900 GB/s, plus per-step latency.
  CHECK(rack.time_s == doctest::Approx(2 * 71.0 / 72 * S / 900e9).epsilon(0.02));
  // Four racks: rings across racks on 1/72 of the data per rank, pipelined with the NVLink
  // phases (the slower NVLink sets the pace; the network adds one chunk's fill per half).
  const CollectiveResult racks = evaluate_collective(f, {CollectiveKind::AllReduceRing, S, 288}, simulated);
  const double network_s = 2 * 3.0 / 4 * S / 72 / f.nic_bw_bytes_per_s;
  const double chunks = S / nccl_buffer_bytes;
  CHECK(racks.time_s == doctest::Approx(rack.time_s + network_s / chunks).epsilon(0.02));
  CHECK(racks.closed_form == 0);
  // The rule lets the closed form stand for this one (non-blocking, adaptive, a ring): it agrees.
  const CollectiveResult closed = evaluate_collective(f, {CollectiveKind::AllReduceRing, S, 288});
  CHECK(closed.closed_form == 1);
  CHECK(closed.time_s == doctest::Approx(racks.time_s).epsilon(closed_form_tolerance));
}

TEST_CASE("NCCL's double binary tree: every server but the roots sends to its parent, once per tree") {
  // 12 servers of 8 GPUs: per rail and tree, 11 edges, each carrying a chunk up and one down.
  const auto plan = plan_collective({CollectiveKind::AllReduceTree, 64e6, 0}, 96, 96, 8, PlanOptions{.pipelined = false});
  REQUIRE(plan.size() == 3);
  const StepRun& tree = plan[1];
  CHECK(tree.flows.size() == 8 * 2 * 11 * 2);
  // NCCL's tree over 12 ranks: 0 <- 8 <- {4, 10}, 4 <- {2, 6}, 2 <- {1, 3}, 6 <- {5, 7},
  // 10 <- {9, 11}: deepest leaf 1 -> 2 -> 4 -> 8 -> 0, 4 links; the pipeline fills and drains.
  // Each tree carries 4 MB of the rail's 8 MB; NCCL's chunk starts at 512 KiB and halves while
  // there are fewer than 8 x depth = 32 chunks, down to 128 KiB: 31 chunks of 4 MB / 31.
  CHECK(tree.repeat == 31 + 2 * 4);
  CHECK(tree.flows[0].bytes == doctest::Approx(4e6 / 31));
  // The second tree mirrors the first (rank r takes rank 11 - r's place), so a rank's flows are
  // its edges in tree 0 plus rank 11 - r's edges in tree 0.
  auto flows_from = [&](int server) {
    int n = 0;
    for (const Flow& f : tree.flows) n += f.src == server * 8 ? 1 : 0;
    return n;
  };
  CHECK(flows_from(0) == 1 + 1);  // root of tree 0 with one child (8); as 11, a leaf
  CHECK(flows_from(1) == 1 + 3);  // a leaf; as 10, parent 8 and children 9 and 11
  CHECK(flows_from(2) == 3 + 1);  // parent 4 and children 1 and 3; as 9, a leaf
  CHECK(flows_from(8) == 3 + 1);  // parent 0 and children 4 and 10; as 3, a leaf
}

TEST_CASE("static ECMP collisions cut achieved bandwidth while adaptive routing keeps line rate") {
  const CollectiveSpec across{CollectiveKind::SendRecv, 64e6, 0};  // every flow crosses the bisection
  const CollectiveResult adaptive = evaluate_collective(agreement_fabric(4096, FabricRouting::Adaptive), across);
  const CollectiveResult ecmp = evaluate_collective(agreement_fabric(4096, FabricRouting::StaticEcmp), across);
  CHECK(adaptive.busbw_bytes_per_s > 0.95 * 50e9);
  CHECK(ecmp.busbw_bytes_per_s < 0.5 * adaptive.busbw_bytes_per_s);
}

TEST_CASE("results are cached by fabric, collective and size") {
  clear_collective_cache();
  // Static ECMP: simulated (on an adaptive non-blocking fabric the closed form stands, uncached).
  const FabricSpec fabric = agreement_fabric(256, FabricRouting::StaticEcmp);
  const CollectiveSpec c{CollectiveKind::AllReduceRing, 16e6, 0};
  const CollectiveResult first = evaluate_collective(fabric, c);
  CHECK(collective_cache_size() == 1);
  const CollectiveResult again = evaluate_collective(fabric, c);
  CHECK(collective_cache_size() == 1);
  CHECK(again.time_s == first.time_s);
  evaluate_collective(fabric, {CollectiveKind::AllReduceRing, 32e6, 0});
  CHECK(collective_cache_size() == 2);
}

TEST_CASE("results kept in a cache folder are shared by processes and checked against their key") {
  const std::string dir = fmt::format("/tmp/bvr-collective-cache-{}", getpid());
  std::filesystem::remove_all(dir);
  set_collective_cache_dir(dir);
  clear_collective_cache();
  const FabricSpec fabric = agreement_fabric(256, FabricRouting::StaticEcmp);
  const CollectiveSpec c{CollectiveKind::AllGather, 16e6, 64};
  const CollectiveResult first = evaluate_collective(fabric, c);
  REQUIRE(std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator()) == 1);
  const std::string file = std::filesystem::directory_iterator(dir)->path().string();
  clear_collective_cache();  // as in another process
  CHECK(evaluate_collective(fabric, c).time_s == first.time_s);
  // A file that holds another key (a hash collision, or an older format) is not believed.
  const CollectiveResult bogus{1.0, 1.0, 1.0, 1.0, 1.0};
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << "another key\n" << std::string(reinterpret_cast<const char*>(&bogus), sizeof bogus);
  }
  clear_collective_cache();
  CHECK(evaluate_collective(fabric, c).time_s == first.time_s);
  // A damaged entry (one byte of the result flipped: its checksum no longer matches) is ignored,
  // simulated again and rewritten whole.
  std::string whole;
  {
    std::ifstream in(file, std::ios::binary);
    whole.assign(std::istreambuf_iterator<char>(in), {});
  }
  std::string damaged = whole;
  damaged[damaged.size() - 12] = static_cast<char>(damaged[damaged.size() - 12] ^ 0x40);
  {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << damaged;
  }
  clear_collective_cache();
  CHECK(evaluate_collective(fabric, c).time_s == first.time_s);
  {
    std::ifstream in(file, std::ios::binary);
    CHECK(std::string(std::istreambuf_iterator<char>(in), {}) == whole);
  }
  set_collective_cache_dir("");
  std::filesystem::remove_all(dir);
}

TEST_CASE("two processes sharing a cache folder leave one whole entry, no temporary file") {
  const std::string dir = fmt::format("/tmp/bvr-collective-cache-shared-{}", getpid());
  std::filesystem::remove_all(dir);
  set_collective_cache_dir(dir);
  clear_collective_cache();
  const FabricSpec fabric = agreement_fabric(256, FabricRouting::StaticEcmp);
  const CollectiveSpec c{CollectiveKind::ReduceScatter, 8e6, 64};
  std::vector<pid_t> children;
  for (int k = 0; k < 2; ++k) {
    const pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      evaluate_collective(fabric, c);
      std::_Exit(0);
    }
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    waitpid(pid, &status, 0);
    CHECK((WIFEXITED(status) && WEXITSTATUS(status) == 0));
  }
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) names.push_back(entry.path().filename().string());
  REQUIRE(names.size() == 1);
  CHECK(names[0].ends_with(".bin"));
  // This process has not simulated it: the entry answers, the same bits as a fresh simulation.
  REQUIRE(collective_cache_size() == 0);
  const double cached_s = evaluate_collective(fabric, c).time_s;
  set_collective_cache_dir("");
  clear_collective_cache();
  CHECK(evaluate_collective(fabric, c).time_s == cached_s);
  std::filesystem::remove_all(dir);
}

TEST_CASE("a cache key names the model version and every input, and stays the same from build to build") {
  const FabricSpec fabric = agreement_fabric(256, FabricRouting::StaticEcmp);
  const CollectiveSpec c{CollectiveKind::AllGather, 16e6, 64};
  const std::string key = collective_cache_key(fabric, c, {});
  // Spelled out: a change to the key format (or the model version) must be deliberate.
  CHECK(key == "v2#false|256|8|8|450000000000|50000000000|true|16|100000000000|3|1/1/|0|0|0|3.5e-07"
               "#all-gather|16000000|64#1024|0|true");
  CHECK(key.starts_with(fmt::format("v{}#", collective_model_version)));
  CollectiveEvalOptions sequential;
  sequential.pipelined = false;
  CHECK(collective_cache_key(fabric, c, sequential) != key);
  FabricSpec sharp = fabric;
  sharp.in_network_reduction = true;
  CHECK(collective_cache_key(sharp, c, {}) != key);
  CHECK(collective_cache_key(fabric, {CollectiveKind::AllGather, 16e6, 128}, {}) != key);
}

namespace {

// Two hops of latency (up to the switch and down) and `bytes` at `bw`: one step of one flow per GPU.
double hop_s(const FabricSpec& f, double bytes, double bw) { return bytes / bw + 2 * f.hop_latency_s; }

CollectiveEvalOptions always_simulated() {
  CollectiveEvalOptions o;
  o.closed_form = false;
  return o;
}

}  // namespace

TEST_CASE("a pipelined all-reduce on two servers: each half paced by its slower stage, the other adds one chunk") {
  // 2 servers of 8 GPUs on one rail leaf each: NVLink rings of 8 (7 steps of S/8) and a network
  // ring of 2 (1 step of S/16) per half, the buffer in S / 4 MiB chunks.
  const FabricSpec f = agreement_fabric(16, FabricRouting::Adaptive);
  const double S = 64e6, chunks = S / nccl_buffer_bytes;
  const double nvlink_s = 7 * hop_s(f, S / 8, f.nvlink_bw_bytes_per_s);
  const double network_s = hop_s(f, S / 16, f.nic_bw_bytes_per_s);
  REQUIRE(nvlink_s > network_s);
  const CollectiveResult pipelined = evaluate_collective(f, {CollectiveKind::AllReduceRing, S, 0}, always_simulated());
  CHECK(pipelined.time_s == doctest::Approx(2 * (nvlink_s + network_s / chunks)).epsilon(1e-6));
  CollectiveEvalOptions sequential = always_simulated();
  sequential.pipelined = false;
  const CollectiveResult in_turn = evaluate_collective(f, {CollectiveKind::AllReduceRing, S, 0}, sequential);
  CHECK(in_turn.time_s == doctest::Approx(2 * (nvlink_s + network_s)).epsilon(1e-6));
  // Reduce-scatter is one such half; so is all-gather.
  const CollectiveResult rs = evaluate_collective(f, {CollectiveKind::ReduceScatter, S, 0}, always_simulated());
  CHECK(rs.time_s == doctest::Approx(nvlink_s + network_s / chunks).epsilon(1e-6));
  CHECK(pipelined_time_s({3.0, 1.0, 2.0}, 4) == doctest::Approx(3.0 + 3.0 / 4));
  CHECK(pipelined_time_s({3.0}, 4) == 3.0);
}

TEST_CASE("in-network reduction: each GPU sends its shard up once and reads it back once") {
  // 4 servers on one rail leaf, NVLink ten times faster so that the network sets the pace.
  FabricSpec f = agreement_fabric(32, FabricRouting::Adaptive);
  f.nvlink_bw_bytes_per_s = 4500e9;
  f.technology = FabricTechnology::InfinibandNdr;
  const double S = 64e6, chunks = S / nccl_buffer_bytes;
  const double nvlink_s = 7 * hop_s(f, S / 8, f.nvlink_bw_bytes_per_s);
  // Ring: 3 steps of S/32 per half. SHARP: S/8 per rail, half sent up per half of the collective.
  const double ring_s = 3 * hop_s(f, S / 32, f.nic_bw_bytes_per_s);
  const double sharp_s = hop_s(f, S / 8 / 2, f.nic_bw_bytes_per_s);
  const CollectiveSpec c{CollectiveKind::AllReduceRing, S, 0};
  const CollectiveResult ring = evaluate_collective(f, c, always_simulated());
  CHECK(ring.time_s == doctest::Approx(2 * (ring_s + nvlink_s / chunks)).epsilon(1e-6));
  f.in_network_reduction = true;
  const CollectiveResult sharp = evaluate_collective(f, c, always_simulated());
  CHECK(sharp.time_s == doctest::Approx(2 * (sharp_s + nvlink_s / chunks)).epsilon(1e-6));
  CHECK(sharp.time_s < 0.7 * ring.time_s);
  // The closed form halves the network part alike, and the rule lets it stand.
  CHECK(closed_form_time_s(f, c) == doctest::Approx(sharp.time_s).epsilon(closed_form_tolerance));
  // Reduce-scatter is not reduced in the network: unchanged.
  f.in_network_reduction = false;
  const double rs_ring = evaluate_collective(f, {CollectiveKind::ReduceScatter, S, 0}, always_simulated()).time_s;
  f.in_network_reduction = true;
  CHECK(evaluate_collective(f, {CollectiveKind::ReduceScatter, S, 0}, always_simulated()).time_s == rs_ring);
}
