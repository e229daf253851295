#include "report/series_csv.h"

#include <fmt/format.h>

#include "report/csv.h"
#include "scenario/units.h"

namespace bvr {

std::string series_csv(const std::vector<DailyRow>& series, bool serving) {
  std::vector<std::string> header = series_csv_columns();
  if (serving) header.insert(header.end(), serving_series_columns().begin(), serving_series_columns().end());
  std::string out = csv_record(header);
  for (const auto& row : series) {
    std::vector<std::string> cells{format_date(row.day), fmt::format("{}", row.gpus_delivered), fmt::format("{}", row.gpus_installed),
                       fmt::format("{}", row.gpus_healthy), fmt::format("{}", row.gpus_powered),
                       fmt::format("{}", row.gpus_online), fmt::format("{}", row.gpus_training),
                       fmt::format("{:.6f}", row.training_progress), fmt::format("{:.2f}", row.cumulative_cost_usd),
                       fmt::format("{:.4f}", row.facility_power_mw), fmt::format("{:.4f}", row.grid_mw),
                       fmt::format("{:.4f}", row.turbine_mw), fmt::format("{:.4f}", row.grid_supply_mw),
                       fmt::format("{:.4f}", row.turbine_supply_mw), fmt::format("{:.4f}", row.power_supply_mw),
                       fmt::format("{:.4f}", row.lease_supply_mw),
                       fmt::format("{:.3f}", row.energy_mwh), fmt::format("{:.2f}", row.energy_cost_usd),
                       std::string(capacity_limit_name(row.binding))};
    if (serving) {
      cells.push_back(fmt::format("{:.4f}", row.serving_demand_tokens_per_s));
      cells.push_back(fmt::format("{:.4f}", row.serving_served_tokens_per_s));
      cells.push_back(fmt::format("{}", row.gpus_serving));
      cells.push_back(fmt::format("{:.4f}", row.serving_power_mw));
    }
    out += csv_record(cells);
  }
  return out;
}

const std::vector<std::string>& serving_series_columns() {
  static const std::vector<std::string> columns = {"serving_demand_tokens_per_s", "serving_served_tokens_per_s",
                                                   "gpus_serving", "serving_power_mw"};
  return columns;
}

const std::vector<std::string>& series_csv_columns() {
  static const std::vector<std::string> columns = {
      "date",          "gpus_delivered",   "gpus_installed",   "gpus_healthy",     "gpus_powered",
      "gpus_online",   "gpus_training",    "training_progress", "cumulative_cost_usd", "facility_power_mw",
      "grid_mw",       "turbine_mw",       "grid_supply_mw",   "turbine_supply_mw", "power_supply_mw",
      "lease_supply_mw",
      "energy_mwh",    "energy_cost_usd",  "binding_constraint"};
  return columns;
}

}  // namespace bvr
