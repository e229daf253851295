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
  // Dropout after attention and the FFN (GPT-3-era models: one mask byte per element kept for the
  // backward pass). Llama and DeepSeek train without it.
  bool dropout = false;
  // Node-limited routing: each token goes to experts on at most this many NVLink domains (nodes),
  // crossing the network once per node and reaching its experts there over NVLink (DeepSeek-V3:
  // 4 nodes, arXiv 2412.19437, section 3.2.2). 0 = no limit (top-k anywhere).
  int max_nodes_per_token = 0;

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

// How the attention scores (QK^T and the product with V) are counted in model FLOPs.
// Causal: a token attends to the tokens before it, on average half the sequence, and fused
// (flash) kernels skip the masked tiles, so the work done is half the full matrix. Full: every
// query against the whole sequence, as PaLM's definition (Chowdhery et al. 2022, appendix B)
// and Megatron-LM's formula (Narayanan et al. 2021, eq. 3) count it.
enum class AttentionCounting { Causal, Full };

// Attention-score FLOPs per token trained (forward + backward): 12 x layers x hidden x sequence
// counted in full, half that causal.
double attention_flop_per_token(const TransformerModel& m, int seq_len, AttentionCounting c);

// Model FLOPs per token trained (forward + backward, no recomputation): 6 x the active matmul
// parameters (the output layer included, the input lookup not) + the attention scores. bvr counts
// them causal (the work the step-time model charges time for, so that MFU and time agree at
// every context length); published figures that count the full matrix are compared with
// AttentionCounting::Full (docs/workload.md, "Model FLOPs").
double model_flop_per_token(const TransformerModel& m, int seq_len,
                            AttentionCounting c = AttentionCounting::Causal);

}  // namespace bvr
