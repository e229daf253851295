// The fabric as a Boost.Graph: one vertex per GPU, NVLink switch and network switch, one edge per
// NIC-speed link (and per GPU-to-NVLink-switch attachment). Counting the graph must give the
// closed-form counts of fabric.h; tests hold the two against each other and against the k-ary
// fat-tree formulas. Edges carry the link ids the router (fabric_routes.h) uses.
#pragma once
#include <boost/graph/adjacency_list.hpp>

#include <iosfwd>

#include "models/fabric.h"

namespace bvr {

enum class FabricNode { Gpu, NvSwitch, Leaf, Spine, Core };
enum class FabricLink { NvLink, Host, LeafSpine, SpineCore };

struct FabricVertex {
  FabricNode kind = FabricNode::Gpu;
  int index = 0;  // inside its kind
};

struct FabricEdge {
  FabricLink kind = FabricLink::Host;
  int id = 0;     // the link id of fabric_routes.h (one per undirected link)
  double bw_bytes_per_s = 0;
};

using FabricGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::undirectedS, FabricVertex, FabricEdge>;

// Vertices in this order: GPUs, NVLink switches (only when a domain holds more than one GPU),
// leaves, tier-2 switches (pod-major), tier-3 switches (plane-major).
FabricGraph build_fabric_graph(const FabricSpec& spec);

// Counts taken from the graph itself (vertex kinds, edge kinds, BFS for the diameter, max-flow
// for the bisection). BFS runs from every GPU and max-flow over the whole graph, so keep this to
// fabrics of a few thousand GPUs.
FabricCounts count_fabric_graph(const FabricGraph& g, const FabricSpec& spec);

// Max-flow between the first and second half of the GPUs (GPU order), in bytes/s each way.
double graph_bisection_bw(const FabricGraph& g, const FabricSpec& spec);

// GraphViz text (boost::write_graphviz) with switches coloured by tier.
void write_fabric_dot(const FabricGraph& g, std::ostream& out);

}  // namespace bvr
