// Input warnings (issue 18, scenario/input_warning.h): values that load but are probably not
// what was meant are warned about with their file:line:column and key path, never silently
// accepted; a tornado parameter that is text is an error; the tornado's range follows --set.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <unistd.h>

#include "scenario/input_error.h"
#include "scenario/load.h"

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

TEST_CASE("warnings: values 10x outside the ranges docs/finance.md sources (a facility cost in USD/MW)") {
  const std::string path = variant("usd-per-mw", "facility_cost: 11700000 USD/MW", "facility_cost: 11.7 USD/MW");
  const Scenario s = load_scenario(path, {}, false);
  const InputWarning* w = warning_at(s, "options.build-colossus.facility_cost");
  REQUIRE_MESSAGE(w != nullptr, all(s));
  CHECK(w->message.starts_with("11.7 USD/MW is 7.95e+05x below the 9.3–15 MUSD/MW of US facility costs"));
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
