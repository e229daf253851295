// Step scale: how long a collective takes on a fabric, from SimGrid flow-level simulation.
//
// Scaled evaluation (evaluate_collective): every distinct step of the collective is simulated
// once, with every concurrently active group present, on a representative slice of the fabric
// (fabric_slice), and multiplied by its repeat count: rings repeat identical steps, so one stands
// for all. Full simulation (simulate_collective_full): every repeat of every step of every group
// on the whole fabric, one actor per GPU — the reference the scaled result is checked against.
//
// Each evaluation runs in a forked child (one SimGrid engine per process). Scaled results are
// cached in this process, keyed by fabric, collective, size and options.
#pragma once
#include <cstddef>
#include <string>

#include "models/fabric.h"
#include "models/fabric_collectives.h"

namespace bvr {

struct CollectiveResult {
  double time_s = 0;
  double algbw_bytes_per_s = 0;  // nccl-tests: bytes / time
  double busbw_bytes_per_s = 0;  // algbw x bus_bandwidth_factor
  double simulated_gpus = 0;     // GPUs in the simulated platform
  double simulated_flows = 0;    // SimGrid communications started
  double closed_form = 0;        // 1: the closed form stood for the simulation (models/collective_path.h)
};

struct CollectiveEvalOptions {
  int slice_gpus = 1024;        // largest platform the scaled evaluation builds
  // All-to-all shifts simulated (beyond: evenly sampled, each standing for its stratum); 0 = by
  // routing: 64 under static ECMP, whose collisions differ from shift to shift, 8 under adaptive
  // routing, which balances every shift alike (docs/fabric.md).
  int max_distinct_steps = 0;
  // Hierarchical phases pipelined as NCCL runs them (PlanOptions::pipelined); false: one after
  // the other, as the full simulation plays them (tools/fabric_agreement.cpp compares those).
  bool pipelined = true;
  // Let the closed form stand for the simulation where collective_path() says it may (pipelined
  // plans only); false: always simulate (the agreement suite, which checks that rule).
  bool closed_form = true;
};

// Version of the collective model (plans, slices, the way they are played). Part of every cache
// key: bump it whenever a change moves a simulated time, so that no cache returns a stale one.
// 2: pipelined hierarchical phases and in-network reduction (issue 20).
inline constexpr int collective_model_version = 2;

CollectiveResult evaluate_collective(const FabricSpec& fabric, const CollectiveSpec& collective,
                                     const CollectiveEvalOptions& options = {});

// How the full simulation synchronizes GPUs between steps. PerGpu: each GPU moves on when its own
// sends and receives of a step are done, as NCCL runs. Barrier: every step starts when the
// previous one finished everywhere, as the scaled evaluation assumes. Where GPUs carry unequal
// loads (all-to-all under ECMP) the two are different models of the collective, not a scaling
// error (docs/fabric.md gives both); the per-GPU one also costs more to simulate, because flows
// that drift apart finish one by one.
enum class FullSync { PerGpu, Barrier };

CollectiveResult simulate_collective_full(const FabricSpec& fabric, const CollectiveSpec& collective,
                                          FullSync sync = FullSync::PerGpu);

// The cache behind evaluate_collective (in-process; a forked campaign child inherits a copy).
std::size_t collective_cache_size();
void clear_collective_cache();
// Also keep results in files under `dir` (created if needed; "" or "off" turns it off), so that
// separate processes share them: the points of a sweep, each in its own child, and repeated runs
// simulate a fabric once. The folder starts as $BVR_COLLECTIVE_CACHE when it is set ("off": no
// files), else the user's cache folder, $XDG_CACHE_HOME/bvr/collectives or
// ~/.cache/bvr/collectives. A file holds its full key, the collective model's version
// (collective_model_version) and SimGrid's, and a checksum: a hash collision, a result of another
// model or a damaged file is a miss (and is rewritten), never a wrong answer. Entries are written
// to a temporary file and renamed, so processes can share the folder.
void set_collective_cache_dir(const std::string& dir);
std::string collective_cache_dir();
std::string collective_cache_key(const FabricSpec& fabric, const CollectiveSpec& collective,
                                 const CollectiveEvalOptions& options);

}  // namespace bvr
