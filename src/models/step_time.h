// Iteration scale: the time of one training step from first principles, as Calculon and the
// Megatron-LM papers model it. Three separate inputs: the application (TransformerModel +
// TrainingBatch), the execution strategy (ParallelPlan) and the system (GPU + network); this
// file combines them. docs/workload.md has every equation and the calibration.
#pragma once
#include <optional>
#include <vector>

#include "models/fabric.h"
#include "models/fabric_collectives.h"
#include "models/hardware.h"
#include "models/memory_per_gpu.h"
#include "models/parallel_plan.h"
#include "models/transformer.h"

namespace bvr {

// What collectives see: NVLink inside a domain, the scale-out network across domains, with
// alpha-beta costs. Oversubscription slows groups whose span crosses a leaf group or a pod.
struct NetworkModel {
  int nvlink_domain_gpus = 8;
  bool nvls = false;              // the NVLink switches reduce (NVLink SHARP): in-domain all-reduce
  double nvlink_bytes_per_s = 0;  // per GPU, each direction
  double nic_bytes_per_s = 0;     // per GPU, each direction
  double nvlink_latency_s = 0;    // per collective step
  double net_latency_s = 0;       // per collective step
  int leaf_span_gpus = 0;         // GPUs below one leaf group (0 = no limit)
  int pod_gpus = 0;               // GPUs per pod (0 = one pod)
  std::vector<double> oversubscription;  // down:up per tier below the top, as in FabricSpec
  bool in_network_reduction = false;     // the network's switches reduce (SHARP), as in FabricSpec
};

// ASSUMPTION: NCCL bus bandwidth reaches 80 % of NVLink and 90 % of the NIC line rate
// (nccl-tests on H100: ~360 of 450 GB/s on NVLink; ~45 of 50 GB/s on 400G NICs).
inline constexpr double nvlink_share = 0.80, nic_share = 0.90;

struct SystemModel {
  GpuSpec gpu;
  NetworkModel network;
};

// ASSUMPTION (no public figure for a generic cluster): per-step latencies of NCCL, 2 us on
// NVLink and 5 us plus the links' hop latency on the network.
inline constexpr double nvlink_step_latency_s = 2e-6;
inline constexpr double net_software_latency_s = 5e-6;
// A scale-out port of 400 Gb/s per GPU when no fabric is described (NVIDIA DGX H100
// datasheet: 8x ConnectX-7 400 Gb/s per 8-GPU server) [P].
inline constexpr double default_nic_bytes_per_s = 400e9 / 8;

// A non-blocking network of `nic_bytes_per_s` per GPU (no fabric described).
NetworkModel plain_network(const GpuSpec& gpu, int nvlink_domain_gpus, double nic_bytes_per_s);
// The network a FabricSpec describes (NVLink from the fabric when it gives one, else the GPU's).
NetworkModel network_from_fabric(const FabricSpec& fabric, const GpuSpec& gpu);
// A system's own: a non-blocking network at its NIC speed, or the fabric's; NVLS where its
// NVLink switches reduce (scale_up.in_network_reduction).
NetworkModel system_network(const SystemSpec& system);
NetworkModel system_network(const SystemSpec& system, const FabricSpec& fabric);

// Collective times in closed form (ring algorithms, hierarchical across NVLink and network).
// `bytes` as nccl-tests counts them (all-reduce buffer, reduce-scatter input, all-gather output,
// all-to-all buffer, send/recv message); group of `n` ranks `stride` GPUs apart.
enum class CommKind { AllReduce, ReduceScatter, AllGather, AllToAll, SendRecv };
double collective_time_s(const NetworkModel& net, CommKind kind, double bytes, int n, int stride);

// The expert all-to-all of `bytes` per rank (top-k copies of each token) over `n` ranks `stride`
// apart: collective_time_s's pairwise exchange, or, when the model limits a token to M nodes
// (TransformerModel::max_nodes_per_token), that many network crossings per token at most.
double expert_all_to_all_s(const NetworkModel& net, const TransformerModel& m, double bytes, int n, int stride);

// Scale-out collectives simulated on the option's fabric, divided by the closed form of the
// same collective (1 = no refinement). Set by sim/ for the campaign's layout.
struct CommRefinement {
  double dp = 1, ep = 1;
};

struct StepBreakdown {
  double compute_s = 0;  // GEMMs, attention, element-wise ops, optimizer (recomputation included)
  double tp_comm_s = 0, pp_comm_s = 0, dp_comm_s = 0, cp_comm_s = 0, ep_comm_s = 0;  // exposed
  double bubble_s = 0;
  double total_s() const { return compute_s + tp_comm_s + pp_comm_s + dp_comm_s + cp_comm_s + ep_comm_s + bubble_s; }
};

struct StepTime {
  ParallelPlan plan;
  double step_s = 0;
  StepBreakdown breakdown;
  double tokens_per_s = 0;
  double model_flop_per_step = 0;
  double model_flop_per_s_per_gpu = 0;     // "achieved TFLOPs": model FLOPs only
  double hardware_flop_per_s_per_gpu = 0;  // recomputation counted too (what BLOOM reports)
  double mfu = 0;                          // model FLOPs / (GPUs x dense peak at the precision)
  MemoryPerGpu memory;
  double hbm_bytes = 0;  // the GPU's capacity
  double dp_comm_closed_form_s = 0, ep_comm_closed_form_s = 0;  // before overlap, for refinement
};

// Dense peak at the plan's precision (0 when the GPU lacks it).
double peak_flop_per_s(const GpuSpec& gpu, Precision p);

// The share of its own dense peak a GEMM reaches at `p`, relative to BF16's, when the GPU gives no
// measurement: 1 for BF16, 0.886 for FP8, 0.812 for FP4 (measured GEMMs, step_time.cpp;
// docs/workload.md, "Precision").
double precision_gemm_factor(Precision p);

// The best share of the dense peak at `p` a large GEMM reaches on `gpu`: the system file's
// matmul_efficiency, or 80 % (H100 BF16, facts.md: MAMF) times precision_gemm_factor.
double matmul_share(const GpuSpec& gpu, Precision p);

// The share of that best a GEMM of (m x k) x (k x n) keeps: smaller dimensions lose tiles,
// prod over dims of d / (d + d_half), d_half ~ 140 (docs/workload.md, "GEMM efficiency").
double gemm_shape_factor(double m, double n, double k);

// GEMM efficiency (share of dense peak) on an H100 in BF16: 0.80 x gemm_shape_factor.
double gemm_efficiency(double m, double n, double k);

// `memory`: memory_per_gpu(m, b, p) when the caller has it already (the search), else computed.
StepTime step_time(const TransformerModel& m, const TrainingBatch& b, const ParallelPlan& p, const SystemModel& sys,
                   const CommRefinement& refine = {}, const MemoryPerGpu* memory = nullptr);

}  // namespace bvr
