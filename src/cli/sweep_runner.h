// Runs a sweep's points in worker processes, -j at a time: each point in a forked child of its
// own (which forks one more per replication: one SimGrid engine per process), its CSV written to
// DIR/points/<index>.csv under a temporary name and renamed the moment it is collected, so a
// killed sweep loses at most the points that were running. SIGINT/SIGTERM stop it cleanly.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "scenario/scenario.h"
#include "scenario/sweep_points.h"
#include "sim/progress.h"

namespace bvr {

// A point's scenario, loaded in the worker that runs it.
using ScenarioOf = std::function<Scenario(const SweepPoint&)>;

struct SweepProgress {
  int done_before = 0;  // finished in an earlier run of this folder
  int total = 0;        // points of this shard
};

// Returns 0 when every job finished, or 128 + the signal number when a signal (or the test hook
// BVR_SWEEP_STOP_AFTER=K: stop after K points) stopped it; running children are then killed.
// Throws std::runtime_error when a point fails (the finished ones stay on disk). `progress`
// (optional) hears of each point collected.
int run_sweep_points(const std::string& points_dir, const std::vector<SweepAxis>& axes,
                     const std::vector<SweepPoint>& points, const ScenarioOf& scenario_of, int parallel,
                     const SweepProgress& counts, Progress* progress = nullptr);

}  // namespace bvr
