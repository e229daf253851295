// Serving as a workload: how many output tokens per second a GPU delivers at an interactivity
// (output tokens per second per user), for a model, a precision, a system and a layout. Pure:
// the roofline of one decode iteration (weights and KV cache read from HBM against the GEMM and
// attention FLOPs), prefill as compute, the KV cache limiting concurrency, collectives in closed
// form (models/step_time.h) scaled by what the fabric simulation measured (sim/serving_speed.h).
// docs/serving.md has every equation and its sources.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "models/parallel_plan.h"
#include "models/step_time.h"
#include "models/transformer.h"

namespace bvr {

enum class Attention { Gqa, Mla };
const char* to_string(Attention a);

// The served model: the transformer's shape (GQA attention, experts of `shape.ffn`), and what
// serving needs beyond it.
struct ServingModel {
  std::string name;
  TransformerModel shape;
  Attention attention = Attention::Gqa;
  int kv_lora_rank = 0;    // MLA: the compressed key/value latent per token and layer
  int rope_head_dim = 0;   // MLA: the decoupled RoPE key per token and layer
  int shared_experts = 0;  // MoE: experts every token passes through (counted with the dense weights)
  int dense_layers = 0;    // MoE: the first layers have a dense FFN (DeepSeek-V3: 3)
  int dense_ffn = 0;       //      of this inner size
  // Total parameters: derived from the shape, or as published (needed for MLA, whose low-rank
  // projections the shape does not hold). The expert share is always derived from the shape.
  double parameters = 0;

  int moe_layers() const { return shape.moe() ? shape.layers - dense_layers : 0; }
  double expert_params() const { return shape.expert_params(); }  // one routed expert, one layer
  double routed_expert_params() const { return moe_layers() * shape.experts * expert_params(); }
  // Everything every token reads: attention, dense FFNs, shared experts, embeddings, norms.
  double dense_params() const { return parameters - routed_expert_params(); }
  double active_params() const { return dense_params() + moe_layers() * shape.experts_per_token * expert_params(); }
  // Key/value cache elements per token and layer (K and V for GQA; latent + RoPE key for MLA).
  double kv_elements_per_token_layer() const;
};

// Parameters of a shape with GQA attention, a first `dense_layers` dense FFN of `dense_ffn` and
// `shared_experts` (docs/serving.md, "Model").
double derived_parameters(const ServingModel& m);

// The first problem with a serving model as "key: reason", or nothing.
std::optional<std::string> serving_model_problem(const ServingModel& m);

// Bytes per stored value: BF16 2, FP8 1, FP4 0.5 plus NVFP4's one FP8 scale per 16 values.
double bytes_per_value(Precision p);

// How the model is laid out on an instance (one copy of the weights): TP inside the NVLink
// domain for attention (and the dense FFN); experts over `ep` GPUs of each stage, attention
// data-parallel over ep / tp groups ("DP attention"); `pp` pipeline stages. Replicas of the
// instance fill the site.
struct ServingLayout {
  int tp = 1;
  int ep = 1;  // 1 for a dense model; else a multiple of tp
  int pp = 1;
  int stage_gpus() const { return ep > tp ? ep : tp; }
  int gpus() const { return stage_gpus() * pp; }
  int attention_groups() const { return stage_gpus() / tp; }
  bool operator==(const ServingLayout&) const = default;
};

// Prefill and decode on the same GPUs (chunked prefill stalls decode), or on separate pools.
enum class ServingMode { Aggregated, Disaggregated };
const char* to_string(ServingMode m);

// From `t_s` on (seconds since the scenario start), users ask for this many output tokens per
// second (a step function, like power steps).
struct ServingDemandStep {
  double t_s = 0;
  double output_tokens_per_s = 0;
};

// Which workload gets an option's GPUs first when training and serving both want them
// (docs/serving.md, "Serving in the campaign").
enum class ServingPriority {
  Training,  // serving takes what the training job leaves idle (and all once the runs are done)
  Serving,   // serving takes what its demand needs first; the training job runs on the rest
};
const char* to_string(ServingPriority p);

// What the serving model is asked.
struct ServingWorkload {
  ServingModel model;
  Precision precision = Precision::Fp8;     // routed experts' weights and GEMMs (all weights of a dense model)
  Precision dense_precision = Precision::Fp8;  // attention, dense FFN and shared-expert weights and GEMMs
  Precision kv_precision = Precision::Fp8;  // KV cache (and attention)
  int input_tokens = 0;                     // mean prompt length
  int output_tokens = 0;                    // mean generated length
  double target_tokens_per_s_per_user = 0;  // the interactivity target; 0 = none
  ServingMode mode = ServingMode::Aggregated;
  std::optional<ServingLayout> layout;      // none = searched
  int max_batch = 0;                        // concurrent sequences per instance, 0 = what the KV cache holds
  std::vector<ServingDemandStep> demand;    // sorted by time; may be empty
  ServingPriority priority = ServingPriority::Training;  // in `bvr run`, with a demand
  // Test seam for hand-checkable campaign tests (as Workload::fixed_mfu): when > 0, every site
  // serves this many output tokens/s per GPU in instances of `fixed_instance_gpus` GPUs, whatever
  // the model. The loader never sets it.
  double fixed_tokens_per_s_per_gpu = 0;
  double fixed_instance_gpus = 0;
  double peak_demand_tokens_per_s() const {
    double peak = 0;
    for (const auto& d : demand) peak = d.output_tokens_per_s > peak ? d.output_tokens_per_s : peak;
    return peak;
  }
};

// Efficiencies against peaks: fitted to the validation cases (docs/validation.md, "Serving").
struct ServingEfficiency {
  double hbm = 0;      // share of the HBM bandwidth a decode iteration's reads reach
  double decode = 0;   // share of the tensor peak of decode GEMMs and attention
  double prefill = 0;  // share of the tensor peak of prefill (model FLOPs)
};
ServingEfficiency default_serving_efficiency();

// The system as serving sees it.
struct ServingSystem {
  SystemModel system;
  CommRefinement refine;  // ep: simulated / closed form of the expert all-to-all
};

// One decode iteration of an instance at a batch, and what it rests on.
struct DecodeStep {
  double batch = 0;            // concurrent sequences on the instance
  double step_s = 0;           // one output token for every sequence (pp stages, no overlap)
  double memory_s = 0, compute_s = 0, tp_comm_s = 0, ep_comm_s = 0, pp_comm_s = 0;  // of one stage pass, summed over stages
  double weight_bytes_per_gpu = 0;  // read per stage pass
  double kv_bytes_per_gpu = 0;      // read per stage pass
  double flop_per_gpu = 0;          // per stage pass
};

// A point of the throughput-interactivity trade-off.
struct ServingPoint {
  ServingLayout layout;
  double batch = 0;                   // concurrent sequences per instance
  double tokens_per_s_per_user = 0;   // 1 / time per output token (decode, prefill stalls included)
  double tokens_per_s_per_gpu = 0;    // output tokens, every GPU counted (prefill pool included)
  double step_s = 0;                  // decode iteration
  double ttft_s = 0;                  // prefill of one prompt on its GPUs (no queueing)
  double prefill_gpus = 0;            // disaggregated: prefill GPUs per decode instance
  bool memory_bound = false;          // the decode iteration's HBM reads outweigh its FLOPs
};

// The share of HBM a serving engine takes for weights and KV cache: vLLM's default
// gpu_memory_utilization (0.9; SGLang's mem_fraction_static is of the same order); the rest is the
// CUDA context, activations of a step and the allocator's slack.
inline constexpr double serving_hbm_share = 0.9;

// Memory of an instance: bytes per GPU of weights, the KV cache room left, and how many
// sequences of input + output tokens it holds (0: does not fit).
struct ServingMemory {
  double weight_bytes_per_gpu = 0;
  double kv_room_bytes_per_gpu = 0;
  double kv_bytes_per_sequence_per_gpu = 0;
  long max_sequences = 0;  // per instance
};
ServingMemory serving_memory(const ServingWorkload& w, const ServingLayout& l, const GpuSpec& gpu);

// Experts hit per MoE layer by `tokens` independently routed tokens (uniform top-k routing).
double experts_touched(double experts, double top_k, double tokens);

// The expert all-to-all as DeepEP's low-latency kernels and TensorRT-LLM's run it: every rank
// sends to all its peers at once, so one step latency (NVLink, and the network when the group
// leaves the domain) instead of one per pairwise shift. Its bandwidth term is the closed form's
// (models/step_time.h), times `ratio`: simulated / closed form on the site's fabric.
double expert_all_to_all_s(const NetworkModel& net, double bytes, int n, double ratio = 1);

// The decode iteration of `l` at `batch` sequences (>= pp).
DecodeStep decode_step(const ServingWorkload& w, const ServingLayout& l, const ServingSystem& s, double batch,
                       const ServingEfficiency& e = default_serving_efficiency());

// Model FLOPs of one prompt's prefill, and its time on `gpus` GPUs.
double prefill_flop(const ServingWorkload& w);
double prefill_gpu_s(const ServingWorkload& w, const GpuSpec& gpu, const ServingEfficiency& e = default_serving_efficiency());
double prefill_s(const ServingWorkload& w, const GpuSpec& gpu, int gpus, const ServingEfficiency& e = default_serving_efficiency());

// The point of `l` at `batch`.
ServingPoint serving_point(const ServingWorkload& w, const ServingLayout& l, const ServingSystem& s, double batch,
                           const ServingEfficiency& e = default_serving_efficiency());

// The layouts searched on a system (or the workload's own): TP up to the NVLink domain and the
// heads, EP (MoE) in powers of two times TP and the domain's multiples, PP up to 8.
std::vector<ServingLayout> serving_layouts(const ServingWorkload& w, int domain_gpus);

// Every layout's points at batches 1, 2, 4, ... up to its KV limit (and the limit itself).
std::vector<ServingPoint> serving_points(const ServingWorkload& w, const ServingSystem& s,
                                         const std::vector<ServingLayout>& layouts,
                                         const ServingEfficiency& e = default_serving_efficiency());

// The Pareto frontier of `points`: sorted by interactivity, highest first, each point faster
// per GPU than every point more interactive than it.
std::vector<ServingPoint> serving_frontier(std::vector<ServingPoint> points);

// The most output tokens per GPU at an interactivity of at least `target` (0: any), or nothing.
std::optional<ServingPoint> best_at(const std::vector<ServingPoint>& points, double target);

// The same over every layout at its largest batch (whole sequences) that still reaches `target`:
// interactivity falls and throughput rises with the batch, so that batch is the layout's best.
std::optional<ServingPoint> best_layout_at(const ServingWorkload& w, const ServingSystem& s,
                                           const std::vector<ServingLayout>& layouts, double target,
                                           const ServingEfficiency& e = default_serving_efficiency());

// The GPU has tensor cores for every precision the workload uses.
bool has_tensor_cores(const ServingWorkload& w, const GpuSpec& gpu);

// The most sequences an instance of `l` holds: the KV cache's limit, or the workload's max_batch.
long batch_limit(const ServingWorkload& w, const ServingLayout& l, const GpuSpec& gpu);

}  // namespace bvr
