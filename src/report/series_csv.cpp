#include "report/series_csv.h"

#include <fmt/format.h>

#include "report/csv.h"
#include "scenario/units.h"

namespace bvr {

std::string series_csv(const std::vector<DailyRow>& series) {
  std::string out = csv_record(series_csv_columns());
  for (const auto& row : series) {
    out += csv_record({format_date(row.day), fmt::format("{}", row.gpus_delivered), fmt::format("{}", row.gpus_installed),
                       fmt::format("{}", row.gpus_healthy), fmt::format("{}", row.gpus_powered),
                       fmt::format("{}", row.gpus_online), fmt::format("{}", row.gpus_training),
                       fmt::format("{:.6f}", row.training_progress), fmt::format("{:.2f}", row.cumulative_cost_usd),
                       fmt::format("{:.4f}", row.facility_power_mw), fmt::format("{:.4f}", row.grid_mw),
                       fmt::format("{:.4f}", row.turbine_mw), fmt::format("{:.4f}", row.grid_supply_mw),
                       fmt::format("{:.4f}", row.turbine_supply_mw), fmt::format("{:.4f}", row.power_supply_mw),
                       fmt::format("{:.4f}", row.lease_supply_mw),
                       fmt::format("{:.3f}", row.energy_mwh), fmt::format("{:.2f}", row.energy_cost_usd),
                       std::string(capacity_limit_name(row.binding))});
  }
  return out;
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
