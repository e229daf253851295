#include "sim/finite_outputs.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <utility>

#include "scenario/input_error.h"

namespace bvr {

namespace {

// Groups of inputs, by what they decide. "<o>" stands for the option's name.
const std::vector<std::string> speed = {"workload", "options.<o>.system", "options.<o>.fabric"};
const std::vector<std::string> capacity = {
    "options.<o>.deliveries",   "options.<o>.site_power",          "options.<o>.gpu_orders",
    "options.<o>.gpu_supply_cap", "options.<o>.construction",      "options.<o>.long_lead_equipment",
    "options.<o>.installation_rate", "options.<o>.power", "options.<o>.host"};
const std::vector<std::string> failures = {"reliability.failure_classes", "reliability.restart_time",
                                           "reliability.checkpoint", "reliability.planned_maintenance"};
const std::vector<std::string> power = {"options.<o>.system", "options.<o>.pue", "options.<o>.power",
                                        "options.<o>.host"};
const std::vector<std::string> money = {
    "options.<o>.list_price",  "options.<o>.commitment_discount", "options.<o>.renewal_price",
    "options.<o>.escalation",  "options.<o>.unavailable_credit",  "options.<o>.term",
    "options.<o>.storage",     "options.<o>.egress",              "options.<o>.gpu_orders",
    "options.<o>.facility_cost", "options.<o>.network_cost_share", "options.<o>.network_prices",
    "options.<o>.opex",        "options.<o>.residual_value",      "options.<o>.host",
    "options.<o>.index",       "options.<o>.sublet",              "market",
    "demand",                  "scenario.horizon"};

// Keys that only one kind of site has (a hybrid has them all).
bool lease_only(std::string_view key) {
  for (std::string_view k : {".deliveries", ".site_power", ".list_price", ".commitment_discount", ".renewal_price",
                             ".escalation", ".unavailable_credit", ".term", ".storage", ".egress", ".index"})
    if (key.ends_with(k)) return true;
  return false;
}
bool owned_only(std::string_view key) {
  for (std::string_view k : {".gpu_orders", ".gpu_supply_cap", ".installation_rate", ".network_cost_share",
                             ".network_prices", ".opex", ".residual_value", ".sublet"})
    if (key.ends_with(k)) return true;
  return false;
}
bool facility_only(std::string_view key) {  // our own site's
  for (std::string_view k : {".construction", ".long_lead_equipment", ".power", ".facility_cost", ".pue"})
    if (key.ends_with(k)) return true;
  return false;
}
const std::vector<std::string> discounting = {"scenario.discount_rate", "scenario.financing"};

std::vector<std::string> join(std::initializer_list<const std::vector<std::string>*> groups) {
  std::vector<std::string> out;
  for (const auto* g : groups) out.insert(out.end(), g->begin(), g->end());
  return out;
}

std::vector<std::string> template_inputs(std::string_view output) {
  if (output == "time_to_train_days" || output == "completed_fraction" || output == "run_finish_days" ||
      output == "training_progress" || output == "trained_models")
    return join({&speed, &capacity, &failures});
  if (output == "effective_training_time_ratio" || output == "interruptions" || output == "planned_interruptions" ||
      output.starts_with("interruptions_") || output.starts_with("lost_gpu_hours_"))
    return join({&failures, &capacity});
  if (output == "mfu") return speed;
  if (output == "gpu_hours" || output == "useful_gpu_hours" || output == "full_capacity_days")
    return join({&capacity, &speed, &failures});
  if (output.starts_with("energy") || output.find("power") != std::string_view::npos || output.ends_with("_mw"))
    return join({&power, &capacity});
  if (output == "npv_cost_usd" || output == "npv_cost_per_trained_model_usd")
    return join({&money, &discounting, &power, &capacity});
  if (output == "time_adjusted_cost_usd")
    return join({&money, &discounting, &capacity, &speed});
  // total_cost_usd, usd_per_useful_gpu_hour, cost_<category>_usd, cumulative_cost_usd
  return join({&money, &power, &capacity});
}

}  // namespace

[[noreturn]] static void fail(const OptionResult& option, const std::string& output, double value, const std::string& when) {
  throw InputError(fmt::format(
      "option {}: {} is {}{}; no result was written. It is computed from these inputs, one of which is out of the "
      "range the models hold for (zero, negative or extreme): {}",
      option.name, output, std::isnan(value) ? "not a number" : "infinite", when,
      fmt::join(inputs_of(output, option.name, option.kind), ", ")));
}

std::vector<std::string> inputs_of(std::string_view output, const std::string& option, std::string_view kind) {
  std::vector<std::string> out;
  for (std::string key : template_inputs(output)) {
    const bool hosted = kind == "colocation" || kind == "used";
    if (kind == "lease" && (owned_only(key) || (facility_only(key) && !key.ends_with(".pue")) || key.ends_with(".host")))
      continue;
    if ((kind == "build" || hosted) && lease_only(key)) continue;
    if (kind == "build" && key.ends_with(".host")) continue;
    if (hosted && facility_only(key)) continue;
    if (const auto at = key.find("<o>"); at != std::string::npos) key.replace(at, 3, option);
    if (std::find(out.begin(), out.end(), key) == out.end()) out.push_back(std::move(key));
  }
  return out;
}

void require_finite_outputs(const Results& results) {
  for (const auto& option : results.options) {
    for (const auto& m : option.metrics)
      for (double v : {m.summary.mean, m.summary.p10, m.summary.p50, m.summary.p90})
        if (!std::isfinite(v)) fail(option, m.name, v, "");
    for (const auto& run : option.run_finish_days)
      for (double v : {run.summary.mean, run.summary.p10, run.summary.p50, run.summary.p90})
        if (!std::isfinite(v)) fail(option, "run_finish_days", v, fmt::format(" for run {}", run.name));
    for (const auto& row : option.series) {
      const std::pair<const char*, double> columns[] = {
          {"training_progress", row.training_progress}, {"cumulative_cost_usd", row.cumulative_cost_usd},
          {"facility_power_mw", row.facility_power_mw}, {"grid_mw", row.grid_mw},
          {"turbine_mw", row.turbine_mw},               {"grid_supply_mw", row.grid_supply_mw},
          {"turbine_supply_mw", row.turbine_supply_mw}, {"power_supply_mw", row.power_supply_mw},
          {"lease_supply_mw", row.lease_supply_mw},
          {"energy_mwh", row.energy_mwh},               {"energy_cost_usd", row.energy_cost_usd}};
      for (const auto& [name, v] : columns)
        if (!std::isfinite(v)) fail(option, name, v, fmt::format(" in the daily series (day {})", row.day));
    }
  }
}

}  // namespace bvr
