// Bounds on what a scenario makes the campaign simulate, checked when it loads (pure: plain
// numbers in, a message out), so that a value the checks accept cannot run away in time or
// memory. The campaign is O(events): every planned stop, failure, repair and rack installed is
// a step of its actors, about 6 us each, and each job segment keeps a history entry
// (docs/architecture.md). A planned stop every second over a 1096-day horizon is 94.7 million
// of them (with the default scenario's 10-minute downtime: 6.4 GB and 6.6 CPU-minutes into one
// replication, still growing when it was stopped).
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace bvr {

// Events one option may simulate in one replication: about 30 s of simulation. The default
// scenario has about 107,000 (mostly its failures and their repairs); a million-GPU cluster with
// the same failure rates about 1.05 million.
inline constexpr double max_events_per_replication = 5'000'000;

// One source of campaign events and the scenario key that sets its count.
struct EventSource {
  std::string key;   // key path to blame: "reliability.planned_maintenance.interval"
  std::string what;  // "one planned stop every 1 s"
  double count = 0;  // expected events in one replication of one option
  // The value of `key` that would leave `room` events to this source ("an interval of at least
  // 1.15 min"); empty: "at most <room> of these".
  std::function<std::string(double room)> fits;
};

// Expected counts over a horizon of `horizon_s` (simulated time runs to the horizon at most).
double planned_stop_count(double horizon_s, double interval_s);  // 0 when interval_s <= 0 (none)
// A failure and its repair: 2 x rate x nodes x horizon.
double failure_event_count(double rate_per_node_s, double nodes, double horizon_s);
double daily_sample_count(double horizon_s);  // the daily meter

struct EventCountProblem {
  std::string key;      // the key of the largest source
  std::string message;  // what it implies, the bound and why, and the value that would pass
};

// The largest source, when the sources together exceed `bound`: its key and a message such as
// "one stop every 1 s over the 1096-day horizon makes about 94,694,400 planned stops per
// replication; ..." Nothing when they fit.
std::optional<EventCountProblem> event_count_problem(const std::vector<EventSource>& sources, double horizon_s,
                                                     double bound = max_events_per_replication);

// What a scenario's reliability and options give it, in one call. Failure classes are blamed
// as reliability.failure_classes.N.rate, in their order.
struct CampaignEventInputs {
  double horizon_s = 0;
  double planned_interval_s = 0;            // 0: no planned maintenance
  std::vector<double> failure_rates_per_node_s;  // per class
  double nodes = 0;                         // the most servers any option runs at once
  double racks = 0;                         // the most racks any option installs, one by one
};
std::vector<EventSource> campaign_event_sources(const CampaignEventInputs& in);
std::optional<EventCountProblem> event_count_problem(const CampaignEventInputs& in,
                                                     double bound = max_events_per_replication);

// Planned maintenance that leaves no time to train: a stop at least as long as the interval
// between stops (the job would restart forever and never finish). Blamed on
// reliability.planned_maintenance.downtime.
std::optional<std::string> planned_maintenance_problem(double interval_s, double downtime_s);

}  // namespace bvr
