// Which way a collective's time on a fabric is found: in closed form (models/step_time.h at the
// links' line rate) or by flow-level simulation (sim/collective_sim.h). The rule is stated and
// tested, not guessed: the closed form stands where the agreement suite
// (tools/fabric_agreement.cpp, --against closed-form) shows it within closed_form_tolerance of
// the simulation, and only there:
//   - every tier non-blocking (oversubscription 1:1 everywhere): no tier is a bottleneck the
//     closed form cannot see;
//   - adaptive routing: no static hash collision (static ECMP's collisions depend on which flows
//     hash together, which only the simulation knows);
//   - a ring-family collective (all-reduce as a ring, with or without in-network reduction;
//     reduce-scatter; all-gather): each GPU sends to one peer per step, every link carries the
//     same load, so the slower of NVLink and the NIC sets the pace.
// Everything else (trees, all-to-all, send/recv, oversubscribed or ECMP fabrics) is simulated.
#pragma once
#include "models/fabric.h"
#include "models/fabric_collectives.h"
#include "models/step_time.h"

namespace bvr {

enum class CollectivePath { ClosedForm, Simulation };

// |closed form / simulation - 1| the agreement suite allows where the closed form stands
// (measured on the agreement fabric at 1,024-4,096 GPUs, docs/fabric.md "Closed form or
// simulation").
inline constexpr double closed_form_tolerance = 0.05;

// The path for `kind` on `fabric`, and why (for reports and tests).
struct CollectivePathChoice {
  CollectivePath path = CollectivePath::Simulation;
  const char* reason = "";
};
CollectivePathChoice collective_path(const FabricSpec& fabric, CollectiveKind kind);

// The closed form of `c` on `fabric` in the simulation's terms: the links' line rate (no NCCL
// efficiency share) and each step's latency that of its longest path, hop by hop (no NCCL
// software latency), for a group of c.group_gpus consecutive GPUs (0 = all); 0 when the closed
// form has no such collective (the tree all-reduce). What the simulation gives on a perfect
// fabric; where the rule holds, what evaluate_collective returns in place of simulating.
double closed_form_time_s(const FabricSpec& fabric, const CollectiveSpec& c);

}  // namespace bvr
