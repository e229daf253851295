// Collectives as flows: the steps of ring and tree all-reduce, reduce-scatter, all-gather,
// all-to-all and send/recv, laid out hierarchically (NVLink inside the NVLink domain, an 8-GPU
// server or a 72-GPU NVL72 rack, then one ring or tree per local rank across domains) for every
// concurrently active group. Pure: sim/ turns the flows
// into SimGrid communications. Sizes and bandwidths follow nccl-tests (docs/fabric.md).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "models/fabric.h"

namespace bvr {

enum class CollectiveKind { AllReduceRing, AllReduceTree, ReduceScatter, AllGather, AllToAll, SendRecv };

// Every kind, in the order reports list them.
inline constexpr CollectiveKind all_collective_kinds[] = {
    CollectiveKind::AllReduceRing, CollectiveKind::AllReduceTree, CollectiveKind::ReduceScatter,
    CollectiveKind::AllGather,     CollectiveKind::AllToAll,      CollectiveKind::SendRecv};

const char* to_string(CollectiveKind kind);
std::optional<CollectiveKind> collective_from_string(std::string_view name);

struct CollectiveSpec {
  CollectiveKind kind = CollectiveKind::AllReduceRing;
  // nccl-tests "size" per GPU: all-reduce and all-to-all buffer, reduce-scatter input,
  // all-gather output, send/recv message.
  double bytes = 0;
  int group_gpus = 0;  // GPUs per group (whole NVLink domains, or a divisor of one); 0 = all GPUs
};

struct Flow {
  int src = 0, dst = 0;
  double bytes = 0;
};

// NCCL's pipeline chunk: NCCL_BUFFSIZE, 4 MiB by default (NCCL environment variables docs). A
// hierarchical collective's buffer crosses NVLink and the network in chunks of this size.
inline constexpr double nccl_buffer_bytes = 4.0 * 1024 * 1024;

// `repeat` identical steps (same flows, same sizes) one after the other.
struct StepRun {
  std::string phase;  // "nvlink-reduce-scatter", "net-all-gather", ...
  std::vector<Flow> flows;
  long repeat = 1;
  // Steps with the same `pipeline` number (> 0) are the stages of one NCCL pipeline: the buffer
  // goes through them in `chunks` chunks, chunk k on the network while chunk k+1 crosses NVLink.
  // The stages run at once; a pipeline whose stages take T_1..T_s alone (time x repeat) takes
  // max T + (sum T - max T) / chunks: the slowest stage sets the pace, each other one adds the
  // fill or drain of one chunk (pipelined_time_s). 0 = a step on its own, after the previous.
  int pipeline = 0;
  double chunks = 1;
};

// Time of a pipeline whose stages take `stage_s` each alone, over `chunks` chunks.
double pipelined_time_s(const std::vector<double>& stage_s, double chunks);

struct PlanOptions {
  int max_distinct_steps = 0;   // all-to-all: simulate at most this many shifts (0 = all)
  // Tree all-reduce pipeline chunk: 0 = NCCL's rule (tree_chunk_bytes in fabric_collectives.cpp).
  double tree_chunk_bytes = 0;
  // Hierarchical phases pipelined as NCCL runs them (issue 20); false: one after the other, as
  // the plans were before (the full simulation's reference, tools/fabric_agreement.cpp).
  bool pipelined = true;
  // The fabric's switches reduce (FabricSpec::in_network_reduction): all-reduce over the network
  // sends each shard up once and reads it back once (NCCL CollNet over SHARP).
  bool in_network_reduction = false;
};

// The steps of `c` for a fabric of `full_gpus` GPUs in NVLink domains of `domain_gpus`, laid out
// on the first `present_gpus` GPUs (a representative slice holding whole groups, or a part of
// one large group). Sizes and repeat counts come from the full group; the flows from the GPUs
// present. Throws std::invalid_argument for a group that is not whole domains or a divisor of one.
std::vector<StepRun> plan_collective(const CollectiveSpec& c, int full_gpus, int present_gpus, int domain_gpus,
                                     const PlanOptions& options = {});

// nccl-tests: busbw = algbw x factor, algbw = bytes / time.
double bus_bandwidth_factor(CollectiveKind kind, int group_gpus);

// A slice never holds more than this many times `slice_gpus` GPUs, whatever the fabric.
inline constexpr long max_slice_factor = 4;

// The slice of `spec` simulated in place of the whole fabric: about `slice_gpus` GPUs (whole
// leaf groups, whole collective groups when they fit), same switches, tiers and
// oversubscription; pods shrink so that the slice keeps at least two pods when the full fabric
// has several. Returns `spec` itself when it is small enough. It repeats the full fabric's
// layout of groups over leaf groups exactly when the two line up within max_slice_factor x
// slice_gpus GPUs; otherwise (an oversubscribed leaf with an odd number of down ports, say) it
// is whole groups over at least three leaf groups, the last one partly filled. Never more than
// max_slice_factor x slice_gpus GPUs: the platform built on it, and the time and memory of
// simulating it, stay bounded for every fabric the checks accept. `whole_group` (all-to-all,
// where every GPU of a group talks to every other): a group larger than slice_gpus is still
// held whole when it has at most max_slice_factor x slice_gpus GPUs.
FabricSpec fabric_slice(const FabricSpec& spec, int slice_gpus, int group_gpus, bool whole_group = false);

}  // namespace bvr
