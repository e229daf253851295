#include "cli/systems.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdio>

#include "scenario/input_error.h"
#include "scenario/load_system.h"

namespace bvr {

namespace {

constexpr const char* usage =
    "Usage: bvr systems [FILE...] [--json]\n"
    "\n"
    "Without FILE, lists the shipped systems (the folder systems/, or $BVR_SYSTEMS_DIR) with their\n"
    "key figures: dense peaks per GPU by precision, HBM, NVLink domain, scale-out bandwidth, power,\n"
    "cooling, failure unit and list price. With FILE(s), checks those system files instead and lists\n"
    "them; a bad file exits 2 with its file:line:column, key path and what was expected.\n"
    "--json prints a list of objects instead (name, id, file, gpus_per_domain, peak_flop_per_s by\n"
    "precision, ...). A scenario names a system as system: <id> (docs/hardware.md).\n"
    "\n"
    "Options:\n"
    "  --json       print the systems as JSON\n"
    "  -h, --help   show this help\n"
    "\n"
    "Example:\n"
    "  bvr systems --json\n";

constexpr double gib = 1024.0 * 1024 * 1024;

// "2.25 P" / "989 T" for a FLOP/s figure, "—" for none.
std::string peak(double flop_per_s) {
  if (flop_per_s <= 0) return "-";
  return flop_per_s >= 1e15 ? fmt::format("{:.3g} P", flop_per_s / 1e15) : fmt::format("{:.4g} T", flop_per_s / 1e12);
}

nlohmann::json system_json(const SystemSpec& s) {
  nlohmann::json peaks = {{"bf16", s.gpu.peak_bf16_flop_per_s}};
  if (s.gpu.peak_fp8_flop_per_s > 0) peaks["fp8"] = s.gpu.peak_fp8_flop_per_s;
  if (s.gpu.peak_fp4_flop_per_s > 0) peaks["fp4"] = s.gpu.peak_fp4_flop_per_s;
  return {{"id", s.id},
          {"name", s.name},
          {"file", s.file},
          {"gpu", s.gpu.name},
          {"peak_flop_per_s", peaks},
          {"hbm_bytes", s.gpu.hbm_bytes},
          {"hbm_bytes_per_s", s.gpu.hbm_bytes_per_s},
          {"gpu_power_w", s.gpu.tdp_w},
          {"gpus_per_domain", s.domain_gpus},
          {"scale_up_bytes_per_s", s.gpu.nvlink_bytes_per_s},
          {"in_network_reduction", s.in_network_reduction},
          {"scale_out_bytes_per_s", s.nic_bytes_per_s},
          {"gpus_per_node", s.node.gpus_per_server},
          {"gpus_per_rack", s.rack_gpus},
          {"node_power_w", s.node.it_power_w},
          {"node_idle_power_w", s.node.idle_power_w},
          {"rack_power_w", s.rack_power_w()},
          {"cooling", to_string(s.cooling)},
          {"failure_unit", to_string(s.failure_unit)},
          {"price_usd_per_gpu", s.price_usd_per_gpu},
          {"failure_classes", s.failure_classes.size()}};
}

}  // namespace

int command_systems(const std::vector<std::string>& args) {
  bool json = false;
  std::vector<std::string> files;
  for (const std::string& a : args) {
    if (a == "-h" || a == "--help") {
      std::printf("%s", usage);
      return 0;
    }
    if (a == "--json") {
      json = true;
    } else if (a.starts_with("-")) {
      std::fprintf(stderr, "bvr systems: unexpected option \"%s\"\n%s", a.c_str(), usage);
      return 2;
    } else {
      files.push_back(a);
    }
  }
  const bool shipped = files.empty();
  if (shipped) files = shipped_system_files();
  if (files.empty()) {
    std::fprintf(stderr, "bvr systems: no system files in %s (set BVR_SYSTEMS_DIR to the folder of systems/)\n",
                 systems_dir().c_str());
    return 2;
  }
  std::vector<SystemSpec> systems;
  for (const std::string& file : files) {
    try {
      systems.push_back(load_system_file(file));
    } catch (const InputError& e) {
      std::fprintf(stderr, "%s\n", e.what());
      return 2;
    }
  }
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const SystemSpec& s : systems) out.push_back(system_json(s));
    std::printf("%s\n", out.dump(2).c_str());
    return 0;
  }
  std::printf("%s\n", shipped ? fmt::format("systems in {} (dense peaks per GPU, FLOP/s)", systems_dir()).c_str()
                              : "system files (dense peaks per GPU, FLOP/s)");
  std::printf("%-16s %-18s %8s %8s %8s %8s %9s %7s %9s %9s %6s %7s %10s\n", "id", "name", "BF16", "FP8", "FP4", "HBM GiB",
              "HBM TB/s", "domain", "NVL GB/s", "NIC Gb/s", "kW/GPU", "cooling", "USD/GPU");
  for (const SystemSpec& s : systems)
    std::printf("%-16s %-18s %8s %8s %8s %8.0f %9.2f %7d %9.0f %9.0f %6.2f %7s %10.0f\n", s.id.c_str(), s.name.c_str(),
                peak(s.gpu.peak_bf16_flop_per_s).c_str(), peak(s.gpu.peak_fp8_flop_per_s).c_str(),
                peak(s.gpu.peak_fp4_flop_per_s).c_str(), s.gpu.hbm_bytes / gib, s.gpu.hbm_bytes_per_s / 1e12,
                s.domain_gpus, s.gpu.nvlink_bytes_per_s / 1e9, s.nic_bytes_per_s * 8 / 1e9,
                s.node.it_power_w / s.node.gpus_per_server / 1e3, to_string(s.cooling), s.price_usd_per_gpu);
  return 0;
}

}  // namespace bvr
