// Fabric models: the fat-tree shape against closed-form formulas, the Boost.Graph against the
// closed forms, routes against the graph, and collective plans against nccl-tests byte counts.
#include <doctest/doctest.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <string>

#include "models/fabric.h"
#include "models/fabric_collectives.h"
#include "models/fabric_graph.h"
#include "models/fabric_routes.h"
#include "models/agreement_fabric.h"
#include "models/collective_path.h"

using namespace bvr;

namespace {

constexpr double gbps = 1e9 / 8;  // bytes/s in one Gb/s

// The k-ary fat-tree of Al-Fares et al.: k-port switches, one host per server, 3 tiers.
FabricSpec k_ary(int k) {
  FabricSpec s;
  s.gpus = k * k * k / 4;
  s.gpus_per_server = 1;
  s.nvlink_domain_gpus = 1;
  s.nic_bw_bytes_per_s = 400 * gbps;
  s.rail_optimized = false;
  s.switch_ports = k;
  s.switch_port_bw_bytes_per_s = 400 * gbps;
  s.tiers = 3;
  s.oversubscription = {1, 1};
  return s;
}

// A leaf/spine fabric of radix-r switches carrying 8-GPU servers.
FabricSpec leaf_spine(int gpus, int ports, double oversubscription, bool rails) {
  FabricSpec s;
  s.gpus = gpus;
  s.gpus_per_server = 8;
  s.nvlink_domain_gpus = 8;
  s.nvlink_bw_bytes_per_s = 450e9;
  s.nic_bw_bytes_per_s = 400 * gbps;
  s.rail_optimized = rails;
  s.switch_ports = ports;
  s.switch_port_bw_bytes_per_s = 400 * gbps;
  s.tiers = 2;
  s.oversubscription = {oversubscription};
  return s;
}

void check_graph_matches_closed_form(const FabricSpec& s) {
  const FabricCounts closed = fabric_counts(s);
  const FabricCounts graph = count_fabric_graph(build_fabric_graph(s), s);
  CHECK(graph.switches_per_tier == closed.switches_per_tier);
  CHECK(graph.host_links == closed.host_links);
  CHECK(graph.switch_links == closed.switch_links);
  CHECK(graph.nvlink_links == closed.nvlink_links);
  CHECK(graph.transceivers == closed.transceivers);
  CHECK(graph.diameter_links == closed.diameter_links);
  CHECK(graph.bisection_bw_bytes_per_s == doctest::Approx(closed.bisection_bw_bytes_per_s));
  CHECK(graph.non_blocking == closed.non_blocking);
}

}  // namespace

TEST_CASE("k-ary fat-tree: 5k^2/4 switches, k^3/4 hosts, k^3/2 switch links, full bisection") {
  for (int k : {4, 8, 16}) {
    CAPTURE(k);
    const FabricSpec s = k_ary(k);
    CHECK(max_fabric_gpus(s) == k * k * k / 4);
    const FabricCounts c = fabric_counts(s);
    CHECK(c.switches == 5 * k * k / 4);
    CHECK(c.switches_per_tier == std::vector<int>{k * k / 2, k * k / 2, k * k / 4});
    CHECK(c.host_links == k * k * k / 4);
    CHECK(c.switch_links == k * k * k / 2);
    CHECK(c.diameter_links == 6);
    CHECK(c.bisection_bw_bytes_per_s == doctest::Approx(k * k * k / 8 * s.nic_bw_bytes_per_s));
    CHECK(c.non_blocking);
    check_graph_matches_closed_form(s);
  }
}

TEST_CASE("leaf/spine of radix r: r^2/2 GPUs non-blocking, r/2 spines, and oversubscription cuts bisection") {
  const int r = 16;
  const FabricSpec full = leaf_spine(r * r / 2, r, 1.0, true);
  CHECK(max_fabric_gpus(full) == r * r / 2);
  FabricCounts c = fabric_counts(full);
  CHECK(c.switches_per_tier == std::vector<int>{r, r / 2});
  CHECK(c.switch_links == r * r / 2);
  CHECK(c.diameter_links == 4);
  CHECK(c.non_blocking);
  check_graph_matches_closed_form(full);
  check_graph_matches_closed_form(leaf_spine(r * r / 2, r, 1.0, false));

  // 3:1 -> 12 down, 4 up per leaf: a third of full bisection.
  const FabricSpec over = leaf_spine(12 * 16, r, 3.0, true);
  c = fabric_counts(over);
  CHECK(c.switches_per_tier == std::vector<int>{16, 4});
  CHECK(c.bisection_bw_bytes_per_s == doctest::Approx(12 * 16 / 2 / 3.0 * over.nic_bw_bytes_per_s));
  CHECK_FALSE(c.non_blocking);
  check_graph_matches_closed_form(over);

  // A cluster that fits under one leaf group needs no spine hop.
  CHECK(fabric_counts(leaf_spine(64, r, 1.0, true)).diameter_links == 4);  // 8 rails = 8 leaves
  CHECK(fabric_counts(leaf_spine(8, r, 1.0, false)).diameter_links == 2);
}

TEST_CASE("rail-optimized 3-tier fabric with 800G ports split to 400G NICs") {
  FabricSpec s = leaf_spine(2048, 16, 1.0, true);  // 16 x 800G = 32 NIC-speed ports
  s.switch_port_bw_bytes_per_s = 800 * gbps;
  s.tiers = 3;
  s.oversubscription = {1, 1};
  const FabricShape f = fabric_shape(s);
  CHECK(f.radix == 32);
  CHECK(f.port_split == 2);
  CHECK(f.leaf_down == 16);
  CHECK(f.leaves_per_pod == 16);  // two leaf groups of 8 rails
  CHECK(f.pods == 8);
  // Each rail of a server lands on its own leaf.
  for (int i = 0; i < 8; ++i) CHECK(f.leaf_of_gpu(i) == i);
  CHECK(f.leaf_of_gpu(8) == 0);
  CHECK(f.leaf_of_gpu(16 * 8) == 8);
  check_graph_matches_closed_form(s);
  s.oversubscription = {1, 2};
  check_graph_matches_closed_form(s);
  CHECK_FALSE(fabric_counts(s).non_blocking);
  // Three pods: the halves meet inside the middle pod.
  s.oversubscription = {1, 1};
  s.gpus = 768;
  CHECK(fabric_shape(s).pods == 3);
  CHECK(fabric_counts(s).non_blocking);
  check_graph_matches_closed_form(s);
}

TEST_CASE("fabric problems name the key") {
  FabricSpec s = leaf_spine(4096, 32, 1.0, true);
  REQUIRE(fabric_problem(s).has_value());
  CHECK(fabric_problem(s)->starts_with("gpus:"));
  s.tiers = 3;
  CHECK(fabric_problem(s)->starts_with("oversubscription:"));
  s.oversubscription = {1, 1};
  CHECK_FALSE(fabric_problem(s).has_value());
  s.gpus = 4100;
  CHECK(fabric_problem(s)->starts_with("gpus:"));
  s.gpus = 4096;
  s.switch_port_bw_bytes_per_s = 600 * gbps;
  CHECK(fabric_problem(s)->starts_with("switch_port_speed:"));
  CHECK_THROWS_AS(fabric_shape(s), std::invalid_argument);
}

TEST_CASE("routes follow graph edges from source to destination") {
  FabricSpec s = leaf_spine(2048, 16, 1.0, true);
  s.switch_port_bw_bytes_per_s = 800 * gbps;
  s.tiers = 3;
  s.oversubscription = {1, 1};
  const FabricGraph g = build_fabric_graph(s);
  std::map<int, std::pair<std::size_t, std::size_t>> ends;  // link id -> (lower, upper) vertex
  for (auto e : boost::make_iterator_range(boost::edges(g))) {
    auto u = boost::source(e, g), v = boost::target(e, g);
    if (u > v) std::swap(u, v);  // vertex numbering grows with the tier
    ends[g[e].id] = {u, v};
  }
  for (auto routing : {FabricRouting::Adaptive, FabricRouting::StaticEcmp}) {
    s.routing = routing;
    FabricRouter router(s);
    for (auto [src, dst] : std::vector<std::pair<int, int>>{{0, 1}, {0, 8}, {0, 9}, {0, 200}, {3, 2047}, {1000, 17}}) {
      CAPTURE(src);
      CAPTURE(dst);
      std::size_t at = static_cast<std::size_t>(src);
      for (int link : router.route(src, dst)) {
        const auto [lower, upper] = ends.at(link / 2);
        const bool going_up = link % 2 == 0;
        REQUIRE(at == (going_up ? lower : upper));
        at = going_up ? upper : lower;
      }
      CHECK(at == static_cast<std::size_t>(dst));
    }
  }
  FabricRouter router(s);
  CHECK(router.route(0, 1).size() == 2);    // NVLink
  CHECK(router.route(0, 8).size() == 2);    // same rail leaf
  CHECK(router.route(0, 200).size() == 4);  // same pod
  CHECK(router.route(0, 2047).size() == 6); // across pods
}

TEST_CASE("adaptive routing spreads a permutation, and static ECMP collides") {
  const FabricSpec base = k_ary(16);  // 1024 hosts, 8 uplinks per leaf
  auto max_uplink_load = [&](FabricRouting routing) {
    FabricSpec s = base;
    s.routing = routing;
    FabricRouter router(s);
    for (int x = 0; x < s.gpus; ++x) router.route(x, (x + s.gpus / 2) % s.gpus);
    int worst = 0;
    for (int l = 0; l < router.directed_links(); ++l) worst = std::max(worst, router.load(l));
    return worst;
  };
  CHECK(max_uplink_load(FabricRouting::Adaptive) == 1);
  CHECK(max_uplink_load(FabricRouting::StaticEcmp) >= 3);
}

TEST_CASE("collective plans send the bytes nccl-tests counts") {
  // Bytes sent by one GPU over the whole collective, from the plan.
  auto sent_by_gpu0 = [](const std::vector<StepRun>& plan) {
    double bytes = 0;
    for (const auto& run : plan)
      for (const auto& f : run.flows)
        if (f.src == 0) bytes += f.bytes * static_cast<double>(run.repeat);
    return bytes;
  };
  const double S = 64e6;
  for (int G : {8, 64, 512}) {
    CAPTURE(G);
    const double n = G;
    CHECK(sent_by_gpu0(plan_collective({CollectiveKind::AllReduceRing, S, G}, 1024, 1024, 8)) ==
          doctest::Approx(2 * (n - 1) / n * S));
    CHECK(sent_by_gpu0(plan_collective({CollectiveKind::ReduceScatter, S, G}, 1024, 1024, 8)) ==
          doctest::Approx((n - 1) / n * S));
    CHECK(sent_by_gpu0(plan_collective({CollectiveKind::AllGather, S, G}, 1024, 1024, 8)) ==
          doctest::Approx((n - 1) / n * S));
    CHECK(sent_by_gpu0(plan_collective({CollectiveKind::AllToAll, S, G}, 1024, 1024, 8)) ==
          doctest::Approx((n - 1) / n * S));
    CHECK(sent_by_gpu0(plan_collective({CollectiveKind::AllToAll, S, G}, 1024, 1024, 8, {4, 4e6})) ==
          doctest::Approx((n - 1) / n * S));
  }
  // A slice of a big group keeps the big group's chunk sizes and step counts.
  const auto sliced = plan_collective({CollectiveKind::AllReduceRing, S, 0}, 100'000, 1024, 8);
  REQUIRE(sliced.size() == 4);
  CHECK(sliced[1].repeat == 100'000 / 8 - 1);
  CHECK(sliced[1].flows.size() == 1024);
  CHECK(sliced[1].flows[0].bytes == doctest::Approx(S / 100'000));
  CHECK(bus_bandwidth_factor(CollectiveKind::AllReduceRing, 4) == doctest::Approx(1.5));
  CHECK(bus_bandwidth_factor(CollectiveKind::AllGather, 4) == doctest::Approx(0.75));
  CHECK(collective_from_string("all-to-all") == CollectiveKind::AllToAll);
}

TEST_CASE("collective plans are hierarchical by NVLink domain: 72 GPUs of an NVL72 rack reduce over NVLink") {
  const double S = 72e6;
  // Two 72-GPU domains of 4-GPU trays: NVLink rings of 72 ranks, then one ring per rank across
  // the two domains (rank i of one domain with rank i of the other).
  const auto two = plan_collective({CollectiveKind::AllReduceRing, S, 144}, 288, 288, 72);
  REQUIRE(two.size() == 4);
  CHECK(two[0].phase == "nvlink-reduce-scatter");
  CHECK(two[0].repeat == 71);
  for (const Flow& f : two[0].flows) CHECK(f.src / 72 == f.dst / 72);
  CHECK(two[1].phase == "net-reduce-scatter");
  CHECK(two[1].repeat == 1);
  for (const Flow& f : two[1].flows) {
    CHECK(f.src / 72 != f.dst / 72);
    CHECK(f.src % 72 == f.dst % 72);
  }
  CHECK(two[1].flows[0].bytes == doctest::Approx(S / 144));
  // A group of one domain never leaves it; a group that is not whole domains is refused.
  const auto one = plan_collective({CollectiveKind::AllReduceRing, S, 72}, 288, 288, 72);
  for (const auto& run : one) CHECK(run.phase.starts_with("nvlink"));
  CHECK_THROWS_AS(plan_collective({CollectiveKind::AllReduceRing, S, 64}, 288, 288, 72), std::invalid_argument);
}

TEST_CASE("a slice keeps whole leaf groups and groups, and two pods of a multi-pod fabric") {
  FabricSpec s = leaf_spine(8192, 16, 1.0, true);
  s.switch_port_bw_bytes_per_s = 800 * gbps;  // radix 32, leaf groups of 128 GPUs, pods of 256
  s.tiers = 3;
  s.oversubscription = {1, 1};
  const FabricSpec slice = fabric_slice(s, 1024, 64);
  CHECK(slice.gpus == 1024);
  CHECK(slice.pod_gpus == 256);
  CHECK_FALSE(fabric_problem(slice).has_value());
  CHECK(fabric_slice(s, 1024, 0).pod_gpus == 256);
  const FabricSpec small = fabric_slice(s, 256, 0);
  CHECK(small.gpus == 256);
  CHECK(small.pod_gpus == 128);  // two pods even in a small slice
  CHECK(fabric_slice(s, 100'000, 0).gpus == 8192);
}

// Regression: `oversubscription: [2, 1]` on Colossus (128-port leaves: 85 down, 43 up, leaf groups
// of 680 GPUs) made the slice the least common multiple of leaf groups and groups, 21,760 GPUs for
// the expert all-to-all in blocks of 256 and 43,520 for blocks of 512; SimGrid's Full zone then
// needed 15 GB and a run never finished. Every fabric the checks accept must give a slice of at
// most 4 x slice_gpus GPUs holding whole groups, whatever its oversubscription.
TEST_CASE("a slice stays small on oversubscribed fabrics whose leaf groups do not line up with the groups") {
  FabricSpec colossus = leaf_spine(100'000, 64, 1.0, true);
  colossus.switch_port_bw_bytes_per_s = 800 * gbps;
  colossus.tiers = 3;
  colossus.oversubscription = {2, 1};
  for (const int block : {256, 512, 1024}) {
    FabricSpec whole = colossus;
    whole.gpus = colossus.gpus / block * block;
    const FabricSpec slice = fabric_slice(whole, 1024, block);
    INFO("block ", block, ": slice ", slice.gpus);
    CHECK(slice.gpus >= 3 * 680);  // a full leaf group with groups across both its edges
    CHECK(slice.gpus <= 2048);
    CHECK(slice.gpus % block == 0);
    CHECK_FALSE(fabric_problem(slice).has_value());
  }
  // Where groups and leaf groups line up the slice is as before (the agreement checks rely on it).
  colossus.oversubscription = {1, 1};
  CHECK(fabric_slice(colossus, 1024, 256).gpus == 1024);
  colossus.oversubscription = {3, 1};  // leaf groups of 768, groups of 1,024: 3,072 line up
  CHECK(fabric_slice(colossus, 1024, 1024).gpus == 3072);

  long cases = 0;
  for (const int ports : {16, 32, 64, 512})
    for (const int tiers : {2, 3})
      for (const bool rails : {true, false})
        for (const double o : {1.0, 1.25, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 7.0, 10.0, 16.0})
          for (const int group : {0, 8, 24, 64, 72, 256, 512, 1000, 1024, 3104, 4992}) {
            FabricSpec s = leaf_spine(8, ports, o, rails);
            s.switch_port_bw_bytes_per_s = 800 * gbps;
            s.tiers = tiers;
            s.oversubscription.assign(static_cast<std::size_t>(tiers - 1), o);
            const long most = std::min<long>(100'000, max_fabric_gpus(s));
            s.gpus = static_cast<int>(group > 0 ? most / group * group : most / 8 * 8);
            if (s.gpus < 8 || fabric_problem(s)) continue;
            ++cases;
            const FabricSpec slice = fabric_slice(s, 1024, group);
            INFO(ports, " ports, ", tiers, " tiers, rails ", rails, ", ", o, ":1, ", s.gpus, " GPUs in groups of ", group,
                 ": slice ", slice.gpus);
            CHECK(slice.gpus <= max_slice_factor * 1024);
            REQUIRE_FALSE(fabric_problem(slice).has_value());
            const int G = group > 0 ? group : s.gpus;
            if (G <= 1024 && slice.gpus < s.gpus) CHECK(slice.gpus % G == 0);
            for (const CollectiveKind kind : {CollectiveKind::AllReduceRing, CollectiveKind::AllReduceTree}) {
              const auto plan = plan_collective({kind, 64e6, group}, s.gpus, slice.gpus, s.gpus_per_server);
              for (const StepRun& run : plan) CHECK(run.flows.size() <= 4 * static_cast<std::size_t>(slice.gpus));
            }
            // All-to-all holds its groups whole up to the cap, and plays a part of a larger one.
            const FabricSpec a2a = fabric_slice(s, 1024, group, true);
            CHECK(a2a.gpus <= max_slice_factor * 1024);
            if (G <= max_slice_factor * 1024 && a2a.gpus < s.gpus) CHECK(a2a.gpus % G == 0);
            const auto plan = plan_collective({CollectiveKind::AllToAll, 64e6, group}, s.gpus, a2a.gpus, s.gpus_per_server,
                                              PlanOptions{2, 0});
            for (const StepRun& run : plan) CHECK(run.flows.size() <= static_cast<std::size_t>(a2a.gpus));
          }
  CHECK(cases > 500);
}

// Regression: an expert all-to-all block larger than the 1,024-GPU slice (TP 8 x CP 32 x EP 8 =
// 2,048 GPUs) threw "all-to-all groups must fit in the slice" in the evaluation's child, and the
// run ended with an internal error (exit 1).
TEST_CASE("all-to-all groups larger than the slice are held whole up to the cap, beyond it in part") {
  FabricSpec s = leaf_spine(100'000, 64, 1.0, true);
  s.switch_port_bw_bytes_per_s = 800 * gbps;
  s.tiers = 3;
  s.oversubscription = {1, 1};
  s.gpus = 100'000 / 2048 * 2048;
  const FabricSpec slice = fabric_slice(s, 1024, 2048, true);
  CHECK(slice.gpus == 2048);
  CHECK_FALSE(fabric_problem(slice).has_value());
  CHECK(fabric_slice(s, 1024, 2048).gpus == 1024);  // rings: a part of the group, as before
  const auto whole = plan_collective({CollectiveKind::AllToAll, 64e6, 2048}, s.gpus, slice.gpus, 8, PlanOptions{8, 0});
  REQUIRE(whole.size() == 8);
  CHECK(whole[0].flows.size() == 2048);

  s.gpus = 100'000 / 8192 * 8192;
  const FabricSpec part = fabric_slice(s, 1024, 8192, true);
  CHECK(part.gpus <= 4096);
  const auto plan = plan_collective({CollectiveKind::AllToAll, 64e6, 8192}, s.gpus, part.gpus, 8, PlanOptions{8, 0});
  long repeats = 0;
  for (const StepRun& run : plan) {
    repeats += run.repeat;
    CHECK(run.flows.size() == static_cast<std::size_t>(part.gpus));  // every GPU present sends
    for (const Flow& f : run.flows) {
      CHECK(f.src != f.dst);
      CHECK(f.dst < part.gpus);
      CHECK(f.bytes == doctest::Approx(64e6 / 8192));  // the whole group's block per peer
    }
  }
  CHECK(repeats == 8191);  // every shift of the whole group
}

TEST_CASE("the closed form stands for the simulation only on non-blocking adaptive fabrics, for ring collectives") {
  FabricSpec f = agreement_fabric(4096, FabricRouting::Adaptive);
  for (CollectiveKind k : {CollectiveKind::AllReduceRing, CollectiveKind::ReduceScatter, CollectiveKind::AllGather})
    CHECK(collective_path(f, k).path == CollectivePath::ClosedForm);
  // Trees, all-to-all and send/recv: simulated (their agreement is not shown).
  for (CollectiveKind k : {CollectiveKind::AllReduceTree, CollectiveKind::AllToAll, CollectiveKind::SendRecv})
    CHECK(collective_path(f, k).path == CollectivePath::Simulation);
  // Static ECMP's collisions and an oversubscribed tier: simulated.
  CHECK(collective_path(agreement_fabric(4096, FabricRouting::StaticEcmp), CollectiveKind::AllReduceRing).path ==
        CollectivePath::Simulation);
  f.oversubscription = {1, 2};
  CHECK(collective_path(f, CollectiveKind::AllReduceRing).path == CollectivePath::Simulation);
  CHECK(std::string(collective_path(f, CollectiveKind::AllReduceRing).reason) == "an oversubscribed tier");
}

TEST_CASE("the closed form in the simulation's terms: a ring all-reduce over 4 servers, by hand") {
  // 32 GPUs, 8 per server: per half, NVLink carries 7/8 x 31/32 x S at 450 GB/s and the NIC
  // 31/32 x S / 8 at 50 GB/s; the NIC is slower, NVLink adds its time over S / 4 MiB chunks.
  const FabricSpec f = agreement_fabric(32, FabricRouting::Adaptive);
  const double S = 64e6, share = 31.0 / 32 * S, chunks = S / nccl_buffer_bytes;
  const double nvlink_s = 7.0 / 8 * share / 450e9, net_s = share / 8 / 50e9;
  // In the simulation's terms: two hops per NVLink step, two per network step (one leaf group).
  const double latency_s = 7 * 2 * f.hop_latency_s + 3 * 2 * f.hop_latency_s;
  CHECK(closed_form_time_s(f, {CollectiveKind::AllReduceRing, S, 0}) ==
        doctest::Approx(2 * (net_s + nvlink_s / chunks + latency_s)).epsilon(1e-9));
  FabricSpec sharp = f;
  sharp.in_network_reduction = true;
  // With in-network reduction the NIC carries S / 8 / 2 per half, in one network step.
  const double sharp_s = S / 8 / 2 / 50e9, sharp_latency_s = 7 * 2 * f.hop_latency_s + 2 * f.hop_latency_s;
  CHECK(closed_form_time_s(sharp, {CollectiveKind::AllReduceRing, S, 0}) ==
        doctest::Approx(2 * (std::max(sharp_s, nvlink_s) + std::min(sharp_s, nvlink_s) / chunks + sharp_latency_s))
            .epsilon(1e-9));
  CHECK(closed_form_time_s(f, {CollectiveKind::AllReduceTree, S, 0}) == 0);
}
