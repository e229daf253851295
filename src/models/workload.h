// The application: what is trained (Calculon's "application"). The foundation model of speed is
// a fixed model-FLOPs utilization (MFU); the step-time model of issue 4 replaces it.
#pragma once
#include <string>
#include <vector>

#include "models/hardware.h"

namespace bvr {

struct TrainingRun {
  std::string name;
  double compute_flop = 0;  // model FLOPs of the whole run (6 x params x tokens for dense LLMs)
  double parameters = 0;    // model size: sets the checkpoint size
};

struct Workload {
  std::vector<TrainingRun> runs;  // in order: a run starts only when the previous one finished
  double mfu = 0;                 // model FLOPs utilization, 0..1
  int max_job_gpus = 0;           // the job never uses more GPUs than this
  int min_job_gpus = 0;           // below this the job waits instead of training
  double resize_step = 0;         // grow (restart larger) only by at least this share

  double total_compute_flop() const {
    double total = 0;
    for (const auto& run : runs) total += run.compute_flop;
    return total;
  }
};

// Useful model FLOPs per second of a job on `gpus` GPUs.
inline double job_flop_per_s(int gpus, const GpuSpec& gpu, double mfu) {
  return gpus * gpu.peak_flop_per_s * mfu;
}

}  // namespace bvr
