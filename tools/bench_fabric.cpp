// Benchmark of the step-scale network evaluation (not a test): wall time and peak memory of the
// scaled collective evaluation at 1k, 16k and 100k GPUs, and of the full flow-level simulation at
// 1k and 4k GPUs, on the Colossus fabric (scenarios/fabrics/colossus.yaml). Each case runs in
// its own child so its peak RSS is its own.
//   bvr_bench_fabric [fabric.yaml]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "scenario/load_fabric.h"
#include "sim/collective_sim.h"
#include "sim/fork_call.h"

using namespace bvr;

namespace {

struct Measure {
  CollectiveResult result;
  double wall_s = 0;
  double peak_rss_mib = 0;
};

// Runs one evaluation in a wrapper child; the evaluation forks its own simulation child, whose
// peak RSS the wrapper reads from RUSAGE_CHILDREN.
Measure measure(const FabricSpec& fabric, const CollectiveSpec& c, bool full) {
  const std::string bytes = run_in_child(
      [&] {
        Measure m;
        const auto start = std::chrono::steady_clock::now();
        m.result = full ? simulate_collective_full(fabric, c) : evaluate_collective(fabric, c);
        m.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        rusage usage{};
        getrusage(RUSAGE_CHILDREN, &usage);
        m.peak_rss_mib = static_cast<double>(usage.ru_maxrss) / 1024.0;
        return std::string(reinterpret_cast<const char*>(&m), sizeof m);
      },
      "benchmark case");
  Measure m;
  std::memcpy(&m, bytes.data(), sizeof m);
  return m;
}

// `scaled_wall_s`: the scaled evaluation's wall time of the same case, for a full row's speedup.
void row(const char* mode, const FabricSpec& f, const CollectiveSpec& c, const Measure& m, double scaled_wall_s = 0) {
  std::printf("%-7s %-15s %-8s %7d %6d %10.3f %9.1f %9.1f %9.0f %8.2f %9.0f", mode, to_string(c.kind),
              to_string(f.routing), f.gpus, c.group_gpus, m.result.time_s * 1e3, m.result.algbw_bytes_per_s / 1e9,
              m.result.busbw_bytes_per_s / 1e9, m.result.simulated_flows, m.wall_s, m.peak_rss_mib);
  if (scaled_wall_s > 0) std::printf(" %8.0fx", m.wall_s / scaled_wall_s);
  std::printf("\n");
  std::fflush(stdout);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string file = argc > 1 ? argv[1] : std::string(BVR_SOURCE_DIR) + "/scenarios/fabrics/colossus.yaml";
  set_collective_cache_dir("");  // every case simulated, whatever BVR_COLLECTIVE_CACHE says
  const FabricSpec colossus = load_fabrics_from_file(file).at(0);
  std::printf("fabric %s from %s\n", colossus.name.c_str(), file.c_str());
  std::printf("%-7s %-15s %-8s %7s %6s %10s %9s %9s %9s %8s %9s %9s\n", "mode", "collective", "routing", "gpus", "group",
              "time_ms", "algbw_GB/s", "busbw_GB/s", "flows", "wall_s", "rss_MiB", "speedup");
  // Data-parallel all-reduce of 1 GiB in groups of 512 GPUs (one 64-server leaf group), every
  // group active; then every GPU sending across the bisection, ECMP against adaptive.
  const double GiB = 1024.0 * 1024 * 1024;
  for (FabricRouting routing : {FabricRouting::Adaptive, FabricRouting::StaticEcmp}) {
    for (auto [kind, group] : {std::pair{CollectiveKind::AllReduceRing, 512}, {CollectiveKind::SendRecv, 0}}) {
      const CollectiveSpec c{kind, kind == CollectiveKind::SendRecv ? 64e6 : GiB, group};
      for (int gpus : {1024, 4096, 16384, 100000}) {
        FabricSpec f = colossus;
        f.gpus = gpus;
        f.routing = routing;
        // Each full case right under its scaled one, with the speedup (full wall / scaled wall).
        const Measure scaled = measure(f, c, false);
        row("scaled", f, c, scaled);
        if (gpus <= 4096) row("full", f, c, measure(f, c, true), scaled.wall_s);
      }
    }
  }
  return 0;
}
