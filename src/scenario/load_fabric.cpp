#include "scenario/load_fabric.h"

#include <fmt/format.h>

#include <string_view>

#include "scenario/input_error.h"
#include "scenario/load.h"
#include "scenario/overrides.h"

namespace bvr {

namespace {

constexpr double bits_per_byte = 8;

double bytes_per_s(const YamlValue& v) { return v.positive(Dimension::Bandwidth) / bits_per_byte; }

// Switch latencies are quoted in nanoseconds or microseconds, below the duration units the
// general parser knows, so those two are read here.
double latency_s(const YamlValue& v) {
  const std::string text = v.text();
  for (auto [unit, factor] : {std::pair<std::string_view, double>{"ns", 1e-9}, {"us", 1e-6}, {"µs", 1e-6}}) {
    if (text.size() > unit.size() && text.ends_with(unit)) {
      const std::string number = text.substr(0, text.size() - unit.size());
      try {
        std::size_t used = 0;
        const double value = std::stod(number, &used);
        if (number.find_first_not_of(' ', used) == std::string::npos && value >= 0) return value * factor;
      } catch (const std::exception&) {
      }
      v.fail(fmt::format("expected a latency such as 600 ns, got \"{}\"", text));
    }
  }
  return v.non_negative(Dimension::Duration);
}

// "2:1" or 2: down ports per up port.
double ratio(const YamlValue& v) {
  const std::string text = v.text();
  const auto colon = text.find(':');
  if (colon == std::string::npos) return v.fraction(1.0, 16.0);
  try {
    const double down = std::stod(text.substr(0, colon)), up = std::stod(text.substr(colon + 1));
    if (up > 0 && down / up >= 1.0 && down / up <= 16.0) return down / up;
  } catch (const std::exception&) {
  }
  v.fail(fmt::format("expected a down:up ratio between 1:1 and 16:1, got \"{}\"", text));
}

}  // namespace

FabricSpec load_fabric(const YamlValue& v, const SystemSpec* system) {
  v.allow_keys({"name", "gpus", "gpus_per_server", "nvlink_domain_gpus", "nvlink_bandwidth", "nic_bandwidth",
                "rail_optimized", "switch_ports", "switch_port_speed", "tiers", "oversubscription", "pod_gpus",
                "technology", "routing", "hop_latency", "in_network_reduction"});
  FabricSpec s;
  if (auto name = v.find("name")) s.name = name->text();
  s.gpus = v.at("gpus").count(1, 10'000'000);
  // A site's fabric connects its system's nodes: servers, NVLink domains and links default to the
  // system's (a provider's network may give its own NIC and NVLink speeds); a standalone fabric
  // file gives them all.
  if (system) {
    s.gpus_per_server = system->node.gpus_per_server;
    s.nvlink_domain_gpus = system->domain_gpus;
    s.nvlink_bw_bytes_per_s = system->gpu.nvlink_bytes_per_s;
    s.nic_bw_bytes_per_s = system->nic_bytes_per_s;
    auto same = [&](const char* key, int value, const char* what) {
      if (auto given = v.find(key); given && given->count(1, 100'000) != value)
        given->fail(fmt::format("the fabric connects the site's {} ({}: {} GPUs {}); leave the key out or say {}",
                                what, system->name, value, key == std::string_view("gpus_per_server") ? "per node" : "per NVLink domain",
                                value));
    };
    same("gpus_per_server", s.gpus_per_server, "nodes");
    same("nvlink_domain_gpus", s.nvlink_domain_gpus, "NVLink domains");
    if (auto nvlink = v.find("nvlink_bandwidth")) s.nvlink_bw_bytes_per_s = bytes_per_s(*nvlink);
    if (auto nic = v.find("nic_bandwidth")) s.nic_bw_bytes_per_s = bytes_per_s(*nic);
  } else {
    s.gpus_per_server = v.at("gpus_per_server").count(1, 1024);
    s.nvlink_domain_gpus = s.gpus_per_server;
    if (auto domain = v.find("nvlink_domain_gpus")) s.nvlink_domain_gpus = domain->count(1, 100'000);
    if (s.nvlink_domain_gpus > 1) s.nvlink_bw_bytes_per_s = bytes_per_s(v.at("nvlink_bandwidth"));
    s.nic_bw_bytes_per_s = bytes_per_s(v.at("nic_bandwidth"));
  }
  s.rail_optimized = v.at("rail_optimized").choice({"true", "false"}) == "true";
  s.switch_ports = v.at("switch_ports").count(2, 100'000);
  s.switch_port_bw_bytes_per_s = bytes_per_s(v.at("switch_port_speed"));
  s.tiers = v.at("tiers").count(2, 3);
  for (const YamlValue& item : v.at("oversubscription").items(1)) s.oversubscription.push_back(ratio(item));
  if (auto pod = v.find("pod_gpus")) s.pod_gpus = pod->count(1, 10'000'000);
  const std::string tech = v.at("technology").choice({"infiniband-ndr", "spectrum-x", "roce"});
  s.technology = tech == "infiniband-ndr" ? FabricTechnology::InfinibandNdr
                 : tech == "spectrum-x"   ? FabricTechnology::SpectrumXEthernet
                                          : FabricTechnology::RoceEthernet;
  s.routing = default_routing(s.technology);
  if (auto routing = v.find("routing"))
    s.routing = routing->choice({"ecmp", "adaptive"}) == "ecmp" ? FabricRouting::StaticEcmp : FabricRouting::Adaptive;
  s.hop_latency_s = latency_s(v.at("hop_latency"));
  if (auto sharp = v.find("in_network_reduction")) {
    s.in_network_reduction = sharp->choice({"true", "false"}) == "true";
    // SHARP runs in InfiniBand Quantum switches; Ethernet fabrics (Spectrum-X, RoCE) reduce nowhere.
    if (s.in_network_reduction && s.technology != FabricTechnology::InfinibandNdr)
      sharp->fail("in-network reduction (SHARP) needs an InfiniBand fabric (technology: infiniband-ndr)");
  }
  // Whole-fabric rules (sizes that do not fit the switches...) are blamed on the key they name.
  if (auto problem = fabric_problem(s)) {
    const auto colon = problem->find(": ");
    const std::string key = problem->substr(0, colon);
    const auto at = v.find(key);
    (at ? *at : v).fail(problem->substr(colon + 2));
  }
  return s;
}

std::vector<FabricSpec> load_fabrics_from_file(const std::string& file) {
  const YamlValue root = load_yaml_file(file);
  root.expect_map();
  std::vector<FabricSpec> fabrics;
  if (auto fabric = root.find("fabric")) {
    FabricSpec s = load_fabric(*fabric, nullptr);
    if (s.name.empty()) s.name = "fabric";
    fabrics.push_back(s);
  }
  if (auto options = root.find("options"); options && !root.find("scenario")) {
    // Options without a scenario around them: fabric blocks that give every key.
    for (const auto& [name, body] : options->entries()) {
      if (!body.node().IsMap()) continue;
      if (auto fabric = body.find("fabric")) {
        FabricSpec s = load_fabric(*fabric, nullptr);
        s.name = name;
        fabrics.push_back(s);
      }
    }
  } else if (options) {
    // A scenario: each site's fabric, on its system, named after the option (and site).
    for (const Option& option : load_scenario(root, {}, false).options)
      for (const Site& site : option.sites)
        if (site.fabric) {
          FabricSpec s = *site.fabric;
          s.name = site.name.empty() ? option.name : option.name + "/" + site.name;
          fabrics.push_back(s);
        }
  }
  if (fabrics.empty()) root.fail("no fabric: expected a top-level `fabric:` block or a site with a fabric");
  return fabrics;
}

}  // namespace bvr
