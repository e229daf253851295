#include "models/fabric_collectives.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace bvr {

namespace {

// A group's GPUs in NVLink domains (an 8-GPU server, or a 72-GPU NVL72 rack): the local ranks of
// a domain reduce over NVLink, then one ring or tree per local rank crosses the domains.
struct Layout {
  int G = 0;         // GPUs per group (full)
  int Gp = 0;        // GPUs per group present
  int g = 0;         // local ranks per NVLink domain in a group
  long M = 0;        // domains per group (full)
  int Mp = 0;        // domains per group present
  int groups = 0;    // groups present
  int gpu(int group, int server, int rank) const { return group * Gp + server * g + rank; }
};

Layout layout(const CollectiveSpec& c, int full_gpus, int present_gpus, int domain_gpus) {
  const int gps = domain_gpus;
  Layout l;
  l.G = c.group_gpus > 0 ? c.group_gpus : full_gpus;
  if (l.G > full_gpus) throw std::invalid_argument("group_gpus exceeds the fabric's GPUs");
  if (!(l.G % gps == 0 || gps % l.G == 0))
    throw std::invalid_argument("group_gpus must be whole NVLink domains or divide a domain");
  l.g = std::min(l.G, gps);
  l.M = l.G / l.g;
  l.Gp = std::min(l.G, present_gpus);
  if (l.Gp % l.g != 0) throw std::invalid_argument("the slice must hold whole NVLink domains of a group");
  l.Mp = l.Gp / l.g;
  l.groups = present_gpus / l.Gp;
  return l;
}

// One step of a ring over the local ranks of every domain of every group (NVLink).
StepRun nvlink_ring(const Layout& l, const std::string& phase, double bytes) {
  StepRun run{phase, {}, l.g - 1};
  for (int k = 0; k < l.groups; ++k)
    for (int m = 0; m < l.Mp; ++m)
      for (int i = 0; i < l.g; ++i) run.flows.push_back({l.gpu(k, m, i), l.gpu(k, m, (i + 1) % l.g), bytes});
  return run;
}

// One step of the rings across domains, one per local rank, of every group.
StepRun network_ring(const Layout& l, const std::string& phase, double bytes) {
  StepRun run{phase, {}, l.M - 1};
  for (int k = 0; k < l.groups; ++k)
    for (int m = 0; m < l.Mp; ++m)
      for (int i = 0; i < l.g; ++i) run.flows.push_back({l.gpu(k, m, i), l.gpu(k, (m + 1) % l.Mp, i), bytes});
  return run;
}

// Parent of `rank` in NCCL's binary tree over n ranks (NCCL 2.4 double binary tree, trees.cc):
// rank 0 is the root; any other rank's lowest set bit b gives its parent, the rank with bit 2b
// set and bit b cleared (or, past the end, with bit b cleared). Ranks at distance b sit b apart,
// so most edges join neighbours: half the ranks are leaves talking to the next server.
int btree_parent(int rank, int n) {
  if (rank == 0) return -1;
  const int b = rank & -rank;
  const int up = (rank ^ b) | (b << 1);
  return up < n ? up : rank ^ b;
}

// The second tree: mirrored for an even count, shifted by one for an odd one, so a rank that is
// inner in one tree is a leaf in the other and every rank sends and receives alike.
int dtree_parent(int tree, int rank, int n) {
  if (tree == 0) return btree_parent(rank, n);
  if (n % 2 == 0) {
    const int p = btree_parent(n - 1 - rank, n);
    return p < 0 ? -1 : n - 1 - p;
  }
  const int p = btree_parent((rank - 1 + n) % n, n);
  return p < 0 ? -1 : (p + 1) % n;
}

// Links from a leaf to the root of tree 0 over n ranks (the second tree has the same depth).
long btree_depth(long n) {
  long depth = 0;
  for (long rank = 1; rank < n; ++rank) {
    long hops = 0;
    for (long r = rank; r != 0; r = btree_parent(static_cast<int>(r), static_cast<int>(n))) ++hops;
    depth = std::max(depth, hops);
  }
  return depth;
}

// NCCL's pipeline chunk for a tree all-reduce of `bytes` per channel over a tree of `depth`
// (NCCL's enqueue.cc, simple protocol): one step slot of its buffer, 4 MiB (NCCL_BUFFSIZE) over 8
// steps (NCCL_STEPS) = 512 KiB, halved while the message has fewer than 8 x depth chunks (down to
// 128 KiB), fewer than 4 x depth (down to 64 KiB), fewer than depth (down to 32 KiB): a deep tree
// needs many chunks in flight to fill its pipeline.
double tree_chunk_bytes(double bytes, long depth) {
  constexpr double kib = 1024;
  double chunk = 512 * kib;
  const double d = static_cast<double>(depth);
  while (bytes / chunk < 8 * d && chunk > 128 * kib) chunk /= 2;
  while (bytes / chunk < 4 * d && chunk > 64 * kib) chunk /= 2;
  while (bytes / chunk < d && chunk > 32 * kib) chunk /= 2;
  return chunk;
}

// Steady-state step of NCCL's double binary tree per rail across the group's servers: each tree
// carries half of the rail's bytes, chunk by chunk, and every tree edge carries a chunk up
// (reduce) and one down (broadcast) at once. Filling and draining the pipeline takes 2 x depth
// steps more than the chunks.
StepRun network_tree(const Layout& l, double rail_bytes, const PlanOptions& o) {
  const long depth = btree_depth(l.M);
  const double tree_bytes = rail_bytes / 2;
  const double chunk_limit = o.tree_chunk_bytes > 0 ? o.tree_chunk_bytes : tree_chunk_bytes(tree_bytes, depth);
  const double chunks = std::max(1.0, std::ceil(tree_bytes / chunk_limit));
  const double chunk = tree_bytes / chunks;
  StepRun run{"net-tree-all-reduce", {}, static_cast<long>(chunks) + 2 * depth};
  run.chunks = chunks;
  for (int k = 0; k < l.groups; ++k)
    for (int i = 0; i < l.g; ++i)
      for (int tree = 0; tree < 2; ++tree)
        for (int m = 0; m < l.Mp; ++m) {
          const int p = dtree_parent(tree, m, l.Mp);
          if (p < 0) continue;
          run.flows.push_back({l.gpu(k, m, i), l.gpu(k, p, i), chunk});
          run.flows.push_back({l.gpu(k, p, i), l.gpu(k, m, i), chunk});
        }
  return run;
}

// In-network reduction (SHARP) of half a rail's shard: every GPU sends `bytes` into the switches
// and reads as much back. As flows: one step to the same rank of the next domain, which loads
// each NIC once each way, as the switch tree does (the reduction inside the switches is not
// simulated; docs/fabric.md).
StepRun network_in_network(const Layout& l, const std::string& phase, double bytes) {
  StepRun run = network_ring(l, phase, bytes);
  run.repeat = l.M > 1 ? 1 : 0;
  return run;
}

// Marks `run` as a stage of pipeline `number` over `chunks` chunks (0: played on its own).
StepRun stage(StepRun run, int number, double chunks) {
  run.pipeline = number;
  run.chunks = number > 0 ? chunks : 1;
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
  for (CollectiveKind k : all_collective_kinds)
    if (name == to_string(k)) return k;
  return std::nullopt;
}

double pipelined_time_s(const std::vector<double>& stage_s, double chunks) {
  double sum = 0, slowest = 0;
  for (double t : stage_s) {
    sum += t;
    slowest = std::max(slowest, t);
  }
  return slowest + (sum - slowest) / std::max(1.0, chunks);
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

std::vector<StepRun> plan_collective(const CollectiveSpec& c, int full_gpus, int present_gpus, int domain_gpus,
                                     const PlanOptions& o) {
  const Layout l = layout(c, full_gpus, present_gpus, domain_gpus);
  const double S = c.bytes;
  std::vector<StepRun> steps;
  auto add = [&steps](StepRun run) {
    if (run.repeat > 0 && !run.flows.empty()) steps.push_back(std::move(run));
  };
  // Pipelines of the hierarchical collectives: NCCL chunks the buffer (nccl_buffer_bytes) and
  // keeps NVLink and network hops busy at once. A reduce-scatter's NVLink and network stages form
  // one pipeline, an all-gather's another; an all-reduce is the two one after the other, as the
  // closed form has it (models/step_time.h: each half paced by its slower hop). Unpipelined: 0.
  const int in_stage = o.pipelined ? 1 : 0, out_stage = o.pipelined ? 2 : 0;
  const double chunks = std::max(1.0, S / nccl_buffer_bytes);
  switch (c.kind) {
    case CollectiveKind::AllReduceRing:
      add(stage(nvlink_ring(l, "nvlink-reduce-scatter", S / l.g), in_stage, chunks));
      if (o.in_network_reduction) {
        // NCCL CollNet: the switches reduce each rail's shard (half sent up while the first half
        // of the buffer is reduced over NVLink, half read back while it is gathered).
        add(stage(network_in_network(l, "net-in-network-reduce", S / l.g / 2), in_stage, chunks));
        add(stage(network_in_network(l, "net-in-network-broadcast", S / l.g / 2), out_stage, chunks));
      } else {
        add(stage(network_ring(l, "net-reduce-scatter", S / l.G), in_stage, chunks));
        add(stage(network_ring(l, "net-all-gather", S / l.G), out_stage, chunks));
      }
      add(stage(nvlink_ring(l, "nvlink-all-gather", S / l.g), out_stage, chunks));
      break;
    case CollectiveKind::AllReduceTree:
      if (o.pipelined) {
        // NCCL's tree runs the chain inside the domain and the tree across domains as one
        // pipeline of the tree's chunks. A GPU's NVLink carries the reduce and the broadcast both
        // (one link each way to the switch), so they are one NVLink stage of twice the steps.
        StepRun tree = l.M > 1 ? network_tree(l, S / l.g, o) : StepRun{};
        const double tree_chunks = l.M > 1 ? tree.chunks : chunks;
        StepRun nvlink = nvlink_ring(l, "nvlink-reduce-scatter-all-gather", S / l.g);
        nvlink.repeat *= 2;
        add(stage(std::move(nvlink), in_stage, tree_chunks));
        if (l.M > 1) add(stage(std::move(tree), in_stage, tree_chunks));
        break;
      }
      add(nvlink_ring(l, "nvlink-reduce-scatter", S / l.g));
      if (l.M > 1) add(network_tree(l, S / l.g, o));
      add(nvlink_ring(l, "nvlink-all-gather", S / l.g));
      break;
    case CollectiveKind::ReduceScatter:
      add(stage(nvlink_ring(l, "nvlink-reduce-scatter", S / l.g), in_stage, chunks));
      add(stage(network_ring(l, "net-reduce-scatter", S / l.G), in_stage, chunks));
      break;
    case CollectiveKind::AllGather:
      add(stage(network_ring(l, "net-all-gather", S / l.G), in_stage, chunks));
      add(stage(nvlink_ring(l, "nvlink-all-gather", S / l.g), in_stage, chunks));
      break;
    case CollectiveKind::AllToAll: {
      // A group larger than the slice (more than max_slice_factor x slice_gpus) is played on the
      // part present: each shift's destination wraps around inside it (sizes and shift counts
      // from the whole group), and a shift that would land on the sender goes half the part away.
      // Pairwise exchange: at shift j every GPU sends its j-th block to the GPU j further on.
      // Shifts differ: those that are a multiple of the server's ranks stay on one rail, the
      // others cross rails through the spines (no PXN), and the distance decides how far up the
      // flows go. So the shifts are ordered by rail offset (j mod g), then by distance, and cut
      // into equal strata, each simulated by its middle shift: every rail offset is sampled in
      // proportion (strata of consecutive shifts would pick cross-rail shifts only, a bias of
      // +3.8 % under ECMP at 4,096 GPUs in groups of 512).
      const long shifts = l.G - 1;
      const long distinct = o.max_distinct_steps > 0 ? std::min<long>(shifts, o.max_distinct_steps) : shifts;
      // (The order a stable sort of 1..shifts by j mod g gives, built directly: O(G), not O(G log G).)
      std::vector<long> order;
      order.reserve(static_cast<std::size_t>(shifts));
      for (long r = 0; r < l.g; ++r)
        for (long j = r == 0 ? l.g : r; j <= shifts; j += l.g) order.push_back(j);
      for (long s = 0; s < distinct; ++s) {
        const long first = s * shifts / distinct, next = (s + 1) * shifts / distinct;
        const int j = static_cast<int>(order[static_cast<std::size_t>((first + next - 1) / 2)]);  // middle of the stratum
        StepRun run{"all-to-all", {}, next - first};
        for (int k = 0; k < l.groups; ++k)
          for (int x = 0; x < l.Gp; ++x) {
            int to = (x + j) % l.Gp;
            if (to == x) to = (x + l.Gp / 2) % l.Gp;
            if (to != x) run.flows.push_back({k * l.Gp + x, k * l.Gp + to, S / l.G});
          }
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

FabricSpec fabric_slice(const FabricSpec& spec, int slice_gpus, int group_gpus, bool whole_group) {
  if (spec.gpus <= slice_gpus) return spec;
  const FabricShape f = fabric_shape(spec);
  // A slice is whole leaf groups (every rail of its servers), whole NVLink domains and, when a
  // group fits, whole groups.
  const long leaf_group = f.rail_optimized ? static_cast<long>(f.gpus_per_leaf) * f.gpus_per_server : f.gpus_per_leaf;
  const long G = group_gpus > 0 ? group_gpus : spec.gpus;
  const bool pods = f.tiers == 3 && f.pods > 1;
  const long cap = max_slice_factor * static_cast<long>(slice_gpus);
  const bool whole = G <= slice_gpus || (whole_group && G <= cap);  // whole groups in the slice
  long unit = std::lcm(leaf_group, static_cast<long>(std::max(1, spec.nvlink_domain_gpus)));
  if (whole) unit = std::lcm(unit, G);
  if (pods) unit = std::lcm(unit, 2 * leaf_group);  // room for two pods
  // Where groups and leaf groups line up within a few slices, the slice repeats the full fabric's
  // layout exactly (as the agreement checks assume). Where they do not (groups of 256 on the
  // leaf groups of 680 GPUs that a 2:1 leaf of 128-port switches makes: 21,760 GPUs), it is whole
  // groups over three leaf groups, so that one full leaf group has groups straddling both its
  // edges, as the full fabric's have (over two, the all-to-all was 23 % fast). SimGrid's Full
  // zone keeps a route slot (8 bytes) per ordered pair of hosts: 43,520 GPUs needed 15 GB.
  long n = 0;
  if (unit <= cap) {
    n = std::max(unit, slice_gpus / unit * unit);
  } else {
    const long want = std::max<long>(slice_gpus, 3 * leaf_group);
    n = whole ? std::min(cap / G, (want + G - 1) / G) * G  // whole groups
              : std::min(cap, want) / f.gpus_per_server * f.gpus_per_server;  // part of one large group
  }
  FabricSpec slice = spec;
  slice.gpus = static_cast<int>(std::min<long>(n, spec.gpus));
  if (pods) {
    const long full_pod = static_cast<long>(f.leaves_per_pod) * f.gpus_per_leaf;
    long pod = std::min(full_pod, slice.gpus / 2 / leaf_group * leaf_group);
    // Groups that live inside one pod of the full fabric stay inside one pod of the slice.
    if (G <= full_pod) pod = std::max(pod, std::min(full_pod, (G + leaf_group - 1) / leaf_group * leaf_group));
    slice.pod_gpus = static_cast<int>(std::max(leaf_group, pod));
  }
  return slice;
}

}  // namespace bvr
