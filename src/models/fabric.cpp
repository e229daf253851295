#include "models/fabric.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <stdexcept>
#include <string>

namespace bvr {

namespace {

int ceil_div(long a, long b) { return static_cast<int>((a + b - 1) / b); }

std::string str(long v) { return std::to_string(v); }

// Down and up ports of a switch of `radix` ports at oversubscription down:up = `ratio`.
void split_ports(int radix, double ratio, int& down, int& up) {
  up = static_cast<int>(std::lround(radix / (1.0 + ratio)));
  down = radix - up;
}

// The shape without validation; fabric_problem() checks what it produces.
FabricShape raw_shape(const FabricSpec& s) {
  FabricShape f;
  f.gpus = s.gpus;
  f.gpus_per_server = s.gpus_per_server;
  f.servers = s.gpus_per_server > 0 ? s.gpus / s.gpus_per_server : 0;
  f.tiers = s.tiers;
  f.rail_optimized = s.rail_optimized;
  f.nvlink_domain_gpus = std::max(1, s.nvlink_domain_gpus);
  f.nvlink_domains = ceil_div(s.gpus, f.nvlink_domain_gpus);
  f.port_split = s.nic_bw_bytes_per_s > 0
                     ? static_cast<int>(std::lround(s.switch_port_bw_bytes_per_s / s.nic_bw_bytes_per_s))
                     : 0;
  f.radix = s.switch_ports * f.port_split;
  const double leaf_ratio = s.oversubscription.empty() ? 1.0 : s.oversubscription[0];
  if (s.tiers == 2) {
    split_ports(f.radix, leaf_ratio, f.leaf_down, f.leaf_up);
  } else {
    split_ports(f.radix, leaf_ratio, f.leaf_down, f.leaf_up);
    split_ports(f.radix, s.oversubscription.size() > 1 ? s.oversubscription[1] : 1.0, f.spine_down, f.spine_up);
  }
  if (f.leaf_down < 1 || f.leaf_up < 1 || f.gpus_per_server < 1) return f;
  if (s.rail_optimized) {
    // One GPU of each server per leaf: a leaf group of gpus_per_server leaves holds leaf_down servers.
    f.servers_per_leaf_group = f.leaf_down;
    f.gpus_per_leaf = f.leaf_down;
    f.leaves = ceil_div(f.servers, f.leaf_down) * f.gpus_per_server;
  } else {
    const int servers_per_leaf = f.leaf_down / f.gpus_per_server;
    if (servers_per_leaf < 1) return f;
    f.gpus_per_leaf = servers_per_leaf * f.gpus_per_server;
    f.leaves = ceil_div(f.servers, servers_per_leaf);
  }
  if (s.tiers == 2) {
    f.leaves_per_pod = f.leaves;
    f.pods = 1;
    f.tier2_per_pod = ceil_div(static_cast<long>(f.leaves) * f.leaf_up, f.radix);
    return f;
  }
  if (f.spine_down < 1 || f.spine_up < 1) return f;
  // Pods hold whole leaf groups, so every rail of a server lands in the same pod.
  const int unit = s.rail_optimized ? f.gpus_per_server : 1;
  if (s.pod_gpus > 0) {
    f.leaves_per_pod = s.pod_gpus / f.gpus_per_leaf;
  } else {
    f.leaves_per_pod = f.spine_down / unit * unit;
    f.leaves_per_pod = std::min(f.leaves_per_pod, ceil_div(f.leaves, unit) * unit);
  }
  if (f.leaves_per_pod < 1) return f;
  f.pods = ceil_div(f.leaves, f.leaves_per_pod);
  f.tier2_per_pod = ceil_div(static_cast<long>(f.leaves_per_pod) * f.leaf_up, f.spine_down);
  f.tier3_per_plane = ceil_div(static_cast<long>(f.pods) * f.spine_up, f.radix);
  return f;
}

// Links across the cut between the first and the second half of the GPUs (halves of the leaves,
// and of the pods with 3 tiers). A top-tier switch relays at most min(links to the first half,
// links to the second half); the round-robin wiring can leave a few switches unbalanced, so this
// counts them one by one rather than assuming an even spread.
double bisection_links(const FabricShape& f) {
  double cut = f.gpus / 2;
  if (f.leaves <= 1) return cut;
  cut = std::min(cut, f.leaves * static_cast<double>(f.leaf_up) / 2.0);
  if (f.tiers == 2 || f.pods == 1) {
    // 2 tiers (or one pod): spines relay between the leaf halves.
    std::vector<std::array<long, 2>> per_spine(static_cast<std::size_t>(f.tier2_per_pod), {0, 0});
    for (int leaf = 0; leaf < f.leaves_per_pod; ++leaf)
      for (int u = 0; u < f.leaf_up; ++u)
        ++per_spine[static_cast<std::size_t>(f.tier2_of_leaf_uplink(leaf, u))][leaf < f.leaves / 2 ? 0 : 1];
    double relayed = 0;
    for (const auto& s : per_spine) relayed += static_cast<double>(std::min(s[0], s[1]));
    return std::min(cut, relayed);
  }
  // 3 tiers: a tier-2 switch passes at most min(links from its leaves, its uplinks); the cores
  // relay between pod halves. Every plane is wired alike.
  std::vector<long> from_leaves(static_cast<std::size_t>(f.tier2_per_pod), 0);
  for (int j = 0; j < f.leaves_per_pod; ++j)
    for (int u = 0; u < f.leaf_up; ++u) ++from_leaves[static_cast<std::size_t>(f.tier2_of_leaf_uplink(j, u))];
  double tier2 = 0;
  for (long n : from_leaves) tier2 += static_cast<double>(std::min<long>(n, f.spine_up));
  // With an odd number of pods the halves meet inside the middle pod: its uplinks count half
  // to each side, and its own tier-2 switches carry traffic between its two halves.
  const bool odd = f.pods % 2 == 1;
  cut = std::min(cut, tier2 * (f.pods / 2) + (odd ? tier2 / 2 : 0.0));
  std::vector<std::array<double, 2>> per_core(static_cast<std::size_t>(f.tier3_per_plane), {0, 0});
  for (int pod = 0; pod < f.pods; ++pod)
    for (int v = 0; v < f.spine_up; ++v) {
      auto& core = per_core[static_cast<std::size_t>(f.tier3_of_tier2_uplink(pod, v))];
      if (odd && pod == f.pods / 2) core[0] += 0.5, core[1] += 0.5;
      else core[pod < f.pods / 2 ? 0 : 1] += 1;
    }
  double relayed = 0;
  for (const auto& s : per_core) relayed += std::min(s[0], s[1]);
  const double inside_middle = odd ? f.leaves_in_pod(f.pods / 2) * static_cast<double>(f.leaf_up) / 2.0 : 0.0;
  return std::min(cut, relayed * f.tier2_per_pod + inside_middle);
}

}  // namespace

const char* to_string(FabricTechnology t) {
  switch (t) {
    case FabricTechnology::InfinibandNdr: return "infiniband-ndr";
    case FabricTechnology::SpectrumXEthernet: return "spectrum-x";
    case FabricTechnology::RoceEthernet: return "roce";
  }
  return "?";
}

const char* to_string(FabricRouting r) { return r == FabricRouting::Adaptive ? "adaptive" : "ecmp"; }

FabricRouting default_routing(FabricTechnology t) {
  // InfiniBand NDR switches route adaptively; Spectrum-X sprays packets over all paths; a
  // generic RoCE fabric hashes each flow onto one path.
  return t == FabricTechnology::RoceEthernet ? FabricRouting::StaticEcmp : FabricRouting::Adaptive;
}

int FabricShape::leaf_of_gpu(int gpu) const {
  const int server = gpu / gpus_per_server;
  if (rail_optimized) return server / servers_per_leaf_group * gpus_per_server + gpu % gpus_per_server;
  return gpu / gpus_per_leaf;
}

int FabricShape::leaves_in_pod(int pod) const { return std::min(leaves_per_pod, leaves - pod * leaves_per_pod); }

int FabricShape::tier2_of_leaf_uplink(int leaf, int u) const {
  // Uplinks are dealt round-robin over the pod's tier-2 switches, so each gets an equal share.
  const long j = leaf % leaves_per_pod;
  return static_cast<int>((j * leaf_up + u) % tier2_per_pod);
}

int FabricShape::tier3_of_tier2_uplink(int pod, int u) const {
  return static_cast<int>((static_cast<long>(pod) * spine_up + u) % tier3_per_plane);
}

std::optional<std::string> fabric_problem(const FabricSpec& s) {
  if (s.gpus_per_server < 1) return "gpus_per_server: must be at least 1";
  if (s.gpus < 1) return "gpus: must be at least 1";
  if (s.gpus % s.gpus_per_server != 0)
    return "gpus: must be a whole number of servers (" + str(s.gpus_per_server) + " GPUs each)";
  if (s.nvlink_domain_gpus < 1 || s.nvlink_domain_gpus % s.gpus_per_server != 0)
    return "nvlink_domain_gpus: must be a whole number of servers (" + str(s.gpus_per_server) + " GPUs each)";
  if (!(s.nic_bw_bytes_per_s > 0)) return "nic_bandwidth: must be positive";
  if (s.nvlink_domain_gpus > 1 && !(s.nvlink_bw_bytes_per_s > 0)) return "nvlink_bandwidth: must be positive";
  if (s.tiers != 2 && s.tiers != 3) return "tiers: must be 2 or 3";
  if (static_cast<int>(s.oversubscription.size()) != s.tiers - 1)
    return "oversubscription: expected " + str(s.tiers - 1) + " value(s), one per tier below the top";
  for (double o : s.oversubscription)
    if (!(o >= 1.0 && o <= 16.0)) return "oversubscription: each value must be between 1 (non-blocking) and 16";
  if (s.switch_ports < 2) return "switch_ports: must be at least 2";
  const double split = s.switch_port_bw_bytes_per_s / s.nic_bw_bytes_per_s;
  if (!(split >= 1.0) || std::abs(split - std::round(split)) > 1e-9)
    return "switch_port_speed: must be a whole multiple of nic_bandwidth (ports are split into NIC-speed links)";
  if (!(s.hop_latency_s >= 0)) return "hop_latency: must not be negative";
  const FabricShape f = raw_shape(s);
  if (f.leaf_down < 1 || f.leaf_up < 1 || (s.tiers == 3 && (f.spine_down < 1 || f.spine_up < 1)))
    return "oversubscription: leaves no up or down port on a " + str(f.radix) + "-port switch";
  if (!s.rail_optimized && f.leaf_down < s.gpus_per_server)
    return "switch_ports: a leaf has " + str(f.leaf_down) + " down ports, fewer than one server's GPUs";
  const long max_gpus = max_fabric_gpus(s);
  if (s.gpus > max_gpus)
    return "gpus: " + str(s.gpus) + " GPUs exceed what " + str(s.tiers) + " tiers of " + str(f.radix) +
           "-port switches connect (" + str(max_gpus) + ")";
  if (s.tiers == 3) {
    if (s.pod_gpus < 0) return "pod_gpus: must not be negative";
    const int unit = s.rail_optimized ? s.gpus_per_server : 1;
    if (s.pod_gpus > 0) {
      const long group_gpus = static_cast<long>(f.gpus_per_leaf) * unit;
      if (s.pod_gpus % group_gpus != 0)
        return "pod_gpus: must be a whole number of leaf groups (" + str(group_gpus) + " GPUs each)";
      if (s.pod_gpus / f.gpus_per_leaf > f.spine_down)
        return "pod_gpus: a pod of " + str(s.pod_gpus) + " GPUs needs more leaves than a tier-2 switch has down ports (" +
               str(f.spine_down) + ")";
    }
    if (f.pods > f.radix) return "pod_gpus: " + str(f.pods) + " pods exceed the core switches' " + str(f.radix) + " ports";
  } else if (s.pod_gpus != 0) {
    return "pod_gpus: only meaningful with 3 tiers";
  }
  return std::nullopt;
}

FabricShape fabric_shape(const FabricSpec& spec) {
  if (auto problem = fabric_problem(spec)) throw std::invalid_argument(*problem);
  return raw_shape(spec);
}

long max_fabric_gpus(const FabricSpec& s) {
  FabricSpec probe = s;
  probe.gpus = s.gpus_per_server;  // the port split does not depend on the size
  probe.pod_gpus = 0;
  const FabricShape f = raw_shape(probe);
  if (f.gpus_per_leaf < 1) return 0;
  const int unit = s.rail_optimized ? s.gpus_per_server : 1;
  if (s.tiers == 2) return static_cast<long>(f.radix / unit * unit) * f.gpus_per_leaf;
  const long leaves_per_pod = f.spine_down / unit * unit;
  return static_cast<long>(f.radix) * leaves_per_pod * f.gpus_per_leaf;
}

double network_capex_usd(const FabricCounts& counts, int gpus, const NetworkPrices& prices) {
  return counts.switches * prices.switch_usd + static_cast<double>(counts.transceivers) * prices.transceiver_usd +
         static_cast<double>(counts.cables) * prices.cable_usd + gpus * prices.nic_usd;
}

int servers_behind_leaf(const FabricSpec& spec) {
  const FabricShape shape = fabric_shape(spec);
  if (shape.rail_optimized) return shape.servers_per_leaf_group;
  return shape.gpus_per_server > 0 ? shape.gpus_per_leaf / shape.gpus_per_server : 0;
}

FabricCounts fabric_counts(const FabricSpec& spec) {
  const FabricShape f = fabric_shape(spec);
  FabricCounts c;
  c.switches_per_tier.push_back(f.leaves);
  c.switches_per_tier.push_back(f.pods * f.tier2_per_pod);
  if (f.tiers == 3) c.switches_per_tier.push_back(f.tier2_per_pod * f.tier3_per_plane);
  for (int n : c.switches_per_tier) c.switches += n;
  c.host_links = f.gpus;
  c.switch_links = static_cast<long>(f.leaves) * f.leaf_up;
  if (f.tiers == 3) c.switch_links += static_cast<long>(f.pods) * f.tier2_per_pod * f.spine_up;
  c.nvlink_links = f.nvlink_domain_gpus > 1 ? f.gpus : 0;
  c.cables = c.host_links + c.switch_links;
  // A NIC has its own transceiver; on switches one physical port carries port_split links.
  c.transceivers = c.host_links + (c.host_links + 2 * c.switch_links + f.port_split - 1) / f.port_split;
  c.bisection_bw_bytes_per_s = bisection_links(f) * spec.nic_bw_bytes_per_s;
  c.diameter_links = f.leaves <= 1 ? 2 : (f.tiers == 3 && f.pods > 1 ? 6 : 4);
  if (f.gpus <= 1) c.diameter_links = 0;
  // Non-blocking: no switch has more links down than up (oversubscription 1:1 at every tier).
  // Not "bisection = half the NICs": a partial or odd last pod makes that cut slightly uneven.
  c.non_blocking = f.leaf_up >= std::min(f.leaf_down, f.gpus_per_leaf) &&
                   (f.tiers == 2 || f.spine_up >= std::min<long>(f.spine_down, static_cast<long>(f.leaves_per_pod) * f.leaf_up / f.tier2_per_pod));
  return c;
}

}  // namespace bvr
