// Bounds on the campaign's events (scenario/bounds.h): a value the checks accept must not make a
// replication run for hours. The loader calls these on the numbers it read.
#include <doctest/doctest.h>

#include <string>

#include "models/time.h"
#include "scenario/bounds.h"
#include "scenario/input_error.h"
#include "scenario/yaml_reader.h"

using namespace bvr;

namespace {

constexpr double day = seconds_per_day;
constexpr double per_1000_node_days = 1.0 / (1000 * day);

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// The default scenario's numbers: 1096 days, a stop every 27.6 h, 12,500 servers, its eight
// failure classes (3.788 per 1000 node-days together), 1,563 racks of 64 GPUs.
CampaignEventInputs default_inputs() {
  CampaignEventInputs in;
  in.horizon_s = 1096 * day;
  in.planned_interval_s = 27.6 * seconds_per_hour;
  for (double r : {1.664, 0.651, 0.158, 0.158, 0.570, 0.470, 0.063, 0.054})
    in.failure_rates_per_node_s.push_back(r * per_1000_node_days);
  in.nodes = 12'500;
  in.racks = 1'563;
  return in;
}

}  // namespace

TEST_CASE("bounds: the default scenario is far inside the event bound") {
  const CampaignEventInputs in = default_inputs();
  CHECK_FALSE(event_count_problem(in).has_value());
  double total = 0;
  for (const EventSource& s : campaign_event_sources(in)) total += s.count;
  CHECK(total == doctest::Approx(2 * 3.788 * 12.5 * 1096 + 952 + 1'563 + 1096).epsilon(1e-4));
  CHECK(total < max_events_per_replication / 20);
  // Ten times the cluster still fits.
  CampaignEventInputs big = in;
  big.nodes *= 10;
  big.racks *= 10;
  CHECK_FALSE(event_count_problem(big).has_value());
}

TEST_CASE("bounds: a planned stop every second is refused, naming the interval that fits") {
  // The finding: planned_maintenance every 1 s (94.7 million stops) ran for minutes and gigabytes.
  CampaignEventInputs in = default_inputs();
  in.planned_interval_s = 1;
  CHECK(planned_stop_count(in.horizon_s, 1) == 94'694'400);
  const auto problem = event_count_problem(in);
  REQUIRE(problem.has_value());
  CHECK(problem->key == "reliability.planned_maintenance.interval");
  CAPTURE(problem->message);
  CHECK(problem->message.starts_with("one planned stop every 1 s over the 1,096-day horizon makes about 94,694,400 "
                                     "events per replication"));
  CHECK(contains(problem->message, "bvr simulates at most 5,000,000 events per option and replication"));
  CHECK(problem->message.ends_with("; an interval of at least 19.4 s fits"));  // 1096 days / (5M - the rest)
  in.planned_interval_s = 19.4;  // and it does
  CHECK_FALSE(event_count_problem(in).has_value());
  in.planned_interval_s = 19.3;
  CHECK(event_count_problem(in).has_value());
}

TEST_CASE("bounds: failure rates, horizons and the sum of the sources") {
  CampaignEventInputs in = default_inputs();
  in.failure_rates_per_node_s[3] = 1.0 / seconds_per_hour;  // one failure per node-hour
  auto problem = event_count_problem(in);
  REQUIRE(problem.has_value());
  CHECK(problem->key == "reliability.failure_classes.3.rate");
  CHECK(contains(problem->message, "each with its repair"));
  CHECK(contains(problem->message, "a rate of at most "));

  in = CampaignEventInputs{};  // no failures, no planned stops, no racks: only the daily meter
  in.horizon_s = 20'000 * days_per_year * day;  // 7.3 million daily samples
  problem = event_count_problem(in);
  REQUIRE(problem.has_value());
  CHECK(problem->key == "scenario.horizon");

  // No source alone, but all together: the largest is blamed.
  const std::vector<EventSource> two = {{"a", "a", 3e6, {}}, {"b", "b", 2.5e6, {}}};
  problem = event_count_problem(two, 100 * day);
  REQUIRE(problem.has_value());
  CHECK(problem->key == "a");
  CHECK(contains(problem->message, "(5,500,000 with the other sources)"));
  CHECK(contains(problem->message, "at most 2,500,000 of these fit"));
  CHECK_FALSE(event_count_problem({{"a", "a", 3e6, {}}, {"b", "b", 2e6, {}}}, 100 * day).has_value());
  // A count that is not a number is never "within the bound".
  CHECK(event_count_problem({{"a", "a", std::numeric_limits<double>::infinity(), {}}}, day).has_value());
  CHECK(event_count_problem({{"a", "a", std::numeric_limits<double>::quiet_NaN(), {}}}, day).has_value());
}

TEST_CASE("bounds: planned stops no shorter than their interval leave no time to train") {
  const auto problem = planned_maintenance_problem(1, 10 * 60);
  REQUIRE(problem.has_value());
  CHECK(*problem == "a planned stop of 10 min is not shorter than the interval of 1 s between stops: the job would "
                    "restart forever and never train");
  CHECK_FALSE(planned_maintenance_problem(27.6 * seconds_per_hour, 10 * 60).has_value());
  CHECK_FALSE(planned_maintenance_problem(0, 10 * 60).has_value());  // no planned maintenance
}

TEST_CASE("bounds: a problem is blamed at its key in the file (YamlValue::at_path)") {
  const YamlValue root = parse_yaml("reliability:\n  failure_classes:\n    - {name: gpu, rate: 1 per node-hour}\n"
                                    "    - {name: nic, rate: 2 per node-hour}\n",
                                    "s.yaml");
  try {
    root.at_path("reliability.failure_classes.1.rate").fail("too many");
    FAIL("no error");
  } catch (const InputError& e) {
    CHECK(std::string(e.what()) == "s.yaml:4:25: reliability.failure_classes.1.rate: too many");
  }
  CHECK_THROWS_AS(root.at_path("reliability.failure_classes.2.rate"), InputError);
  CHECK_THROWS_AS(root.at_path("reliability.planned_maintenance"), InputError);
}
