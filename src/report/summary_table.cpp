#include "report/summary_table.h"

#include <fmt/format.h>

#include "report/format.h"

#include <algorithm>

namespace bvr {

namespace {

// Days to train, or that the workload did not finish (its time would be the horizon's).
std::string days_cell(const OptionResult& o) {
  if (o.finished_all_runs()) return format_days(o.metric("time_to_train_days").mean);
  if (o.finished_share <= 0) return "not finished";
  return fmt::format("{:.0f} % finished", 100 * o.finished_share);
}

std::string unfinished_lines(const Results& r) {
  std::string out;
  for (const auto& o : r.options)
    if (!o.finished_all_runs()) out += fmt::format("  {}: {}; not ranked\n", o.name, unfinished_text(r, o));
  return out;
}

std::string ranked(const std::string& name) { return name.empty() ? "none" : name; }

}  // namespace

std::string summary_table(const Results& r) {
  std::string out = fmt::format("{} — {} replication{}, seed {}\n\n", r.scenario, r.replications,
                                r.replications == 1 ? "" : "s", r.seed);
  out += "means over replications\n";
  std::size_t name_width = 18, kind_width = 7;
  for (const auto& o : r.options) {
    name_width = std::max(name_width, o.name.size());
    kind_width = std::max(kind_width, o.kind.size());
  }
  out += fmt::format("{:<{}} {:<{}} {:>14} {:>11} {:>11} {:>14} {:>9}\n", "option", name_width, "kind", kind_width,
                     "days to train", "NPV cost", "total cost", "time-adjusted", "ETTR");
  for (const auto& o : r.options) {
    out += fmt::format("{:<{}} {:<{}} {:>14} {:>11} {:>11} {:>14} {:>9}\n", o.name, name_width, o.kind, kind_width,
                       days_cell(o), format_usd(o.metric("npv_cost_usd").mean), format_usd(o.metric("total_cost_usd").mean),
                       format_usd(o.metric("time_adjusted_cost_usd").mean),
                       format_percent(o.metric("effective_training_time_ratio").mean));
  }
  out += unfinished_lines(r);
  // Net of the value of capacity beyond the runs (docs/market.md): what the comparison ranks by.
  if (r.comparison.ranked_by != "npv_cost_usd") {
    out += fmt::format("net of the value beyond the runs ({}, ranked by it):\n", r.comparison.ranked_by);
    for (const auto& o : r.options)
      out += fmt::format("  {:<{}} net NPV {:>11}  (gross {}, value beyond the runs {}, sublet {})\n", o.name, name_width,
                         format_usd(o.metric("net_npv_cost_usd").mean), format_usd(o.metric("npv_cost_usd").mean),
                         format_usd(o.metric("npv_cost_value_beyond_runs_usd").mean),
                         format_usd(o.metric("npv_cost_sublet_income_usd").mean));
  }
  if (r.serving) {  // docs/serving.md, "Serving in the campaign"
    out += fmt::format("serving {} at {:.0f} tokens/s per user (priority {}):\n", r.serving->model,
                       r.serving->target_tokens_per_s_per_user, r.serving->priority);
    for (const auto& o : r.options)
      out += fmt::format("  {:<{}} served {:>5.1f} % of {:.3g} output tokens, {:.3f} USD per million, {:.3g} tokens/s per MW\n",
                         o.name, name_width, 100 * (1 - o.metric("serving_unmet_share").mean),
                         o.metric("serving_tokens_demanded").mean, o.metric("serving_cost_per_million_tokens_usd").mean,
                         o.metric("serving_tokens_per_s_per_mw").mean);
  }
  out += fmt::format("\ncheapest: {}   fastest: {}   best with time valued at {}/day: {}\n", ranked(r.comparison.cheapest),
                     ranked(r.comparison.fastest), format_usd(r.value_of_time_usd_per_day),
                     ranked(r.comparison.best_time_adjusted));
  if (r.comparison.cheapest.empty())
    out += "no option finished every training run in every replication: none is ranked\n";
  const Breakeven& b = r.comparison.breakeven;
  if (b.found)
    out += fmt::format("breakeven: {} and {} cost the same (NPV) at {}={:.9g} {} (scenario: {:.2f})\n", b.first_option,
                       b.second_option, b.parameter, b.value, b.unit, b.scenario_value);
  else if (!b.note.empty())
    out += fmt::format("breakeven: none, {}\n", b.note);
  const Breakeven& h = r.comparison.breakeven_horizon;
  if (h.found)
    out += fmt::format("breakeven horizon: {} and {} cost the same (NPV) at {}={:.9g} {} (scenario: {:.0f}); "
                       "{} is cheaper {} it\n",
                       h.first_option, h.second_option, h.parameter, h.value, h.unit, h.scenario_value, h.second_option,
                       h.second_cheaper_above ? "above" : "below");
  else if (!h.note.empty())
    out += fmt::format("breakeven horizon: none, {}\n", h.note);
  if (!r.sensitivity.rows.empty()) {
    out += fmt::format("sensitivity (NPV of {} minus {}, {} replications; base {}):\n", r.sensitivity.second_option,
                       r.sensitivity.first_option, r.sensitivity.replications, format_usd(r.sensitivity.base_npv_gap_usd));
    std::size_t key = 0, range = 0;
    for (const auto& row : r.sensitivity.rows) {
      key = std::max(key, row.parameter.size());
      range = std::max(range, row.low.size() + row.high.size() + 4);
    }
    for (const auto& row : r.sensitivity.rows)
      out += fmt::format("  {:<{}}  {:<{}}  {:>9} .. {:<9}{}\n", row.parameter, key, row.low + " .. " + row.high, range,
                         format_usd(row.npv_gap_low_usd), format_usd(row.npv_gap_high_usd),
                         row.flips ? " flips the verdict" : "");
  }
  return out;
}

}  // namespace bvr
