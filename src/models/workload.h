// The application side of a scenario: what is trained, in which order, on which layout. The
// job's speed comes from the step-time model (models/step_time.h) at the job's GPU count.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "models/hardware.h"
#include "models/parallel_plan.h"
#include "models/serving.h"
#include "models/transformer.h"

namespace bvr {

struct TrainingRun {
  std::string name;
  double compute_flop = 0;  // model FLOPs of the whole run (model_flop_per_token x tokens)
  double parameters = 0;    // total parameters, derived from the model: sets the checkpoint size
  std::optional<TransformerModel> model = std::nullopt;  // always set by the loader
  TrainingBatch batch = {};
};

struct Workload {
  std::vector<TrainingRun> runs;  // in order: a run starts only when the previous one finished
  // The layout: explicit (DP recomputed for the job's GPU count), or none = search the fastest
  // valid layout at max_job_gpus, within `search`'s fixed choices.
  std::optional<ParallelPlan> parallelism;
  std::optional<Recompute> recompute = Recompute::Selective;  // none = searched ("search")
  Precision precision = Precision::Bf16;
  std::optional<Sharding> sharding;  // none = searched (with parallelism: search)
  // Communication overlapped with compute (docs/workload.md, "Communication"): tensor-parallel
  // collectives behind their GEMMs, the expert all-to-all behind another micro-batch.
  bool tp_overlap = true, ep_overlap = true;
  int max_job_gpus = 0;           // the job never uses more GPUs than this
  int min_job_gpus = 0;           // below this the job waits instead of training
  double resize_step = 0;         // grow (restart larger) only by at least this share
  // Test seam for hand-checkable campaign tests: runs without a model train at this MFU of the
  // BF16 peak. The loader never sets it (a scenario always describes its models).
  double fixed_mfu = 0;
  // Serving beside (or instead of) the training runs (docs/serving.md): `bvr serve` prices it; the
  // campaign serves its dated demand when it has one.
  std::optional<ServingWorkload> serving;

  double total_compute_flop() const {
    double total = 0;
    for (const auto& run : runs) total += run.compute_flop;
    return total;
  }
};

// Useful model FLOPs per second of a job on `gpus` GPUs at a fixed MFU (the test seam above).
inline double job_flop_per_s(int gpus, const GpuSpec& gpu, double mfu) {
  return gpus * gpu.peak_bf16_flop_per_s * mfu;
}

}  // namespace bvr
