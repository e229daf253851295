#include "models/serving.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "models/memory_per_gpu.h"

namespace bvr {

const char* to_string(Attention a) { return a == Attention::Mla ? "mla" : "gqa"; }
const char* to_string(ServingMode m) { return m == ServingMode::Disaggregated ? "disaggregated" : "aggregated"; }
const char* to_string(ServingPriority p) { return p == ServingPriority::Serving ? "serving" : "training"; }

double ServingModel::kv_elements_per_token_layer() const {
  if (attention == Attention::Mla) return static_cast<double>(kv_lora_rank) + rope_head_dim;
  return 2.0 * shape.kv_heads * shape.head_dim();
}

double derived_parameters(const ServingModel& m) {
  const TransformerModel& s = m.shape;
  const double gate = s.gated_ffn ? 3.0 : 2.0;
  const double dense_ffn = gate * s.hidden * m.dense_ffn;
  const int moe = m.moe_layers();
  const double per_moe_layer = s.layer_dense_params() + (s.experts + m.shared_experts) * s.expert_params();
  const double per_dense_layer = s.attention_params() + 2.0 * s.hidden + (s.moe() ? dense_ffn : s.expert_params());
  return moe * per_moe_layer + (s.layers - moe) * per_dense_layer + s.embedding_params() + s.hidden;
}

std::optional<std::string> serving_model_problem(const ServingModel& m) {
  if (auto p = model_problem(m.shape)) return p;
  if (m.attention == Attention::Mla && m.kv_lora_rank <= 0)
    return std::string("kv_lora_rank: MLA attention needs the latent rank (DeepSeek-V3: 512)");
  if (m.dense_layers > 0 && !m.shape.moe())
    return std::string("dense_layers: only a mixture-of-experts model has dense layers apart");
  if (m.dense_layers >= m.shape.layers)
    return fmt::format("dense_layers: {} of {} layers leaves no MoE layer", m.dense_layers, m.shape.layers);
  if (m.dense_layers > 0 && m.dense_ffn <= 0) return std::string("dense_ffn: dense layers need their FFN size");
  if (m.shared_experts > 0 && !m.shape.moe()) return std::string("shared_experts: only a mixture-of-experts model has them");
  if (m.routed_expert_params() >= m.parameters)
    return fmt::format("parameters: {:.4g} is not more than the routed experts' {:.4g} the shape gives", m.parameters,
                       m.routed_expert_params());
  return std::nullopt;
}

double bytes_per_value(Precision p) {
  switch (p) {
    case Precision::Bf16: return 2;
    case Precision::Fp8: return 1;
    // NVFP4: 4-bit E2M1 values in blocks of 16 sharing one FP8 (E4M3) scale (NVIDIA, "Introducing
    // NVFP4", 2025): 4 + 8/16 = 4.5 bits.
    case Precision::Fp4: return 0.5 + 1.0 / 16;
  }
  return 2;
}

ServingEfficiency default_serving_efficiency() {
  // Fitted to MLPerf Inference v4.1 Llama 2 70B offline on 4 H100 (2,675 tokens/s per GPU) and
  // the SGLang DeepSeek-V3 decode on 96 H100 (2,788 per GPU); held out: everything else of
  // docs/validation.md ("Serving"). The HBM share is the 92 % of peak Microsoft measured on
  // GB200 (Azure ND GB200 v6, 2025), less the KV cache's paged, scattered reads.
  return {.hbm = 0.80, .decode = 0.40, .prefill = 0.40};
}

ServingMemory serving_memory(const ServingWorkload& w, const ServingLayout& l, const GpuSpec& gpu) {
  const ServingModel& m = w.model;
  const double wb = bytes_per_value(w.precision), db = bytes_per_value(w.dense_precision);
  ServingMemory out;
  // Dense weights are split by TP and PP (copied in every attention group); routed experts by
  // EP and PP.
  const int expert_ways = m.shape.moe() ? std::max(1, l.ep) : l.tp;
  out.weight_bytes_per_gpu = m.dense_params() / (static_cast<double>(l.tp) * l.pp) * db +
                             m.routed_expert_params() / (static_cast<double>(expert_ways) * l.pp) * wb;
  out.kv_room_bytes_per_gpu = serving_hbm_share * gpu.hbm_bytes - out.weight_bytes_per_gpu;
  // GQA splits the KV heads over TP (copies when TP exceeds them); MLA's latent is held whole by
  // every rank of the attention group.
  const double kv_split = m.attention == Attention::Mla ? 1.0 : std::min<double>(l.tp, m.shape.kv_heads);
  const double per_token = m.kv_elements_per_token_layer() * bytes_per_value(w.kv_precision) * m.shape.layers /
                           l.pp / kv_split;
  out.kv_bytes_per_sequence_per_gpu = per_token * (w.input_tokens + w.output_tokens);
  if (out.kv_room_bytes_per_gpu <= 0 || out.kv_bytes_per_sequence_per_gpu <= 0) return out;
  const double per_group = std::floor(out.kv_room_bytes_per_gpu / out.kv_bytes_per_sequence_per_gpu);
  out.max_sequences = static_cast<long>(std::min(1e9, per_group * l.attention_groups()));
  return out;
}

double experts_touched(double experts, double top_k, double tokens) {
  if (experts <= 1) return experts;
  return experts * (1 - std::pow(1 - top_k / experts, tokens));
}

namespace {

// Attention FLOPs of one token against a context of `ctx` tokens, per layer: QK^T and AV for
// GQA (2 x 2 x heads x head_dim x ctx); MLA in its absorbed decode form, scores over latent + RoPE
// and values over the latent (2 x heads x (2 kv_lora + rope) x ctx).
double attention_flop_per_token_layer(const ServingModel& m, double ctx) {
  const double heads = m.shape.heads;
  if (m.attention == Attention::Mla) return 2 * heads * (2.0 * m.kv_lora_rank + m.rope_head_dim) * ctx;
  return 4 * heads * m.shape.head_dim() * ctx;
}

// Activations cross the wire in BF16; DeepEP dispatches in FP8 (DeepSeek, DeepEP README 2025).
constexpr double activation_bytes = 2;
constexpr double dispatch_bytes = 1;

}  // namespace

double expert_all_to_all_s(const NetworkModel& net, double bytes, int n, double ratio) {
  if (n <= 1 || bytes <= 0) return 0;
  // The pairwise closed form's bandwidth term: its time less the latency of its n - 1 shifts.
  const int local = std::min(n, std::max(1, net.nvlink_domain_gpus));
  const double shift_latency = (local - 1) * net.nvlink_latency_s + (n - local) * net.net_latency_s;
  const double bandwidth_s = collective_time_s(net, CommKind::AllToAll, bytes, n, 1) - shift_latency;
  const double latency = (local > 1 ? net.nvlink_latency_s : 0) + (n > local ? net.net_latency_s : 0);
  return bandwidth_s * ratio + latency;
}

DecodeStep decode_step(const ServingWorkload& w, const ServingLayout& l, const ServingSystem& s, double batch,
                       const ServingEfficiency& e) {
  const ServingModel& m = w.model;
  const GpuSpec& gpu = s.system.gpu;
  const NetworkModel& net = s.system.network;
  const double pp = l.pp, stage = l.stage_gpus(), tp = l.tp;
  const double mb = batch / pp;  // sequences per micro-batch: pp micro-batches keep every stage busy
  const double layers = m.shape.layers / pp, moe_layers = m.moe_layers() / pp;
  const double ctx = w.input_tokens + w.output_tokens / 2.0;  // mean context over a sequence's decode
  const double wb = bytes_per_value(w.precision), db = bytes_per_value(w.dense_precision);
  const ServingMemory mem = serving_memory(w, l, gpu);

  DecodeStep d;
  d.batch = batch;
  // Weights read once per pass: the dense share of the rank, and the experts its tokens hit.
  const double dense_bytes = m.dense_params() / (tp * pp) * db;
  double expert_bytes = 0;
  if (m.shape.moe()) {
    const double touched = experts_touched(m.shape.experts, m.shape.experts_per_token, mb);
    expert_bytes = moe_layers * touched / std::max(1, l.ep) * m.expert_params() * wb;
  }
  d.weight_bytes_per_gpu = dense_bytes + expert_bytes;
  // The KV cache of the rank's sequences (those of its attention group), at the mean context.
  const double per_token = mem.kv_bytes_per_sequence_per_gpu / (w.input_tokens + w.output_tokens);
  d.kv_bytes_per_gpu = mb / l.attention_groups() * ctx * per_token;
  // FLOPs: every active weight once per token, spread over the stage; attention over the group's TP.
  const double dense_matmul = 2 * mb * (m.dense_params() / pp) / stage;
  const double expert_matmul = 2 * mb * ((m.active_params() - m.dense_params()) / pp) / stage;
  const double matmul = dense_matmul + expert_matmul;
  const double attention = mb / l.attention_groups() * layers * attention_flop_per_token_layer(m, ctx) / tp;
  d.flop_per_gpu = matmul + attention;

  const double mem_s = (d.weight_bytes_per_gpu + d.kv_bytes_per_gpu) / (gpu.hbm_bytes_per_s * e.hbm);
  const double comp_s = (dense_matmul / peak_flop_per_s(gpu, w.dense_precision) +
                         expert_matmul / peak_flop_per_s(gpu, w.precision) +
                         attention / peak_flop_per_s(gpu, w.kv_precision)) / e.decode;
  // Collectives: a TP all-reduce after attention, and after the FFN of dense layers (MoE layers
  // combine through the all-to-all instead); EP dispatch and combine per MoE layer; PP hands the
  // micro-batch's activations to the next stage.
  const double group_tokens = mb / l.attention_groups();
  double tp_s = 0, ep_s = 0, pp_s = 0;
  if (l.tp > 1) {
    const double ar = collective_time_s(net, CommKind::AllReduce, group_tokens * m.shape.hidden * activation_bytes, l.tp, 1);
    const double dense_layer_count = layers - (l.ep > 1 ? moe_layers : 0);
    tp_s = ar * (layers + dense_layer_count);
  }
  if (m.shape.moe() && l.ep > 1) {
    // Each rank sends its share of its group's tokens, k copies, to the experts' ranks.
    const double tokens_per_rank = mb / l.ep;
    const double k = m.shape.experts_per_token;
    const double dispatch = expert_all_to_all_s(net, tokens_per_rank * k * m.shape.hidden * dispatch_bytes, l.ep, s.refine.ep);
    const double combine = expert_all_to_all_s(net, tokens_per_rank * k * m.shape.hidden * activation_bytes, l.ep, s.refine.ep);
    ep_s = moe_layers * (dispatch + combine);
  }
  if (l.pp > 1) pp_s = collective_time_s(net, CommKind::SendRecv, mb / l.attention_groups() * m.shape.hidden * activation_bytes, 2, l.stage_gpus());

  // One pass of a micro-batch through a stage, pp passes per output token.
  const double pass = std::max(mem_s, comp_s) + tp_s + ep_s + pp_s;
  d.memory_s = pp * mem_s;
  d.compute_s = pp * comp_s;
  d.tp_comm_s = pp * tp_s;
  d.ep_comm_s = pp * ep_s;
  d.pp_comm_s = pp * pp_s;
  d.step_s = pp * pass;
  return d;
}

double prefill_flop(const ServingWorkload& w) {
  const ServingModel& m = w.model;
  const double in = w.input_tokens;
  // Every active weight once per prompt token, and causal attention at a mean context of half the prompt.
  return 2 * m.active_params() * in + in * m.shape.layers * attention_flop_per_token_layer(m, in / 2);
}

double prefill_gpu_s(const ServingWorkload& w, const GpuSpec& gpu, const ServingEfficiency& e) {
  const ServingModel& m = w.model;
  const double in = w.input_tokens;
  const double dense = 2 * m.dense_params() * in, experts = 2 * (m.active_params() - m.dense_params()) * in;
  const double attention = prefill_flop(w) - dense - experts;
  return (dense / peak_flop_per_s(gpu, w.dense_precision) + experts / peak_flop_per_s(gpu, w.precision) +
          attention / peak_flop_per_s(gpu, w.kv_precision)) / e.prefill;
}

double prefill_s(const ServingWorkload& w, const GpuSpec& gpu, int gpus, const ServingEfficiency& e) {
  return prefill_gpu_s(w, gpu, e) / gpus;
}

ServingPoint serving_point(const ServingWorkload& w, const ServingLayout& l, const ServingSystem& s, double batch,
                           const ServingEfficiency& e) {
  const DecodeStep d = decode_step(w, l, s, batch, e);
  const GpuSpec& gpu = s.system.gpu;
  ServingPoint p;
  p.layout = l;
  p.batch = batch;
  p.step_s = d.step_s;
  p.memory_bound = d.memory_s >= d.compute_s;
  const double prefill_gpu_s = bvr::prefill_gpu_s(w, gpu, e);
  const double out = w.output_tokens;
  if (w.mode == ServingMode::Aggregated) {
    // Steady state: batch / out requests finish (and start) per decode iteration; their prefill
    // runs on the instance between iterations (chunked), stalling every sequence.
    const double per_token = d.step_s + batch / out * prefill_gpu_s / l.gpus();
    p.tokens_per_s_per_user = 1 / per_token;
    p.tokens_per_s_per_gpu = batch / per_token / l.gpus();
    p.ttft_s = prefill_gpu_s / l.gpus();
  } else {
    // A prefill pool sized to the decode instance's request rate.
    const double requests_per_s = batch / (out * d.step_s);
    p.prefill_gpus = requests_per_s * prefill_gpu_s;
    p.tokens_per_s_per_user = 1 / d.step_s;
    p.tokens_per_s_per_gpu = batch / d.step_s / (l.gpus() + p.prefill_gpus);
    p.ttft_s = prefill_gpu_s / l.gpus();
  }
  return p;
}

std::vector<ServingLayout> serving_layouts(const ServingWorkload& w, int domain_gpus) {
  if (w.layout) return {*w.layout};
  const ServingModel& m = w.model;
  std::vector<ServingLayout> out;
  std::vector<int> tps;
  for (int tp = 1; tp <= domain_gpus && tp <= m.shape.heads; tp *= 2) tps.push_back(tp);
  for (int pp = 1; pp <= 8; pp *= 2)
    for (int tp : tps) {
      if (!m.shape.moe()) {
        out.push_back({tp, 1, pp});
        continue;
      }
      std::vector<int> eps;
      for (int ep = tp; ep <= 4 * std::max(domain_gpus, 64) && ep <= 2 * m.shape.experts * tp; ep *= 2) eps.push_back(ep);
      for (int k = 1; k <= 4; ++k)
        if (k * domain_gpus % tp == 0) eps.push_back(k * domain_gpus);
      std::sort(eps.begin(), eps.end());
      eps.erase(std::unique(eps.begin(), eps.end()), eps.end());
      for (int ep : eps) out.push_back({tp, ep, pp});
    }
  return out;
}

std::vector<ServingPoint> serving_points(const ServingWorkload& w, const ServingSystem& s,
                                         const std::vector<ServingLayout>& layouts, const ServingEfficiency& e) {
  std::vector<ServingPoint> out;
  for (const ServingLayout& l : layouts) {
    if (!has_tensor_cores(w, s.system.gpu)) continue;
    const long limit = batch_limit(w, l, s.system.gpu);
    if (limit < l.pp) continue;
    std::vector<double> batches;
    for (double b = l.pp; b < static_cast<double>(limit); b *= 2) batches.push_back(b);
    batches.push_back(static_cast<double>(limit));
    for (double b : batches) out.push_back(serving_point(w, l, s, b, e));
  }
  return out;
}

std::vector<ServingPoint> serving_frontier(std::vector<ServingPoint> points) {
  std::stable_sort(points.begin(), points.end(), [](const ServingPoint& a, const ServingPoint& b) {
    if (a.tokens_per_s_per_user != b.tokens_per_s_per_user) return a.tokens_per_s_per_user > b.tokens_per_s_per_user;
    return a.tokens_per_s_per_gpu > b.tokens_per_s_per_gpu;
  });
  std::vector<ServingPoint> out;
  double best = -1;
  for (const ServingPoint& p : points)
    if (p.tokens_per_s_per_gpu > best) {
      out.push_back(p);
      best = p.tokens_per_s_per_gpu;
    }
  return out;
}

std::optional<ServingPoint> best_at(const std::vector<ServingPoint>& points, double target) {
  std::optional<ServingPoint> best;
  for (const ServingPoint& p : points)
    if (p.tokens_per_s_per_user >= target && (!best || p.tokens_per_s_per_gpu > best->tokens_per_s_per_gpu)) best = p;
  return best;
}

bool has_tensor_cores(const ServingWorkload& w, const GpuSpec& gpu) {
  return peak_flop_per_s(gpu, w.precision) > 0 && peak_flop_per_s(gpu, w.dense_precision) > 0 &&
         peak_flop_per_s(gpu, w.kv_precision) > 0;
}

long batch_limit(const ServingWorkload& w, const ServingLayout& l, const GpuSpec& gpu) {
  long limit = serving_memory(w, l, gpu).max_sequences;
  if (w.max_batch > 0) limit = std::min<long>(limit, w.max_batch);
  return limit;
}

std::optional<ServingPoint> best_layout_at(const ServingWorkload& w, const ServingSystem& s,
                                           const std::vector<ServingLayout>& layouts, double target,
                                           const ServingEfficiency& e) {
  std::optional<ServingPoint> best;
  if (!has_tensor_cores(w, s.system.gpu)) return best;
  for (const ServingLayout& l : layouts) {
    long lo = l.pp, hi = batch_limit(w, l, s.system.gpu);
    if (hi < lo) continue;
    auto reaches = [&](long b) { return serving_point(w, l, s, static_cast<double>(b), e).tokens_per_s_per_user >= target; };
    if (!reaches(lo)) continue;
    // The largest batch in [lo, hi] that reaches the target.
    while (lo < hi) {
      const long mid = lo + (hi - lo + 1) / 2;
      if (reaches(mid)) lo = mid;
      else hi = mid - 1;
    }
    const ServingPoint p = serving_point(w, l, s, static_cast<double>(lo), e);
    if (!best || p.tokens_per_s_per_gpu > best->tokens_per_s_per_gpu) best = p;
  }
  return best;
}

}  // namespace bvr
