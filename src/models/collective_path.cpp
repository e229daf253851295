#include "models/collective_path.h"

#include <algorithm>

namespace bvr {

CollectivePathChoice collective_path(const FabricSpec& fabric, CollectiveKind kind) {
  const bool ring = kind == CollectiveKind::AllReduceRing || kind == CollectiveKind::ReduceScatter ||
                    kind == CollectiveKind::AllGather;
  if (!ring) return {CollectivePath::Simulation, "not a ring-family collective"};
  if (fabric.routing != FabricRouting::Adaptive) return {CollectivePath::Simulation, "static ECMP routing"};
  if (std::any_of(fabric.oversubscription.begin(), fabric.oversubscription.end(), [](double o) { return o != 1.0; }))
    return {CollectivePath::Simulation, "an oversubscribed tier"};
  return {CollectivePath::ClosedForm, "non-blocking fabric, adaptive routing, ring-family collective"};
}

double closed_form_time_s(const FabricSpec& fabric, const CollectiveSpec& c) {
  CommKind kind = CommKind::AllReduce;
  switch (c.kind) {
    case CollectiveKind::AllReduceRing: kind = CommKind::AllReduce; break;
    case CollectiveKind::ReduceScatter: kind = CommKind::ReduceScatter; break;
    case CollectiveKind::AllGather: kind = CommKind::AllGather; break;
    case CollectiveKind::AllToAll: kind = CommKind::AllToAll; break;
    case CollectiveKind::SendRecv: kind = CommKind::SendRecv; break;
    case CollectiveKind::AllReduceTree: return 0;
  }
  GpuSpec gpu;
  gpu.nvlink_bytes_per_s = fabric.nvlink_bw_bytes_per_s;
  NetworkModel net = network_from_fabric(fabric, gpu);
  const int group = c.group_gpus > 0 ? c.group_gpus : fabric.gpus;
  // In the simulation's terms: links at line rate (the closed form's NCCL efficiency shares
  // undone), and a step's latency that of its longest path, hop by hop, without NCCL's software
  // latency (the simulation has none): two hops over NVLink (up to the switch and down), and
  // over the network two within a leaf group, four within a pod, six across pods.
  net.nvlink_bytes_per_s /= nvlink_share;
  net.nic_bytes_per_s /= nic_share;
  const int net_hops = net.leaf_span_gpus <= 0 || group <= net.leaf_span_gpus           ? 2
                       : fabric.tiers == 3 && net.pod_gpus > 0 && group > net.pod_gpus ? 6
                                                                                        : 4;
  net.nvlink_latency_s = 2 * fabric.hop_latency_s;
  net.net_latency_s = net_hops * fabric.hop_latency_s;
  if (c.kind == CollectiveKind::SendRecv) return collective_time_s(net, kind, c.bytes, 2, std::max(1, group / 2));
  return collective_time_s(net, kind, c.bytes, group, 1);
}

}  // namespace bvr
