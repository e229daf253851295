// Interruptions and checkpoints of a synchronous training job. Equations: docs/models.md.
#pragma once

namespace bvr {

struct ReliabilityPolicy {
  double node_failure_rate_per_node_s = 0;  // failures that interrupt a job, per server-second
  double restart_s = 0;                     // detection + replacement + restart + reload
  double checkpoint_blocking_s = 0;         // training pauses this long per checkpoint
  double checkpoint_interval_s = 0;         // work between checkpoints; 0 = Young's optimum
  double repair_s = 0;                      // a failed server is out of service this long
};

// A failure on any of the job's nodes interrupts the whole job, so rates add up.
double job_interruption_rate_per_s(int nodes, double node_failure_rate_per_node_s);

// Young (1974): tau = sqrt(2 * delta * M), delta = checkpoint cost, M = mean time between
// interruptions.
double young_interval_s(double checkpoint_cost_s, double mean_time_between_interruptions_s);

// The interval the policy asks for at this job size: infinite when nothing fails, 0 (continuous
// checkpointing) when checkpoints cost nothing.
double checkpoint_interval_s(const ReliabilityPolicy& policy, int nodes);

// Checkpointed execution alternates `work_s` of training with `blocking_s` of checkpointing.
// work_s = infinity: no checkpoints; work_s = 0: continuous, free checkpoints.
struct CheckpointCycle {
  double work_s = 0;
  double blocking_s = 0;
};

// Wall time to do `work_s` of training, counting the checkpoints taken on the way (none after
// the last piece of work).
double wall_time_for_work_s(const CheckpointCycle& cycle, double work_s);

// Training done after `elapsed_s` of wall time, whether saved or not.
double work_done_s(const CheckpointCycle& cycle, double elapsed_s);

// Training saved by the last completed checkpoint after `elapsed_s`: what survives a failure.
double committed_work_s(const CheckpointCycle& cycle, double elapsed_s);

}  // namespace bvr
