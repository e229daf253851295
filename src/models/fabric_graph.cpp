#include "models/fabric_graph.h"

#include <boost/graph/breadth_first_search.hpp>
#include <boost/graph/filtered_graph.hpp>
#include <boost/graph/graphviz.hpp>
#include <boost/graph/push_relabel_max_flow.hpp>
#include <cmath>

#include <algorithm>
#include <functional>
#include <limits>
#include <ostream>
#include <string>

#include "models/fabric_routes.h"

namespace bvr {

namespace {

struct VertexBases {
  int nvswitch = 0, leaf = 0, spine = 0, core = 0, count = 0;
};

VertexBases vertex_bases(const FabricShape& f, const FabricLinkIds& ids) {
  VertexBases b;
  b.nvswitch = f.gpus;
  b.leaf = b.nvswitch + (ids.has_nvlink ? f.nvlink_domains : 0);
  b.spine = b.leaf + f.leaves;
  b.core = b.spine + f.pods * f.tier2_per_pod;
  b.count = b.core + (f.tiers == 3 ? f.tier2_per_pod * f.tier3_per_plane : 0);
  return b;
}

const char* node_name(FabricNode kind) {
  switch (kind) {
    case FabricNode::Gpu: return "gpu";
    case FabricNode::NvSwitch: return "nvswitch";
    case FabricNode::Leaf: return "leaf";
    case FabricNode::Spine: return "spine";
    case FabricNode::Core: return "core";
  }
  return "?";
}

}  // namespace

FabricGraph build_fabric_graph(const FabricSpec& spec) {
  const FabricShape f = fabric_shape(spec);
  const FabricLinkIds ids = fabric_link_ids(f);
  const VertexBases b = vertex_bases(f, ids);
  FabricGraph g(static_cast<std::size_t>(b.count));
  auto set_kind = [&](int first, int n, FabricNode kind) {
    for (int i = 0; i < n; ++i) g[static_cast<std::size_t>(first + i)] = FabricVertex{kind, i};
  };
  set_kind(0, f.gpus, FabricNode::Gpu);
  if (ids.has_nvlink) set_kind(b.nvswitch, f.nvlink_domains, FabricNode::NvSwitch);
  set_kind(b.leaf, f.leaves, FabricNode::Leaf);
  set_kind(b.spine, f.pods * f.tier2_per_pod, FabricNode::Spine);
  if (f.tiers == 3) set_kind(b.core, f.tier2_per_pod * f.tier3_per_plane, FabricNode::Core);
  auto link = [&](int u, int v, FabricLink kind, int id, double bw) {
    boost::add_edge(static_cast<std::size_t>(u), static_cast<std::size_t>(v), FabricEdge{kind, id, bw}, g);
  };
  const double nic = spec.nic_bw_bytes_per_s;
  for (int gpu = 0; gpu < f.gpus; ++gpu) {
    if (ids.has_nvlink)
      link(gpu, b.nvswitch + f.nvlink_domain_of_gpu(gpu), FabricLink::NvLink, ids.nvlink + gpu, spec.nvlink_bw_bytes_per_s);
    link(gpu, b.leaf + f.leaf_of_gpu(gpu), FabricLink::Host, ids.host + gpu, nic);
  }
  for (int leaf = 0; leaf < f.leaves; ++leaf) {
    const int pod = f.pod_of_leaf(leaf);
    for (int u = 0; u < f.leaf_up; ++u)
      link(b.leaf + leaf, b.spine + pod * f.tier2_per_pod + f.tier2_of_leaf_uplink(leaf, u), FabricLink::LeafSpine,
           ids.leaf_up + leaf * f.leaf_up + u, nic);
  }
  if (f.tiers == 3) {
    for (int pod = 0; pod < f.pods; ++pod)
      for (int a = 0; a < f.tier2_per_pod; ++a)
        for (int v = 0; v < f.spine_up; ++v)
          link(b.spine + pod * f.tier2_per_pod + a, b.core + a * f.tier3_per_plane + f.tier3_of_tier2_uplink(pod, v),
               FabricLink::SpineCore, ids.spine_up + (pod * f.tier2_per_pod + a) * f.spine_up + v, nic);
  }
  return g;
}

double graph_bisection_bw(const FabricGraph& g, const FabricSpec& spec) {
  // Capacities are whole NIC-speed links (every network link is a multiple of the NIC speed):
  // with floating-point capacities Boost's push-relabel checks flow conservation exactly and
  // its assertion fails on rounding in a debug build.
  using Traits = boost::adjacency_list_traits<boost::vecS, boost::vecS, boost::directedS>;
  using FlowGraph = boost::adjacency_list<
      boost::vecS, boost::vecS, boost::directedS, boost::no_property,
      boost::property<boost::edge_capacity_t, long,
                      boost::property<boost::edge_residual_capacity_t, long,
                                      boost::property<boost::edge_reverse_t, Traits::edge_descriptor>>>>;
  const std::size_t n = boost::num_vertices(g);
  FlowGraph flow(n + 2);
  const std::size_t source = n, sink = n + 1;
  auto capacity = boost::get(boost::edge_capacity, flow);
  auto reverse = boost::get(boost::edge_reverse, flow);
  auto arc = [&](std::size_t u, std::size_t v, long cap) {
    auto e = boost::add_edge(u, v, flow).first;
    auto r = boost::add_edge(v, u, flow).first;
    capacity[e] = cap;
    capacity[r] = 0;
    reverse[e] = r;
    reverse[r] = e;
  };
  const double nic = spec.nic_bw_bytes_per_s;
  long total_links = 0;
  for (auto [e, end] = boost::edges(g); e != end; ++e) {
    if (g[*e].kind == FabricLink::NvLink) continue;  // the network's bisection, not NVLink's
    const auto u = boost::source(*e, g), v = boost::target(*e, g);
    const long links = std::lround(g[*e].bw_bytes_per_s / nic);
    arc(u, v, links);
    arc(v, u, links);
    total_links += 2 * links;
  }
  // More than every link together: unlimited for the cut, yet no overflow in push-relabel's sums.
  const long unlimited = total_links + 1;
  const int half = spec.gpus / 2;
  for (int gpu = 0; gpu < spec.gpus; ++gpu) {
    if (gpu < half) arc(source, static_cast<std::size_t>(gpu), unlimited);
    else if (gpu < 2 * half) arc(static_cast<std::size_t>(gpu), sink, unlimited);
  }
  return static_cast<double>(boost::push_relabel_max_flow(flow, source, sink)) * nic;
}

FabricCounts count_fabric_graph(const FabricGraph& g, const FabricSpec& spec) {
  const FabricShape f = fabric_shape(spec);
  FabricCounts c;
  c.switches_per_tier.assign(static_cast<std::size_t>(f.tiers), 0);
  for (auto v : boost::make_iterator_range(boost::vertices(g))) {
    switch (g[v].kind) {
      case FabricNode::Leaf: ++c.switches_per_tier[0]; break;
      case FabricNode::Spine: ++c.switches_per_tier[1]; break;
      case FabricNode::Core: ++c.switches_per_tier[2]; break;
      default: break;
    }
  }
  for (int s : c.switches_per_tier) c.switches += s;
  for (auto e : boost::make_iterator_range(boost::edges(g))) {
    switch (g[e].kind) {
      case FabricLink::NvLink: ++c.nvlink_links; break;
      case FabricLink::Host: ++c.host_links; break;
      default: ++c.switch_links; break;
    }
  }
  c.cables = c.host_links + c.switch_links;
  c.transceivers = c.host_links + (c.host_links + 2 * c.switch_links + f.port_split - 1) / f.port_split;
  // Diameter over the network (NVLink shortcuts removed): BFS from the first GPU of every leaf;
  // the other GPUs of a leaf see the same distances.
  using Filtered = boost::filtered_graph<FabricGraph, std::function<bool(FabricGraph::edge_descriptor)>>;
  Filtered net(g, std::function<bool(FabricGraph::edge_descriptor)>(
                      [&g](FabricGraph::edge_descriptor e) { return g[e].kind != FabricLink::NvLink; }));
  std::vector<bool> leaf_seen(static_cast<std::size_t>(f.leaves), false);
  std::vector<int> dist(boost::num_vertices(g));
  for (int gpu = 0; gpu < f.gpus; ++gpu) {
    const int leaf = f.leaf_of_gpu(gpu);
    if (leaf_seen[static_cast<std::size_t>(leaf)]) continue;
    leaf_seen[static_cast<std::size_t>(leaf)] = true;
    std::fill(dist.begin(), dist.end(), -1);
    dist[static_cast<std::size_t>(gpu)] = 0;
    boost::breadth_first_search(
        net, static_cast<std::size_t>(gpu),
        boost::visitor(boost::make_bfs_visitor(boost::record_distances(
            boost::make_iterator_property_map(dist.begin(), boost::get(boost::vertex_index, g)), boost::on_tree_edge()))));
    for (int other = 0; other < f.gpus; ++other)
      if (other != gpu) c.diameter_links = std::max(c.diameter_links, dist[static_cast<std::size_t>(other)]);
  }
  c.bisection_bw_bytes_per_s = graph_bisection_bw(g, spec);
  // Non-blocking: every leaf and tier-2 switch has at least as many links up as down.
  c.non_blocking = true;
  for (auto v : boost::make_iterator_range(boost::vertices(g))) {
    if (g[v].kind != FabricNode::Leaf && !(g[v].kind == FabricNode::Spine && f.tiers == 3)) continue;
    long down = 0, up = 0;
    for (auto e : boost::make_iterator_range(boost::out_edges(v, g))) {
      const FabricLink kind = g[e].kind;
      const bool is_up = g[v].kind == FabricNode::Leaf ? kind == FabricLink::LeafSpine : kind == FabricLink::SpineCore;
      (is_up ? up : down) += 1;
    }
    if (up < down) c.non_blocking = false;
  }
  return c;
}

void write_fabric_dot(const FabricGraph& g, std::ostream& out) {
  auto vertex_writer = [&g](std::ostream& os, FabricGraph::vertex_descriptor v) {
    static const char* colours[] = {"lightgrey", "gold", "lightblue", "palegreen", "salmon"};
    const FabricVertex& x = g[v];
    os << "[label=\"" << node_name(x.kind) << x.index << "\",style=filled,fillcolor="
       << colours[static_cast<int>(x.kind)] << (x.kind == FabricNode::Gpu ? ",shape=box" : "") << "]";
  };
  auto edge_writer = [&g](std::ostream& os, FabricGraph::edge_descriptor e) {
    if (g[e].kind == FabricLink::NvLink) os << "[style=dashed]";
  };
  boost::write_graphviz(out, g, vertex_writer, edge_writer);
}

}  // namespace bvr
