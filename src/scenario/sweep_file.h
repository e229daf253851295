// Sweep files (scenarios/sweeps/*.yaml, docs/sweeps.md): a base scenario, axes, a mode, the
// replications per point and a seed. Reading one checks the file itself; checking every point's
// scenario against the base is load_sweep_scenarios (sweep_scenarios.h).
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "scenario/overrides.h"
#include "scenario/sweep_points.h"
#include "scenario/yaml_reader.h"

namespace bvr {

struct SweepSpec {
  std::string file;       // the sweep file as given
  std::string base_file;  // the base scenario, resolved against the sweep file's folder
  SweepMode mode = SweepMode::Grid;
  int points = 0;            // random / latin_hypercube: as asked; grid: the product of the axes
  int replications = 0;      // per point; 0: the base scenario's own
  std::uint64_t seed = 0;
  bool common_random_numbers = false;  // every point runs with `seed` itself (see docs/sweeps.md)
  std::vector<SweepAxis> axes;
  std::vector<YamlValue> axis_values;  // each axis's `values`/`range`/`distribution`, for messages
  std::optional<YamlValue> root;       // the `sweep` mapping, for messages about whole points
  std::string text, base_text;         // both files as read, for the sweep's identity (hash)
};

std::string_view sweep_mode_name(SweepMode mode);

// Throws InputError "file:line:column: sweep.key: what was expected".
SweepSpec read_sweep_file(const std::string& file);

// The sweep's identity: FNV-1a (64 bit) over the sweep file's text, the base scenario's text and
// the --set assignments, as 16 hex digits. Paths do not enter, so shards run on machines with
// other checkouts still agree.
std::string sweep_hash(const SweepSpec& spec, const std::vector<Override>& sets);

// The seed of a point's scenario: the sweep's seed plus the point index (each replication then
// mixes it with its number, sim/campaign.h replication_seed), or the sweep's seed itself when the
// sweep asks for common random numbers.
std::uint64_t point_seed(const SweepSpec& spec, int index);

}  // namespace bvr
