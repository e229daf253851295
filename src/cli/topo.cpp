#include "cli/topo.h"

#include <fmt/format.h>

#include <cstdio>
#include <fstream>

#include "models/fabric.h"
#include "models/fabric_graph.h"
#include "scenario/input_error.h"
#include "scenario/load_fabric.h"

namespace bvr {

namespace {

// Drawing 100k GPUs helps nobody and Graphviz would not finish.
constexpr int max_dot_gpus = 4096;

constexpr const char* usage = "usage: bvr topo FILE [--dot out.dot]\n";

void print_fabric(const FabricSpec& s) {
  const FabricShape f = fabric_shape(s);
  const FabricCounts c = fabric_counts(s);
  const char* tier_names[] = {"leaf", "spine", "core"};
  std::printf("%s: %d GPUs, %s, %s routing, %d tiers of %d-port switches (%d x %.0f Gb/s, split %d)\n",
              s.name.c_str(), s.gpus, to_string(s.technology), to_string(s.routing), s.tiers, f.radix, s.switch_ports,
              s.switch_port_bw_bytes_per_s * 8 / 1e9, f.port_split);
  std::printf("  NIC %.0f Gb/s per GPU, %s, NVLink domain %d GPUs\n", s.nic_bw_bytes_per_s * 8 / 1e9,
              s.rail_optimized ? "rail-optimized" : "not rail-optimized", s.nvlink_domain_gpus);
  std::printf("  pods %d of %d GPUs\n", f.pods, f.leaves_per_pod * f.gpus_per_leaf);
  for (std::size_t t = 0; t < c.switches_per_tier.size(); ++t)
    std::printf("  %-6s switches %8d\n", tier_names[t], c.switches_per_tier[t]);
  std::printf("  switches     %8d\n", c.switches);
  std::printf("  links        %8ld  (GPU-leaf %ld, switch-switch %ld)\n", c.cables, c.host_links, c.switch_links);
  std::printf("  cables       %8ld\n", c.cables);
  std::printf("  transceivers %8ld\n", c.transceivers);
  std::printf("  bisection    %8.1f Tb/s each way (%.0f %% of full)\n", c.bisection_bw_bytes_per_s * 8 / 1e12,
              100 * c.bisection_bw_bytes_per_s / (s.gpus / 2 * s.nic_bw_bytes_per_s));
  std::printf("  diameter     %8d links\n", c.diameter_links);
  std::printf("  non-blocking %8s\n", c.non_blocking ? "yes" : "no");
}

}  // namespace

int command_topo(const std::vector<std::string>& args) {
  std::string file, dot;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--help" || args[i] == "-h") {
      std::fputs(usage, stdout);
      return 0;
    }
    if (args[i] == "--dot") {
      if (i + 1 >= args.size()) {
        std::fprintf(stderr, "bvr topo: --dot needs a file name\n%s", usage);
        return 2;
      }
      dot = args[++i];
    } else if (file.empty()) {
      file = args[i];
    } else {
      std::fprintf(stderr, "bvr topo: unexpected argument \"%s\"\n%s", args[i].c_str(), usage);
      return 2;
    }
  }
  if (file.empty()) {
    std::fprintf(stderr, "bvr topo: missing FILE\n%s", usage);
    return 2;
  }
  try {
    const std::vector<FabricSpec> fabrics = load_fabrics_from_file(file);
    for (const FabricSpec& s : fabrics) print_fabric(s);
    if (!dot.empty()) {
      for (const FabricSpec& s : fabrics) {
        if (s.gpus > max_dot_gpus) {
          std::fprintf(stderr, "bvr topo: %s has %d GPUs; --dot draws fabrics of at most %d\n", s.name.c_str(), s.gpus,
                       max_dot_gpus);
          return 2;
        }
        // One file per fabric when there are several: out-<name>.dot.
        std::string path = dot;
        if (fabrics.size() > 1) {
          const auto ext = path.rfind(".dot");
          path = (ext == std::string::npos ? path : path.substr(0, ext)) + "-" + s.name + ".dot";
        }
        std::ofstream out(path);
        write_fabric_dot(build_fabric_graph(s), out);
        if (!out) {
          std::fprintf(stderr, "bvr: internal error: cannot write %s\n", path.c_str());
          return 1;
        }
        std::printf("wrote %s\n", path.c_str());
      }
    }
  } catch (const InputError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }
  return 0;
}

}  // namespace bvr
