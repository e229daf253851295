// Failures as fleets see them (docs/reliability.md, "Fleets"): a share of bad nodes failing a
// multiple of the base rate, repairs that escalate and can be wrong, retirement of nodes that
// keep failing, cold spares, and stragglers that slow a synchronous job to the pace of its
// slowest member. Pure: the campaign (sim/) keeps the state, these are the rules.
#pragma once
#include <string>
#include <vector>

namespace bvr {

// Each node is bad with probability `share`, drawn when it arrives (or: exactly `count` bad
// nodes, the first to arrive); a bad node fails at `rate_multiple` times the base rate of every
// class that needs a repair. share 0 and count 0: uniform nodes.
struct BadNodes {
  double share = 0;
  int count = 0;
  double rate_multiple = 1;
  bool any() const { return (share > 0 || count > 0) && rate_multiple != 1; }
};

// One rung of the repair ladder: tried in order, each taking its duration and fixing the node
// with its probability; the last rung always fixes it.
struct RepairStep {
  std::string name;  // reboot, reimage, part swap, vendor RMA ...
  double duration_s = 0;
  double success = 1;
};

struct RepairPolicy {
  std::vector<RepairStep> ladder;  // empty: each class's repair_time, always right
  // A repair that looks right but is not: the node comes back still faulty and fails at the bad
  // nodes' rate until a repair fixes it.
  double misdiagnosis = 0;
};

// Retire a node after `failures` failures within `window_s` (0: never); an owned site orders a
// new node at its list price, online after `replacement_lead_s`.
struct RetirementPolicy {
  int failures = 0;
  double window_s = 0;
  double replacement_lead_s = 0;
};

// A slow node: at `rate` per node, it slows the whole job by `slowdown` (the step runs at the
// pace of the slowest member) until it is found `detection_s` later and taken out, for
// `repair_s`.
struct StragglerClass {
  std::string name;
  double rate_per_node_s = 0;
  double slowdown = 0;  // share of speed lost: 0.3 = the job runs at 70 %
  double detection_s = 0;
  double repair_s = 0;
};

struct FleetPolicy {
  BadNodes bad_nodes;
  RepairPolicy repairs;
  RetirementPolicy retirement;
  std::vector<StragglerClass> stragglers;
  int cold_spares = 0;   // nodes on the shelf: a failed node is swapped for one after swap_s
  double swap_s = 0;
};

// The rung at which a repair succeeds, for a uniform draw u in [0, 1): the first k with
// u < success_0 + (1 - success_0) success_1 + ..., i.e. the ladder's cumulative success.
std::size_t repair_rung(const RepairPolicy& policy, double u);

// Time to repair when it succeeds at `rung`: the durations of every rung up to it.
double repair_duration_s(const RepairPolicy& policy, std::size_t rung);

// Expected time to repair: sum over k of d_k x P(rungs before k failed) = sum d_k prod_{j<k} (1 - p_j).
double expected_repair_s(const RepairPolicy& policy);

// The job's failure rate of a class that needs repairs, per base node-rate: its nodes, with the
// bad (or still faulty) ones counted `rate_multiple` times. `bad_share`: of the job's nodes.
double effective_nodes(double job_nodes, double bad_share, double rate_multiple);

// The probability that the node a failure struck was a bad one.
double bad_node_probability(double bad_share, double rate_multiple);

}  // namespace bvr
