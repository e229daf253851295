// Benchmark of the layout search (`bvr plan`): wall time of the search for each run of the
// default scenario at 1k to 100k GPUs. Target (issue 4): under 1 s at 100k GPUs, so that sweeps
// can search inside every scenario. Not run by the tests.
#include <chrono>
#include <cstdio>

#include "models/plan_search.h"
#include "scenario/load.h"

int main() {
  using namespace bvr;
  const Scenario sc = load_scenario(std::string(BVR_SOURCE_DIR) + "/scenarios/xai-oracle-2024.yaml", {}, false);
  // The build's system: HGX H100 (systems/h100-hgx.yaml), on a non-blocking network.
  const SystemSpec& system = sc.options[1].sites[0].system;
  const SystemModel sys{system.gpu, system_network(system)};
  std::printf("%-16s %8s %10s %10s %8s\n", "run", "GPUs", "layouts", "search ms", "MFU");
  for (const TrainingRun& run : sc.workload.runs)
    for (int gpus : {1024, 8192, 24576, 100000}) {
      const auto start = std::chrono::steady_clock::now();
      const SearchResult r = search_plans(*run.model, run.batch, gpus, sys, search_space(sc.workload), 5);
      const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
      std::printf("%-16s %8d %10ld %10.1f %7.1f%%\n", run.name.c_str(), gpus, r.evaluated, ms,
                  r.best.empty() ? 0.0 : 100 * r.best.front().mfu);
    }
  return 0;
}
