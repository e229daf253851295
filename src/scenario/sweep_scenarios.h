// From a sweep's points to scenarios: each point is the base scenario with its axis values
// applied through --set (value text + " " + unit), so units, validation and messages are the
// loader's own. Every point is checked before anything runs.
#pragma once
#include <vector>

#include "scenario/overrides.h"
#include "scenario/scenario.h"
#include "scenario/sweep_file.h"

namespace bvr {

// The --set assignments of one point, in axis order.
std::vector<Override> point_overrides(const SweepSpec& spec, const SweepPoint& point);

// One point's scenario: the base with `sets` (from the command line) and then the point's
// assignments applied, without the analysis section (sweeps do not run it), with the sweep's
// replications and the point's seed. Throws InputError from the loader.
Scenario load_point_scenario(const SweepSpec& spec, const SweepPoint& point, const std::vector<Override>& sets);

// Loads every point's scenario once, before anything runs, and keeps none (a worker loads its
// point again: memory stays flat however many points there are). Throws InputError naming the
// sweep file's line:column and key path: the `base` line when the base scenario itself is
// invalid (with the base file's own place), the axis value a scenario refuses, or the axes for a
// combination of values that is refused.
void check_sweep_scenarios(const SweepSpec& spec, const std::vector<SweepPoint>& points,
                           const std::vector<Override>& sets);

}  // namespace bvr
