// HBM per GPU by kind, on the busiest pipeline stage (the first: it holds the input embedding
// and the most micro-batches in flight). Mixed-precision Adam as Megatron-LM keeps it: BF16
// weights (2 bytes), FP32 gradients (4), FP32 master weights + two moments (12)
// (Megatron-LM docs, "Distributed Optimizer"). Activations after Korthikanti et al. 2022,
// "Reducing Activation Recomputation in Large Transformer Models", with sequence parallelism
// and a fused attention kernel (no s x s scores stored). docs/workload.md has the equations.
#pragma once
#include "models/hardware.h"
#include "models/parallel_plan.h"
#include "models/transformer.h"

namespace bvr {

struct MemoryPerGpu {
  double weights_bytes = 0, gradients_bytes = 0, optimizer_bytes = 0, activations_bytes = 0;
  double total_bytes() const { return weights_bytes + gradients_bytes + optimizer_bytes + activations_bytes; }
};

// ASSUMPTION: 10 % of HBM goes to the CUDA context, NCCL buffers, workspace and allocator
// fragmentation; a plan fits when its total is within the rest.
inline constexpr double usable_hbm_share = 0.9;

// Parameters held by one GPU of the busiest stage before any data-parallel sharding:
// the stage's layers (experts split over EP) and the embedding, split over TP.
struct StageParams {
  double dense = 0;   // replicated over DP x CP
  double expert = 0;  // replicated over DP x CP / EP
  double total() const { return dense + expert; }
};
StageParams stage_params(const TransformerModel& m, const ParallelPlan& p);

// Activation bytes one layer keeps for the backward pass, per micro-batch, on one GPU.
double layer_activation_bytes(const TransformerModel& m, const TrainingBatch& b, const ParallelPlan& p);

MemoryPerGpu memory_per_gpu(const TransformerModel& m, const TrainingBatch& b, const ParallelPlan& p);

bool fits_in_hbm(const MemoryPerGpu& mem, const GpuSpec& gpu);

}  // namespace bvr
