#include "cli/topo.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "models/fabric.h"
#include "report/atomic_file.h"
#include "report/output_dir.h"
#include "models/fabric_collectives.h"
#include "models/fabric_graph.h"
#include "scenario/input_error.h"
#include "scenario/load_fabric.h"
#include "scenario/plain_name.h"
#include "scenario/units.h"
#include "sim/collective_sim.h"

namespace bvr {

namespace {

// Drawing 100k GPUs helps nobody and Graphviz would not finish.
constexpr int max_dot_gpus = 4096;

// The slice the scaled evaluation simulates (1024 GPUs): the largest group all-to-all can run on,
// so every collective runs on the same group, and a 100k-GPU fabric takes about a second. It
// spans two leaf groups of Colossus (512 GPUs each), so rings cross spines: groups of 512 would
// stay under one leaf group and hide the spines and their routing.
constexpr int default_group_gpus = CollectiveEvalOptions{}.slice_gpus;

// The buffers nccl-tests users quote most: a large bucket of gradients and a full GiB.
constexpr double default_sizes_bytes[] = {64e6, 1024.0 * 1024 * 1024};

constexpr double bytes_per_gb = 1e9;  // nccl-tests' GB/s
constexpr double us_per_s = 1e6;

constexpr const char* usage =
    "Usage: bvr topo FILE [--dot out.dot] [--collectives [--size SIZE]... [--group N] [--collective NAME]...]\n";

constexpr const char* help_body = R"(
The cluster network of every fabric in FILE: the `fabric` block of each option of a scenario, or
a standalone fabric file such as scenarios/fabrics/colossus.yaml. For each fabric: its shape
(GPUs, NIC and switch speeds in Gb/s, pods), switches per tier, links, cables, transceivers,
bisection bandwidth (Tb/s each way, and % of full), diameter (links) and whether it is
non-blocking. Nothing is simulated unless --collectives is given.

Options:
  --dot out.dot      also write the fabric as a GraphViz graph (fabrics of at most 4096 GPUs;
                     with several fabrics, one file each: out-<name>.dot)
  --collectives      also simulate collectives on each fabric (SimGrid, scaled evaluation,
                     docs/fabric.md) and print one row per collective and size, as nccl-tests
                     does: GPUs per group, size (bytes per GPU), time (us), algbw and busbw
                     (GB/s, 1 GB = 1e9 bytes). Every group of the fabric runs at once.
  --size SIZE        bytes per GPU, such as "256 MB" or "1 GiB" (repeatable; default 64 MB and
                     1 GiB): the all-reduce and all-to-all buffer, the reduce-scatter input,
                     the all-gather output, the send/recv message
  --group N          GPUs per group: whole servers or a divisor of a server, at most the
                     fabric's GPUs (default 1024, or every GPU of a smaller fabric). All-to-all
                     groups larger than the 1024-GPU slice the evaluation simulates are cut to
                     the most whole servers that fit it, and the table says so.
  --collective NAME  all-reduce, all-reduce-tree, reduce-scatter, all-gather, all-to-all or
                     send-recv (repeatable; default all six)
  -h, --help         show this help

algbw = size / time; busbw = algbw x 2(n-1)/n for all-reduce, (n-1)/n for reduce-scatter,
all-gather and all-to-all, 1 for send-recv, n being the GPUs per group (nccl-tests). Results are
cached per process, and across runs in the user's cache folder ($XDG_CACHE_HOME/bvr/collectives or
~/.cache/bvr/collectives; BVR_COLLECTIVE_CACHE names another, =off turns it off).

Exit codes: 0 success; 1 internal error; 2 bad input (FILE unreadable or invalid, an unknown
option or a bad option value, a group the fabric cannot hold, --dot on a larger fabric).
)";

// Bad command line: printed with the usage line, exit code 2.
struct TopoUsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct TopoOptions {
  std::string file, dot;
  bool help = false;
  bool collectives = false;
  std::vector<double> sizes_bytes;       // empty = the defaults
  int group_gpus = 0;                    // 0 = default_group_gpus, within the fabric
  std::vector<CollectiveKind> kinds;     // empty = all six
};

std::string collective_names() {
  std::string names;
  for (CollectiveKind k : all_collective_kinds) names += std::string(names.empty() ? "" : ", ") + to_string(k);
  return names;
}

double parse_size_bytes(const std::string& text) {
  double bytes = 0;
  try {
    bytes = parse_quantity(text, Dimension::Data);
  } catch (const UnitError&) {
  }
  // Less than a byte per GPU is no message at all.
  if (!(bytes >= 1))
    throw TopoUsageError(fmt::format("--size: expected a data size such as 64 MB or 1 GiB, got \"{}\"", text));
  return bytes;
}

int parse_group_gpus(const std::string& text) {
  // Digits only (std::stoi would take "512abc"), and few enough that stoi cannot overflow.
  const bool digits_only =
      !text.empty() && text.size() <= 8 && text.find_first_not_of("0123456789") == std::string::npos;
  const int gpus = digits_only ? std::stoi(text) : 0;
  if (gpus < 1) throw TopoUsageError(fmt::format("--group: expected a number of GPUs such as 512, got \"{}\"", text));
  return gpus;
}

CollectiveKind parse_collective(const std::string& name) {
  if (auto kind = collective_from_string(name)) return *kind;
  throw TopoUsageError(fmt::format("--collective: unknown collective \"{}\"; expected one of {}", name,
                                   collective_names()));
}

TopoOptions parse_topo_options(const std::vector<std::string>& args) {
  TopoOptions o;
  bool collective_option_seen = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    auto value = [&]() -> const std::string& {
      if (i + 1 >= args.size()) throw TopoUsageError(fmt::format("{} needs a value", arg));
      return args[++i];
    };
    if (arg == "--help" || arg == "-h") {
      o.help = true;
    } else if (arg == "--dot") {
      if (i + 1 >= args.size()) throw TopoUsageError("--dot needs a file name");
      o.dot = args[++i];
    } else if (arg == "--collectives") {
      o.collectives = true;
    } else if (arg == "--size") {
      o.sizes_bytes.push_back(parse_size_bytes(value()));
      collective_option_seen = true;
    } else if (arg == "--group") {
      o.group_gpus = parse_group_gpus(value());
      collective_option_seen = true;
    } else if (arg == "--collective") {
      o.kinds.push_back(parse_collective(value()));
      collective_option_seen = true;
    } else if (arg.starts_with("-") && arg.size() > 1) {
      throw TopoUsageError(fmt::format("unknown option \"{}\"", arg));
    } else if (o.file.empty()) {
      o.file = arg;
    } else {
      throw TopoUsageError(fmt::format("unexpected argument \"{}\"", arg));
    }
  }
  if (o.help) return o;
  if (collective_option_seen && !o.collectives)
    throw TopoUsageError("--size, --group and --collective choose what --collectives prints; add --collectives");
  if (o.file.empty()) throw TopoUsageError("missing FILE");
  if (o.sizes_bytes.empty()) o.sizes_bytes.assign(std::begin(default_sizes_bytes), std::end(default_sizes_bytes));
  if (o.kinds.empty()) o.kinds.assign(std::begin(all_collective_kinds), std::end(all_collective_kinds));
  return o;
}

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

// The group every collective but all-to-all runs on. The default is whole servers (up to
// default_group_gpus), and the whole fabric when that is smaller.
int group_gpus_for(const FabricSpec& s, const TopoOptions& o) {
  if (o.group_gpus > 0) return o.group_gpus;
  const int domain = s.nvlink_domain_gpus;
  const int whole_domains = std::max(1, default_group_gpus / domain) * domain;
  return std::min(whole_domains, s.gpus);
}

// All-to-all groups must fit the slice of the scaled evaluation (plan_collective refuses
// otherwise): a larger one is cut to the most whole NVLink domains that fit.
int all_to_all_group_gpus(const FabricSpec& s, int group_gpus) {
  const int slice_gpus = CollectiveEvalOptions{}.slice_gpus;
  if (group_gpus <= slice_gpus) return group_gpus;
  return std::max(1, slice_gpus / s.nvlink_domain_gpus) * s.nvlink_domain_gpus;
}

// The same rules as plan_collective's, checked before anything is printed or simulated, so a
// bad --group is bad input naming the fabric rather than a failed child.
void check_group(const FabricSpec& s, int group_gpus) {
  if (group_gpus > s.gpus)
    throw TopoUsageError(fmt::format("--group {}: fabric {} has only {} GPUs", group_gpus, s.name, s.gpus));
  const int domain = s.nvlink_domain_gpus;
  if (group_gpus % domain != 0 && domain % group_gpus != 0)
    throw TopoUsageError(fmt::format("--group {}: fabric {} has {} GPUs per NVLink domain; a group is whole domains "
                                     "(a multiple of {}) or a divisor of {}",
                                     group_gpus, s.name, domain, domain, domain));
}

void print_collective_row(const FabricSpec& s, CollectiveKind kind, double bytes, int group_gpus) {
  CollectiveEvalOptions simulated;
  simulated.closed_form = false;  // topo shows the simulation, even where the closed form may stand for it
  const CollectiveResult r = evaluate_collective(s, CollectiveSpec{kind, bytes, group_gpus}, simulated);
  std::printf("  %-16s %6d %14.0f %12.1f %12.2f %12.2f\n", to_string(kind), group_gpus, bytes, r.time_s * us_per_s,
              r.algbw_bytes_per_s / bytes_per_gb, r.busbw_bytes_per_s / bytes_per_gb);
  std::fflush(stdout);  // rows appear as they are simulated, not all at the end
}

void print_collectives(const FabricSpec& s, const TopoOptions& o) {
  const int group_gpus = group_gpus_for(s, o);
  std::printf("  collectives: groups of consecutive GPUs, every group at once (SimGrid, scaled evaluation)\n");
  std::printf("  %-16s %6s %14s %12s %12s %12s\n", "collective", "group", "size (B)", "time (us)", "algbw (GB/s)",
              "busbw (GB/s)");
  bool all_to_all_cut = false;
  for (CollectiveKind kind : o.kinds) {
    const int group = kind == CollectiveKind::AllToAll ? all_to_all_group_gpus(s, group_gpus) : group_gpus;
    all_to_all_cut = all_to_all_cut || group != group_gpus;
    for (double bytes : o.sizes_bytes) print_collective_row(s, kind, bytes, group);
  }
  if (all_to_all_cut)
    std::printf("  all-to-all ran on groups of %d GPUs, not %d: its groups must fit the %d-GPU slice the evaluation "
                "simulates\n",
                all_to_all_group_gpus(s, group_gpus), group_gpus, CollectiveEvalOptions{}.slice_gpus);
}

// The file --dot writes for each fabric: one per fabric when there are several, out-<name>.dot.
std::vector<std::string> dot_paths(const std::vector<FabricSpec>& fabrics, const std::string& dot) {
  std::vector<std::string> paths;
  for (const FabricSpec& s : fabrics) {
    std::string path = dot;
    if (fabrics.size() > 1) {
      const auto ext = path.rfind(".dot");
      path = (ext == std::string::npos ? path : path.substr(0, ext)) + "-" + s.name + ".dot";
    }
    paths.push_back(path);
  }
  return paths;
}

// Throws OutputError (exit 2) when a file cannot be written.
void write_dot_files(const std::vector<FabricSpec>& fabrics, const std::string& dot) {
  const auto paths = dot_paths(fabrics, dot);
  for (std::size_t i = 0; i < fabrics.size(); ++i) {
    std::ostringstream out;
    write_fabric_dot(build_fabric_graph(fabrics[i]), out);
    write_file_atomically(paths[i], out.str());
    std::printf("wrote %s\n", paths[i].c_str());
  }
}

}  // namespace

int command_topo(const std::vector<std::string>& args) {
  try {
    const TopoOptions o = parse_topo_options(args);
    if (o.help) {
      std::printf("%s%s", usage, help_body);
      return 0;
    }
    const std::vector<FabricSpec> fabrics = load_fabrics_from_file(o.file);
    // Every refusal comes before any output or simulation.
    for (const FabricSpec& s : fabrics) {
      if (o.collectives) check_group(s, group_gpus_for(s, o));
      // With several fabrics each name goes into a file name, out-<name>.dot: it must stay one plain name.
      if (!o.dot.empty() && fabrics.size() > 1 && !is_plain_name(s.name)) {
        std::fprintf(stderr, "bvr topo: fabric name \"%s\" cannot be part of a --dot file name: it %s\n",
                     s.name.c_str(), plain_name_rule());
        return 2;
      }
      if (!o.dot.empty() && s.gpus > max_dot_gpus) {
        std::fprintf(stderr, "bvr topo: %s has %d GPUs; --dot draws fabrics of at most %d\n", s.name.c_str(), s.gpus,
                     max_dot_gpus);
        return 2;
      }
    }
    // Before anything is printed or simulated: every --dot file can be written.
    if (!o.dot.empty())
      for (const auto& path : dot_paths(fabrics, o.dot)) check_output_file(path);
    for (const FabricSpec& s : fabrics) {
      print_fabric(s);
      if (o.collectives) print_collectives(s, o);
    }
    if (!o.dot.empty()) write_dot_files(fabrics, o.dot);
  } catch (const TopoUsageError& e) {
    std::fprintf(stderr, "bvr topo: %s\n%s", e.what(), usage);
    return 2;
  } catch (const InputError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return 2;
  }
  return 0;
}

}  // namespace bvr
