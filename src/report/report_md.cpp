#include "report/report_md.h"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "models/finance.h"
#include "sim/outcome.h"
#include "report/format.h"
#include "report/market_md.h"
#include "report/serving_md.h"
#include "scenario/units.h"

namespace bvr {

namespace {

std::string date_after(const Results& r, double days) {
  return format_date(r.start_day + static_cast<std::int64_t>(std::floor(days)));
}

// The date of a day, or that it never came within the horizon (a run that did not finish).
std::string date_within(const Results& r, double days, const char* never = "not within the horizon") {
  if (at_horizon(days, r.horizon_days)) return never;
  return date_after(r, days);
}

const OptionResult& named(const Results& r, const std::string& name) {
  for (const auto& o : r.options)
    if (o.name == name) return o;
  return r.options.front();
}

// The three rankings of `comparison`: only options that finished are ranked.
std::string ranking_lines(const Results& r) {
  const std::string none = "none: no option finished every training run in every replication within the horizon";
  std::string md;
  if (r.comparison.cheapest.empty()) {
    md += fmt::format("- **Cheapest** (lowest NPV cost): {}.\n", none);
  } else {
    const auto& cheapest = named(r, r.comparison.cheapest);
    if (r.comparison.ranked_by == "npv_cost_usd")
      md += fmt::format("- **Cheapest** (lowest NPV cost): **{}** at {}.\n", cheapest.name,
                        sourced_inline(format_usd(cheapest.metric("npv_cost_usd").mean),
                                       fmt::format("options.{}.metrics.npv_cost_usd.mean", cheapest.name)));
    else  // net of the value of capacity beyond the runs (docs/market.md)
      md += fmt::format("- **Cheapest** (lowest net NPV cost, `{}`): **{}** at {} net, {} gross.\n", r.comparison.ranked_by,
                        cheapest.name,
                        sourced_inline(format_usd(cheapest.metric(r.comparison.ranked_by).mean),
                                       fmt::format("options.{}.metrics.{}.mean", cheapest.name, r.comparison.ranked_by)),
                        sourced_inline(format_usd(cheapest.metric("npv_cost_usd").mean),
                                       fmt::format("options.{}.metrics.npv_cost_usd.mean", cheapest.name)));
  }
  if (r.comparison.fastest.empty()) {
    md += fmt::format("- **Fastest** to a trained workload: {}.\n", none);
  } else {
    const auto& fastest = named(r, r.comparison.fastest);
    const std::string days = fmt::format("options.{}.metrics.time_to_train_days.mean", fastest.name);
    md += fmt::format("- **Fastest** to a trained workload: **{}**, done after {} days ({}).\n", fastest.name,
                      sourced_inline(format_days(fastest.metric("time_to_train_days").mean), days),
                      sourced_inline(date_after(r, fastest.metric("time_to_train_days").mean), days));
  }
  md += fmt::format("- **Best once time is valued** at {} per day of earlier completion: {}.\n",
                    sourced_inline(format_usd(r.value_of_time_usd_per_day), "value_per_day_earlier_usd"),
                    r.comparison.best_time_adjusted.empty() ? none : "**" + r.comparison.best_time_adjusted + "**");
  return md;
}

// The winner against each other option, cause by cause (comparison.why): one column per pair.
std::string why_section(const Results& r) {
  const auto& why = r.comparison.why;
  if (why.empty()) return "";
  std::vector<std::string> causes;  // every cause some pair has, in ledger order, delay last
  for (const auto& w : why)
    for (const auto& c : w.causes)
      if (std::find(causes.begin(), causes.end(), c.cause) == causes.end()) causes.push_back(c.cause);
  std::stable_partition(causes.begin(), causes.end(), [](const std::string& c) { return c != "time_value_of_delay"; });
  std::string header = "| cause (USD, present value) |", rule = "|---|";
  for (const auto& w : why) {
    header += fmt::format(" {} minus {}{} |", w.other, w.winner, w.other_finished_all_runs ? "" : " (not finished)");
    rule += "---|";
  }
  auto row = [&why](const std::string& label, auto value) {
    std::string line = fmt::format("| {} |", label);
    for (const auto& w : why) line += fmt::format(" {} |", value(w));
    return line + "\n";
  };
  auto cause_usd = [](const VerdictWhy& w, const std::string& cause) {
    for (const auto& c : w.causes)
      if (c.cause == cause) return sourced(format_usd(c.usd), fmt::format("comparison.why.{}.causes.{}.usd", w.other, cause));
    return std::string("—");
  };
  std::string md = fmt::format(
      "## Why {} is cheapest\n\nThe difference of the mean NPV cost between each other option and {}, by cost "
      "category (positive: the other option pays more); the categories add up to the NPV difference, and with the "
      "time value of delay ({} per day × the difference in mean days to train) to the time-adjusted difference.\n\n",
      why.front().winner, why.front().winner, format_usd(r.value_of_time_usd_per_day));
  md += header + "\n" + rule + "\n";
  for (const auto& cause : causes) {
    if (cause == "time_value_of_delay")
      md += row("**NPV difference**", [](const VerdictWhy& w) {
        return sourced(fmt::format("**{}**", format_usd(w.npv_difference_usd)),
                       fmt::format("comparison.why.{}.npv_difference_usd", w.other));
      });
    md += row(cause_label(cause), [&](const VerdictWhy& w) { return cause_usd(w, cause); });
  }
  md += row("**time-adjusted difference**",
            [](const VerdictWhy& w) {
              return sourced(fmt::format("**{}**", format_usd(w.time_adjusted_difference_usd)),
                             fmt::format("comparison.why.{}.time_adjusted_difference_usd", w.other));
            });
  return md + "\n";
}

// What each option's step-time refinement rests on: the headline run's collectives as simulated on
// its fabric. Empty when no option's site has a fabric (the step times are then closed forms).
std::string collectives_section(const Results& r) {
  std::string rows;
  for (const auto& o : r.options)
    for (const SimulatedCollective& c : o.collectives)
      rows += fmt::format("| {} | {} | {} | {} | {} | {} | {:.1f} | {:.1f} | {:.3f} |\n", o.name, c.purpose,
                          to_string(c.kind), c.group_gpus, format_bytes(c.bytes_per_gpu), format_seconds(c.time_s),
                          c.algbw_bytes_per_s / 1e9, c.busbw_bytes_per_s / 1e9, c.ratio);
  if (rows.empty()) return "";
  return "## Network collectives (simulated on each option's fabric)\n\n"
         "The step's scale-out collectives, each simulated once at full size with every group of the fabric "
         "running at once (docs/fabric.md). As nccl-tests defines them, algbw = size per GPU ÷ time and busbw = "
         "algbw × 2(n−1)/n for all-reduce, (n−1)/n for reduce-scatter, all-gather and all-to-all (n GPUs in the "
         "group); the last column, simulated ÷ closed-form time, scales that communication in the step time. "
         "Options whose site has no fabric are not listed.\n\n"
         "| option | purpose | collective | group GPUs | size per GPU | time | algbw GB/s | busbw GB/s | "
         "vs closed form (×) |\n"
         "|---|---|---|---|---|---|---|---|---|\n" +
         rows + "\n";
}

}  // namespace

namespace {

// The step of the run with the most compute, per option (training only).
std::string step_time_section(const Results& r) {
  std::string md;
  auto line = [&md](const std::string& text = "") { md += text + "\n"; };
  line("## Step time");
  line();
  line("One training step of the run with the most compute, at the option's full size on its final site's "
       "network (docs/workload.md): compute, exposed communication by kind and the pipeline bubble, in seconds.");
  line();
  line("| option | run | GPUs | layout | step | compute | TP | PP | DP | CP | EP | bubble | tokens/s | TFLOP/s/GPU | MFU | "
       "memory/GPU |");
  line("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const auto& o : r.options) {
    if (!o.step_time) {
      line(fmt::format("| {} | {} | — | no model | | | | | | | | | | | | |", o.name, o.step_time_run));
      continue;
    }
    const StepTime& st = *o.step_time;
    const ParallelPlan& p = st.plan;
    const StepBreakdown& br = st.breakdown;
    line(fmt::format("| {} | {} | {} | TP{} PP{} DP{} CP{} EP{} mb{} {} {} {} | {:.2f} s | {:.2f} | {:.2f} | {:.2f} | "
                     "{:.2f} | {:.2f} | {:.2f} | {:.2f} | {:.3g} | {:.0f} | {:.1f} % | {:.1f} / {:.0f} GiB |",
                     o.name, o.step_time_run, p.gpus(), p.tp, p.pp, p.dp, p.cp, p.ep, p.microbatch, to_string(p.schedule),
                     to_string(p.recompute), to_string(p.precision), st.step_s, br.compute_s, br.tp_comm_s, br.pp_comm_s,
                     br.dp_comm_s, br.cp_comm_s, br.ep_comm_s, br.bubble_s, st.tokens_per_s,
                     st.model_flop_per_s_per_gpu / 1e12, 100 * st.mfu, st.memory.total_bytes() / (1024.0 * 1024 * 1024),
                     st.hbm_bytes / (1024.0 * 1024 * 1024)));
  }
  line();
  return md;
}

}  // namespace

std::string report_markdown(const Results& r) { return strip_sources(report_markdown_sourced(r)); }

std::string report_markdown_sourced(const Results& r) {
  std::string md;
  auto line = [&md](const std::string& text = "") { md += text + "\n"; };
  line(fmt::format("# bvr report: {}", r.scenario));
  line();
  line(fmt::format("Scenario `{}`, start {}, seed {}, {} replication{}. Figures are P50 with the P10–P90 range "
                   "across replications where they differ.",
                   r.file, format_date(r.start_day), r.seed, r.replications, r.replications == 1 ? "" : "s"));
  line();
  if (!r.warnings.empty()) {
    line("## Warnings");
    line();
    line("The scenario loaded, but these values look unlike what was meant (docs/results.md, `warnings`):");
    line();
    for (const InputWarning& w : r.warnings) line("- " + format_warning(w));
    line();
  }
  line("## Verdict");
  line();
  md += ranking_lines(r);
  const Breakeven& b = r.comparison.breakeven;
  if (b.found) {
    line(fmt::format("- **Breakeven**: {} and {} cost the same (NPV {}) at `{}` = **{} {}** "
                     "(the scenario: {}); above that, {} is cheaper. Check: `bvr run {} --set \"{}={:.9g} {}\"`.",
                     b.first_option, b.second_option,
                     sourced_inline(format_usd(b.second_npv_usd), "comparison.breakeven.second_npv_cost_usd"), b.parameter,
                     sourced_inline(fmt::format("{:.2f}", b.value), "comparison.breakeven.value"), b.unit,
                     sourced_inline(fmt::format("{:.2f}", b.scenario_value), "comparison.breakeven.scenario_value"),
                     b.second_cheaper_above ? b.second_option : b.first_option, r.file, b.parameter,
                     b.value, b.unit));
  } else if (!b.note.empty()) {
    line(fmt::format("- **Breakeven** of {} against {}: none, {}.", b.first_option, b.second_option, b.note));
  }
  const Breakeven& h = r.comparison.breakeven_horizon;
  if (h.found) {
    line(fmt::format("- **Breakeven horizon**: over an analysis horizon of **{} days** ({:.1f} years; the scenario: "
                     "{} days) {} and {} cost the same (NPV {}, first {} replication{}); over {} horizons, {} is cheaper. "
                     "Check: `bvr run {} --set \"{}={:.9g} {}\"`.",
                     sourced_inline(fmt::format("{:.0f}", h.value), "comparison.breakeven_horizon.value"),
                     h.value / 365.25,
                     sourced_inline(fmt::format("{:.0f}", h.scenario_value), "comparison.breakeven_horizon.scenario_value"),
                     h.first_option, h.second_option,
                     sourced_inline(format_usd(h.second_npv_usd), "comparison.breakeven_horizon.second_npv_cost_usd"),
                     sourced_inline(fmt::format("{}", h.replications), "comparison.breakeven_horizon.replications"),
                     h.replications == 1 ? "" : "s",
                     h.second_cheaper_above ? "longer" : "shorter", h.second_option, r.file, h.parameter, h.value, h.unit));
  } else if (!h.note.empty()) {
    line(fmt::format("- **Breakeven horizon** of {} against {}: none, {}.", h.first_option, h.second_option, h.note));
  }
  if (!r.sensitivity.rows.empty()) {
    std::string flips;
    for (const auto& row : r.sensitivity.rows)
      if (row.flips) flips += fmt::format("{}`{}`", flips.empty() ? "" : ", ", row.parameter);
    line(fmt::format("- **Sensitivity**: `{}` moves the NPV verdict most; {}.", r.sensitivity.rows.front().parameter,
                     flips.empty() ? "no parameter flips it within its range" : "the verdict flips within the range of " + flips));
  }
  for (const auto& o : r.options)
    if (!o.finished_all_runs())
      line(fmt::format("- **Not finished**: **{}** {}. It is not ranked.", o.name, unfinished_text(r, o)));
  line();
  md += why_section(r);
  line("## Comparison");
  line();
  // The net NPV cost beside the gross when the scenario values capacity beyond the runs
  // (docs/market.md): the comparison then ranks by it.
  const bool net = r.comparison.ranked_by != "npv_cost_usd";
  line(fmt::format("| option | kind | days to train | finished on (P50) | NPV cost | {}total cost | time-adjusted cost | "
                   "effective training time | interruptions | peak power (MW) | energy (MWh) | full capacity after (days) |",
                   net ? "net NPV cost | " : ""));
  line(net ? "|---|---|---|---|---|---|---|---|---|---|---|---|---|" : "|---|---|---|---|---|---|---|---|---|---|---|---|");
  const auto within = [&r](double d) { return format_days_within(d, r.horizon_days); };
  for (const auto& o : r.options) {
    const std::string m = "options." + o.name + ".metrics.";
    const double days_p50 = o.metric("time_to_train_days").p50, full_p50 = o.metric("full_capacity_days").p50;
    const auto counts = [](double v) { return fmt::format("{:.0f}", v); };
    line(fmt::format("| {} | {} | {} | {} | {} | {}{} | {} | {} | {} | {} | {} | {} |", o.name, o.kind,
                     sourced_spread(o.metric("time_to_train_days"), within, m + "time_to_train_days", r.horizon_days),
                     sourced(date_within(r, days_p50),
                             at_horizon(days_p50, r.horizon_days) ? "" : m + "time_to_train_days.p50"),
                     sourced_spread(o.metric("npv_cost_usd"), format_usd, m + "npv_cost_usd"),
                     net ? sourced_spread(o.metric(r.comparison.ranked_by), format_usd, m + r.comparison.ranked_by) + " | "
                         : "",
                     sourced_spread(o.metric("total_cost_usd"), format_usd, m + "total_cost_usd"),
                     sourced_spread(o.metric("time_adjusted_cost_usd"), format_usd, m + "time_adjusted_cost_usd"),
                     sourced_spread(o.metric("effective_training_time_ratio"), format_percent,
                                    m + "effective_training_time_ratio"),
                     sourced_spread(o.metric("interruptions"), counts, m + "interruptions"),
                     sourced(fmt::format("{:.1f}", o.metric("peak_facility_power_mw").p50), m + "peak_facility_power_mw.p50"),
                     sourced(fmt::format("{:.0f}", o.metric("energy_mwh").p50), m + "energy_mwh.p50"),
                     sourced(within(full_p50), at_horizon(full_p50, r.horizon_days) ? "horizon_days" : m + "full_capacity_days.p50")));
  }
  line();
  line("## Per unit of output");
  line();
  line("| option | models trained | NPV cost per trained model | useful GPU-hours | nominal cost per useful GPU-hour |");
  line("|---|---|---|---|---|");
  for (const auto& o : r.options) {
    const std::string m = "options." + o.name + ".metrics.";
    line(fmt::format("| {} | {} | {} | {} | {} |", o.name,
                     sourced(fmt::format("{:.1f}", o.metric("trained_models").mean), m + "trained_models.mean"),
                     sourced(format_usd(o.metric("npv_cost_per_trained_model_usd").mean), m + "npv_cost_per_trained_model_usd.mean"),
                     sourced(fmt::format("{:.3g}", o.metric("useful_gpu_hours").mean), m + "useful_gpu_hours.mean"),
                     sourced(fmt::format("${:.2f}", o.metric("usd_per_useful_gpu_hour").mean), m + "usd_per_useful_gpu_hour.mean")));
  }
  line();
  line("Useful GPU-hours count training kept (not lost to failures, restarts or checkpoints), times the GPUs that did it.");
  line();
  if (r.sensitivity.computed) {
    const Sensitivity& sens = r.sensitivity;
    line("## What moves the verdict (sensitivity)");
    line();
    line(fmt::format("Gap = NPV cost of {} minus that of {} (negative: {} is cheaper). Base gap {} over the first "
                     "{} replication{} (time-adjusted: {}). Each parameter is set to its low and its high value "
                     "alone; largest swing first.",
                     sens.second_option, sens.first_option, sens.second_option, format_usd(sens.base_npv_gap_usd),
                     sens.replications,
                     sens.replications == 1 ? "" : "s", format_usd(sens.base_time_adjusted_gap_usd)));
    line();
    line("| parameter | low | high | NPV gap at low | NPV gap at high | swing | time-adjusted gap at low | at high | flips the verdict |");
    line("|---|---|---|---|---|---|---|---|---|");
    for (const auto& row : sens.rows)
      line(fmt::format("| `{}` | {} | {} | {} | {} | {} | {} | {} | {} |", row.parameter, row.low, row.high,
                       format_usd(row.npv_gap_low_usd), format_usd(row.npv_gap_high_usd), format_usd(row.swing_usd),
                       format_usd(row.time_adjusted_gap_low_usd), format_usd(row.time_adjusted_gap_high_usd),
                       row.flips ? "**yes**" : "no"));
    line();
  }
  line("## Training runs (finish date, P50)");
  line();
  std::string header = "| option |";
  std::string rule = "|---|";
  // A workload that only serves has no runs (docs/serving.md, "Serving only"), and no step.
  if (r.options.front().run_finish_days.empty()) {
    line("None: the workload only serves (docs/serving.md, \"Serving only\").");
    line();
  } else {
    for (const auto& run : r.options.front().run_finish_days) {
      header += " " + run.name + " |";
      rule += "---|";
    }
    line(header);
    line(rule);
    for (const auto& o : r.options) {
      std::string row = "| " + o.name + " |";
      for (const auto& run : o.run_finish_days)
        row += fmt::format(" {} (day {}) |", date_within(r, run.summary.p50), within(run.summary.p50));
      line(row);
    }
    line();
    md += step_time_section(r);
  }
  md += collectives_section(r);
  line("## Reliability: interruptions and lost time");
  line();
  line("Time to train across replications, and where the job's GPU time went besides useful training "
       "(GPU-hours, mean over replications).");
  line();
  line("| option | days to train: P10 | P50 | P90 | mean | interruptions | planned stops | effective training time |");
  line("|---|---|---|---|---|---|---|---|");
  for (const auto& o : r.options) {
    const auto& days = o.metric("time_to_train_days");
    line(fmt::format("| {} | {} | {} | {} | {} | {:.0f} | {:.0f} | {} |", o.name, format_days_within(days.p10, r.horizon_days),
                     format_days_within(days.p50, r.horizon_days), format_days_within(days.p90, r.horizon_days),
                     format_days_within(days.mean, r.horizon_days),
                     o.metric("interruptions").mean, o.metric("planned_interruptions").mean,
                     format_percent(o.metric("effective_training_time_ratio").mean)));
  }
  line();
  header = "| option | useful |";
  rule = "|---|---|";
  for (std::size_t c = 0; c < lost_cause_count; ++c) {
    header += fmt::format(" {} |", lost_cause_name(static_cast<Lost>(c)));
    rule += "---|";
  }
  line(header);
  line(rule);
  for (const auto& o : r.options) {
    std::string row = fmt::format("| {} | {:.3g}M |", o.name, o.metric("useful_gpu_hours").mean / 1e6);
    for (std::size_t c = 0; c < lost_cause_count; ++c)
      row += fmt::format(" {:.3g}M |",
                         o.metric(fmt::format("lost_gpu_hours_{}", lost_cause_name(static_cast<Lost>(c)))).mean / 1e6);
    line(row);
  }
  line();
  line("Interruptions by cause (mean over replications):");
  line();
  header = "| option |";
  rule = "|---|";
  std::vector<std::string> classes;
  for (const auto& m : r.options.front().metrics)
    if (m.name.starts_with("interruptions_")) classes.push_back(m.name);
  for (const auto& name : classes) {
    header += fmt::format(" {} |", name.substr(std::string("interruptions_").size()));
    rule += "---|";
  }
  line(header);
  line(rule);
  for (const auto& o : r.options) {
    std::string row = "| " + o.name + " |";
    for (const auto& name : classes) row += fmt::format(" {:.0f} |", o.metric(name).mean);
    line(row);
  }
  line();
  // The fleet view (docs/reliability.md, "Fleets"): how often the job was interrupted, what the
  // repairs came to, rung by rung, and what slow nodes and retirements cost.
  std::vector<std::string> rungs;
  bool fleet_metrics = false;  // results.json files written before the fleet rules have none
  for (const auto& m : r.options.front().metrics) {
    if (m.name.starts_with("repairs_") && m.name != "repairs_misdiagnosed") rungs.push_back(m.name);
    if (m.name == "job_mtbi_hours") fleet_metrics = true;
  }
  if (fleet_metrics) {
    line("The fleet's view (mean over replications): the job's mean time between interruptions, node repairs "
         "and the rung of the repair ladder that fixed them, repairs that were wrong, nodes retired, and the GPU "
         "time stragglers cost.");
    line();
    header = "| option | job MTBI | node repairs |";
    rule = "|---|---|---|";
    for (const auto& name : rungs) {
      header += fmt::format(" fixed by {} |", name.substr(std::string("repairs_").size()));
      rule += "---|";
    }
    header += " wrong repairs | nodes retired | lost to stragglers |";
    rule += "---|---|---|";
    line(header);
    line(rule);
    for (const auto& o : r.options) {
      std::string row = fmt::format("| {} | {:.3g} h | {:.0f} |", o.name, o.metric("job_mtbi_hours").mean,
                                    o.metric("node_repairs").mean);
      for (const auto& name : rungs) row += fmt::format(" {:.0f} |", o.metric(name).mean);
      row += fmt::format(" {:.0f} | {:.1f} | {:.3g}M GPU-h |", o.metric("repairs_misdiagnosed").mean,
                         o.metric("nodes_retired").mean, o.metric("lost_gpu_hours_stragglers").mean / 1e6);
      line(row);
    }
    line();
  }
  line("## Capacity and power");
  line();
  line("Energy is what the option's GPUs drew at the facility (PUE included); for a lease, the provider's "
       "energy is inside the price. Means over replications.");
  line();
  line("| option | full capacity on | peak drawn (MW) | energy (MWh) | from grid (MWh) | from turbines (MWh) | "
       "electricity + fuel |");
  line("|---|---|---|---|---|---|---|");
  for (const auto& o : r.options) {
    const double full = o.metric("full_capacity_days").p50;  // as results.json's full_capacity_date
    line(fmt::format("| {} | {} | {:.1f} | {:.0f} | {:.0f} | {:.0f} | {} |", o.name,
                     date_within(r, full, "never within the horizon"),
                     o.metric("peak_facility_power_mw").mean, o.metric("energy_mwh").mean,
                     o.metric("energy_grid_mwh").mean, o.metric("energy_turbine_mwh").mean,
                     format_usd(o.metric("cost_electricity_usd").mean + o.metric("cost_fuel_usd").mean)));
  }
  line();
  line("What held capacity back, day by day (first replication): GPUs that can train = min(delivered, site "
       "ready, installed, not in repair, powered, within load swings, brought up).");
  line();
  for (const auto& o : r.options) {
    std::string periods;
    for (const auto& p : o.capacity_periods)
      periods += fmt::format("{}{} to {}: {}", periods.empty() ? "" : "; ", format_date(p.from_day),
                             format_date(p.to_day), capacity_limit_name(p.limit));
    line(fmt::format("- **{}**: {}.", o.name, periods));
  }
  line();
  line("Power drawn against supply by month (first replication, until a month after the workload is done):");
  line();
  for (const auto& o : r.options) {
    line(fmt::format("**{}**", o.name));
    line();
    line("| month | GPUs online (end) | peak drawn (MW) | supply (MW, end) | binding (end) |");
    line("|---|---|---|---|---|");
    for (const auto& m : o.monthly_power)
      line(fmt::format("| {} | {} | {:.1f} | {:.1f} | {} |", format_date(m.first_day).substr(0, 7), m.gpus_online_end,
                       m.peak_drawn_mw, m.supply_mw_end, capacity_limit_name(m.limit_end)));
    line();
  }
  line("## Where the money goes (nominal, mean over replications)");
  line();
  // Only the categories some option spends on: a lease has no fuel, a build no storage charges.
  // The credits beyond the runs are not in the total (gross): the market section has them, net.
  std::vector<std::string> categories;
  for (std::size_t c = 0; c < cost_category_count; ++c) {
    const std::string category(cost_category_name(static_cast<CostCategory>(c)));
    if (is_credit_beyond_runs(category)) continue;
    for (const auto& o : r.options)
      if (const MetricSummary* m = o.find_metric(fmt::format("cost_{}_usd", category)); m && m->mean != 0) {
        categories.push_back(category);
        break;
      }
  }
  // One row per category, one column per option: as narrow as the options are few, however many
  // categories there are. The rows above the total add up to it; the credits beyond the runs
  // (docs/market.md) come after it, apart: the total does not include them, the net cost does.
  header = "| category |";
  rule = "|---|";
  for (const auto& o : r.options) {
    header += fmt::format(" {} |", o.name);
    rule += "---:|";
  }
  line(header);
  line(rule);
  auto category_row = [&](const std::string& label, const std::string& metric) {
    std::string row = "| " + label + " |";
    for (const auto& o : r.options)
      row += fmt::format(" {} |", sourced(format_usd(o.metric(metric).mean), fmt::format("options.{}.metrics.{}.mean", o.name, metric)));
    line(row);
  };
  std::vector<std::string> beyond;
  for (const auto& category : categories) {
    if (is_credit_beyond_runs(category)) beyond.push_back(category);
    else category_row(cause_label(category), fmt::format("cost_{}_usd", category));  // "GPU servers"
  }
  category_row("**total**", "total_cost_usd");
  for (const auto& category : beyond)
    category_row(cause_label(category) + ", not in the total", fmt::format("cost_{}_usd", category));
  line();
  if (r.comparison.ranked_by != "npv_cost_usd") {
    line("The value of the demand served beyond the runs and the sublet income are credits of the net cost, not of "
         "these gross totals: the next section has them.");
    line();
  }
  md += market_section_md(r);  // nothing without a market or a value beyond the runs
  md += serving_section_md(r);  // nothing when the run served no demand
  line("Daily series per option: `series-<option>.csv`. Every metric with mean and percentiles: `results.json`.");
  line("Models, equations and sources: `docs/` in the bvr repository.");
  return md;
}

}  // namespace bvr
