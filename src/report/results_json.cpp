#include "report/results_json.h"

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <utility>

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

// null: not computed (--no-analysis) or no value of the parameter equalizes the NPVs.
Json breakeven_json(const Breakeven& b, const std::string& where) {
  if (!b.found) return nullptr;
  return Json{{"parameter", b.parameter},
              {"value", finite(b.value, where)},
              {"unit", b.unit},
              {"set", fmt::format("{}={:.9g} {}", b.parameter, b.value, b.unit)},
              {"scenario_value", b.scenario_value},
              {"first_option", b.first_option},
              {"second_option", b.second_option},
              {"first_npv_cost_usd", finite(b.first_npv_usd, where)},
              {"second_npv_cost_usd", finite(b.second_npv_usd, where)},
              {"second_cheaper", b.second_cheaper_above ? "above" : "below"},
              {"replications", b.replications},
              {"evaluations", b.evaluations}};
}

constexpr double gib = 1024.0 * 1024 * 1024;

// The step of the option's headline run at full size; null without a model.
Json step_time_json(const std::optional<StepTime>& st, const std::string& where) {
  if (!st) return nullptr;
  const ParallelPlan& p = st->plan;
  const StepBreakdown& b = st->breakdown;
  const MemoryPerGpu& m = st->memory;
  auto f = [&](double v) { return finite(v, where); };
  return Json{{"gpus", p.gpus()},
              {"layout",
               Json{{"tp", p.tp},
                    {"pp", p.pp},
                    {"dp", p.dp},
                    {"cp", p.cp},
                    {"ep", p.ep},
                    {"microbatch", p.microbatch},
                    {"schedule", to_string(p.schedule)},
                    {"recompute", to_string(p.recompute)},
                    {"precision", to_string(p.precision)}}},
              {"step_s", f(st->step_s)},
              {"breakdown_s", Json{{"compute", f(b.compute_s)},
                                   {"tp_comm", f(b.tp_comm_s)},
                                   {"pp_comm", f(b.pp_comm_s)},
                                   {"dp_comm", f(b.dp_comm_s)},
                                   {"cp_comm", f(b.cp_comm_s)},
                                   {"ep_comm", f(b.ep_comm_s)},
                                   {"bubble", f(b.bubble_s)}}},
              {"tokens_per_s", f(st->tokens_per_s)},
              {"tflops_per_gpu", f(st->model_flop_per_s_per_gpu / 1e12)},
              {"mfu", f(st->mfu)},
              {"memory_gib", Json{{"weights", m.weights_bytes / gib},
                                  {"gradients", m.gradients_bytes / gib},
                                  {"optimizer", m.optimizer_bytes / gib},
                                  {"activations", m.activations_bytes / gib},
                                  {"overhead", m.overhead_bytes / gib},
                                  {"total", m.total_bytes() / gib},
                                  {"capacity", st->hbm_bytes / gib}}}};
}

// nccl-tests reports bandwidths in GB/s of 10^9 bytes; so does results.json.
constexpr double gb = 1e9;

// The headline run's collectives as simulated on the option's fabric (sim/job_speed.h).
Json collectives_json(const std::vector<SimulatedCollective>& collectives, const std::string& where) {
  auto f = [&](double v) { return finite(v, where); };
  Json list = Json::array();
  for (const SimulatedCollective& c : collectives)
    list.push_back(Json{{"purpose", c.purpose},
                        {"collective", to_string(c.kind)},
                        {"bytes_per_gpu", f(c.bytes_per_gpu)},
                        {"group_gpus", c.group_gpus},
                        {"fabric_gpus", c.fabric_gpus},
                        {"time_s", f(c.time_s)},
                        {"algbw_gb_per_s", f(c.algbw_bytes_per_s / gb)},
                        {"busbw_gb_per_s", f(c.busbw_bytes_per_s / gb)},
                        {"closed_form_s", f(c.closed_form_s)},
                        {"simulated_over_closed_form", f(c.ratio)}});
  return list;
}

// An option ranked by the comparison, or null when no option finished.
Json name_or_null(const std::string& name) { return name.empty() ? Json(nullptr) : Json(name); }

// The cheapest against each other option, cause by cause (sim/verdict.h).
Json why_json(const std::vector<VerdictWhy>& why) {
  Json list = Json::array();
  for (const VerdictWhy& w : why) {
    Json causes = Json::array();
    for (const WhyCause& c : w.causes) causes.push_back(Json{{"cause", c.cause}, {"usd", finite(c.usd, "why")}});
    list.push_back(Json{{"winner", w.winner},
                        {"other", w.other},
                        {"other_finished_all_runs", w.other_finished_all_runs},
                        {"npv_difference_usd", finite(w.npv_difference_usd, "why")},
                        {"time_adjusted_difference_usd", finite(w.time_adjusted_difference_usd, "why")},
                        {"causes", causes}});
  }
  return list;
}

Json market_json(const std::vector<MarketPathResult>& market) {
  Json list = Json::array();
  for (const MarketPathResult& m : market) {
    Json points = Json::array();
    for (const auto& [day, value] : m.points)
      points.push_back(Json{{"date", format_date(day)}, {"value", finite(value, "market." + m.name)}});
    Json monthly = Json::array();
    for (const MarketMonth& month : m.monthly)
      monthly.push_back(Json{{"date", format_date(month.day)},
                             {"mean", finite(month.value.mean, "market." + m.name)},
                             {"p10", finite(month.value.p10, "market." + m.name)},
                             {"p50", finite(month.value.p50, "market." + m.name)},
                             {"p90", finite(month.value.p90, "market." + m.name)}});
    Json events = Json::array();
    for (const MarketEvent& e : m.events)
      events.push_back(Json{{"date", format_date(e.day)}, {"option", e.option}, {"what", e.what}});
    list.push_back(Json{{"name", m.name},
                        {"kind", m.kind},
                        {"unit", m.unit},
                        {"uncertain", m.uncertain},
                        {"points", points},
                        {"monthly", monthly},
                        {"events", events}});
  }
  return list;
}

}  // namespace

// The scenario's input warnings: key path, place (line and column 0 when the value came from
// --set or has no place in the file), and the message.
nlohmann::ordered_json warnings_json(const std::vector<InputWarning>& warnings) {
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const InputWarning& w : warnings) {
    nlohmann::ordered_json item{{"key", w.key}, {"file", w.file}, {"line", w.line}, {"column", w.column}, {"message", w.message}};
    if (!w.set.empty()) item["set"] = w.set;
    list.push_back(item);
  }
  return list;
}

std::string results_json(const Results& results) {
  Json root;
  root["scenario"] = results.scenario;
  root["file"] = results.file;
  root["seed"] = results.seed;
  root["replications"] = results.replications;
  root["start_date"] = format_date(results.start_day);
  root["horizon_days"] = results.horizon_days;
  root["value_per_day_earlier_usd"] = results.value_of_time_usd_per_day;
  root["discount_rate"] = results.discount_rate;
  root["warnings"] = warnings_json(results.warnings);
  Json options = Json::array();
  for (const auto& o : results.options) {
    Json metrics = Json::object();
    for (const auto& m : o.metrics) metrics[m.name] = summary_json(m.summary, o.name + "." + m.name);
    Json runs = Json::array();
    for (const auto& run : o.run_finish_days)
      runs.push_back(Json{{"name", run.name}, {"finish_days", summary_json(run.summary, o.name + ".runs")}});
    // The date of the median full-capacity day, for people reading the file.
    const auto full_day = results.start_day + static_cast<std::int64_t>(o.metric("full_capacity_days").p50);
    // What held capacity back and power by month (replication 0), as report.md shows them, so
    // `bvr report` can write report.md again from this file alone.
    Json periods = Json::array();
    for (const auto& p : o.capacity_periods)
      periods.push_back(Json{{"from", format_date(p.from_day)},
                             {"to", format_date(p.to_day)},
                             {"binding", capacity_limit_name(p.limit)}});
    Json months = Json::array();
    for (const auto& m : o.monthly_power)
      months.push_back(Json{{"first_date", format_date(m.first_day)},
                            {"gpus_online_end", m.gpus_online_end},
                            {"peak_drawn_mw", finite(m.peak_drawn_mw, o.name + ".monthly_power")},
                            {"supply_mw_end", finite(m.supply_mw_end, o.name + ".monthly_power")},
                            {"binding_end", capacity_limit_name(m.limit_end)}});
    Json sites = Json::array();
    for (const auto& site : o.sites)
      sites.push_back(Json{{"name", site.name},
                           {"contract", site.contract},
                           {"system", site.system},
                           {"system_name", site.system_name},
                           {"gpus", site.gpus}});
    options.push_back(Json{{"name", o.name},
                           {"kind", o.kind},
                           {"sites", sites},
                           {"finished_all_runs", o.finished_all_runs()},
                           {"finished_share", o.finished_share},
                           {"full_capacity_date", format_date(full_day)},
                           {"metrics", metrics},
                           {"runs", runs},
                           {"step_time", step_time_json(o.step_time, o.name + ".step_time")},
                           {"step_time_run", o.step_time_run},
                           {"collectives", collectives_json(o.collectives, o.name + ".collectives")},
                           {"capacity_periods", periods},
                           {"monthly_power", months}});
  }
  root["options"] = options;
  // Every price path the run used (docs/market.md): only when the scenario has a market.
  if (!results.market.empty()) root["market"] = market_json(results.market);
  // What serving ran with (docs/serving.md): only when the scenario serves a dated demand.
  if (results.serving) {
    const ServingSummary& sv = *results.serving;
    Json sites = Json::array();
    for (const ServingSiteRate& site : sv.sites)
      sites.push_back(Json{{"option", site.option},
                           {"site", site.site},
                           {"system", site.system},
                           {"layout", site.layout},
                           {"tokens_per_s_per_gpu", finite(site.tokens_per_s_per_gpu, "serving.sites")},
                           {"instance_gpus", finite(site.instance_gpus, "serving.sites")}});
    root["serving"] = Json{{"model", sv.model},
                           {"priority", sv.priority},
                           {"target_tokens_per_s_per_user", finite(sv.target_tokens_per_s_per_user, "serving")},
                           {"input_tokens", sv.input_tokens},
                           {"output_tokens", sv.output_tokens},
                           {"sites", sites}};
  }
  const Comparison& c = results.comparison;
  root["comparison"] = Json{{"cheapest", name_or_null(c.cheapest)},
                            {"fastest", name_or_null(c.fastest)},
                            {"best_time_adjusted", name_or_null(c.best_time_adjusted)},
                            {"why", why_json(c.why)},
                            {"breakeven", breakeven_json(c.breakeven, "breakeven")},
                            {"breakeven_horizon", breakeven_json(c.breakeven_horizon, "breakeven_horizon")}};
  // Ranked by the net cost when the scenario values capacity beyond the runs (said only then: a
  // file of a scenario without it reads as before, ranked by npv_cost_usd).
  if (c.ranked_by != "npv_cost_usd") root["comparison"]["ranked_by"] = c.ranked_by;
  // Without a breakeven, the note says why, and which options were compared.
  for (const auto& [key, b] : {std::pair<std::string, const Breakeven&>{"breakeven", c.breakeven},
                               std::pair<std::string, const Breakeven&>{"breakeven_horizon", c.breakeven_horizon}})
    if (!b.found && !b.note.empty()) {
      root["comparison"][key + "_note"] = b.note;
      root["comparison"][key + "_options"] = Json{{"first_option", b.first_option}, {"second_option", b.second_option}};
    }
  const Sensitivity& sens = results.sensitivity;
  Json rows = Json::array();
  for (const auto& row : sens.rows)
    rows.push_back(Json{{"parameter", row.parameter},
                        {"low", row.low},
                        {"high", row.high},
                        {"npv_gap_low_usd", finite(row.npv_gap_low_usd, "sensitivity")},
                        {"npv_gap_high_usd", finite(row.npv_gap_high_usd, "sensitivity")},
                        {"time_adjusted_gap_low_usd", finite(row.time_adjusted_gap_low_usd, "sensitivity")},
                        {"time_adjusted_gap_high_usd", finite(row.time_adjusted_gap_high_usd, "sensitivity")},
                        {"swing_usd", finite(row.swing_usd, "sensitivity")},
                        {"flips_verdict", row.flips}});
  root["sensitivity"] = rows;
  if (sens.computed)
    root["sensitivity_basis"] = Json{{"metric", c.ranked_by + " of the second option minus that of the first"},
                                     {"first_option", sens.first_option},
                                     {"second_option", sens.second_option},
                                     {"replications", sens.replications},
                                     {"npv_gap_usd", sens.base_npv_gap_usd},
                                     {"time_adjusted_gap_usd", sens.base_time_adjusted_gap_usd}};
  return root.dump(2) + "\n";
}

}  // namespace bvr
