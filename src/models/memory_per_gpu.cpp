#include "models/memory_per_gpu.h"

#include <algorithm>

namespace bvr {

namespace {
constexpr double bf16_bytes = 2, grad_bytes = 4, adam_bytes = 12;
}

StageParams stage_params(const TransformerModel& m, const ParallelPlan& p) {
  const double layers = p.layers_per_stage(m.layers);
  StageParams s;
  // The first stage holds the input embedding; with one stage, the output layer too.
  const double embedding = p.pp == 1 ? m.embedding_params() : static_cast<double>(m.vocab) * m.hidden;
  s.dense = (layers * m.layer_dense_params() + embedding) / p.tp;
  s.expert = layers * m.experts * m.expert_params() / (static_cast<double>(p.tp) * p.ep);
  return s;
}

double layer_activation_bytes(const TransformerModel& m, const TrainingBatch& b, const ParallelPlan& p) {
  // Tokens of one micro-batch on this GPU's sequence shard; sequence parallelism splits
  // everything by TP (Korthikanti et al. 2022, eq. 4 and section 4.2.2).
  const double sb = static_cast<double>(p.microbatch) * b.seq_len / p.cp;
  const double h = m.hidden, f = m.ffn, k = m.kv_heads, a = m.heads;
  if (p.recompute == Recompute::Full) return 2 * sb * h / p.tp;  // the layer's input only
  // Bytes per token (BF16 = 2, dropout masks 1): Korthikanti's 11h attention term with
  // K and V shrunk by GQA: 2h input + 2h Q + 4h k/a K,V + 2h output-projection input + h mask.
  const double attention = 7 * h + 4 * h * k / a;
  // FFN: 2h input + h mask + per routed expert 2f (+2f gated) projection outputs + 2f activation output.
  const double per_expert_act = 2 * f;
  const double per_expert = (m.gated_ffn ? 4 * f : 2 * f) + per_expert_act;
  double ffn = 3 * h + m.experts_per_token * per_expert;
  double norms = 4 * h;
  // Selective: the norms and the activation function are recomputed in the backward pass.
  if (p.recompute == Recompute::Selective) {
    norms = 0;
    ffn -= m.experts_per_token * per_expert_act;
  }
  return sb * (attention + ffn + norms) / p.tp;
}

MemoryPerGpu memory_per_gpu(const TransformerModel& m, const TrainingBatch& b, const ParallelPlan& p) {
  const StageParams sp = stage_params(m, p);
  const double dense_dp = static_cast<double>(p.dp) * p.cp, expert_dp = dense_dp / p.ep;
  MemoryPerGpu mem;
  const double sharded = sp.dense / dense_dp + sp.expert / expert_dp;
  if (p.sharding == Sharding::Fsdp) {
    // Everything sharded; one layer's weights gathered, and the next prefetched.
    const double layer = (m.layer_dense_params() + m.experts * m.expert_params() / p.ep) / p.tp;
    mem.weights_bytes = bf16_bytes * (sharded + 2 * layer);
    mem.gradients_bytes = grad_bytes * sharded;
  } else {
    mem.weights_bytes = bf16_bytes * sp.total();
    mem.gradients_bytes = grad_bytes * sp.total();
  }
  mem.optimizer_bytes = adam_bytes * (p.sharding == Sharding::None ? sp.total() : sharded);

  // Micro-batches in flight on the first stage: pp for 1F1B (fewer when the step has fewer);
  // interleaving keeps (1 + (pp-1)/(pp v)) times more (Korthikanti et al. 2022, section 4.2.3).
  const double m_step = static_cast<double>(p.microbatches(b));
  double in_flight = std::min<double>(p.pp, m_step);
  if (p.schedule == PipelineSchedule::Interleaved)
    in_flight *= 1 + (p.pp - 1.0) / (static_cast<double>(p.pp) * p.virtual_stages);
  const double layers = p.layers_per_stage(m.layers);
  mem.activations_bytes = layers * in_flight * layer_activation_bytes(m, b, p);
  if (p.recompute == Recompute::Full) {
    ParallelPlan stored = p;  // the layer being recomputed holds everything once
    stored.recompute = Recompute::None;
    mem.activations_bytes += layer_activation_bytes(m, b, stored);
  }
  // One stage: the logits (FP32) of the micro-batch as well (Korthikanti: 4 s b v / t).
  if (p.pp == 1)
    mem.activations_bytes += 4.0 * p.microbatch * b.seq_len / p.cp * m.vocab / p.tp;
  return mem;
}

bool fits_in_hbm(const MemoryPerGpu& mem, const GpuSpec& gpu) {
  return mem.total_bytes() <= usable_hbm_share * gpu.hbm_bytes;
}

}  // namespace bvr
