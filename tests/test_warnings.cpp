// Input warnings (issue 18, scenario/input_warning.h): values that load but are probably not
// what was meant are warned about with their file:line:column and key path, never silently
// accepted; a tornado parameter that is text is an error; the tornado's range follows --set.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <set>
#include <string>
#include <vector>

#include <unistd.h>

#include "scenario/input_error.h"
#include "scenario/load.h"
#include "scenario/sourced_ranges.h"

using namespace bvr;

namespace {

const std::string default_scenario = std::string(BVR_SOURCE_DIR) + "/scenarios/xai-oracle-2024.yaml";

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// The default scenario with `from` replaced by `to`, written to a scratch file; its path.
std::string variant(const std::string& name, const std::string& from, const std::string& to) {
  std::string text = read_text(default_scenario);
  const auto at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, "not in the default scenario: " << from);
  text.replace(at, from.size(), to);
  const auto dir = std::filesystem::temp_directory_path() / fmt::format("bvr-warning-tests-{}", getpid());
  std::filesystem::create_directories(dir);
  const std::string path = (dir / (name + ".yaml")).string();
  std::ofstream(path) << text;
  return path;
}

// 1-based line of the first `needle` in the file.
int line_of(const std::string& path, const std::string& needle) {
  const std::string text = read_text(path);
  const auto at = text.find(needle);
  REQUIRE(at != std::string::npos);
  return 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<long>(at), '\n'));
}

const InputWarning* warning_at(const Scenario& s, const std::string& key) {
  for (const auto& w : s.warnings)
    if (w.key == key) return &w;
  return nullptr;
}

std::string all(const Scenario& s) {
  std::string out;
  for (const auto& w : s.warnings) out += format_warning(w) + "\n";
  return out;
}

}  // namespace

TEST_CASE("warnings: the shipped scenarios load without any") {
  for (const char* file : {"xai-oracle-2024.yaml", "lab-blackwell-2026.yaml"}) {
    const Scenario s = load_scenario(std::string(BVR_SOURCE_DIR) + "/scenarios/" + file, {}, false);
    INFO(file << "\n" << all(s));
    CHECK(s.warnings.empty());
  }
}

// "150 kW" where MW was meant: a grid step 1,000x below its siblings.
TEST_CASE("warnings: a power step 100x or more below the largest of its list, with its place") {
  const std::string path = variant("kw-step", "- {from: 2024-11-15, power: 150 MW, capex: 24 MUSD}",
                                   "- {from: 2024-11-15, power: 150 kW, capex: 24 MUSD}");
  const Scenario s = load_scenario(path, {}, false);
  INFO(all(s));
  // The largest step is now 50 MW: 150 kW is 333x below it.
  const InputWarning* w = warning_at(s, "options.build-colossus.power.grid.steps.2.power");
  REQUIRE(w != nullptr);
  CHECK(w->file == path);
  CHECK(w->line == line_of(path, "power: 150 kW"));
  CHECK(w->message == "150 kW is 333x below the largest step of this list (50 MW): 150 MW meant?");
  CHECK(format_warning(*w).starts_with(fmt::format("{}:{}:", path, w->line)));
  CHECK(s.warnings.size() == 1);  // the hybrid's site like build-colossus reads the same value: one warning
}

// A lone step has no sibling to be below: "20 kW" for a site of 8,000 GPUs is warned against
// their load instead.
TEST_CASE("warnings: a site whose largest supply runs under 1 % of its GPUs, at its power key") {
  const std::string small = std::string(BVR_SOURCE_DIR) + "/tests/data/rent-or-build-small.yaml";
  const Scenario s = load_scenario(small, {parse_override("options.build.power.grid.steps=[{from: 2024-01-01, power: 20 kW}]"),
                                           parse_override("options.rent.site_power=[{from: 2024-01-01, power: 20 kW}]")},
                                   false);
  INFO(all(s));
  // 8,000 GPUs x 10.2 kW / 8 x 1.2 = 12.24 MW at the build; x 1.3 = 13.26 MW at the provider.
  const InputWarning* build = warning_at(s, "options.build.power");
  REQUIRE(build != nullptr);
  CHECK(build->message == "the largest firm supply, 0.02 MW, runs 0.16 % of the site's 8000 GPUs at full load (12.24 MW, "
                          "IT x PUE): kW where MW was meant?");
  const InputWarning* rent = warning_at(s, "options.rent.site_power");
  REQUIRE(rent != nullptr);
  CHECK(rent->message.starts_with("the largest firm supply, 0.02 MW, runs 0.15 % of the site's 8000 GPUs at full load (13.26 MW"));
  // 2 MW, 16 % of the build's load, is short but not a slip: no warning.
  const Scenario short_supply = load_scenario(small, {parse_override("options.build.power.grid.steps=[{from: 2024-01-01, power: 2 MW}]")}, false);
  CHECK(warning_at(short_supply, "options.build.power") == nullptr);
}

TEST_CASE("warnings: values 10x outside the ranges the docs source (a facility cost in USD/MW)") {
  const std::string path = variant("usd-per-mw", "facility_cost: 11700000 USD/MW", "facility_cost: 11.7 USD/MW");
  const Scenario s = load_scenario(path, {}, false);
  const InputWarning* w = warning_at(s, "options.build-colossus.facility_cost");
  REQUIRE_MESSAGE(w != nullptr, all(s));
  CHECK(w->message.starts_with("11.7 USD/MW is 7.95e+05x below the 9.3 MUSD/MW to 15.0 MUSD/MW of US construction cost"));
  // From --set: blamed on the assignment.
  const Scenario set = load_scenario(default_scenario, {parse_override("options.lease-oracle.list_price=0.01 USD/GPU/h")}, false);
  const InputWarning* price = warning_at(set, "options.lease-oracle.list_price");
  REQUIRE_MESSAGE(price != nullptr, all(set));
  CHECK(price->set == "options.lease-oracle.list_price=0.01 USD/GPU/h");
  CHECK(price->line == 0);
}

TEST_CASE("warnings: events outside the horizon: a build starting after it, a contract begun before day 0") {
  const std::string late = variant("late-build", "construction_start: 2024-05-01", "construction_start: 2027-06-01");
  const Scenario s = load_scenario(late, {}, false);
  const InputWarning* w = warning_at(s, "options.build-colossus.construction_start");
  REQUIRE_MESSAGE(w != nullptr, all(s));
  CHECK(w->line == line_of(late, "construction_start: 2027-06-01"));
  CHECK(w->message == "2027-06-01 is at or after the horizon (2027-03-02): it never happens within the simulated time");

  const std::string early = variant("early-contract", "contract_start: 2024-03-01", "contract_start: 2023-09-01");
  const Scenario e = load_scenario(early, {}, false);
  const InputWarning* c = warning_at(e, "options.lease-oracle.contract_start");
  REQUIRE_MESSAGE(c != nullptr, all(e));
  CHECK(c->message.starts_with("2023-09-01 is before the scenario start (2024-03-01): bvr counts nothing before day 0"));
}

TEST_CASE("warnings: a run that will take long, with the estimate") {
  const Scenario many = load_scenario(default_scenario, {parse_override("scenario.replications=100000")}, false);
  const InputWarning* w = warning_at(many, "scenario.replications");
  REQUIRE_MESSAGE(w != nullptr, all(many));
  CHECK(w->message.starts_with("this run will take long: about "));
  CHECK(w->message.find(" h in all for 100000 replications") != std::string::npos);
  // A planned stop of 10 s every minute: blamed on the interval, with its count.
  const Scenario often = load_scenario(default_scenario, {parse_override("reliability.planned_maintenance.interval=1 min"),
                                                          parse_override("reliability.planned_maintenance.downtime=10 s")},
                                       false);
  const InputWarning* p = warning_at(often, "reliability.planned_maintenance.interval");
  REQUIRE_MESSAGE(p != nullptr, all(often));
  CHECK(p->message.starts_with("this run will take long: one planned stop every 60 s (1.58e+06 events per replication)"));
  // The scenario as shipped (20 replications) says nothing.
  CHECK(warning_at(load_scenario(default_scenario, {}, false), "scenario.replications") == nullptr);
}

TEST_CASE("warnings: a sensitivity parameter that is text is an error, at its place") {
  const std::string path =
      variant("text-tornado", "- {key: scenario.discount_rate, low: 8 %/yr, high: 20 %/yr}",
              "- {key: workload.recompute, low: selective, high: full}");
  try {
    load_scenario(path);
    FAIL("a text tornado parameter loaded");
  } catch (const InputError& e) {
    // The parameter's place in the list (the shipped tornado's order) is part of the key path.
    const std::string what = e.what();
    CHECK(what.find("analysis.sensitivity.parameters.") != std::string::npos);
    CHECK(what.find(".key: workload.recompute is \"selective\", a text value: the tornado varies numbers") !=
          std::string::npos);
    CHECK(e.where.line == line_of(path, "key: workload.recompute"));
  }
}

TEST_CASE("warnings: the tornado's range follows --set of its parameter, in proportion") {
  const Scenario s = load_scenario(default_scenario, {parse_override("options.lease-oracle.list_price=20 USD/GPU/h")});
  const SensitivityParameter* p = nullptr;
  for (const auto& q : s.analysis.sensitivity)
    if (q.key == "options.lease-oracle.list_price") p = &q;
  REQUIRE(p != nullptr);
  // The file: 10 USD/GPU/h with a range of 4.92 to 12.29; set to 20, the range doubles.
  CHECK(p->low == "9.84 USD/GPU/h");
  CHECK(p->high == "24.58 USD/GPU/h");
  const InputWarning* w = warning_at(s, "analysis.sensitivity.parameters.0");
  REQUIRE_MESSAGE(w != nullptr, all(s));
  CHECK(w->message.find("follows --set options.lease-oracle.list_price=20 USD/GPU/h: 4.92 USD/GPU/h to 12.29 "
                        "USD/GPU/h in the file becomes 9.84 USD/GPU/h to 24.58 USD/GPU/h") != std::string::npos);
  // Without --set, the file's range.
  const Scenario plain = load_scenario(default_scenario);
  CHECK(plain.analysis.sensitivity[0].low == "4.92 USD/GPU/h");
  // A range that cannot move in proportion stays, with a word: a 45 % discount set to 90 % would
  // take the 64 % end to 128 %.
  const Scenario discount = load_scenario(default_scenario, {parse_override("options.lease-oracle.commitment_discount=90 %")});
  for (const auto& q : discount.analysis.sensitivity)
    if (q.key == "options.lease-oracle.commitment_discount") CHECK(q.high == "64 %");
  const InputWarning* stays = nullptr;
  for (const auto& w : discount.warnings)
    if (w.key.starts_with("analysis.sensitivity.parameters.") && w.message.find("commitment_discount") != std::string::npos)
      stays = &w;
  REQUIRE_MESSAGE(stays != nullptr, all(discount));
  CHECK(stays->message.find("stays 25 % to 64 % as written: moved in proportion (50 % to 128 %)") != std::string::npos);
}

// Every range of scenario/sourced_ranges.h warns, each for a value just over `far` times outside
// it, at the key that holds the value; and a value inside says nothing (the shipped scenarios,
// above). Each case names the range it covers: a range without a case fails the last check.
TEST_CASE("warnings: every sourced range warns beyond it, at the value's key") {
  struct Case {
    std::string range;     // the key of sourced_ranges()
    std::string scenario;  // scenarios/<file>, or tests/data/<file>
    std::vector<std::string> sets;
    std::string key;       // where the warning is
    std::string message;   // how it starts
  };
  const std::string ship = std::string(BVR_SOURCE_DIR) + "/scenarios/", data = std::string(BVR_SOURCE_DIR) + "/tests/data/";
  const std::vector<Case> cases = {
      {"scenario.discount_rate", ship + "xai-oracle-2024.yaml", {"scenario.discount_rate=0.5 %/yr"},
       "scenario.discount_rate", "0.5 %/yr is 16x below the 8 %/yr to 20 %/yr of the tornado's range"},
      // 3.79 per 1000 node-days, the gpu class 1.664 of it raised to 100: 102 in all, 15.7x above 6.50.
      {"reliability.failure_classes", ship + "xai-oracle-2024.yaml",
       {"reliability.failure_classes.0.rate=100 per 1000 node-days"}, "reliability.failure_classes",
       "102 per 1000 node-days in all is 15.7x above the 2.34 per 1000 node-days to 6.50 per 1000 node-days"},
      {"reliability.restart_time", ship + "xai-oracle-2024.yaml", {"reliability.restart_time=10 h"},
       "reliability.restart_time", "10 h is 30x above the 5 min to 20 min of restart overhead"},
      {"options.{lease}.list_price", ship + "xai-oracle-2024.yaml", {"options.lease-oracle.list_price=0.10 USD/GPU/h"},
       "options.lease-oracle.list_price", "0.10 USD/GPU/h is 17x below the 1.70 USD/GPU/h to 12.29 USD/GPU/h"},
      {"options.{lease}.renewal_price", ship + "xai-oracle-2024.yaml",
       {"options.lease-oracle.renewal_price=150 USD/GPU/h"}, "options.lease-oracle.renewal_price",
       "150 USD/GPU/h is 12.2x above the 1.70 USD/GPU/h to 12.29 USD/GPU/h"},
      {"options.{lease}.commitment_discount", ship + "xai-oracle-2024.yaml",
       {"options.lease-oracle.commitment_discount=0.45 %"}, "options.lease-oracle.commitment_discount",
       "0.45 % is 55.6x below the 25 % to 64 % of committed-use discounts"},
      {"options.{lease}.pue", ship + "xai-oracle-2024.yaml", {"options.build-colossus.pue=2.6"},
       "options.build-colossus.pue", "2.6 is 1.67x above the 1.1 to 1.56 of AI-oriented designs"},
      {"options.{build}.facility_cost", ship + "xai-oracle-2024.yaml",
       {"options.build-colossus.facility_cost=11.7 kUSD/MW"}, "options.build-colossus.facility_cost",
       "11.7 kUSD/MW is 795x below the 9.3 MUSD/MW to 15.0 MUSD/MW"},
      {"options.{build}.it_life", ship + "xai-oracle-2024.yaml", {"options.build-colossus.it_life=6 weeks"},
       "options.build-colossus.it_life", "6 weeks is 43.5x below the 5 years to 6 years of server depreciation lives"},
      {"options.{build}.construction", ship + "xai-oracle-2024.yaml",
       {"options.build-colossus.construction.0.duration=30 min", "options.build-colossus.construction.1.duration=30 min"},
       "options.build-colossus.construction", "0.04167 days of phases is 2.93e+03x below the 122 days to 16 months"},
      {"options.{build}.long_lead_equipment.N.lead_time", ship + "lab-blackwell-2026.yaml",
       {"options.build-campus.long_lead_equipment.0.lead_time=48 h"},
       "options.build-campus.long_lead_equipment.0.lead_time", "48 h is 105x below the 30 weeks to 110 weeks of switchgear"},
      {"options.{build}.gpu_orders.N.server_price", ship + "xai-oracle-2024.yaml",
       {"options.build-colossus.gpu_orders.0.server_price=270480 kUSD"}, "options.build-colossus.gpu_orders.0.server_price",
       "270480 kUSD (33,810,000 USD per GPU) is 604x above the 22000 USD to 56000 USD of used H100"},
      {"options.{build}.power.grid.price", ship + "xai-oracle-2024.yaml",
       {"options.build-colossus.power.grid.price=62.3 USD/kWh"}, "options.build-colossus.power.grid.price",
       "62.3 USD/kWh is 751x above the 62.3 USD/MWh to 83 USD/MWh of US industrial electricity"},
      {"options.{build}.power.turbines.N.fuel_cost", ship + "xai-oracle-2024.yaml",
       {"options.build-colossus.power.turbines.0.fuel_cost=25 USD/kWh"}, "options.build-colossus.power.turbines.0.fuel_cost",
       "25 USD/kWh is 581x above the 25 USD/MWh to 43 USD/MWh of Henry Hub gas"},
      {"options.{build}.power.turbines.N.capex", ship + "xai-oracle-2024.yaml",
       {"options.build-colossus.power.turbines.0.capex=1000 USD/MW"}, "options.build-colossus.power.turbines.0.capex",
       "1000 USD/MW is 1e+03x below the 1000 USD/kW to 2157 USD/kW of peaking turbines"},
      {"options.{build}.power.batteries.N.unit_price", ship + "xai-oracle-2024.yaml",
       {"options.build-colossus.power.batteries.0.unit_price=2080 USD"}, "options.build-colossus.power.batteries.0.unit_price",
       "2080 USD (533 USD per MWh of unit_energy) is 615x below the 328000 USD to 533000 USD of Tesla Megapack"},
      // A market path's points, by the path's kind (docs/market.md): a rental index 17x below its
      // range (1.70 / 0.1), a used-GPU price in kUSD where USD was meant (33,810,000 / 56,000).
      {"market.<path>.points.N.price", ship + "xai-oracle-2024.yaml", {"market.h100-rental.points.0.price=0.1 USD/GPU/h"},
       "market.h100-rental.points.0.price", "0.1 USD/GPU/h is 17x below the 1.70 USD/GPU/h to 8.00 USD/GPU/h of a GPU rental path"},
      {"market.<path>.points.N.price", ship + "xai-oracle-2024.yaml", {"market.used-h100.points.0.price=33810 kUSD"},
       "market.used-h100.points.0.price", "33810 kUSD is 604x above the 22000 USD to 56000 USD of a hardware path"},
  };
  std::set<std::string> covered;
  for (const Case& c : cases) {
    std::vector<Override> sets;
    for (const auto& text : c.sets) sets.push_back(parse_override(text));
    const Scenario s = load_scenario(c.scenario, sets, false);
    INFO(c.range << "\n" << all(s));
    const InputWarning* w = warning_at(s, c.key);
    REQUIRE(w != nullptr);
    CHECK(w->message.starts_with(c.message));
    CHECK(w->message.ends_with(": a unit or prefix slip?"));
    covered.insert(c.range);
  }
  // A colocation host's energy price and PUE read the grid price's and the PUE's ranges.
  const Scenario colo = load_scenario(data + "colocation-small.yaml",
                                      {parse_override("options.colo.host.energy_price=70 USD/kWh"),
                                       parse_override("options.colo.host.pue=2.5")},
                                      false);
  INFO(all(colo));
  CHECK(warning_at(colo, "options.colo.host.energy_price") != nullptr);
  CHECK(warning_at(colo, "options.colo.host.pue") != nullptr);
  // A system file's GPU power, power per GPU and price (a copy of h100-hgx with slips in it).
  std::string system = read_text(std::string(BVR_SOURCE_DIR) + "/systems/h100-hgx.yaml");
  for (const auto& [from, to] : {std::pair<std::string, std::string>{"power: 700 W", "power: 30 W"},
                                 {"power: 10.2 kW", "power: 200 kW"}, {"cooling: air ", "cooling: liquid "},
                                 {"node: 270480 USD", "node: 270.48 USD"}}) {
    const auto at = system.find(from);
    REQUIRE(at != std::string::npos);
    system.replace(at, from.size(), to);
  }
  const std::string system_file =
      (std::filesystem::temp_directory_path() / fmt::format("bvr-warning-tests-{}", getpid()) / "system-with-slips.yaml").string();
  std::filesystem::create_directories(std::filesystem::path(system_file).parent_path());
  std::ofstream(system_file) << system;
  const Scenario slipped = load_scenario(variant("slipped-system", "system: h100-hgx", "system: " + system_file), {}, false);
  const std::string text = all(slipped);
  INFO(text);
  CHECK(text.find("gpu.power: 30 W is 13.3x below the 400 W to 1400 W of maximum board power") != std::string::npos);
  CHECK(text.find("node.power: 200 kW (25,000 W per GPU) is 13.3x above the 812 W to 1875 W") != std::string::npos);
  CHECK(text.find("price.node: 270.48 USD (33.8 USD per GPU) is 651x below the 22000 USD to 56000 USD") != std::string::npos);
  covered.insert({"system.gpu.power", "system.node.power"});
  // Zero is a choice, never a slip: no discount, no restart time.
  const Scenario zero = load_scenario(default_scenario, {parse_override("options.lease-oracle.commitment_discount=0 %"),
                                                         parse_override("reliability.restart_time=0 s")},
                                      false);
  CHECK(warning_at(zero, "options.lease-oracle.commitment_discount") == nullptr);
  CHECK(warning_at(zero, "reliability.restart_time") == nullptr);
  for (const SourcedRange& r : sourced_ranges()) CHECK_MESSAGE(covered.count(std::string(r.key)) == 1, r.key);
}
