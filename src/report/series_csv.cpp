#include "report/series_csv.h"

#include <fmt/format.h>

#include "scenario/units.h"

namespace bvr {

std::string series_csv(const std::vector<DailyRow>& series) {
  std::string out =
      "date,gpus_delivered,gpus_installed,gpus_healthy,gpus_powered,gpus_online,gpus_training,training_progress,"
      "cumulative_cost_usd,facility_power_mw,grid_mw,turbine_mw,grid_supply_mw,turbine_supply_mw,power_supply_mw,"
      "energy_mwh,energy_cost_usd,binding_constraint\n";
  for (const auto& row : series) {
    out += fmt::format("{},{},{},{},{},{},{},{:.6f},{:.2f},{:.4f},{:.4f},{:.4f},{:.4f},{:.4f},{:.4f},{:.3f},{:.2f},{}\n",
                       format_date(row.day), row.gpus_delivered, row.gpus_installed, row.gpus_healthy,
                       row.gpus_powered, row.gpus_online, row.gpus_training, row.training_progress,
                       row.cumulative_cost_usd, row.facility_power_mw, row.grid_mw, row.turbine_mw,
                       row.grid_supply_mw, row.turbine_supply_mw, row.power_supply_mw, row.energy_mwh,
                       row.energy_cost_usd, capacity_limit_name(row.binding));
  }
  return out;
}

}  // namespace bvr
