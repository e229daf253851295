// docs/scenario-reference.md lists exactly the keys the loader accepts: the loader records every
// key it allows while reading scenarios, and the document's tables are compared with that.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "scenario/load.h"
#include "scenario/yaml_reader.h"

using namespace bvr;

namespace {

const std::string source_dir = BVR_SOURCE_DIR;

// Key paths in the reference: "## workload" + "| `runs.N.compute` |" -> "workload.runs.N.compute";
// options are documented per kind ("### kind: lease") and recorded as "options.{lease}.<key>".
std::set<std::string> documented_keys() {
  std::ifstream in(source_dir + "/docs/scenario-reference.md");
  std::set<std::string> keys;
  std::string line, section;
  const std::regex heading(R"(^## (\S+))"), kind(R"(^### kind: (\w+))"), row(R"(^\| `([^`]+)` \|)");
  std::smatch m;
  while (std::getline(in, line)) {
    if (std::regex_search(line, m, kind)) {
      section = "options.{" + m[1].str() + "}";
    } else if (std::regex_search(line, m, heading)) {
      section = m[1].str();
      if (section == "Units") break;  // the rest of the page is about values, not keys
    } else if (std::regex_search(line, m, row) && !section.empty()) {
      keys.insert(section + "." + m[1].str());
    }
    if (!section.empty() && !section.starts_with("options.")) keys.insert(section);
  }
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
  allowed_key_paths = nullptr;

  // Name the options by kind, as the document does.
  std::map<std::string, std::string> kind_of;
  for (const auto& o : s.options) kind_of["options." + o.name] = std::string("options.{") + option_kind_name(o.kind) + "}";
  std::set<std::string> accepted;
  for (std::string key : raw) {
    for (const auto& [prefix, kind] : kind_of)
      if (key.starts_with(prefix + ".")) key = kind + key.substr(prefix.size());
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
