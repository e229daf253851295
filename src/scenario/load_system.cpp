#include "scenario/load_system.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

#include "models/facility.h"
#include "models/time.h"
#include "scenario/input_error.h"
#include "scenario/sourced_ranges.h"
#include "scenario/suggest.h"

#ifndef BVR_SYSTEMS_DIR_DEFAULT
#define BVR_SYSTEMS_DIR_DEFAULT "systems"
#endif

namespace bvr {

namespace fs = std::filesystem;

namespace {

constexpr double bits_per_byte = 8;  // bandwidths are read in bit/s, used in bytes/s

bool load_flag(const YamlValue& v) {
  const std::string t = v.choice({"true", "false", "yes", "no"});
  return t == "true" || t == "yes";
}

std::string stem_of(const std::string& path) { return fs::path(path).stem().string(); }

std::vector<std::string> shipped_ids() {
  std::vector<std::string> ids;
  for (const auto& file : shipped_system_files()) ids.push_back(stem_of(file));
  return ids;
}

// Power of a node, given on the node or on the rack (one of them).
void load_power(const YamlValue& system, const YamlValue& node, const std::optional<YamlValue>& rack, SystemSpec& s) {
  const auto node_power = node.find("power");
  const auto rack_power = rack ? rack->find("power") : std::nullopt;
  if (node_power && rack_power) rack_power->fail("give the power on node or on rack, not both");
  if (!node_power && !rack_power) system.fail("missing key \"power\" under node or rack (the IT power at full load)");
  const YamlValue& where = node_power ? node : *rack;
  const YamlValue power = node_power ? *node_power : *rack_power;
  const int gpus = node_power ? s.node.gpus_per_server : s.rack_gpus;
  const double share = static_cast<double>(s.node.gpus_per_server) / gpus;  // of the rack's power per node
  s.node.it_power_w = power.positive(Dimension::Power) * share;
  warn_outside_sourced_range(power, s.node.it_power_w / s.node.gpus_per_server, "system.node.power");
  const YamlValue idle = where.at("idle_power");
  s.node.idle_power_w = idle.non_negative(Dimension::Power) * share;
  const double gpus_w = gpus * s.gpu.tdp_w;
  if (power.positive(Dimension::Power) < gpus_w)
    power.fail(fmt::format("must cover its {} GPUs at their {:.0f} W TDP ({:.1f} kW), got \"{}\"", gpus, s.gpu.tdp_w,
                           gpus_w / 1e3, power.text()));
  if (s.node.idle_power_w > s.node.it_power_w)
    idle.fail(fmt::format("must not exceed the power at full load (\"{}\")", power.text()));
}

}  // namespace

std::string systems_dir() {
  const char* env = std::getenv("BVR_SYSTEMS_DIR");
  return env && *env ? env : BVR_SYSTEMS_DIR_DEFAULT;
}

std::vector<std::string> shipped_system_files() {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(systems_dir(), ec))
    if (entry.is_regular_file() && entry.path().extension() == ".yaml") files.push_back(entry.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

std::vector<FailureClass> load_failure_classes(const YamlValue& list) {
  std::vector<FailureClass> classes;
  std::vector<std::string> names;
  for (const YamlValue& item : list.items()) {
    item.allow_keys({"name", "rate", "weibull_shape", "repair_time", "servers_out", "detection_delay"});
    FailureClass c;
    const YamlValue name = item.at("name");
    c.name = name.text();
    if (std::find(names.begin(), names.end(), c.name) != names.end())
      name.fail(fmt::format("failure class \"{}\" is listed twice", c.name));
    names.push_back(c.name);
    c.rate_per_node_s = item.at("rate").non_negative(Dimension::RatePerNodeTime);
    if (auto shape = item.find("weibull_shape")) {
      c.weibull_shape = shape->quantity(Dimension::Count);
      if (!(c.weibull_shape >= 0.1 && c.weibull_shape <= 10))
        shape->fail(fmt::format("expected a Weibull shape from 0.1 to 10 (1 = exponential), got \"{}\"", shape->text()));
    }
    // A duration, or "ladder": the fleet's repair ladder (reliability.repairs).
    const YamlValue repair = item.at("repair_time");
    if (repair.node().IsScalar() && repair.text() == "ladder") c.ladder_repair = true;
    else c.repair_s = repair.non_negative(Dimension::Duration);
    // A number of nodes, "leaf" (the servers behind one leaf switch of the site's fabric),
    // "rack", "domain" (its NVLink domain) or "unit" (the system's failure unit, also when absent).
    c.servers_out = servers_in_failure_unit;
    if (auto out = item.find("servers_out")) {
      const std::string text = out->text();
      c.servers_out = text == "leaf"     ? servers_behind_leaf_switch
                      : text == "unit"   ? servers_in_failure_unit
                      : text == "rack"   ? servers_in_rack
                      : text == "domain" ? servers_in_domain
                                         : out->count(0, 100'000);
    }
    if (auto delay = item.find("detection_delay")) c.detection_delay_s = delay->non_negative(Dimension::Duration);
    classes.push_back(c);
  }
  double rate_per_node_s = 0;
  for (const FailureClass& c : classes) rate_per_node_s += c.rate_per_node_s;
  warn_outside_sourced_range(list, rate_per_node_s, "reliability.failure_classes",
                             fmt::format("{:.3g} per 1000 node-days in all", rate_per_node_s * 1000 * seconds_per_day));
  return classes;
}

BadNodes load_bad_nodes(const YamlValue& v) {
  v.allow_keys({"share", "count", "rate_multiple"});
  BadNodes b;
  auto share = v.find_set("share"), count = v.find_set("count");
  if (share && count) count->fail("give share or count, not both");
  if (!share && !count) v.fail("missing key \"share\" (or \"count\")");
  if (share) b.share = share->fraction(0.0, 1.0);
  if (count) b.count = count->count(0, 10'000'000);
  b.rate_multiple = v.at("rate_multiple").fraction(1.0, 1000.0);
  return b;
}

SystemSpec load_system(const YamlValue& v, const std::string& id, const std::string& file) {
  v.allow_keys({"name", "gpu", "scale_up", "scale_out", "node", "rack", "cooling", "failure_unit", "price",
                "failure_classes", "bad_nodes"});
  SystemSpec s;
  s.id = id;
  s.file = file;
  s.name = v.at("name").text();

  const YamlValue gpu = v.at("gpu");
  gpu.allow_keys({"model", "peak_dense", "matmul_efficiency", "hbm", "hbm_bandwidth", "power"});
  s.gpu.name = gpu.at("model").text();
  const YamlValue peaks = gpu.at("peak_dense");
  peaks.allow_keys({"bf16", "fp8", "fp4"});
  s.gpu.peak_bf16_flop_per_s = peaks.at("bf16").positive(Dimension::ComputeRate);
  if (auto fp8 = peaks.find("fp8")) s.gpu.peak_fp8_flop_per_s = fp8->positive(Dimension::ComputeRate);
  if (auto fp4 = peaks.find("fp4")) s.gpu.peak_fp4_flop_per_s = fp4->positive(Dimension::ComputeRate);
  if (auto mamf = gpu.find("matmul_efficiency")) {
    mamf->allow_keys({"bf16", "fp8", "fp4"});
    if (auto e = mamf->find("bf16")) s.gpu.matmul_share_bf16 = e->fraction(0.01, 1.0);
    if (auto e = mamf->find("fp8")) s.gpu.matmul_share_fp8 = e->fraction(0.01, 1.0);
    if (auto e = mamf->find("fp4")) s.gpu.matmul_share_fp4 = e->fraction(0.01, 1.0);
  }
  s.gpu.hbm_bytes = gpu.at("hbm").positive(Dimension::Data);
  s.gpu.hbm_bytes_per_s = gpu.at("hbm_bandwidth").positive(Dimension::Bandwidth) / bits_per_byte;
  s.gpu.tdp_w = gpu.at("power").positive(Dimension::Power);
  warn_outside_sourced_range(gpu.at("power"), s.gpu.tdp_w, "system.gpu.power");

  const YamlValue up = v.at("scale_up");
  up.allow_keys({"domain_gpus", "bandwidth", "in_network_reduction"});
  s.domain_gpus = up.at("domain_gpus").count(1, 100'000);
  if (s.domain_gpus > 1) s.gpu.nvlink_bytes_per_s = up.at("bandwidth").positive(Dimension::Bandwidth) / bits_per_byte;
  if (auto reduce = up.find("in_network_reduction")) s.in_network_reduction = load_flag(*reduce);

  const YamlValue out = v.at("scale_out");
  out.allow_keys({"nics_per_gpu", "nic_bandwidth"});
  if (auto nics = out.find("nics_per_gpu")) s.nics_per_gpu = nics->count(1, 64);
  s.nic_bytes_per_s = s.nics_per_gpu * out.at("nic_bandwidth").positive(Dimension::Bandwidth) / bits_per_byte;

  const YamlValue node = v.at("node");
  node.allow_keys({"gpus", "power", "idle_power"});
  const YamlValue node_gpus = node.at("gpus");
  s.node.gpus_per_server = node_gpus.count(1, 1024);
  if (s.domain_gpus % s.node.gpus_per_server != 0 && s.domain_gpus != 1)
    up.at("domain_gpus").fail(fmt::format("must be a whole number of nodes ({} GPUs each)", s.node.gpus_per_server));
  const auto rack = v.find("rack");
  s.rack_gpus = s.node.gpus_per_server;
  if (rack) {
    rack->allow_keys({"gpus", "power", "idle_power"});
    const YamlValue rack_gpus = rack->at("gpus");
    s.rack_gpus = rack_gpus.count(1, 100'000);
    if (s.rack_gpus % s.node.gpus_per_server != 0)
      rack_gpus.fail(fmt::format("must be a whole number of nodes ({} GPUs each)", s.node.gpus_per_server));
  }
  load_power(v, node, rack, s);

  const YamlValue cooling = v.at("cooling");
  s.cooling = cooling.choice({"air", "liquid"}) == "liquid" ? Cooling::Liquid : Cooling::Air;
  if (s.cooling == Cooling::Air && s.rack_power_w() > air_cooled_rack_limit_w)
    cooling.fail(fmt::format("an air-cooled rack of {} GPUs draws {:.1f} kW: air cools at most about {:.0f} kW a rack; "
                             "say liquid, or fewer GPUs per rack", s.rack_gpus, s.rack_power_w() / 1e3,
                             air_cooled_rack_limit_w / 1e3));
  // A board (HGX) and a compute tray (NVL72) are the node.
  s.failure_unit = v.at("failure_unit").choice({"node", "board", "tray", "domain"}) == "domain" ? FailureUnit::Domain
                                                                                           : FailureUnit::Node;
  const YamlValue price = v.at("price");
  price.allow_keys({"gpu", "node", "rack"});
  const auto entries = price.entries();
  if (entries.size() != 1) price.fail("give the list price of exactly one of gpu, node or rack");
  const auto& [per, amount] = entries.front();
  const int gpus = per == "gpu" ? 1 : per == "node" ? s.node.gpus_per_server : s.rack_gpus;
  s.price_usd_per_gpu = amount.non_negative(Dimension::Money) / gpus;
  warn_outside_sourced_range(amount, s.price_usd_per_gpu, "options.{build}.gpu_orders.N.server_price");

  if (auto classes = v.find("failure_classes")) s.failure_classes = load_failure_classes(*classes);
  if (auto bad = v.find_set("bad_nodes")) s.bad_nodes = load_bad_nodes(*bad);
  return s;
}

SystemSpec load_system_file(const std::string& path) {
  std::error_code ec;
  if (fs::is_directory(path, ec)) throw InputError(fmt::format("{}: is a folder, not a system file", path));
  const YamlValue root = load_yaml_file(path);
  if (root.node().IsNull()) root.fail("the file is empty; expected a system: block (docs/hardware.md)");
  root.allow_keys({"system"});
  return load_system(root.at("system"), stem_of(path), path);
}

SystemSpec load_system_ref(const YamlValue& v, const std::string& scenario_file) {
  if (v.node().IsMap()) return load_system(v, "inline", scenario_file);
  const std::string ref = v.text();
  const bool is_path = ref.find('/') != std::string::npos || ref.ends_with(".yaml") || ref.ends_with(".yml");
  if (is_path) {
    fs::path p(ref);
    if (p.is_relative()) p = fs::path(scenario_file).parent_path() / p;
    std::error_code ec;
    if (!fs::is_regular_file(p, ec)) v.fail(fmt::format("no system file at {}", p.string()));
    return load_system_file(p.string());
  }
  const std::vector<std::string> ids = shipped_ids();
  if (std::find(ids.begin(), ids.end(), ref) == ids.end()) {
    const std::string guess = closest_match(ref, ids);
    v.fail(fmt::format("no system \"{}\" in {}{}; shipped: {} (or give a path such as ./my-system.yaml, or a mapping)",
                       ref, systems_dir(), guess.empty() ? "" : fmt::format(" (did you mean \"{}\"?)", guess),
                       ids.empty() ? "none" : fmt::format("{}", fmt::join(ids, ", "))));
  }
  return load_system_file((fs::path(systems_dir()) / (ref + ".yaml")).string());
}

}  // namespace bvr
