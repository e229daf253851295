#include "sim/campaign.h"

#include <simgrid/s4u.hpp>

#include <algorithm>
#include <memory>

#include "models/time.h"
#include "sim/option_sim.h"

namespace sg4 = simgrid::s4u;

namespace bvr {

namespace {

// Serving's figures (docs/serving.md, "Serving in the campaign"). Its cost: the option's gross
// nominal cost (every category but the credits beyond the runs; the residual value credited)
// split between the workloads by the GPU-hours each held, training's restarts included; a
// scenario without training runs gives serving all of it.
void collect_serving(const OptionSim& s, OptionOutcome& out) {
  const Meters& m = s.meters;
  auto set = [&out](ServingMetric metric, double value) { out.serving[static_cast<std::size_t>(metric)] = value; };
  const double unmet = std::max(0.0, m.tokens_demanded - m.tokens_served);
  set(ServingMetric::TokensDemanded, m.tokens_demanded);
  set(ServingMetric::TokensServed, m.tokens_served);
  set(ServingMetric::TokensUnmet, unmet);
  set(ServingMetric::UnmetShare, m.tokens_demanded > 0 ? unmet / m.tokens_demanded : 0);
  set(ServingMetric::GpuHours, m.serving_gpu_seconds / seconds_per_hour);
  set(ServingMetric::Utilization, m.serving_capacity_tokens > 0 ? m.tokens_served / m.serving_capacity_tokens : 0);
  set(ServingMetric::EnergyMwh, m.serving_energy_j / joules_per_mwh);
  set(ServingMetric::MeanPowerMw, m.serving_held_s > 0 ? m.serving_energy_j / m.serving_held_s / 1e6 : 0);
  set(ServingMetric::TokensPerSPerMw, m.serving_energy_j > 0 ? m.tokens_served / (m.serving_energy_j / 1e6) : 0);
  double gross_usd = 0;
  for (std::size_t c = 0; c < cost_category_count; ++c)
    if (!is_credit_beyond_runs(static_cast<CostCategory>(c))) gross_usd += m.ledger.nominal_usd(static_cast<CostCategory>(c));
  const double held_s = m.serving_gpu_seconds + m.gpu_seconds;
  const double share = held_s > 0 ? m.serving_gpu_seconds / held_s : (s.sc.workload.runs.empty() ? 1.0 : 0.0);
  const double cost_usd = gross_usd * share;
  set(ServingMetric::CostUsd, cost_usd);
  set(ServingMetric::CostPerMillionTokensUsd, m.tokens_served > 0 ? cost_usd / m.tokens_served * 1e6 : 0);
  set(ServingMetric::Failures, s.serving.failures);
}

OptionOutcome collect(const OptionSim& s) {
  const Scenario& sc = s.sc;
  const JobState& job = s.job;
  const Meters& m = s.meters;
  OptionOutcome out;
  const double end_s = std::min(job.finish_s, sc.horizon_s);
  out[Metric::TimeToTrainDays] = end_s / seconds_per_day;
  out[Metric::TotalCostUsd] = m.ledger.nominal_usd();
  out[Metric::NpvCostUsd] = m.ledger.present_value_usd();
  out[Metric::TimeAdjustedCostUsd] = out[Metric::NpvCostUsd] + sc.value_of_time_usd_per_day * out[Metric::TimeToTrainDays];
  out[Metric::GpuHours] = m.gpu_seconds / seconds_per_hour;
  out[Metric::EffectiveTrainingTimeRatio] = m.available_s > 0 ? job.useful_work_s / m.available_s : 0;
  out[Metric::Mfu] = s.full_size_mfu;
  out[Metric::EnergyMwh] = m.energy_j / joules_per_mwh;
  out[Metric::EnergyGridMwh] = m.grid_energy_j / joules_per_mwh;
  out[Metric::EnergyTurbineMwh] = m.turbine_energy_j / joules_per_mwh;
  out[Metric::PeakFacilityPowerMw] = m.peak_power_w / 1e6;
  out[Metric::Interruptions] = job.interruptions;
  out[Metric::PlannedInterruptions] = job.planned_stops;
  out[Metric::UsefulGpuHours] = job.useful_gpu_s / seconds_per_hour;
  for (std::size_t c = 0; c < lost_cause_count; ++c) out.lost_gpu_hours[c] = job.lost_gpu_s[c] / seconds_per_hour;
  out.interruptions_by_class = job.interruptions_by_class;
  out.repairs_by_step = job.repairs_by_step;
  out[Metric::NodesRetired] = job.nodes_retired;
  out[Metric::NodeRepairs] = job.node_repairs;
  out[Metric::RepairsMisdiagnosed] = job.repairs_misdiagnosed;
  // Hours the job ran (restarts included) per unplanned interruption; with none, all its hours.
  out[Metric::JobMtbiHours] = job.unplanned_held_s / seconds_per_hour / std::max(1, job.interruptions);
  out[Metric::CompletedFraction] = job.workload_done ? 1.0 : std::min(1.0, job.done_flop / sc.workload.total_compute_flop());
  // Comparison per unit of output (docs/finance.md). With nothing trained, the whole cost is
  // the cost of the one model it was spent on; with no useful work, there is no price per hour.
  out[Metric::TrainedModels] = static_cast<double>(job.run_finish_s.size());
  out[Metric::NpvCostPerTrainedModelUsd] = out[Metric::NpvCostUsd] / std::max(1.0, out[Metric::TrainedModels]);
  out[Metric::UsdPerUsefulGpuHour] = job.useful_gpu_s > 0 ? out[Metric::TotalCostUsd] / out[Metric::UsefulGpuHours] : 0;
  out[Metric::FullCapacityDays] = std::min(job.full_capacity_s, sc.horizon_s) / seconds_per_day;
  for (std::size_t c = 0; c < cost_category_count; ++c) {
    out.cost_usd[c] = m.ledger.nominal_usd(static_cast<CostCategory>(c));
    out.npv_usd[c] = m.ledger.present_value_usd(static_cast<CostCategory>(c));
  }
  // Spending by day: differences of the cumulative samples, from nothing at the start.
  DayCash before;
  for (const auto& cumulative : m.cumulative_by_day) {
    auto& day = out.cash_by_day.emplace_back();
    for (std::size_t c = 0; c < cost_category_count; ++c) {
      day.usd[c] = cumulative.usd[c] - before.usd[c];
      day.usd_days[c] = cumulative.usd_days[c] - before.usd_days[c];
    }
    before = cumulative;
  }
  for (std::size_t r = 0; r < sc.workload.runs.size(); ++r)
    out.run_finish_days.push_back((r < job.run_finish_s.size() ? job.run_finish_s[r] : sc.horizon_s) / seconds_per_day);
  if (s.serves()) collect_serving(s, out);
  return out;
}

}  // namespace

std::uint64_t replication_seed(std::uint64_t scenario_seed, int replication) {
  // splitmix64 of (seed, replication): well-spread, and the same on every platform.
  std::uint64_t z = scenario_seed * 0x9E3779B97F4A7C15ull + static_cast<std::uint64_t>(replication) + 1;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

ReplicationOutcome simulate_replication(const Scenario& scenario, int replication, bool keep_series) {
  char arg0[] = "bvr";
  char quiet[] = "--log=root.thresh:critical";
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer cannot follow SimGrid's hand-made stack switches; threads it can.
  char contexts[] = "--cfg=contexts/factory:thread";
  int argc = 3;
  char* argv[] = {arg0, quiet, contexts, nullptr};
#else
  int argc = 2;
  char* argv[] = {arg0, quiet, nullptr};
#endif
  sg4::Engine engine(&argc, argv);
  sg4::NetZone* zone = sg4::create_full_zone("campaign");
  sg4::Host* host = zone->create_host("control", 1e9);
  zone->seal();

  const std::uint64_t seed = replication_seed(scenario.seed, replication);
  std::vector<std::unique_ptr<OptionSim>> sims;
  ReplicationOutcome outcome;
  outcome.options.resize(scenario.options.size());
  for (std::size_t i = 0; i < scenario.options.size(); ++i) {
    const Option& option = scenario.options[i];
    sims.push_back(std::make_unique<OptionSim>(scenario, option, seed));
    OptionSim& s = *sims.back();
    const std::string prefix = option.name + "/";
    for (std::size_t k = 0; k < option.sites.size(); ++k) {
      const Site& site = option.sites[k];
      const std::string at = prefix + (site.name.empty() ? "" : site.name + "/");
      if (site.lease) {
        sg4::Actor::create(at + "provider-deliveries", host, provider_deliveries, std::ref(s), k);
        sg4::Actor::create(at + "lease-term", host, lease_term, std::ref(s), k);
        continue;
      }
      sg4::Actor::create(at + "gpu-deliveries", host, gpu_deliveries, std::ref(s), k);
      if (site.build) {
        sg4::Actor::create(at + "construction", host, construction, std::ref(s), k);
      } else {
        sg4::Actor::create(at + "host-ready", host, host_ready, std::ref(s), k);
      }
      sg4::Actor::create(at + "installation", host, installation, std::ref(s), k);
      if (site.build) sg4::Actor::create(at + "power-supply", host, power_supply, std::ref(s), k);
      else sg4::Actor::create(at + "host-power", host, host_power, std::ref(s), k);
    }
    sg4::Actor::create(prefix + "training-job", host, training_job, std::ref(s));
    if (scenario.serves()) sg4::Actor::create(prefix + "serving-job", host, serving_job, std::ref(s));
    sg4::Actor::create(prefix + "repairs", host, repairs, std::ref(s));
    if (!scenario.market.empty() || scenario.demand)
      sg4::Actor::create(prefix + "market-clock", host, market_clock, std::ref(s));
    sg4::Actor::create(prefix + "daily-meter", host, daily_meter, std::ref(s),
                       keep_series ? &outcome.options[i].series : nullptr,
                       keep_series ? &outcome.options[i].site_series : nullptr);
  }
  engine.run();
  for (std::size_t i = 0; i < sims.size(); ++i) {
    auto series = std::move(outcome.options[i].series);
    auto site_series = std::move(outcome.options[i].site_series);
    outcome.options[i] = collect(*sims[i]);
    outcome.options[i].series = std::move(series);
    outcome.options[i].site_series = std::move(site_series);
  }
  return outcome;
}

std::string_view lost_cause_name(Lost cause) {
  switch (cause) {
    case Lost::Launch: return "launch";
    case Lost::Restarts: return "restarts";
    case Lost::FailedWork: return "failed_work";
    case Lost::Checkpoints: return "checkpoints";
    case Lost::Maintenance: return "maintenance";
    case Lost::Resizes: return "resizes";
    case Lost::Stragglers: return "stragglers";
  }
  return "unknown";
}

std::string_view serving_metric_name(ServingMetric metric) {
  switch (metric) {
    case ServingMetric::TokensDemanded: return "serving_tokens_demanded";
    case ServingMetric::TokensServed: return "serving_tokens_served";
    case ServingMetric::TokensUnmet: return "serving_tokens_unmet";
    case ServingMetric::UnmetShare: return "serving_unmet_share";
    case ServingMetric::GpuHours: return "serving_gpu_hours";
    case ServingMetric::Utilization: return "serving_utilization";
    case ServingMetric::EnergyMwh: return "serving_energy_mwh";
    case ServingMetric::MeanPowerMw: return "serving_mean_power_mw";
    case ServingMetric::TokensPerSPerMw: return "serving_tokens_per_s_per_mw";
    case ServingMetric::CostUsd: return "serving_cost_usd";
    case ServingMetric::CostPerMillionTokensUsd: return "serving_cost_per_million_tokens_usd";
    case ServingMetric::Failures: return "serving_failures";
  }
  return "unknown";
}

std::string_view metric_name(Metric metric) {
  switch (metric) {
    case Metric::TimeToTrainDays: return "time_to_train_days";
    case Metric::TotalCostUsd: return "total_cost_usd";
    case Metric::NpvCostUsd: return "npv_cost_usd";
    case Metric::TimeAdjustedCostUsd: return "time_adjusted_cost_usd";
    case Metric::GpuHours: return "gpu_hours";
    case Metric::EffectiveTrainingTimeRatio: return "effective_training_time_ratio";
    case Metric::Mfu: return "mfu";
    case Metric::EnergyMwh: return "energy_mwh";
    case Metric::PeakFacilityPowerMw: return "peak_facility_power_mw";
    case Metric::Interruptions: return "interruptions";
    case Metric::CompletedFraction: return "completed_fraction";
    case Metric::FullCapacityDays: return "full_capacity_days";
    case Metric::EnergyGridMwh: return "energy_grid_mwh";
    case Metric::EnergyTurbineMwh: return "energy_turbine_mwh";
    case Metric::PlannedInterruptions: return "planned_interruptions";
    case Metric::UsefulGpuHours: return "useful_gpu_hours";
    case Metric::TrainedModels: return "trained_models";
    case Metric::NpvCostPerTrainedModelUsd: return "npv_cost_per_trained_model_usd";
    case Metric::UsdPerUsefulGpuHour: return "usd_per_useful_gpu_hour";
    case Metric::NodesRetired: return "nodes_retired";
    case Metric::JobMtbiHours: return "job_mtbi_hours";
    case Metric::NodeRepairs: return "node_repairs";
    case Metric::RepairsMisdiagnosed: return "repairs_misdiagnosed";
  }
  return "unknown";
}

}  // namespace bvr
