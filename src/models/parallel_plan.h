// The execution strategy (Calculon's "execution"): how a training step of a model is laid out
// on GPUs. Rank order inside the job, fastest first: TP, CP, DP, PP (Megatron-LM's order), so a
// TP group is contiguous, a DP group strides by TP x CP, and EP groups are carved out of DP.
#pragma once
#include <algorithm>
#include <optional>
#include <string>

#include "models/transformer.h"

namespace bvr {

enum class PipelineSchedule { OneFOneB, Interleaved };
enum class Recompute { None, Selective, Full };
// What data parallelism shards: nothing, the optimizer state (ZeRO-1, Megatron's distributed
// optimizer), optimizer state and gradients (ZeRO-2: gradients reduce-scattered after each
// micro-batch; PyTorch FSDP without resharding after the forward pass, as Llama 3 trained), or
// everything (FSDP / ZeRO-3: weights gathered for each micro-batch).
enum class Sharding { None, Zero1, Zero2, Fsdp };
enum class Precision { Bf16, Fp8, Fp4 };
// The attention kernel: fused (FlashAttention: skips the masked tiles of causal attention, keeps
// no scores, recomputes them in the backward pass) or unfused (Megatron-LM before 2023: the
// scores as batched GEMMs over the whole s x s matrix, a softmax kernel and dropout in HBM, the
// core recomputed in the backward pass: Korthikanti et al. 2022's selective recomputation).
enum class AttentionKernel { Fused, Unfused };

const char* to_string(PipelineSchedule s);
const char* to_string(Recompute r);
const char* to_string(Sharding s);
const char* to_string(Precision p);

// What one step trains: global batch = sequences x sequence length tokens.
struct TrainingBatch {
  int seq_len = 0;
  long global_batch_seqs = 0;
  double tokens() const { return static_cast<double>(global_batch_seqs) * seq_len; }
};

struct ParallelPlan {
  int tp = 1, pp = 1, dp = 1, cp = 1, ep = 1;
  int microbatch = 1;      // sequences per micro-batch
  PipelineSchedule schedule = PipelineSchedule::OneFOneB;
  int virtual_stages = 1;  // model chunks per pipeline stage (interleaved)
  Sharding sharding = Sharding::Zero1;
  Recompute recompute = Recompute::Selective;
  Precision precision = Precision::Bf16;
  AttentionKernel attention = AttentionKernel::Fused;
  // Overlap of communication with compute (step_time.cpp states each share and its source):
  // tensor-parallel all-gathers and reduce-scatters with the GEMMs they feed (Megatron-LM's
  // --tp-comm-overlap, Transformer Engine userbuffers), and the expert all-to-all with the
  // compute of another micro-batch (DeepSeek-V3's DualPipe; Megatron-Core's EP A2A overlap).
  bool tp_comm_overlap = true;
  bool ep_comm_overlap = true;

  int gpus() const { return tp * pp * dp * cp; }
  int model_parallel_gpus() const { return tp * pp * cp; }  // one data-parallel replica
  // Micro-batches per step and per replica; the last one is padded when they do not divide.
  long microbatches(const TrainingBatch& b) const {
    const long per_replica = static_cast<long>(dp) * microbatch;
    return (b.global_batch_seqs + per_replica - 1) / per_replica;
  }
  int chunks() const { return schedule == PipelineSchedule::Interleaved ? virtual_stages : 1; }
  // Layers of the busiest stage: whole layers per model chunk.
  int layers_per_stage(int layers) const {
    const int per_chunk = (layers + pp * chunks() - 1) / (pp * chunks());
    return per_chunk * chunks();
  }
  // Layers of the first stage: when the stages hold more slots than the model has layers, the
  // first and the last stage give one up, as they also hold the embedding and the output layer
  // (Megatron-Core's --decoder-first/last-pipeline-num-layers; Llama 3 405B put 7 layers on its
  // first and last of 16 stages, 8 on the others: Dubey et al. 2024, section 3.3.2).
  int first_stage_layers(int layers) const {
    const int busiest = layers_per_stage(layers);
    if (pp == 1) return layers;
    return busiest * pp > layers ? std::max(1, busiest - 1) : busiest;
  }
};

// The first reason `plan` cannot run `m` on `batch` as "key: reason" (key as in the scenario's
// parallelism block), or nothing. Memory is checked separately (memory_per_gpu.h).
std::optional<std::string> plan_problem(const TransformerModel& m, const TrainingBatch& batch, const ParallelPlan& plan);

}  // namespace bvr
