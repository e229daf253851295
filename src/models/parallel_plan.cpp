#include "models/parallel_plan.h"

#include <fmt/format.h>

namespace bvr {

const char* to_string(PipelineSchedule s) { return s == PipelineSchedule::Interleaved ? "interleaved" : "1f1b"; }

const char* to_string(Recompute r) {
  switch (r) {
    case Recompute::None: return "none";
    case Recompute::Selective: return "selective";
    case Recompute::Full: return "full";
  }
  return "?";
}

const char* to_string(Sharding s) {
  switch (s) {
    case Sharding::None: return "none";
    case Sharding::Zero1: return "zero1";
    case Sharding::Zero2: return "zero2";
    case Sharding::Fsdp: return "fsdp";
  }
  return "?";
}

const char* to_string(Precision p) {
  switch (p) {
    case Precision::Bf16: return "bf16";
    case Precision::Fp8: return "fp8";
    case Precision::Fp4: return "fp4";
  }
  return "?";
}

std::optional<std::string> plan_problem(const TransformerModel& m, const TrainingBatch& batch, const ParallelPlan& p) {
  if (p.tp < 1 || p.pp < 1 || p.dp < 1 || p.cp < 1 || p.ep < 1 || p.microbatch < 1)
    return std::string("every degree and the micro-batch must be at least 1");
  if (m.heads % p.tp != 0) return fmt::format("tp: {} must divide the {} attention heads", p.tp, m.heads);
  if (m.kv_heads % p.tp != 0 && p.tp % m.kv_heads != 0)
    return fmt::format("tp: {} and the {} key/value heads must divide one another", p.tp, m.kv_heads);
  if (m.ffn % p.tp != 0) return fmt::format("tp: {} must divide the FFN size {}", p.tp, m.ffn);
  if (batch.seq_len % (2 * p.cp) != 0 && p.cp > 1)
    return fmt::format("cp: 2 x {} must divide the sequence length {} (causal load balancing)", p.cp, batch.seq_len);
  if (p.schedule == PipelineSchedule::Interleaved && (p.pp < 2 || p.virtual_stages < 2))
    return fmt::format("schedule: interleaved needs pp >= 2 and virtual_stages >= 2 (pp {}, virtual_stages {})", p.pp,
                       p.virtual_stages);
  if (p.pp * p.chunks() > m.layers)
    return fmt::format("pp: {} stages x {} chunks is more than the {} layers", p.pp, p.chunks(), m.layers);
  if (!m.moe() && p.ep != 1) return fmt::format("ep: {} needs a mixture-of-experts model (experts > 1)", p.ep);
  if (m.experts % p.ep != 0) return fmt::format("ep: {} must divide the {} experts", p.ep, m.experts);
  if ((p.dp * p.cp) % p.ep != 0)
    return fmt::format("ep: {} must divide dp x cp = {} (expert parallelism is carved out of data parallelism)", p.ep,
                       p.dp * p.cp);
  if (static_cast<long>(p.dp) * p.microbatch > batch.global_batch_seqs)
    return fmt::format("dp: {} replicas x micro-batch {} is more than the global batch of {} sequences", p.dp,
                       p.microbatch, batch.global_batch_seqs);
  return std::nullopt;
}

}  // namespace bvr
