#include "models/fabric_routes.h"

#include <algorithm>
#include <limits>

namespace bvr {

namespace {

std::uint64_t splitmix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

int positive_mod(long a, long m) { return static_cast<int>(((a % m) + m) % m); }

}  // namespace

FabricLinkIds fabric_link_ids(const FabricShape& f) {
  FabricLinkIds ids;
  ids.has_nvlink = f.nvlink_domain_gpus > 1;
  ids.nvlink = 0;
  ids.host = ids.has_nvlink ? f.gpus : 0;
  ids.leaf_up = ids.host + f.gpus;
  ids.spine_up = ids.leaf_up + f.leaves * f.leaf_up;
  ids.count = ids.spine_up + (f.tiers == 3 ? f.pods * f.tier2_per_pod * f.spine_up : 0);
  return ids;
}

FabricRouter::FabricRouter(const FabricSpec& spec, std::uint64_t ecmp_seed)
    : spec_(spec), shape_(fabric_shape(spec)), ids_(fabric_link_ids(shape_)), seed_(ecmp_seed) {
  reset_load();
}

double FabricRouter::link_bw_bytes_per_s(int directed) const {
  return is_nvlink(directed) ? spec_.nvlink_bw_bytes_per_s : spec_.nic_bw_bytes_per_s;
}

void FabricRouter::reset_load() { load_.assign(static_cast<std::size_t>(directed_links()), 0); }

// The parallel links between a leaf (or tier-2 switch) and one switch above are every `step`-th
// uplink from `first` on: walked in place, with no list built (route() is the hot path of the
// ECMP correction, which routes every flow of a 100k-GPU step).
FabricRouter::Links FabricRouter::leaf_links_to(int leaf, int a) const {
  const long j = leaf % shape_.leaves_per_pod;
  const int first = positive_mod(a - j * shape_.leaf_up, shape_.tier2_per_pod);
  return {leaf_uplink(leaf, 0) + first, shape_.tier2_per_pod, first < shape_.leaf_up ? (shape_.leaf_up - 1 - first) / shape_.tier2_per_pod + 1 : 0};
}

FabricRouter::Links FabricRouter::spine_links_to(int pod, int a, int c) const {
  const long first_up = static_cast<long>(pod) * shape_.spine_up;
  const int first = positive_mod(c - first_up, shape_.tier3_per_plane);
  return {spine_uplink(pod, a, 0) + first, shape_.tier3_per_plane,
          first < shape_.spine_up ? (shape_.spine_up - 1 - first) / shape_.tier3_per_plane + 1 : 0};
}

int FabricRouter::least_down_load(const Links& links) const {
  int least = std::numeric_limits<int>::max();
  for (int k = 0; k < links.count; ++k) least = std::min(least, load(down(links[k])));
  return least;
}

// One of `links` (undirected ids, used downwards): hashed, or the least loaded.
int FabricRouter::pick(const Links& links, std::uint64_t hash) const {
  const auto n = static_cast<std::size_t>(links.count);
  const std::size_t start = static_cast<std::size_t>(hash % n);
  if (spec_.routing == FabricRouting::StaticEcmp || n == 1) return links[static_cast<int>(start)];
  int best = links[static_cast<int>(start)];
  for (std::size_t k = 1; k < n; ++k) {
    const int l = links[static_cast<int>((start + k) % n)];
    if (load(down(l)) < load(down(best))) best = l;
  }
  return best;
}

std::vector<int> FabricRouter::route(int src, int dst) {
  std::vector<int> path;
  route_into(src, dst, path);
  return path;
}

void FabricRouter::route_into(int src, int dst, std::vector<int>& path) {
  path.clear();
  if (src == dst) return;
  const std::uint64_t flow = splitmix64(seed_ ^ (static_cast<std::uint64_t>(src) << 32 | static_cast<std::uint32_t>(dst)));
  auto hash = [flow](std::uint64_t stage) { return splitmix64(flow + stage); };
  const bool adaptive = spec_.routing == FabricRouting::Adaptive;
  // The uplink a flow takes out of `count`: the hashed one (ECMP), or with adaptive routing the
  // least loaded path, looking from the hashed one on so that ties keep the hash's spread.
  auto choose_uplink = [adaptive](std::uint64_t hashed, int count, auto cost_of) {
    const int start = static_cast<int>(hashed % static_cast<std::uint64_t>(count));
    int best = start;
    if (!adaptive) return best;
    int best_cost = std::numeric_limits<int>::max();
    for (int k = 0; k < count; ++k) {
      const int u = (start + k) % count;
      const int cost = cost_of(u);
      if (cost < best_cost) best_cost = cost, best = u;
    }
    return best;
  };
  const FabricShape& f = shape_;
  if (ids_.has_nvlink && f.nvlink_domain_of_gpu(src) == f.nvlink_domain_of_gpu(dst)) {
    path.push_back(up(ids_.nvlink + src));
    path.push_back(down(ids_.nvlink + dst));
  } else {
    const int la = f.leaf_of_gpu(src), lb = f.leaf_of_gpu(dst);
    path.push_back(up(ids_.host + src));
    if (la != lb) {
      const int pa = f.pod_of_leaf(la), pb = f.pod_of_leaf(lb);
      // Leaf uplink: hashed, or the one whose path (up here, down into the destination leaf from
      // the same tier-2 index) carries the fewest flows.
      const int best_u = choose_uplink(hash(1), f.leaf_up, [&](int u) {
        const int a = f.tier2_of_leaf_uplink(la, u);
        return load(up(leaf_uplink(la, u))) + least_down_load(leaf_links_to(lb, a));
      });
      const int a = f.tier2_of_leaf_uplink(la, best_u);
      path.push_back(up(leaf_uplink(la, best_u)));
      if (f.tiers == 3 && pa != pb) {
        const int best_v = choose_uplink(hash(2), f.spine_up, [&](int v) {
          const int c = f.tier3_of_tier2_uplink(pa, v);
          return load(up(spine_uplink(pa, a, v))) + least_down_load(spine_links_to(pb, a, c));
        });
        const int c = f.tier3_of_tier2_uplink(pa, best_v);
        path.push_back(up(spine_uplink(pa, a, best_v)));
        path.push_back(down(pick(spine_links_to(pb, a, c), hash(3))));
      }
      path.push_back(down(pick(leaf_links_to(lb, a), hash(4))));
    }
    path.push_back(down(ids_.host + dst));
  }
  for (int l : path) ++load_[static_cast<std::size_t>(l)];
}

}  // namespace bvr
