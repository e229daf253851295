// DIR/sweep-manifest.json: what a sweep folder holds — the sweep's identity (hash), its axes,
// every point with its values, and which shard of it this folder runs. Written before the first
// point runs; resuming and `bvr merge` check it, `bvr report` reads it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "scenario/sweep_points.h"

namespace bvr {

struct SweepManifest {
  std::string sweep_file, base_file, hash, mode;
  std::uint64_t seed = 0;
  int replications = 0;  // per point
  bool common_random_numbers = false;
  int shard = 1, shards = 1;  // this folder runs the points with index % shards == shard - 1
  struct Axis {
    std::string key, unit;
  };
  std::vector<Axis> axes;
  std::vector<SweepPoint> points;  // all of the sweep's points, not only this shard's
  bool in_shard(int index) const { return index % shards == shard - 1; }
};

std::string sweep_manifest_json(const SweepManifest& manifest);
// Throws InputError "<path>: ..." when the file is missing or is not a sweep manifest.
SweepManifest read_sweep_manifest(const std::string& path);

}  // namespace bvr
