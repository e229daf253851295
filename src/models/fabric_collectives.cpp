#include "models/fabric_collectives.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace bvr {

namespace {

struct Layout {
  int G = 0;         // GPUs per group (full)
  int Gp = 0;        // GPUs per group present
  int g = 0;         // local ranks per server in a group
  long M = 0;        // servers per group (full)
  int Mp = 0;        // servers per group present
  int groups = 0;    // groups present
  int gpu(int group, int server, int rank) const { return group * Gp + server * g + rank; }
};

Layout layout(const CollectiveSpec& c, int full_gpus, int present_gpus, int gps) {
  Layout l;
  l.G = c.group_gpus > 0 ? c.group_gpus : full_gpus;
  if (l.G > full_gpus) throw std::invalid_argument("group_gpus exceeds the fabric's GPUs");
  if (!(l.G % gps == 0 || gps % l.G == 0))
    throw std::invalid_argument("group_gpus must be whole servers or divide a server");
  l.g = std::min(l.G, gps);
  l.M = l.G / l.g;
  l.Gp = std::min(l.G, present_gpus);
  if (l.Gp % l.g != 0) throw std::invalid_argument("the slice must hold whole servers of a group");
  l.Mp = l.Gp / l.g;
  l.groups = present_gpus / l.Gp;
  return l;
}

// One step of a ring over the local ranks of every server of every group (NVLink).
StepRun nvlink_ring(const Layout& l, const std::string& phase, double bytes) {
  StepRun run{phase, {}, l.g - 1};
  for (int k = 0; k < l.groups; ++k)
    for (int m = 0; m < l.Mp; ++m)
      for (int i = 0; i < l.g; ++i) run.flows.push_back({l.gpu(k, m, i), l.gpu(k, m, (i + 1) % l.g), bytes});
  return run;
}

// One step of the rings across servers, one per local rank (rail), of every group.
StepRun network_ring(const Layout& l, const std::string& phase, double bytes) {
  StepRun run{phase, {}, l.M - 1};
  for (int k = 0; k < l.groups; ++k)
    for (int m = 0; m < l.Mp; ++m)
      for (int i = 0; i < l.g; ++i) run.flows.push_back({l.gpu(k, m, i), l.gpu(k, (m + 1) % l.Mp, i), bytes});
  return run;
}

// Steady-state step of two pipelined binary trees per rail (NCCL's double binary tree: the
// second tree mirrors the first, so a GPU that is inner in one is a leaf in the other), each
// tree carrying half of every chunk up (reduce) and down (broadcast) at once.
StepRun network_tree(const Layout& l, double rail_bytes, const PlanOptions& o) {
  const double chunks = std::max(1.0, std::ceil(rail_bytes / o.tree_chunk_bytes));
  const double chunk = rail_bytes / chunks;
  const long depth = static_cast<long>(std::floor(std::log2(static_cast<double>(l.M))));
  StepRun run{"net-tree-all-reduce", {}, static_cast<long>(chunks) + 2 * depth};
  for (int k = 0; k < l.groups; ++k)
    for (int i = 0; i < l.g; ++i)
      for (int tree = 0; tree < 2; ++tree)
        for (int pos = 1; pos < l.Mp; ++pos) {
          const int parent_pos = (pos - 1) / 2;
          const int m = tree == 0 ? pos : l.Mp - 1 - pos;
          const int p = tree == 0 ? parent_pos : l.Mp - 1 - parent_pos;
          run.flows.push_back({l.gpu(k, m, i), l.gpu(k, p, i), chunk / 2});
          run.flows.push_back({l.gpu(k, p, i), l.gpu(k, m, i), chunk / 2});
        }
  return run;
}

}  // namespace

const char* to_string(CollectiveKind kind) {
  switch (kind) {
    case CollectiveKind::AllReduceRing: return "all-reduce";
    case CollectiveKind::AllReduceTree: return "all-reduce-tree";
    case CollectiveKind::ReduceScatter: return "reduce-scatter";
    case CollectiveKind::AllGather: return "all-gather";
    case CollectiveKind::AllToAll: return "all-to-all";
    case CollectiveKind::SendRecv: return "send-recv";
  }
  return "?";
}

std::optional<CollectiveKind> collective_from_string(std::string_view name) {
  for (auto k : {CollectiveKind::AllReduceRing, CollectiveKind::AllReduceTree, CollectiveKind::ReduceScatter,
                 CollectiveKind::AllGather, CollectiveKind::AllToAll, CollectiveKind::SendRecv})
    if (name == to_string(k)) return k;
  return std::nullopt;
}

double bus_bandwidth_factor(CollectiveKind kind, int n) {
  const double ratio = n > 0 ? static_cast<double>(n - 1) / n : 0.0;
  switch (kind) {
    case CollectiveKind::AllReduceRing:
    case CollectiveKind::AllReduceTree: return 2 * ratio;
    case CollectiveKind::ReduceScatter:
    case CollectiveKind::AllGather:
    case CollectiveKind::AllToAll: return ratio;
    case CollectiveKind::SendRecv: return 1.0;
  }
  return 1.0;
}

std::vector<StepRun> plan_collective(const CollectiveSpec& c, int full_gpus, int present_gpus, int gps,
                                     const PlanOptions& o) {
  const Layout l = layout(c, full_gpus, present_gpus, gps);
  const double S = c.bytes;
  std::vector<StepRun> steps;
  auto add = [&steps](StepRun run) {
    if (run.repeat > 0 && !run.flows.empty()) steps.push_back(std::move(run));
  };
  switch (c.kind) {
    case CollectiveKind::AllReduceRing:
      add(nvlink_ring(l, "nvlink-reduce-scatter", S / l.g));
      add(network_ring(l, "net-reduce-scatter", S / l.G));
      add(network_ring(l, "net-all-gather", S / l.G));
      add(nvlink_ring(l, "nvlink-all-gather", S / l.g));
      break;
    case CollectiveKind::AllReduceTree:
      add(nvlink_ring(l, "nvlink-reduce-scatter", S / l.g));
      if (l.M > 1) add(network_tree(l, S / l.g, o));
      add(nvlink_ring(l, "nvlink-all-gather", S / l.g));
      break;
    case CollectiveKind::ReduceScatter:
      add(nvlink_ring(l, "nvlink-reduce-scatter", S / l.g));
      add(network_ring(l, "net-reduce-scatter", S / l.G));
      break;
    case CollectiveKind::AllGather:
      add(network_ring(l, "net-all-gather", S / l.G));
      add(nvlink_ring(l, "nvlink-all-gather", S / l.g));
      break;
    case CollectiveKind::AllToAll: {
      if (l.Gp != l.G) throw std::invalid_argument("all-to-all groups must fit in the slice");
      // Pairwise exchange: at shift j every GPU sends its j-th block to the GPU j further on.
      // Shifts differ (some stay inside a server), so they are sampled evenly, each standing for
      // an equal share of the G-1 shifts.
      const long shifts = l.G - 1;
      const long distinct = o.max_distinct_steps > 0 ? std::min<long>(shifts, o.max_distinct_steps) : shifts;
      for (long s = 0; s < distinct; ++s) {
        const long first = 1 + s * shifts / distinct, next = 1 + (s + 1) * shifts / distinct;
        const int j = static_cast<int>((first + next - 1) / 2);  // middle of the stratum
        StepRun run{"all-to-all", {}, next - first};
        for (int k = 0; k < l.groups; ++k)
          for (int x = 0; x < l.G; ++x) run.flows.push_back({k * l.G + x, k * l.G + (x + j) % l.G, S / l.G});
        add(std::move(run));
      }
      break;
    }
    case CollectiveKind::SendRecv: {
      // Every GPU exchanges with the GPU half a group away (same local rank, the other half of
      // the servers): all traffic crosses the group's bisection.
      StepRun run{"send-recv", {}, 1};
      const int half = std::max(1, l.Gp / 2);
      for (int k = 0; k < l.groups; ++k)
        for (int x = 0; x < l.Gp; ++x) run.flows.push_back({k * l.Gp + x, k * l.Gp + (x + half) % l.Gp, S});
      add(std::move(run));
      break;
    }
  }
  return steps;
}

FabricSpec fabric_slice(const FabricSpec& spec, int slice_gpus, int group_gpus) {
  if (spec.gpus <= slice_gpus) return spec;
  const FabricShape f = fabric_shape(spec);
  // A slice is whole leaf groups (every rail of its servers) and, when a group fits, whole groups.
  const long leaf_group = f.rail_optimized ? static_cast<long>(f.gpus_per_leaf) * f.gpus_per_server : f.gpus_per_leaf;
  const long G = group_gpus > 0 ? group_gpus : spec.gpus;
  long unit = leaf_group;
  if (G <= slice_gpus) unit = std::lcm(unit, G);
  if (f.tiers == 3 && f.pods > 1) unit = std::lcm(unit, 2 * leaf_group);  // room for two pods
  const long n = std::max(unit, slice_gpus / unit * unit);
  FabricSpec slice = spec;
  slice.gpus = static_cast<int>(std::min<long>(n, spec.gpus));
  if (f.tiers == 3 && f.pods > 1) {
    const long full_pod = static_cast<long>(f.leaves_per_pod) * f.gpus_per_leaf;
    long pod = std::min(full_pod, slice.gpus / 2 / leaf_group * leaf_group);
    // Groups that live inside one pod of the full fabric stay inside one pod of the slice.
    if (G <= full_pod) pod = std::max(pod, std::min(full_pod, (G + leaf_group - 1) / leaf_group * leaf_group));
    slice.pod_gpus = static_cast<int>(std::max(leaf_group, pod));
  }
  return slice;
}

}  // namespace bvr
