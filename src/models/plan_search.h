// The fastest valid parallel layout for a model on a GPU count: every combination of TP (inside
// the NVLink domain), PP, CP, EP, micro-batch, schedule (1F1B, interleaved by 2 or 4), sharding
// (ZeRO-1, ZeRO-2, FSDP) and recompute (none, selective, full) that is valid and fits in HBM,
// ranked by step time (in steps of 0.5 %) and then by memory headroom. Pure arithmetic:
// thousands of layouts per millisecond.
#pragma once
#include <optional>
#include <vector>

#include "models/parallel_plan.h"
#include "models/step_time.h"
#include "models/workload.h"

namespace bvr {

struct SearchSpace {
  std::optional<Recompute> recompute;  // fixed, or searched
  std::optional<Precision> precision;  // fixed (default BF16), or searched when the GPU has FP8
  std::optional<Sharding> sharding;    // fixed, or searched
  bool tp_overlap = true, ep_overlap = true;  // the layouts' overlap switches (not searched)
  AttentionKernel attention = AttentionKernel::Fused;  // the layouts' attention kernel (not searched)
};

struct SearchResult {
  std::vector<StepTime> best;  // fastest first, at most `top`
  long evaluated = 0;          // layouts whose step time was computed
  long valid = 0;              // layouts that are valid and fit (full recomputation beside a lighter
                               // mode that fits is counted here, not timed: never the faster)
};

// DP = floor(gpus / (TP x PP x CP)), rounded down to a multiple of EP; GPUs left over idle.
SearchResult search_plans(const TransformerModel& m, const TrainingBatch& b, int gpus, const SystemModel& sys,
                          const SearchSpace& space, int top);

// Whether search_plans would find any layout (the same space), stopping at the first that fits:
// what loading a scenario checks, without ranking thousands of layouts.
bool any_layout_fits(const TransformerModel& m, const TrainingBatch& b, int gpus, const SystemModel& sys,
                     const SearchSpace& space);

// The GPUs of `gpus` that `plan` can use when its NVLink domains hold `domain_gpus` each (0: no
// constraint): each tensor-parallel group, and each block of TP x CP x EP GPUs that an expert
// all-to-all spans when it fits in a domain, must sit inside one domain, so a domain of 72 GPUs
// holds one block of 64 and leaves 8 idle. Domains are filled in turn.
int usable_gpus(const ParallelPlan& plan, int gpus, int domain_gpus);

// `plan` (its DP ignored) resized to `gpus` (in domains of `domain_gpus`, 0: no constraint):
// DP = what fits. Nothing when not one replica fits.
std::optional<ParallelPlan> resize_plan(const ParallelPlan& plan, int gpus, int domain_gpus = 0);

// The scenario's fixed choices (recompute, precision, sharding) as a search space.
SearchSpace search_space(const Workload& w);

// `layout` (its DP ignored) on `gpus` GPUs of `sys`, with `recompute` or, when not given, the
// fastest mode that fits (when none fits, full recomputation). Nothing when the layout is invalid
// there (plan_problem) or not one replica fits.
std::optional<StepTime> evaluate_layout(const TransformerModel& m, const TrainingBatch& b, const ParallelPlan& layout,
                                        int gpus, const SystemModel& sys, std::optional<Recompute> recompute);

// The layout a run trains with at max_job_gpus on `sys`: the workload's explicit layout (with
// its recompute and precision), or the fastest one found. Nothing when none is valid and fits.
std::optional<ParallelPlan> chosen_plan(const Workload& w, const TrainingRun& run, const SystemModel& sys);

}  // namespace bvr
