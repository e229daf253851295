// The execution strategy (Calculon's "execution"): how a training step of a model is laid out
// on GPUs. Rank order inside the job, fastest first: TP, CP, DP, PP (Megatron-LM's order), so a
// TP group is contiguous, a DP group strides by TP x CP, and EP groups are carved out of DP.
#pragma once
#include <optional>
#include <string>

#include "models/transformer.h"

namespace bvr {

enum class PipelineSchedule { OneFOneB, Interleaved };
enum class Recompute { None, Selective, Full };
enum class Sharding { None, Zero1, Fsdp };  // what data parallelism shards: nothing, optimizer state, everything
enum class Precision { Bf16, Fp8, Fp4 };

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
};

// The first reason `plan` cannot run `m` on `batch` as "key: reason" (key as in the scenario's
// parallelism block), or nothing. Memory is checked separately (memory_per_gpu.h).
std::optional<std::string> plan_problem(const TransformerModel& m, const TrainingBatch& batch, const ParallelPlan& plan);

}  // namespace bvr
