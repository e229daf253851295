// Interruptions, repairs and checkpoints of a synchronous training job. Equations and sources:
// docs/reliability.md.
#pragma once
#include <string>
#include <vector>

namespace bvr {

// One cause of job interruptions (a GPU, its memory, a NIC, a switch or cable, a host, software,
// silent data corruption ...), with its own rate and consequences.
struct FailureClass {
  std::string name;
  double rate_per_node_s = 0;   // per server-second of the job's servers
  double weibull_shape = 1;     // 1 = exponential; below 1, failures cluster (infant mortality)
  double repair_s = 0;          // the servers it takes out are gone this long (0: software)
  int servers_out = 1;          // servers taken out; servers_behind_leaf: those behind one leaf switch
  double detection_delay_s = 0; // found this late (silent data corruption): work since is lost too
};

// FailureClass::servers_out for a leaf switch failure: the servers behind one leaf of the site's
// fabric (docs/reliability.md), resolved per site when the failure happens.
constexpr int servers_behind_leaf_switch = -1;
// FailureClass::servers_out when the scenario does not say: the system's failure unit (its node,
// or its NVLink domain), resolved per site when the scenario loads.
constexpr int servers_in_failure_unit = -2;

enum class CheckpointIntervalRule { Fixed, Young, Daly };
enum class OutOfSpares { Shrink, Wait };

struct CheckpointPolicy {
  CheckpointIntervalRule rule = CheckpointIntervalRule::Young;
  double fixed_interval_s = 0;              // for Fixed
  double bytes_per_parameter = 0;           // model state saved per parameter
  double blocking_overhead_s = 0;           // snapshot and synchronisation, whatever the size
  double host_copy_bytes_per_s_per_gpu = 0; // device to host memory: the blocking copy
  double storage_write_bytes_per_s = 0;     // aggregate, for the asynchronous upload
  double storage_read_bytes_per_s = 0;      // aggregate, for the reload after a failure
};

struct ReliabilityPolicy {
  std::vector<FailureClass> classes;
  double restart_s = 0;                  // detection, diagnosis, relaunch (before the reload)
  double planned_interval_s = 0;         // planned maintenance every so often (0: none)
  double planned_downtime_s = 0;
  int spare_servers = 0;                 // hot spares held out of the job to replace failed servers
  OutOfSpares out_of_spares = OutOfSpares::Shrink;
  CheckpointPolicy checkpoint;
};

// A failure on any of the job's nodes interrupts the whole job, so rates add up.
double job_interruption_rate_per_s(int nodes, double node_failure_rate_per_node_s);
double total_rate_per_node_s(const ReliabilityPolicy& policy);
double total_rate_per_node_s(const std::vector<FailureClass>& classes);

// Young (1974): tau = sqrt(2 delta M), delta = checkpoint cost, M = mean time between
// interruptions.
double young_interval_s(double checkpoint_cost_s, double mean_time_between_interruptions_s);
// Daly (2006): tau = sqrt(2 delta M) [1 + sqrt(delta / 2M) / 3 + (delta / 2M) / 9] - delta for
// delta < 2M, else M.
double daly_interval_s(double checkpoint_cost_s, double mean_time_between_interruptions_s);

// Checkpoint sizes and times for a model of `parameters` on `gpus` GPUs.
double checkpoint_bytes(double parameters, const CheckpointPolicy& policy);
double checkpoint_blocking_s(double bytes, int gpus, const CheckpointPolicy& policy);
double checkpoint_async_s(double bytes, const CheckpointPolicy& policy);
double checkpoint_reload_s(double bytes, const CheckpointPolicy& policy);

// The interval (work between checkpoints) the policy asks for at this job size: infinite when
// nothing fails, 0 (continuous) when checkpoints cost nothing, and never shorter than the
// asynchronous upload of the previous checkpoint.
double checkpoint_interval_s(const ReliabilityPolicy& policy, int nodes, double blocking_s, double async_s);
// The same for nodes failing at `rate_per_node_s` in all (a site's classes).
double checkpoint_interval_s(const CheckpointPolicy& policy, double rate_per_node_s, int nodes, double blocking_s,
                             double async_s);

// Closed-form expected share of wall time that is useful work for a constant-size job with
// exponential interruptions at `rate` (Daly 2006, exposed restart): tau / (M e^(R/M)
// (e^((tau + delta)/M) - 1)), M = 1 / rate, R = downtime per interruption.
double expected_ettr(double rate_per_s, double interval_s, double blocking_s, double downtime_s);

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

// Draws the time to the next event of a process with mean 1/rate: exponential when shape = 1,
// else Weibull with that shape and the same mean. `u` is uniform in [0, 1).
double draw_interval_s(double rate_per_s, double weibull_shape, double u);

}  // namespace bvr
