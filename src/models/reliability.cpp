#include "models/reliability.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace bvr {

double job_interruption_rate_per_s(int nodes, double node_failure_rate_per_node_s) {
  return nodes * node_failure_rate_per_node_s;
}

double young_interval_s(double checkpoint_cost_s, double mean_time_between_interruptions_s) {
  return std::sqrt(2.0 * checkpoint_cost_s * mean_time_between_interruptions_s);
}

double checkpoint_interval_s(const ReliabilityPolicy& policy, int nodes) {
  if (policy.checkpoint_interval_s > 0) return policy.checkpoint_interval_s;
  const double rate = job_interruption_rate_per_s(nodes, policy.node_failure_rate_per_node_s);
  if (rate <= 0) return std::numeric_limits<double>::infinity();  // nothing to protect against
  if (policy.checkpoint_blocking_s <= 0) return 0;                   // free checkpoints: continuous
  return young_interval_s(policy.checkpoint_blocking_s, 1.0 / rate);
}

double wall_time_for_work_s(const CheckpointCycle& cycle, double work_s) {
  if (work_s <= 0) return 0;
  if (!std::isfinite(cycle.work_s) || cycle.work_s <= 0) return work_s;
  const double checkpoints = std::max(0.0, std::ceil(work_s / cycle.work_s) - 1.0);
  return work_s + checkpoints * cycle.blocking_s;
}

double work_done_s(const CheckpointCycle& cycle, double elapsed_s) {
  if (elapsed_s <= 0) return 0;
  if (!std::isfinite(cycle.work_s) || cycle.work_s <= 0) return elapsed_s;
  const double period = cycle.work_s + cycle.blocking_s;
  const double cycles = std::floor(elapsed_s / period);
  return cycles * cycle.work_s + std::min(elapsed_s - cycles * period, cycle.work_s);
}

double committed_work_s(const CheckpointCycle& cycle, double elapsed_s) {
  if (elapsed_s <= 0 || !std::isfinite(cycle.work_s)) return 0;
  if (cycle.work_s <= 0) return elapsed_s;  // continuous checkpointing loses nothing
  return std::floor(elapsed_s / (cycle.work_s + cycle.blocking_s)) * cycle.work_s;
}

}  // namespace bvr
