#include "report/series_csv.h"

#include <fmt/format.h>

#include <stdexcept>

#include "report/csv.h"
#include "scenario/units.h"

namespace bvr {

std::vector<std::string> own_site_names(const std::vector<SiteSummary>& sites) {
  std::vector<std::string> names;
  for (const SiteSummary& site : sites)
    if (site.contract != "lease") names.push_back(site.name);
  return names;
}

std::string series_csv(const std::vector<DailyRow>& series, bool serving, const std::vector<SitePowerDay>& site_series,
                       const std::vector<std::string>& own_sites) {
  std::vector<std::string> header = series_csv_columns();
  if (serving) header.insert(header.end(), serving_series_columns().begin(), serving_series_columns().end());
  const std::size_t sites = site_series.empty() ? 0 : own_sites.size();
  if (!site_series.empty() && site_series.size() != series.size() * sites)
    throw std::logic_error(fmt::format("series_csv: {} site rows for {} days and {} own sites", site_series.size(),
                                       series.size(), own_sites.size()));
  for (std::size_t k = 0; k < sites; ++k) {
    header.push_back("site_power_mw." + own_sites[k]);
    header.push_back("site_supply_mw." + own_sites[k]);
  }
  std::string out = csv_record(header);
  for (std::size_t day = 0; day < series.size(); ++day) {
    const DailyRow& row = series[day];
    std::vector<std::string> cells = {format_date(row.day), fmt::format("{}", row.gpus_delivered), fmt::format("{}", row.gpus_installed),
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
    for (std::size_t k = 0; k < sites; ++k) {
      cells.push_back(fmt::format("{:.4f}", site_series[day * sites + k].power_mw));
      cells.push_back(fmt::format("{:.4f}", site_series[day * sites + k].supply_mw));
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
