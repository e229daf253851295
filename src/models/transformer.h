// The application (Calculon's split: application, execution strategy, system): a decoder-only
// transformer, dense or mixture-of-experts, with grouped-query attention. Parameter counts and
// model FLOPs are derived from the shape, never typed in (docs/workload.md, "The model").
#pragma once
#include <optional>
#include <string>

namespace bvr {

struct TransformerModel {
  int layers = 0;
  int hidden = 0;             // h, the model width
  int ffn = 0;                // f, the feed-forward inner size (of one expert)
  int heads = 0;              // attention (query) heads; head size = hidden / heads
  int kv_heads = 0;           // key/value heads (GQA); = heads for multi-head attention
  int vocab = 0;
  int experts = 1;            // 1 = dense
  int experts_per_token = 1;  // top-k routing
  bool gated_ffn = false;     // SwiGLU/GeGLU: three matrices per FFN instead of two
  bool tied_embeddings = false;  // the output layer reuses the input embedding

  bool moe() const { return experts > 1; }
  int head_dim() const { return hidden / heads; }
  double attention_params() const;   // per layer: Q, K, V, O projections
  double expert_params() const;      // per layer, one expert's FFN
  double router_params() const;      // per layer
  double layer_dense_params() const; // per layer, everything but the experts (attention, router, norms)
  double embedding_params() const;   // input embedding (+ output layer when not tied)
  double total_params() const;
  double active_params() const;      // touched by one token: top-k experts
};

// The first problem with a model's shape as "key: reason", or nothing.
std::optional<std::string> model_problem(const TransformerModel& m);

// Model FLOPs per token trained (forward + backward, no recomputation): 6 x the active matmul
// parameters (the output layer included, the input lookup not) + 12 x layers x hidden x sequence
// for the attention scores (PaLM's MFU definition, Chowdhery et al. 2022, appendix B).
double model_flop_per_token(const TransformerModel& m, int seq_len);

}  // namespace bvr
