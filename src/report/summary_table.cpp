#include "report/summary_table.h"

#include <fmt/format.h>

#include "report/format.h"

namespace bvr {

std::string summary_table(const Results& r) {
  std::string out = fmt::format("{} — {} replication{}, seed {}\n\n", r.scenario, r.replications,
                                r.replications == 1 ? "" : "s", r.seed);
  out += "means over replications\n";
  out += fmt::format("{:<18} {:<7} {:>14} {:>11} {:>11} {:>14} {:>9}\n", "option", "kind", "days to train",
                     "NPV cost", "total cost", "time-adjusted", "ETTR");
  for (const auto& o : r.options) {
    out += fmt::format("{:<18} {:<7} {:>14} {:>11} {:>11} {:>14} {:>9}\n", o.name, o.kind,
                       format_days(o.metric("time_to_train_days").mean), format_usd(o.metric("npv_cost_usd").mean),
                       format_usd(o.metric("total_cost_usd").mean), format_usd(o.metric("time_adjusted_cost_usd").mean),
                       format_percent(o.metric("effective_training_time_ratio").mean));
  }
  out += fmt::format("\ncheapest: {}   fastest: {}   best with time valued at {}/day: {}\n", r.comparison.cheapest,
                     r.comparison.fastest, format_usd(r.value_of_time_usd_per_day), r.comparison.best_time_adjusted);
  return out;
}

}  // namespace bvr
