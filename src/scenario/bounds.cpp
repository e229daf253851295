#include "scenario/bounds.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "models/time.h"

namespace bvr {

namespace {

// 94694400 -> "94,694,400".
std::string whole(double n) {
  const std::string digits = fmt::format("{:.0f}", std::max(0.0, n));
  std::string out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

// `v` to `digits` significant digits, up or down: a limit quoted to the user must itself pass.
double round_to(double v, int digits, bool up) {
  if (!(v > 0) || !std::isfinite(v)) return v;
  const double unit = std::pow(10.0, std::floor(std::log10(v)) - (digits - 1));
  return (up ? std::ceil(v / unit) : std::floor(v / unit)) * unit;
}

// A duration as people write it: "1 s", "19.7 s", "27.6 h", "3 days"; rounded up to three
// digits with `up` (a lower limit quoted to the user must itself pass).
std::string duration(double s, bool up = false) {
  auto shown = [&](double v, const char* unit) {
    return fmt::format("{:g} {}", up ? round_to(v, 3, true) : std::stod(fmt::format("{:.3g}", v)), unit);
  };
  if (s < 2 * 60) return shown(s, "s");
  if (s < 2 * seconds_per_hour) return shown(s / 60, "min");
  if (s < 2 * seconds_per_day) return shown(s / seconds_per_hour, "h");
  return shown(s / seconds_per_day, "days");
}

}  // namespace

double planned_stop_count(double horizon_s, double interval_s) {
  return interval_s > 0 && horizon_s > 0 ? std::floor(horizon_s / interval_s) : 0.0;
}

double failure_event_count(double rate_per_node_s, double nodes, double horizon_s) {
  return 2 * std::max(0.0, rate_per_node_s) * std::max(0.0, nodes) * std::max(0.0, horizon_s);
}

double daily_sample_count(double horizon_s) { return std::ceil(std::max(0.0, horizon_s) / seconds_per_day); }

std::optional<EventCountProblem> event_count_problem(const std::vector<EventSource>& sources, double horizon_s,
                                                     double bound) {
  if (sources.empty()) return std::nullopt;
  double total = 0;
  const EventSource* largest = &sources.front();
  for (const EventSource& s : sources) {
    total += s.count;
    if (s.count > largest->count || std::isnan(s.count)) largest = &s;
  }
  if (total <= bound) return std::nullopt;  // (NaN and infinity are problems)
  const double others = total - largest->count;
  std::string message = fmt::format("{} over the {}-day horizon makes about {} events per replication", largest->what,
                                    whole(horizon_s / seconds_per_day), whole(largest->count));
  if (others >= 1) message += fmt::format(" ({} with the other sources)", whole(total));
  message += fmt::format(
      "; bvr simulates at most {} events per option and replication: each planned stop, failure, repair, rack "
      "installed and daily sample is a step of the campaign (about 6 us and a history entry), and more would take "
      "hours and gigabytes",
      whole(bound));
  const double room = std::floor(bound - others);
  if (room >= 1) message += "; " + (largest->fits ? largest->fits(room) : fmt::format("at most {} of these fit", whole(room)));
  return EventCountProblem{largest->key, message};
}

std::vector<EventSource> campaign_event_sources(const CampaignEventInputs& in) {
  std::vector<EventSource> sources;
  if (in.planned_interval_s > 0)
    sources.push_back({"reliability.planned_maintenance.interval",
                       fmt::format("one planned stop every {}", duration(in.planned_interval_s)),
                       planned_stop_count(in.horizon_s, in.planned_interval_s),
                       [h = in.horizon_s](double room) {
                         return fmt::format("an interval of at least {} fits", duration(h / room, true));
                       }});
  for (std::size_t c = 0; c < in.failure_rates_per_node_s.size(); ++c) {
    const double rate = in.failure_rates_per_node_s[c];
    sources.push_back({fmt::format("reliability.failure_classes.{}.rate", c),
                       fmt::format("{:.4g} failures per 1000 node-days on {} nodes, each with its repair,",
                                   rate * 1000 * seconds_per_day, whole(in.nodes)),
                       failure_event_count(rate, in.nodes, in.horizon_s),
                       [count = failure_event_count(rate, in.nodes, in.horizon_s), rate](double room) {
                         return fmt::format("a rate of at most {:.4g} per 1000 node-days fits",
                                            round_to(rate * room / count * 1000 * seconds_per_day, 4, false));
                       }});
  }
  if (in.racks > 0) sources.push_back({"options", fmt::format("{} racks installed one by one", whole(in.racks)), in.racks, {}});
  sources.push_back({"scenario.horizon", "one daily sample a day", daily_sample_count(in.horizon_s),
                     [](double room) { return fmt::format("a horizon of at most {} days fits", whole(std::floor(room))); }});
  return sources;
}

std::optional<EventCountProblem> event_count_problem(const CampaignEventInputs& in, double bound) {
  return event_count_problem(campaign_event_sources(in), in.horizon_s, bound);
}

std::optional<std::string> planned_maintenance_problem(double interval_s, double downtime_s) {
  if (interval_s > 0 && downtime_s >= interval_s)
    return fmt::format("a planned stop of {} is not shorter than the interval of {} between stops: the job would "
                       "restart forever and never train",
                       duration(downtime_s), duration(interval_s));
  return std::nullopt;
}

}  // namespace bvr
