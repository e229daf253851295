// The training job's speed on a site: the step-time model (models/step_time.h) for each run's
// layout at the job's GPU count, on the site's network. When the site has a fabric, the
// layout's scale-out collectives (DP gradient reduce-scatter / all-reduce, EP all-to-all) are
// simulated once on it at full size (sim/collective_sim.h) and the ratio simulated / closed
// form scales those collectives at every job size: options differ by fabric.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "models/fabric_collectives.h"
#include "models/step_time.h"
#include "scenario/scenario.h"

namespace bvr {

// One collective of a run's layout as simulated on the site's fabric, kept so that the reports
// can show what the refinement rests on (docs/results.md, `collectives`).
struct SimulatedCollective {
  std::string purpose;  // "data-parallel gradients" or "expert all-to-all"
  CollectiveKind kind = CollectiveKind::AllReduceRing;
  double bytes_per_gpu = 0;  // nccl-tests "size" (CollectiveSpec::bytes)
  int group_gpus = 0;        // GPUs per group: the contiguous block that runs it
  int fabric_gpus = 0;       // GPUs simulated at once: the fabric's whole blocks, every one active
  double time_s = 0;
  double algbw_bytes_per_s = 0, busbw_bytes_per_s = 0;  // as nccl-tests defines them
  double closed_form_s = 0;  // models/step_time.h collective_time_s of the same collective
  double ratio = 1;          // time_s / closed_form_s: what CommRefinement holds
};

struct RunSpeed {
  std::optional<ParallelPlan> plan;  // at full size; nothing for a run without a model (test seam)
  CommRefinement refine;
  // What `refine` was taken from: the DP collective, then the EP all-to-all; empty without a
  // fabric or simulation, and without the ones the fabric cannot lay out (their ratio stays 1).
  std::vector<SimulatedCollective> collectives;
};

struct SiteSpeed {
  SystemModel system;
  std::vector<RunSpeed> runs;  // per scenario run
  int full_gpus = 0;           // the job's full size on this site
};

// The job's speed on `site` (its system, and its fabric if described) at `full_gpus`.
// `simulate`: refine with the fabric simulation (cached per process: call it in the parent
// before replications fork).
SiteSpeed site_speed(const Scenario& sc, const Site& site, int full_gpus, bool simulate);

// The size a site's job is planned at: a lease's committed GPUs, otherwise the job's largest.
int site_full_gpus(const Scenario& sc, const Site& site);

// The site a job runs on at the end: the option's last.
SiteSpeed final_site_speed(const Scenario& sc, const Option& option, bool simulate);

// Model FLOPs per second of run `run` on `gpus` GPUs (0 when not one replica fits).
double run_flop_per_s(const Scenario& sc, const SiteSpeed& site, std::size_t run, int gpus);

// The step of run `run` at the site's full size.
std::optional<StepTime> full_size_step(const Scenario& sc, const SiteSpeed& site, std::size_t run);

// The run whose step the results report: the one with the most compute.
std::size_t headline_run(const Scenario& sc);

// Every site of every option, simulated now so that forked children inherit the cache.
void prepare_job_speeds(const Scenario& sc);

}  // namespace bvr
