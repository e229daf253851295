// A fabric as a SimGrid platform: one host per GPU, one link per direction of every fabric link
// that some flow uses, and an explicit route per communicating pair in a Full zone, so the path
// each flow takes is the one the router (static ECMP or adaptive) picked.
#pragma once
#include <simgrid/s4u.hpp>

#include <vector>

#include "models/fabric_collectives.h"
#include "models/fabric_routes.h"

namespace bvr {

struct FabricPlatform {
  std::vector<simgrid::s4u::Host*> hosts;  // index = GPU
  long links = 0, routes = 0;
};

// Routes are chosen step run by step run: adaptive routing balances the flows that run at the
// same time. Call inside a fresh engine, before it runs. Uses GPUs [0, gpus).
FabricPlatform build_fabric_platform(const FabricSpec& spec, int gpus, const std::vector<StepRun>& plan);

// Engine arguments for flow-level RDMA fabrics: max-min sharing without TCP factors (CM02),
// no reverse-direction acknowledgement traffic, quiet logs.
std::vector<std::string> fabric_engine_args();

}  // namespace bvr
