// docs/scenario-reference.md lists exactly the keys the loader accepts: the loader records every
// key it allows while reading scenarios, and the document's tables are compared with that.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>

#include <fmt/format.h>
#include <unistd.h>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "scenario/load.h"
#include "scenario/load_system.h"
#include "scenario/sourced_ranges.h"
#include "scenario/yaml_reader.h"

using namespace bvr;

namespace {

const std::string source_dir = BVR_SOURCE_DIR;

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Key paths in the reference: "## workload" + "| `runs.N.compute` |" -> "workload.runs.N.compute";
// sites are documented per contract ("### contract: lease") and recorded as "options.{lease}.<key>",
// an option of several sites as "options.{sites}.<key>"; the keys of a system file as "system.<key>".
std::set<std::string> documented_keys() {
  std::ifstream in(source_dir + "/docs/scenario-reference.md");
  std::set<std::string> keys;
  std::string line, section;
  const std::regex heading(R"(^## (\S+))"), kind(R"(^### contract: (\w+))"), sites(R"(^### sites)"),
      every(R"(^### every contract)"), row(R"(^\| `([^`]+)` \| ([^|]*)\|)");
  // Rows "as for a build" (or colocation) take that contract's keys under the same key.
  std::vector<std::pair<std::string, std::string>> aliases;  // (key here, same key of that contract)
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_search(line, m, kind)) {
      section = "options.{" + m[1].str() + "}";
    } else if (std::regex_search(line, m, every)) {
      section = "options.{every}";
    } else if (std::regex_search(line, m, sites)) {
      section = "options.{sites}";
    } else if (std::regex_search(line, m, heading)) {
      section = m[1].str();
      if (section == "Units") break;  // the rest of the page is about values, not keys
    } else if (std::regex_search(line, m, row) && !section.empty()) {
      const std::string key = section + "." + m[1].str(), type = m[2].str();
      keys.insert(key);
      for (const char* contract : {"build", "colocation"})
        if (type.starts_with(std::string("as for ") + (contract == std::string("build") ? "a build" : contract)))
          aliases.emplace_back(key, "options.{" + std::string(contract) + "}." + m[1].str());
      if (type.starts_with("as in reliability")) {
        const std::string sub = m[1].str();
        aliases.emplace_back(key, "reliability." + (section == "reliability" ? sub : sub));
      }
    }
    if (!section.empty() && !section.starts_with("options.")) keys.insert(section);
  }
  for (const auto& [here, there] : aliases)
    for (const std::string& k : std::set<std::string>(keys))
      if (k.starts_with(there + ".")) keys.insert(here + k.substr(there.size()));
  // The keys of every contract, in each.
  for (const std::string& k : std::set<std::string>(keys))
    if (k.starts_with("options.{every}."))
      for (const char* contract : {"lease", "build", "colocation", "used"})
        keys.insert("options.{" + std::string(contract) + "}" + k.substr(std::string("options.{every}").size()));
  std::erase_if(keys, [](const std::string& k) { return k.starts_with("options.{every}"); });
  // A documented key documents the mappings on its path ("gpu.name" documents "gpu").
  for (std::string key : std::set<std::string>(keys))
    for (auto dot = key.rfind('.'); dot != std::string::npos; dot = key.rfind('.')) {
      key.resize(dot);
      if (!key.ends_with("}") && !key.ends_with(".N")) keys.insert(key);  // list items are not keys
    }
  return keys;
}

}  // namespace

TEST_CASE("scenario reference: documents exactly the keys the loader accepts") {
  std::set<std::string> raw;
  allowed_key_paths = &raw;
  // The default scenario, plus the optional blocks it does not use.
  const std::string file = source_dir + "/scenarios/xai-oracle-2024.yaml";
  const Scenario s = load_scenario(file);
  // Colocation and used hardware, and a system file's keys; a fabric and failure classes of
  // their own on a site of every contract.
  const std::string hosted = source_dir + "/tests/data/colocation-small.yaml";
  const std::string fabric = "{gpus: 4032, rail_optimized: true, switch_ports: 64, switch_port_speed: 800 Gb/s, tiers: 2, "
                             "oversubscription: [1], technology: spectrum-x, hop_latency: 300 ns}";
  const std::string classes = "[{name: gpu, rate: 1 per 1000 node-days, weibull_shape: 1, repair_time: 1 day, "
                              "servers_out: unit, detection_delay: 0 s}]";
  const Scenario h = load_scenario(hosted, {parse_override("options.colo.fabric=" + fabric),
                                            parse_override("options.used.fabric=" + fabric),
                                            parse_override("options.colo.failure_classes=" + classes),
                                            parse_override("options.used.failure_classes=" + classes),
                                            parse_override("options.rent.failure_classes=" + classes)});
  load_scenario(file, {parse_override("options.build-colossus.failure_classes=" + classes)});
  load_scenario(file, {parse_override("reliability.bad_nodes={share: 15 %, rate_multiple: 5}"),
                       parse_override("reliability.repairs={ladder: [{step: reboot, duration: 1 h, success: 40 %}], "
                                      "misdiagnosis: 5 %}"),
                       parse_override("reliability.retirement={failures: 3, window: 30 days, replacement_lead_time: 30 days}"),
                       parse_override("reliability.cold_spares={nodes: 10, swap_time: 2 h}"),
                       parse_override("reliability.stragglers=[{name: slow, rate: 1 per 1000 node-days, slowdown: 20 %, "
                                      "detection: 1 h, repair_time: 1 day}]"),
                       parse_override("reliability.failure_classes.0.repair_time=ladder")});
  load_scenario(file, {parse_override("reliability.bad_nodes={count: 3, rate_multiple: 5}")});
  // A lease that follows the demand and may be sublet (docs/market.md); a tenant paying its energy.
  load_scenario(file, {parse_override("options.lease-oracle.renewal_gpus=demand"),
                       parse_override("options.lease-oracle.renewal_min_gpus=8000"),
                       parse_override("options.lease-oracle.renewal_max_gpus=120000"),
                       parse_override("options.lease-oracle.sublet_allowed=yes"),
                       parse_override("options.lease-oracle.sublet={index: h100-rental, fee: 0.3 USD/GPU/h, "
                                      "utilization: 50 %, energy_paid_by: tenant}")});
  // Serving (docs/serving.md): the shipped serving scenario, with a fixed layout and a GQA model.
  const std::string serving = source_dir + "/scenarios/serving-gb300-2026.yaml";
  const Scenario v = load_scenario(serving, {parse_override("workload.serving.layout={tp: 1, ep: 8, pp: 1}"),
                                             parse_override("workload.serving.max_batch=64")});
  load_scenario(file, {parse_override("options.build-colossus.construction=[{phase: a, duration: 1 day, cost_share: 100 %, "
                                      "opens: 100 %}]")});
  // A system's own bad nodes, by share and by count.
  for (const char* bad : {"{share: 10 %, rate_multiple: 3}", "{count: 2, rate_multiple: 3}"}) {
    const std::string path = (std::filesystem::temp_directory_path() / fmt::format("bvr-ref-system-{}.yaml", getpid())).string();
    std::ofstream(path) << read_text(source_dir + "/systems/h100-hgx.yaml") << "  bad_nodes: " << bad << "\n";
    load_system_file(path);
    std::filesystem::remove(path);
  }
  const std::string prices = "{switch: 1 USD, transceiver: 1 USD, cable: 1 USD, nic: 1 USD}";
  for (const char* site : {"colo", "used"}) {
    const std::string o = std::string("options.") + site + ".";
    load_scenario(hosted, {parse_override(o + "fabric=" + fabric), parse_override(o + "network_cost_share=~"),
                           parse_override(o + "network_prices=" + prices),
                           parse_override(o + "opex={maintenance: 1 %/yr}"),
                           parse_override(o + "residual_value={method: rental, price: 1 USD/GPU/h, utilization: 50 %, "
                                              "price_decline: 20 %/yr}")});
    load_scenario(hosted, {parse_override(o + "residual_value={method: resale, curve: [{age: 1 year, value: 50 %}]}")});
  }
  load_scenario(file, {parse_override("options.build-colossus.long_lead_equipment=[{item: switchgear, ordered: "
                                      "2024-03-01, lead_time: 46 weeks}]"),
                       parse_override("options.lease-oracle.commitment_discount=[{term: 1 year, discount: 37 %}]"),
                       parse_override("options.lease-oracle.early_termination_fee=50 %"),
                       parse_override("options.build-colossus.residual_value={method: resale, curve: [{age: 1 year, value: 50 %}]}")});
  load_scenario(file, {parse_override("options.build-colossus.residual_value={method: rental, price: 2 USD/GPU/h, "
                                      "utilization: 70 %, price_decline: 20 %/yr}"),
                       parse_override("scenario.discount_rate=~"),
                       parse_override("scenario.financing={debt_share: 50 %, debt_rate: 12 %/yr, equity_rate: 20 %/yr}"),
                       parse_override("analysis=~")});  // its discount_rate range needs discount_rate
  load_scenario(file, {parse_override("workload.parallelism={tp: 8, pp: 8, cp: 1, ep: 8, microbatch: 1, schedule: "
                                      "interleaved, virtual_stages: 2, sharding: zero1}"),
                       parse_override("workload.runs.0.compute=~"), parse_override("workload.runs.0.tokens=5e13"),
                       parse_override("workload.runs.0.model.tied_embeddings=no")});
  // The market's keys: a path with every key, an index-linked lease, a resale at an index, a
  // sublet on every owned contract, index-linked energy prices, a demand.
  const std::string market =
      "market={rent: {points: [{date: 2024-01-01, price: 2 USD/GPU/h}], scale: 100 %, forward_change_per_year: -10 %, "
      "uncertainty: {volatility: 30 %, half_life: 1 year}, source: test}, used: {points: [{date: 2024-01-01, price: 20000 USD}]}, "
      "power: {points: [{date: 2024-01-01, price: 60 USD/MWh}]}}";
  const std::string sublet = "{index: rent, fee: 0.2 USD/GPU/h, utilization: 50 %}";
  load_scenario(file, {parse_override(market), parse_override("options.lease-oracle.pricing=indexed"),
                       parse_override("options.lease-oracle.commitment_discount=~"),
                       parse_override("options.lease-oracle.index={path: rent, spread: 0 %, floor: 1 USD/GPU/h, cap: 3 USD/GPU/h}"),
                       parse_override("options.build-colossus.residual_value={method: index, index: used}"),
                       parse_override("options.build-colossus.sublet=" + sublet),
                       parse_override("options.build-colossus.power.grid.price=~"),
                       parse_override("options.build-colossus.power.grid.price_index=power"),
                       parse_override("demand={gpu_hours: [{from: 2024-03-01, gpus: 1000}], value: 2 USD/GPU/h}"),
                       parse_override("analysis=~")});  // its tornado names the file's own paths
  load_scenario(hosted, {parse_override(market), parse_override("options.colo.sublet=" + sublet),
                         parse_override("options.used.sublet=" + sublet),
                         parse_override("options.colo.residual_value={method: index, index: used}"),
                         parse_override("options.used.residual_value={method: index, index: used}")});
  allowed_key_paths = nullptr;

  // Name the sites by contract and the options of several sites by "sites", as the document does.
  std::map<std::string, std::string> kind_of;
  for (const Scenario* scenario : {&s, &h, &v})
    for (const auto& o : scenario->options) {
      if (o.sites.size() == 1) {
        kind_of["options." + o.name] = std::string("options.{") + to_string(o.sites[0].contract) + "}";
        continue;
      }
      kind_of["options." + o.name] = "options.{sites}";
      for (const Site& site : o.sites)
        kind_of["options." + o.name + ".sites." + site.name] = std::string("options.{") + to_string(site.contract) + "}";
    }
  std::set<std::string> accepted;
  for (std::string key : raw) {
    std::string longest;
    for (const auto& [prefix, kind] : kind_of)
      if (key.starts_with(prefix + ".") && prefix.size() > longest.size()) longest = prefix;
    if (!longest.empty()) key = kind_of[longest] + key.substr(longest.size());
    if (key.starts_with("options.{sites}.sites.")) continue;  // a site of an option of several sites: mapped above
    // A market path's keys are documented once, for any path name.
    if (key.starts_with("market.") && key.find('.', 7) != std::string::npos) {
      key = "market.<path>" + key.substr(key.find('.', 7));
      accepted.insert("market.<path>");
    }
    accepted.insert(key);
  }
  REQUIRE(accepted.size() > 80);
  const std::set<std::string> documented = documented_keys();
  for (const auto& key : accepted) {
    INFO("accepted by the loader, missing from docs/scenario-reference.md: ", key);
    CHECK(documented.count(key) == 1);
  }
  for (const auto& key : documented) {
    INFO("documented in docs/scenario-reference.md, not accepted by the loader: ", key);
    CHECK(accepted.count(key) == 1);
  }
}

// The table of sourced ranges in docs/scenario-reference.md, "Warnings", is the one the warnings
// use (scenario/sourced_ranges.h), row for row; and every key it names is a documented key.
TEST_CASE("scenario reference: the sourced ranges' table is the warnings' table") {
  const std::string doc = read_text(source_dir + "/docs/scenario-reference.md");
  const std::string table = sourced_ranges_markdown();
  INFO("docs/scenario-reference.md should hold, under ## Warnings:\n" << table);
  CHECK(doc.find(table) != std::string::npos);
  const std::set<std::string> keys = documented_keys();
  for (const SourcedRange& r : sourced_ranges()) CHECK_MESSAGE(keys.count(std::string(r.key)) == 1, r.key);
}
