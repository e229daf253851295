#include "report/results_json.h"

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "scenario/units.h"

namespace bvr {

namespace {

using Json = nlohmann::ordered_json;  // keys stay in the order written: stable, diffable files

// JSON has no NaN or infinity; a model that produced one is a bug to report, not to hide.
double finite(double value, const std::string& where) {
  if (!std::isfinite(value)) throw std::runtime_error(fmt::format("non-finite value in {}", where));
  return value;
}

Json summary_json(const MetricSummary& s, const std::string& where) {
  return Json{{"mean", finite(s.mean, where)},
              {"p10", finite(s.p10, where)},
              {"p50", finite(s.p50, where)},
              {"p90", finite(s.p90, where)}};
}

}  // namespace

std::string results_json(const Results& results) {
  Json root;
  root["scenario"] = results.scenario;
  root["file"] = results.file;
  root["seed"] = results.seed;
  root["replications"] = results.replications;
  root["start_date"] = format_date(results.start_day);
  root["value_per_day_earlier_usd"] = results.value_of_time_usd_per_day;
  Json options = Json::array();
  for (const auto& o : results.options) {
    Json metrics = Json::object();
    for (const auto& m : o.metrics) metrics[m.name] = summary_json(m.summary, o.name + "." + m.name);
    Json runs = Json::array();
    for (const auto& run : o.run_finish_days)
      runs.push_back(Json{{"name", run.name}, {"finish_days", summary_json(run.summary, o.name + ".runs")}});
    // The date of the median full-capacity day, for people reading the file.
    const auto full_day = results.start_day + static_cast<std::int64_t>(o.metric("full_capacity_days").p50);
    options.push_back(Json{{"name", o.name},
                           {"kind", o.kind},
                           {"full_capacity_date", format_date(full_day)},
                           {"metrics", metrics},
                           {"runs", runs}});
  }
  root["options"] = options;
  root["comparison"] = Json{{"cheapest", results.comparison.cheapest},
                            {"fastest", results.comparison.fastest},
                            {"best_time_adjusted", results.comparison.best_time_adjusted}};
  return root.dump(2) + "\n";
}

}  // namespace bvr
