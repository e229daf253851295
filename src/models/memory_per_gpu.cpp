#include "models/memory_per_gpu.h"

#include <algorithm>

namespace bvr {

namespace {
constexpr double bf16_bytes = 2, grad_bytes = 4, adam_bytes = 12;
}

StageParams stage_params(const TransformerModel& m, const ParallelPlan& p, int stage, int layers) {
  StageParams s;
  // The first stage holds the input embedding; with one stage, the output layer too.
  const double embedding = p.pp == 1 ? m.embedding_params() : stage == 0 ? static_cast<double>(m.vocab) * m.hidden : 0;
  s.dense = (layers * m.layer_dense_params() + embedding) / p.tp;
  s.expert = layers * m.experts * m.expert_params() / (static_cast<double>(p.tp) * p.ep);
  return s;
}

StageParams stage_params(const TransformerModel& m, const ParallelPlan& p) {
  // The busiest stage's layers with the input embedding: an upper bound for every stage.
  return stage_params(m, p, 0, p.layers_per_stage(m.layers));
}

double layer_activation_bytes(const TransformerModel& m, const TrainingBatch& b, const ParallelPlan& p) {
  // Tokens of one micro-batch on this GPU's sequence shard; sequence parallelism splits
  // everything by TP (Korthikanti et al. 2022, eq. 4 and section 4.2.2).
  const double sb = static_cast<double>(p.microbatch) * b.seq_len / p.cp;
  const double h = m.hidden, f = m.ffn, k = m.kv_heads, a = m.heads;
  if (p.recompute == Recompute::Full) return 2 * sb * h / p.tp;  // the layer's input only
  const double mask = m.dropout ? 1.0 : 0.0;  // one byte per element after attention and the FFN
  // Bytes per token (BF16 = 2): Korthikanti's 11h attention term with K and V shrunk by GQA:
  // 2h input + 2h Q + 4h k/a K,V + 2h output-projection input (the fused kernel's output) + mask.
  const double attention = 6 * h + 4 * h * k / a + mask * h;
  // FFN: 2h input + mask + per routed expert 2f (+2f gated) projection outputs + 2f activation output.
  const double per_expert_act = 2 * f;
  const double per_expert = (m.gated_ffn ? 4 * f : 2 * f) + per_expert_act;
  double ffn = 2 * h + mask * h + m.experts_per_token * per_expert;
  double norms = 4 * h;
  // Selective (Megatron-Core's recompute of the norms and the activation function, beside the
  // attention core, which the fused kernel recomputes whatever the mode): those are recomputed in
  // the backward pass. Korthikanti's "selective" (attention core only) is None here.
  if (p.recompute == Recompute::Selective) {
    norms = 0;
    ffn -= m.experts_per_token * per_expert_act;
  }
  return sb * (attention + ffn + norms) / p.tp;
}

double layers_in_flight(const ParallelPlan& p, long microbatches, int stage, int stage_layers) {
  const double m = static_cast<double>(microbatches);
  if (p.schedule != PipelineSchedule::Interleaved)
    return stage_layers * std::min<double>(p.pp - stage, m);
  const double v = p.virtual_stages;
  const double chunks = std::min(m * v, (p.pp - stage - 1.0) * 2 + (v - 1) * p.pp + 1);
  return chunks * stage_layers / v;
}

namespace {

MemoryPerGpu stage_memory(const TransformerModel& m, const TrainingBatch& b, const ParallelPlan& p, int stage,
                          int layers) {
  const StageParams sp = stage_params(m, p, stage, layers);
  const double dense_dp = static_cast<double>(p.dp) * p.cp, expert_dp = dense_dp / p.ep;
  MemoryPerGpu mem;
  mem.stage = stage;
  const double sharded = sp.dense / dense_dp + sp.expert / expert_dp;
  // One layer's parameters on this GPU (TP and EP applied).
  const double layer = (m.layer_dense_params() + m.experts * m.expert_params() / p.ep) / p.tp;
  switch (p.sharding) {
    case Sharding::None:
    case Sharding::Zero1:
      mem.weights_bytes = bf16_bytes * sp.total();
      mem.gradients_bytes = grad_bytes * sp.total();
      break;
    case Sharding::Zero2:
      // Weights kept; each layer's gradients reduce-scattered as the backward pass leaves it,
      // so one layer's (and the next, in flight) are whole at a time.
      mem.weights_bytes = bf16_bytes * sp.total();
      mem.gradients_bytes = grad_bytes * (sharded + 2 * layer);
      break;
    case Sharding::Fsdp:
      // Everything sharded; one layer's weights gathered, and the next prefetched.
      mem.weights_bytes = bf16_bytes * (sharded + 2 * layer);
      mem.gradients_bytes = grad_bytes * (sharded + 2 * layer);
      break;
  }
  mem.optimizer_bytes = adam_bytes * (p.sharding == Sharding::None ? sp.total() : sharded);

  mem.activations_bytes = layers_in_flight(p, p.microbatches(b), stage, layers) * layer_activation_bytes(m, b, p);
  if (p.recompute == Recompute::Full) {
    ParallelPlan stored = p;  // the layer being recomputed holds everything once
    stored.recompute = Recompute::None;
    mem.activations_bytes += layer_activation_bytes(m, b, stored);
  }
  // One stage: the logits (FP32) of the micro-batch as well (Korthikanti: 4 s b v / t).
  if (p.pp == 1) mem.activations_bytes += 4.0 * p.microbatch * b.seq_len / p.cp * m.vocab / p.tp;
  const double allocated = mem.weights_bytes + mem.gradients_bytes + mem.optimizer_bytes + mem.activations_bytes;
  mem.overhead_bytes = hbm_reserved_bytes + fragmentation_share * allocated;
  return mem;
}

}  // namespace

MemoryPerGpu memory_per_gpu(const TransformerModel& m, const TrainingBatch& b, const ParallelPlan& p) {
  const MemoryPerGpu first = stage_memory(m, b, p, 0, p.first_stage_layers(m.layers));
  if (p.pp == 1) return first;
  const MemoryPerGpu second = stage_memory(m, b, p, 1, p.layers_per_stage(m.layers));
  return second.total_bytes() > first.total_bytes() ? second : first;
}

bool fits_in_hbm(const MemoryPerGpu& mem, const GpuSpec& gpu) { return mem.total_bytes() <= gpu.hbm_bytes; }

double hbm_headroom(const MemoryPerGpu& mem, const GpuSpec& gpu) {
  return gpu.hbm_bytes > 0 ? 1 - mem.total_bytes() / gpu.hbm_bytes : -1;
}

}  // namespace bvr
