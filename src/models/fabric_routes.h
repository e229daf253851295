// Paths through a fat-tree, as the switches would pick them. Links are numbered arithmetically
// from the shape (no graph lookups), so routing a 100k-GPU step costs microseconds per flow.
// A directed link id is 2 * link + 0 going up (towards the top tier) or + 1 going down.
#pragma once
#include <cstdint>
#include <vector>

#include "models/fabric.h"

namespace bvr {

// First undirected link id of each kind; ids inside a kind follow the vertex numbering of
// fabric_graph.h: nvlink + gpu, host + gpu, leaf_up + leaf * leaf_up_ports + u,
// spine_up + (pod * tier2_per_pod + a) * spine_up_ports + v.
struct FabricLinkIds {
  int nvlink = 0, host = 0, leaf_up = 0, spine_up = 0, count = 0;
  bool has_nvlink = false;
};

FabricLinkIds fabric_link_ids(const FabricShape& shape);

class FabricRouter {
 public:
  explicit FabricRouter(const FabricSpec& spec, std::uint64_t ecmp_seed = 0x5eed);

  const FabricShape& shape() const { return shape_; }
  const FabricLinkIds& ids() const { return ids_; }
  int directed_links() const { return 2 * ids_.count; }
  double link_bw_bytes_per_s(int directed) const;
  bool is_nvlink(int directed) const { return ids_.has_nvlink && directed / 2 < ids_.host; }

  // The directed links from GPU `src` to GPU `dst`. Static ECMP hashes (src, dst) onto one of
  // the equal-cost uplinks at each tier; adaptive routing takes the least-loaded choice given
  // the flows routed since reset_load() (a stand-in for per-packet spraying: it spreads the
  // concurrent flows of one step evenly). Every route adds one flow to the load of its links.
  std::vector<int> route(int src, int dst);
  // The same into `path` (cleared first): no allocation once `path` has grown to a route's length.
  void route_into(int src, int dst, std::vector<int>& path);
  void reset_load();
  // Counts a route chosen earlier (a pair that talks again in a later step keeps its path).
  void add_load(const std::vector<int>& path) {
    for (int l : path) ++load_[static_cast<std::size_t>(l)];
  }
  int load(int directed) const { return load_[static_cast<std::size_t>(directed)]; }

 private:
  // Parallel links between a switch and one above it: count ids, `step` apart from `first`.
  struct Links {
    int first = 0, step = 1, count = 0;
    int operator[](int k) const { return first + k * step; }
  };
  int pick(const Links& candidates, std::uint64_t hash) const;
  int least_down_load(const Links& links) const;
  int up(int link) const { return 2 * link; }
  int down(int link) const { return 2 * link + 1; }
  int leaf_uplink(int leaf, int u) const { return ids_.leaf_up + leaf * shape_.leaf_up + u; }
  int spine_uplink(int pod, int a, int v) const {
    return ids_.spine_up + (pod * shape_.tier2_per_pod + a) * shape_.spine_up + v;
  }
  // Uplinks of `leaf` that reach tier-2 switch `a` of its pod (parallel links).
  Links leaf_links_to(int leaf, int a) const;
  // Uplinks of tier-2 switch (pod, a) that reach core `c` of plane a.
  Links spine_links_to(int pod, int a, int c) const;

  FabricSpec spec_;
  FabricShape shape_;
  FabricLinkIds ids_;
  std::uint64_t seed_;
  std::vector<int> load_;
};

}  // namespace bvr
