// What one simulated replication of one option produced, before statistics.
#pragma once
#include <array>
#include <cstdint>
#include <string_view>
#include <vector>

#include "models/capacity.h"
#include "models/finance.h"

namespace bvr {

// Metric names are a contract (docs/results.md): tools read them from results.json.
enum class Metric {
  TimeToTrainDays,
  TotalCostUsd,
  NpvCostUsd,
  TimeAdjustedCostUsd,
  GpuHours,
  EffectiveTrainingTimeRatio,
  Mfu,
  EnergyMwh,
  PeakFacilityPowerMw,
  Interruptions,
  CompletedFraction,
  FullCapacityDays,
  EnergyGridMwh,
  EnergyTurbineMwh,
  PlannedInterruptions,
  UsefulGpuHours,
  TrainedModels,
  NpvCostPerTrainedModelUsd,
  UsdPerUsefulGpuHour,
  NodesRetired,
  JobMtbiHours,
  NodeRepairs,
  RepairsMisdiagnosed,
};
constexpr std::size_t metric_count = 23;

// Where the job's GPU time went other than useful training (GPU-hours, by cause).
enum class Lost {
  Launch,       // first start of each run, waiting for the job to come up
  Restarts,     // downtime after failures: detection, relaunch, reload
  FailedWork,   // work since the last checkpoint, thrown away by a failure
  Checkpoints,  // blocking checkpoint time
  Maintenance,  // planned maintenance downtime
  Resizes,      // restarts to use more or fewer GPUs, or to move site
  Stragglers,   // the speed a slow node cost the job until it was taken out, and that restart
};
constexpr std::size_t lost_cause_count = 7;
std::string_view lost_cause_name(Lost cause);
std::string_view metric_name(Metric metric);

// What serving a dated demand produced (docs/serving.md, "Serving in the campaign"); in
// results.json only when the scenario serves one (Scenario::serves()), after the metrics above.
enum class ServingMetric {
  TokensDemanded,           // output tokens the demand asked for over the horizon
  TokensServed,             // of them, served
  TokensUnmet,              // not served: demanded - served
  UnmetShare,               // unmet / demanded
  GpuHours,                 // GPU-hours held by serving instances
  Utilization,              // tokens served / tokens the GPUs open to serving could have served
  EnergyMwh,                // facility energy of the serving GPUs (in energy_mwh too)
  MeanPowerMw,              // serving energy / the time serving held GPUs
  TokensPerSPerMw,          // tokens served per second per MW of serving power (served / energy)
  CostUsd,                  // the option's nominal cost attributed to serving (by GPU-hours)
  CostPerMillionTokensUsd,  // that cost per million tokens served
  Failures,                 // failures that struck nodes serving (their instances down until repaired)
};
constexpr std::size_t serving_metric_count = 12;
std::string_view serving_metric_name(ServingMetric metric);

// One row of the daily series, sampled at midnight of each day.
struct DailyRow {
  std::int64_t day = 0;  // days since 1970-01-01
  int gpus_delivered = 0;
  int gpus_installed = 0;
  int gpus_healthy = 0;   // installed, minus servers in repair
  int gpus_powered = 0;   // installed and within the power supply
  int gpus_online = 0;    // powered and brought up: able to train
  int gpus_training = 0;  // held by the training job
  double training_progress = 0;  // share of the workload's FLOPs done (saved or not)
  double cumulative_cost_usd = 0;
  double facility_power_mw = 0;  // drawn, all sources
  double grid_mw = 0;            // drawn from our grid connection
  double turbine_mw = 0;         // drawn from our turbines
  double grid_supply_mw = 0;     // available from our grid connection
  double turbine_supply_mw = 0;  // available from our turbines
  double power_supply_mw = 0;    // firm supply of the option's sites in use: ours, plus the provider's cap while a lease runs
  double lease_supply_mw = 0;    // of which the providers' caps (leases running): ours is the difference
  double energy_mwh = 0;         // drawn during the day before this sample
  double energy_cost_usd = 0;    // electricity and fuel for that energy
  CapacityLimit binding = CapacityLimit::None;
  // Serving (only written when the scenario serves a demand): at the sample's instant.
  double serving_demand_tokens_per_s = 0;
  double serving_served_tokens_per_s = 0;
  int gpus_serving = 0;          // held by serving instances
  double serving_power_mw = 0;   // facility power of those GPUs
};

// One own (built, colocated, used) site's facility power drawn and firm supply at a daily sample.
struct SitePowerDay {
  double power_mw = 0;
  double supply_mw = 0;
};

// Nominal spending by category over some days, and when it was paid: usd_days sums each amount
// times its time of payment in days since the start (a flow's integral of usd(t) * t dt), so
// usd_days / usd is the amount-weighted mean day of payment (CashLedger::usd_seconds_by_category).
struct DayCash {
  std::array<double, cost_category_count> usd{};
  std::array<double, cost_category_count> usd_days{};
};

struct OptionOutcome {
  std::array<double, metric_count> metrics{};
  std::array<double, cost_category_count> cost_usd{};  // nominal, by category
  std::array<double, cost_category_count> npv_usd{};   // discounted to the start, by category
  // Spending by category in each day [d, d + 1) of the horizon (the last bucket holds the rest to
  // the horizon, the residual credit included): what cashflows.xlsx and cashflows.csv lay out.
  std::vector<DayCash> cash_by_day;
  std::array<double, lost_cause_count> lost_gpu_hours{};
  std::vector<double> interruptions_by_class;           // per scenario failure class
  std::vector<double> repairs_by_step;                  // repairs finished at each rung of the ladder (repair_step_names)
  std::vector<double> run_finish_days;                  // per training run; the horizon if unfinished
  std::array<double, serving_metric_count> serving{};   // zero unless the scenario serves a demand
  std::vector<DailyRow> series;                         // kept for the first replication only
  // With series, for an option of two or more own sites: each day's own sites in the option's
  // order (days x sites); empty otherwise (the series' totals are then the one site's).
  std::vector<SitePowerDay> site_series;
  double& operator[](Metric m) { return metrics[static_cast<std::size_t>(m)]; }
  double operator[](Metric m) const { return metrics[static_cast<std::size_t>(m)]; }
};

// The net cost (docs/market.md): the gross NPV with the credits beyond the runs (the value of
// the demand served and the sublet income, both negative). The same number as the gross when
// the scenario values nothing beyond the runs.
inline double net_npv_cost_usd(const OptionOutcome& o) {
  return o[Metric::NpvCostUsd] + o.npv_usd[static_cast<std::size_t>(CostCategory::ValueBeyondRuns)] +
         o.npv_usd[static_cast<std::size_t>(CostCategory::SubletIncome)];
}
inline double net_time_adjusted_cost_usd(const OptionOutcome& o) {
  return o[Metric::TimeAdjustedCostUsd] + o.npv_usd[static_cast<std::size_t>(CostCategory::ValueBeyondRuns)] +
         o.npv_usd[static_cast<std::size_t>(CostCategory::SubletIncome)];
}

struct ReplicationOutcome {
  std::vector<OptionOutcome> options;  // in scenario order
};

}  // namespace bvr
