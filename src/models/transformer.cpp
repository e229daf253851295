#include "models/transformer.h"

#include <fmt/format.h>

namespace bvr {

double TransformerModel::attention_params() const {
  const double h = hidden, kv = static_cast<double>(kv_heads) * head_dim();
  return h * h /* Q */ + 2 * h * kv /* K, V */ + h * h /* O */;
}

double TransformerModel::expert_params() const { return (gated_ffn ? 3.0 : 2.0) * hidden * ffn; }

double TransformerModel::router_params() const { return moe() ? static_cast<double>(hidden) * experts : 0; }

double TransformerModel::layer_dense_params() const {
  return attention_params() + router_params() + 2.0 * hidden /* two norms */;
}

double TransformerModel::embedding_params() const {
  return static_cast<double>(vocab) * hidden * (tied_embeddings ? 1 : 2);
}

double TransformerModel::total_params() const {
  return layers * (layer_dense_params() + experts * expert_params()) + embedding_params() + hidden /* final norm */;
}

double TransformerModel::active_params() const {
  return layers * (layer_dense_params() + experts_per_token * expert_params()) + embedding_params() + hidden;
}

std::optional<std::string> model_problem(const TransformerModel& m) {
  if (m.hidden % m.heads != 0)
    return fmt::format("heads: {} heads must divide hidden ({})", m.heads, m.hidden);
  if (m.kv_heads > m.heads || m.heads % m.kv_heads != 0)
    return fmt::format("kv_heads: {} key/value heads must divide the {} heads", m.kv_heads, m.heads);
  if (m.experts_per_token > m.experts)
    return fmt::format("experts_per_token: {} is more than the {} experts", m.experts_per_token, m.experts);
  return std::nullopt;
}

double attention_flop_per_token(const TransformerModel& m, int seq_len, AttentionCounting c) {
  const double full = 12.0 * m.layers * m.hidden * seq_len;
  return c == AttentionCounting::Full ? full : full / 2;
}

double model_flop_per_token(const TransformerModel& m, int seq_len, AttentionCounting c) {
  const double matmul_params = m.layers * (m.attention_params() + m.router_params() +
                                           m.experts_per_token * m.expert_params()) +
                               static_cast<double>(m.vocab) * m.hidden;
  return 6 * matmul_params + attention_flop_per_token(m, seq_len, c);
}

}  // namespace bvr
