// HBM per GPU by kind, on the fullest pipeline stage (the first holds the input embedding and
// the most micro-batches in flight, the second may hold more layers: both are evaluated).
// Mixed-precision Adam as Megatron-LM keeps it: BF16 weights (2 bytes), FP32 gradients (4), FP32
// master weights + two moments (12) (Megatron-LM docs, "Distributed Optimizer"). Activations
// after Korthikanti et al. 2022, "Reducing Activation Recomputation in Large Transformer Models",
// with sequence parallelism and a fused attention kernel (no s x s scores stored), by recompute
// mode. docs/workload.md has the equations.
#pragma once
#include "models/hardware.h"
#include "models/parallel_plan.h"
#include "models/transformer.h"

namespace bvr {

struct MemoryPerGpu {
  double weights_bytes = 0, gradients_bytes = 0, optimizer_bytes = 0, activations_bytes = 0;
  // What the allocations need beyond their sizes: the CUDA context, NCCL and cuBLAS buffers, and
  // the caching allocator's fragmentation (memory_per_gpu.cpp).
  double overhead_bytes = 0;
  int stage = 0;  // the pipeline stage these bytes are for (0 = first)
  double total_bytes() const {
    return weights_bytes + gradients_bytes + optimizer_bytes + activations_bytes + overhead_bytes;
  }
};

// ASSUMPTION (no vendor figure for a training job): the CUDA context, cuBLAS workspaces and NCCL
// channel buffers of the job's communicators hold 2 GiB per GPU (PyTorch's CUDA context alone
// is ~0.5 GiB on H100; NCCL keeps 4 MiB per channel and peer, NCCL_BUFFSIZE's default, for each
// of the TP, PP, DP, CP and EP communicators); and the caching allocator loses 5 % of what is
// allocated to fragmentation. Together with the model below, Llama 3 405B's published TP8 PP16
// layout without activation checkpointing must load on 80 GiB: it bounds the two from above
// (docs/validation.md, "Memory").
inline constexpr double hbm_reserved_bytes = 2.0 * 1024 * 1024 * 1024;
inline constexpr double fragmentation_share = 0.05;

// Parameters held by one GPU of a stage before any data-parallel sharding: its layers (experts
// split over EP) and, on the first stage, the embedding, split over TP.
struct StageParams {
  double dense = 0;   // replicated over DP x CP
  double expert = 0;  // replicated over DP x CP / EP
  double total() const { return dense + expert; }
};
// The busiest stage (the most layers, with the embedding: what the DP collectives move).
StageParams stage_params(const TransformerModel& m, const ParallelPlan& p);
// Stage `stage` (0 = first) with `layers` layers.
StageParams stage_params(const TransformerModel& m, const ParallelPlan& p, int stage, int layers);

// Activation bytes one layer keeps for the backward pass, per micro-batch, on one GPU.
double layer_activation_bytes(const TransformerModel& m, const TrainingBatch& b, const ParallelPlan& p);

// Layer-micro-batches whose activations stage `stage` holds at its peak: 1F1B keeps
// min(pp - stage, m) micro-batches of its layers; the interleaved schedule (Megatron-LM) runs
// (pp - stage - 1) x 2 + (v - 1) x pp warm-up forward chunks before its first backward, one
// more in the steady state, at most all m x v chunks of the step, each 1/v of its layers.
double layers_in_flight(const ParallelPlan& p, long microbatches, int stage, int stage_layers);

// The larger of the first and the second stage (the others hold fewer micro-batches).
MemoryPerGpu memory_per_gpu(const TransformerModel& m, const TrainingBatch& b, const ParallelPlan& p);

bool fits_in_hbm(const MemoryPerGpu& mem, const GpuSpec& gpu);
// HBM left when `mem` is loaded, as a share of the GPU's (negative when it does not fit).
double hbm_headroom(const MemoryPerGpu& mem, const GpuSpec& gpu);

}  // namespace bvr
