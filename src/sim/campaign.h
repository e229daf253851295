// Campaign scale: one replication of every option on a SimGrid calendar. Capacity arrives
// (deliveries, construction, installation, power), the training job runs between events,
// failures interrupt it, and meters accrue cost and energy. See docs/architecture.md.
#pragma once
#include <cstdint>

#include "scenario/scenario.h"
#include "sim/outcome.h"

namespace bvr {

// Runs one SimGrid engine. SimGrid keeps its clock across engines in one process, so call this
// at most once per process (run_replications forks a child for each).
ReplicationOutcome simulate_replication(const Scenario& scenario, int replication, bool keep_series);

// The seed of a replication's random streams: the same for every option of that replication
// (common random numbers), different across replications.
std::uint64_t replication_seed(std::uint64_t scenario_seed, int replication);

}  // namespace bvr
