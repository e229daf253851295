// The network fabric of a GPU cluster: what the scenario describes (FabricSpec), the shape of
// the fat-tree/Clos it implies (FabricShape) and what that shape costs and delivers
// (FabricCounts). Pure: no graph, no SimGrid; every number here has a closed form.
//
// Shape rules (docs/fabric.md has the equations):
//  - every GPU has one NIC port at nic speed; switch ports are counted at NIC speed, so a
//    64 x 800 Gb/s switch with 400 Gb/s NICs has radix 128 (each port split in two);
//  - a switch below the top tier splits its radix into down and up ports by its
//    oversubscription (down:up); the top tier uses every port downwards;
//  - rail-optimized: local rank i of every server under a leaf group goes to leaf i of that
//    group (one leaf per rail); otherwise whole servers hang under one leaf;
//  - 3 tiers: leaves are grouped into pods, each pod has its own tier-2 switches; tier-2 switch
//    a of every pod connects to the tier-3 switches of "plane" a.
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace bvr {

enum class FabricTechnology { InfinibandNdr, SpectrumXEthernet, RoceEthernet };

// How a switch picks among equal-cost uplinks. Static ECMP hashes the flow's addresses, so two
// large flows can land on one link while another idles; adaptive routing (InfiniBand AR,
// Spectrum-X packet spraying) picks by current load.
enum class FabricRouting { StaticEcmp, Adaptive };

const char* to_string(FabricTechnology t);
const char* to_string(FabricRouting r);
// The routing a technology uses unless the scenario says otherwise.
FabricRouting default_routing(FabricTechnology t);

struct FabricSpec {
  std::string name;
  int gpus = 0;                     // GPUs the fabric connects
  int gpus_per_server = 8;
  int nvlink_domain_gpus = 8;       // GPUs that reach each other over NVLink (a server, or an NVL72 rack)
  double nvlink_bw_bytes_per_s = 0; // per GPU, each direction
  double nic_bw_bytes_per_s = 0;    // per GPU, each direction (one fabric port per GPU)
  bool rail_optimized = true;
  int switch_ports = 0;             // physical ports per switch
  double switch_port_bw_bytes_per_s = 0;
  int tiers = 2;                    // 2 (leaf/spine) or 3 (leaf/spine/core)
  std::vector<double> oversubscription;  // down:up per tier below the top: tiers-1 values, 1 = non-blocking
  int pod_gpus = 0;                 // 3 tiers: GPUs per pod; 0 = the largest a tier-2 switch allows
  FabricTechnology technology = FabricTechnology::InfinibandNdr;
  FabricRouting routing = FabricRouting::Adaptive;
  double hop_latency_s = 0;         // per link traversed (switch + cable)
  // The switches reduce all-reduce traffic in the network (InfiniBand SHARP: Quantum-2 SHARPv3,
  // NCCL's CollNet): each GPU sends its shard up once and reads the result back once, instead of
  // a ring's 2 (M-1)/M passes. Off unless a fabric declares it (docs/fabric.md).
  bool in_network_reduction = false;
};

// Where everything sits. Computed once from a valid FabricSpec.
struct FabricShape {
  int gpus = 0, servers = 0, gpus_per_server = 0;
  int radix = 0;                     // ports per switch at NIC speed
  int port_split = 1;                // NIC-speed links per physical switch port
  int leaf_down = 0, leaf_up = 0;    // ports per leaf
  int spine_down = 0, spine_up = 0;  // ports per tier-2 switch (3 tiers; 2 tiers: all down)
  bool rail_optimized = true;
  int gpus_per_leaf = 0;             // when full
  int servers_per_leaf_group = 0;    // rail-optimized: servers under one group of gpus_per_server leaves
  int leaves = 0;
  int leaves_per_pod = 0, pods = 1;  // 2 tiers: one pod holding every leaf
  int tier2_per_pod = 0;             // 2 tiers: the spines
  int tier3_per_plane = 0;           // 3 tiers: core switches per plane; planes = tier2_per_pod
  int tiers = 2;
  int nvlink_domains = 0, nvlink_domain_gpus = 0;

  int leaf_of_gpu(int gpu) const;
  int pod_of_leaf(int leaf) const { return leaf / leaves_per_pod; }
  int nvlink_domain_of_gpu(int gpu) const { return gpu / nvlink_domain_gpus; }
  int leaves_in_pod(int pod) const;
  // The tier-2 switch (index inside the pod) that uplink `u` of `leaf` goes to.
  int tier2_of_leaf_uplink(int leaf, int u) const;
  // The tier-3 switch (index inside the plane) that uplink `u` of tier-2 switch `t2` of `pod` goes to.
  int tier3_of_tier2_uplink(int pod, int u) const;
};

struct FabricCounts {
  std::vector<int> switches_per_tier;  // [leaf, spine, (core)]
  int switches = 0;
  long host_links = 0;                 // GPU NIC to leaf
  long switch_links = 0;               // between switches
  long nvlink_links = 0;               // GPU to NVLink switch (not part of the network fabric)
  long cables = 0;                     // host_links + switch_links, one per NIC-speed link
  long transceivers = 0;               // NIC side + switch side, switch side per physical port
  double bisection_bw_bytes_per_s = 0; // each direction, across the worst half/half cut
  int diameter_links = 0;              // longest shortest GPU-to-GPU path through the network
  bool non_blocking = false;           // no switch has more links down than up
};

// Unit prices of the network's parts, for a build's capex from the topology's counts.
struct NetworkPrices {
  double switch_usd = 0;       // per switch
  double transceiver_usd = 0;  // per optical transceiver
  double cable_usd = 0;        // per cable
  double nic_usd = 0;          // per GPU network port (NIC)
};

// switches x switch + transceivers x transceiver + cables x cable + GPUs x NIC.
double network_capex_usd(const FabricCounts& counts, int gpus, const NetworkPrices& prices);

// The first problem that makes `spec` unbuildable, as "key: reason" (key as in the scenario's
// fabric block), or nothing.
std::optional<std::string> fabric_problem(const FabricSpec& spec);

// Throws std::invalid_argument with fabric_problem()'s text if the spec is unbuildable.
FabricShape fabric_shape(const FabricSpec& spec);

// Closed-form counts (what the Boost.Graph builder must reproduce).
FabricCounts fabric_counts(const FabricSpec& spec);

// Servers that lose their fabric port when one leaf switch fails: one rail of a leaf group when
// rail-optimized, else every server under the leaf.
int servers_behind_leaf(const FabricSpec& spec);

// Largest cluster a fabric of this radix and tier count can connect at these oversubscriptions
// with full pods: leaf_down * radix (2 tiers), leaf_down * spine_down * radix (3 tiers).
long max_fabric_gpus(const FabricSpec& spec);

}  // namespace bvr
