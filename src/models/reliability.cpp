#include "models/reliability.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace bvr {

namespace {
constexpr double infinite = std::numeric_limits<double>::infinity();
}

double job_interruption_rate_per_s(int nodes, double node_failure_rate_per_node_s) {
  return nodes * node_failure_rate_per_node_s;
}

double total_rate_per_node_s(const ReliabilityPolicy& policy) { return total_rate_per_node_s(policy.classes); }

double total_rate_per_node_s(const std::vector<FailureClass>& classes) {
  double rate = 0;
  for (const auto& c : classes) rate += c.rate_per_node_s;
  return rate;
}

double young_interval_s(double checkpoint_cost_s, double mean_time_between_interruptions_s) {
  return std::sqrt(2.0 * checkpoint_cost_s * mean_time_between_interruptions_s);
}

double daly_interval_s(double delta, double m) {
  if (delta >= 2 * m) return m;
  const double x = delta / (2 * m);
  return std::sqrt(2 * delta * m) * (1 + std::sqrt(x) / 3 + x / 9) - delta;
}

double checkpoint_bytes(double parameters, const CheckpointPolicy& policy) {
  return parameters * policy.bytes_per_parameter;
}

// The state is sharded over the job's GPUs (ZeRO-style); each copies its share to host memory.
double checkpoint_blocking_s(double bytes, int gpus, const CheckpointPolicy& policy) {
  const double copy_s = policy.host_copy_bytes_per_s_per_gpu > 0 && gpus > 0
                            ? bytes / gpus / policy.host_copy_bytes_per_s_per_gpu
                            : 0;
  return policy.blocking_overhead_s + copy_s;
}

double checkpoint_async_s(double bytes, const CheckpointPolicy& policy) {
  return policy.storage_write_bytes_per_s > 0 ? bytes / policy.storage_write_bytes_per_s : 0;
}

double checkpoint_reload_s(double bytes, const CheckpointPolicy& policy) {
  return policy.storage_read_bytes_per_s > 0 ? bytes / policy.storage_read_bytes_per_s : 0;
}

double checkpoint_interval_s(const ReliabilityPolicy& policy, int nodes, double blocking_s, double async_s) {
  return checkpoint_interval_s(policy.checkpoint, total_rate_per_node_s(policy.classes), nodes, blocking_s, async_s);
}

double checkpoint_interval_s(const CheckpointPolicy& p, double rate_per_node_s, int nodes, double blocking_s,
                             double async_s) {
  double interval = 0;
  if (p.rule == CheckpointIntervalRule::Fixed) {
    interval = p.fixed_interval_s;
  } else {
    const double rate = job_interruption_rate_per_s(nodes, rate_per_node_s);
    if (rate <= 0) return infinite;   // nothing to protect against
    if (blocking_s <= 0) return 0;    // free checkpoints: continuous
    interval = p.rule == CheckpointIntervalRule::Young ? young_interval_s(blocking_s, 1 / rate)
                                                       : daly_interval_s(blocking_s, 1 / rate);
  }
  // A checkpoint cannot start before the previous upload is done.
  return std::max(interval, async_s);
}

double expected_ettr(double rate_per_s, double interval_s, double blocking_s, double downtime_s) {
  if (rate_per_s <= 0) return interval_s / (interval_s + blocking_s);
  const double m = 1 / rate_per_s;
  return interval_s / (m * std::exp(downtime_s / m) * std::expm1((interval_s + blocking_s) / m));
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

double draw_interval_s(double rate_per_s, double weibull_shape, double u) {
  if (rate_per_s <= 0) return infinite;
  const double e = -std::log1p(-u);  // standard exponential
  if (weibull_shape == 1) return e / rate_per_s;
  // Weibull(k, theta) has mean theta * Gamma(1 + 1/k): choose theta for a mean of 1/rate.
  const double theta = 1 / (rate_per_s * std::tgamma(1 + 1 / weibull_shape));
  return theta * std::pow(e, 1 / weibull_shape);
}

}  // namespace bvr
