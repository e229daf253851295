#include "sim/results.h"

#include "sim/serving_sim.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <utility>

#include "sim/campaign.h"
#include "sim/finite_outputs.h"
#include "sim/job_speed.h"
#include "sim/verdict.h"
#include "models/lease_contract.h"
#include "models/time.h"

namespace bvr {

double percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const double rank = p * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<std::size_t>(std::floor(rank));
  const std::size_t hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (rank - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

MetricSummary summarize(const std::vector<double>& values) {
  MetricSummary s;
  double sum = 0;
  for (double v : values) sum += v;
  s.mean = values.empty() ? 0 : sum / static_cast<double>(values.size());
  s.p10 = percentile(values, 0.10);
  s.p50 = percentile(values, 0.50);
  s.p90 = percentile(values, 0.90);
  return s;
}

const MetricSummary* OptionResult::find_metric(std::string_view wanted) const {
  for (const auto& m : metrics)
    if (m.name == wanted) return &m.summary;
  return nullptr;
}

const MetricSummary& OptionResult::metric(std::string_view wanted) const {
  for (const auto& m : metrics)
    if (m.name == wanted) return m.summary;
  throw std::logic_error(fmt::format("no metric named {}", wanted));
}

std::vector<CapacityPeriod> capacity_periods(const std::vector<DailyRow>& series) {
  std::vector<CapacityPeriod> periods;
  for (const auto& row : series) {
    if (!periods.empty() && periods.back().limit == row.binding) {
      periods.back().to_day = row.day;
    } else {
      periods.push_back({row.day, row.day, row.binding});
    }
  }
  return periods;
}

std::vector<MonthlyPower> monthly_power(const std::vector<DailyRow>& series) {
  // Months up to and including the one after the workload finished: the rest is flat.
  std::size_t last = series.size();
  for (std::size_t i = 0; i < series.size(); ++i)
    if (series[i].training_progress >= 1) {
      last = std::min(series.size(), i + 31);
      break;
    }
  std::vector<MonthlyPower> months;
  std::chrono::year_month current{};
  for (std::size_t i = 0; i < last; ++i) {
    const DailyRow& row = series[i];
    const std::chrono::year_month_day date{std::chrono::sys_days{std::chrono::days{row.day}}};
    const std::chrono::year_month month{date.year(), date.month()};
    if (months.empty() || month != current) {
      months.push_back({row.day, 0, 0, 0, CapacityLimit::None});
      current = month;
    }
    MonthlyPower& m = months.back();
    m.gpus_online_end = row.gpus_online;
    m.peak_drawn_mw = std::max(m.peak_drawn_mw, row.facility_power_mw);
    m.supply_mw_end = row.power_supply_mw;
    m.limit_end = row.binding;
  }
  return months;
}

namespace {

// The share of replications in which every training run of the workload finished.
double finished_share(const std::vector<ReplicationOutcome>& outcomes, std::size_t option, std::size_t runs) {
  if (outcomes.empty()) return 0;
  double finished = 0;
  for (const auto& rep : outcomes)
    if (rep.options[option][Metric::TrainedModels] >= static_cast<double>(runs)) ++finished;
  return finished / static_cast<double>(outcomes.size());
}

// Option i's spending by day, the mean over replications (every replication has the same days).
std::vector<DayCash> mean_cash_by_day(const std::vector<ReplicationOutcome>& outcomes, std::size_t i) {
  if (outcomes.empty()) return {};
  std::vector<DayCash> out(outcomes.front().options[i].cash_by_day.size());
  const double n = static_cast<double>(outcomes.size());
  for (const auto& rep : outcomes)
    for (std::size_t d = 0; d < out.size() && d < rep.options[i].cash_by_day.size(); ++d)
      for (std::size_t c = 0; c < cost_category_count; ++c) {
        out[d].usd[c] += rep.options[i].cash_by_day[d].usd[c] / n;
        out[d].usd_days[c] += rep.options[i].cash_by_day[d].usd_days[c] / n;
      }
  return out;
}

}  // namespace

// The cost categories results.json lists: the credits beyond the runs only when the scenario
// values capacity beyond them (a file without them reads as before).
std::size_t listed_categories(const Scenario& scenario) {
  return scenario.has_credits_beyond_runs() ? cost_category_count : gross_cost_category_count;
}

std::vector<std::string> metric_names(const Scenario& scenario) {
  std::vector<std::string> out;
  for (std::size_t m = 0; m < metric_count; ++m) out.emplace_back(metric_name(static_cast<Metric>(m)));
  if (scenario.has_credits_beyond_runs()) {
    out.emplace_back("net_npv_cost_usd");
    out.emplace_back("net_time_adjusted_cost_usd");
  }
  if (scenario.serves())
    for (std::size_t m = 0; m < serving_metric_count; ++m) out.emplace_back(serving_metric_name(static_cast<ServingMetric>(m)));
  for (std::size_t c = 0; c < listed_categories(scenario); ++c)
    out.push_back(fmt::format("cost_{}_usd", cost_category_name(static_cast<CostCategory>(c))));
  for (std::size_t c = 0; c < listed_categories(scenario); ++c)
    out.push_back(fmt::format("npv_cost_{}_usd", cost_category_name(static_cast<CostCategory>(c))));
  for (std::size_t c = 0; c < lost_cause_count; ++c)
    out.push_back(fmt::format("lost_gpu_hours_{}", lost_cause_name(static_cast<Lost>(c))));
  for (const auto& name : failure_class_names(scenario)) out.push_back(fmt::format("interruptions_{}", name));
  for (const auto& name : repair_step_names(scenario)) out.push_back(fmt::format("repairs_{}", name));
  return out;
}

ServingSummary serving_summary(const Scenario& scenario) {
  const ServingWorkload& w = *scenario.workload.serving;
  ServingSummary out{w.model.name, to_string(w.priority), w.target_tokens_per_s_per_user, w.input_tokens, w.output_tokens, {}};
  for (const Option& o : scenario.options)
    for (const Site& site : o.sites) {
      ServingSiteRate rate{o.name, site.name, site.system.name, "", 0, 0};
      if (const auto r = serving_rate_on_site(scenario, site, true)) {
        rate.layout = fmt::format("tp={} ep={} pp={} ({})", r->layout.tp, r->layout.ep, r->layout.pp, to_string(w.mode));
        rate.tokens_per_s_per_gpu = r->tokens_per_s_per_gpu;
        rate.instance_gpus = r->instance_gpus;
      }
      out.sites.push_back(rate);
    }
  return out;
}

Results make_results(const Scenario& scenario, const std::vector<ReplicationOutcome>& outcomes) {
  Results r;
  r.scenario = scenario.name;
  r.file = scenario.file;
  r.seed = scenario.seed;
  r.replications = static_cast<int>(outcomes.size());
  r.start_day = scenario.start_day;
  r.horizon_days = scenario.horizon_s / seconds_per_day;
  r.value_of_time_usd_per_day = scenario.value_of_time_usd_per_day;
  r.discount_rate = scenario.discount_rate;
  r.warnings = scenario.warnings;
  const std::vector<std::string> names = metric_names(scenario);
  for (std::size_t i = 0; i < scenario.options.size(); ++i) {
    OptionResult o;
    o.name = scenario.options[i].name;
    o.kind = scenario.options[i].kind();
    for (const Site& site : scenario.options[i].sites)
      o.sites.push_back({site.name, to_string(site.contract), site.system.id, site.system.name, site.nominal_gpus()});
    auto column = [&](auto value_of) {
      std::vector<double> values;
      for (const auto& rep : outcomes) values.push_back(value_of(rep.options[i]));
      return summarize(values);
    };
    // Named by metric_names(), in its order.
    std::size_t n = 0;
    for (std::size_t m = 0; m < metric_count; ++m)
      o.metrics.push_back({names[n++], column([&](const OptionOutcome& x) { return x.metrics[m]; })});
    if (scenario.has_credits_beyond_runs()) {
      o.metrics.push_back({names[n++], column([&](const OptionOutcome& x) { return net_npv_cost_usd(x); })});
      o.metrics.push_back({names[n++], column([&](const OptionOutcome& x) { return net_time_adjusted_cost_usd(x); })});
    }
    if (scenario.serves())
      for (std::size_t m = 0; m < serving_metric_count; ++m)
        o.metrics.push_back({names[n++], column([&](const OptionOutcome& x) { return x.serving[m]; })});
    for (std::size_t c = 0; c < listed_categories(scenario); ++c)
      o.metrics.push_back({names[n++], column([&](const OptionOutcome& x) { return x.cost_usd[c]; })});
    for (std::size_t c = 0; c < listed_categories(scenario); ++c)
      o.metrics.push_back({names[n++], column([&](const OptionOutcome& x) { return x.npv_usd[c]; })});
    // Spending by day and category, the mean over replications (every replication has the same days).
    o.cash_by_day = mean_cash_by_day(outcomes, i);
    for (std::size_t c = 0; c < lost_cause_count; ++c)
      o.metrics.push_back({names[n++], column([&](const OptionOutcome& x) { return x.lost_gpu_hours[c]; })});
    for (std::size_t c = 0; c < failure_class_names(scenario).size(); ++c)
      o.metrics.push_back({names[n++], column([&](const OptionOutcome& x) { return x.interruptions_by_class[c]; })});
    for (std::size_t c = 0; c < repair_step_names(scenario).size(); ++c)
      o.metrics.push_back({names[n++], column([&](const OptionOutcome& x) { return x.repairs_by_step[c]; })});
    for (std::size_t run = 0; run < scenario.workload.runs.size(); ++run)
      o.run_finish_days.push_back(
          {scenario.workload.runs[run].name, column([&](const OptionOutcome& x) { return x.run_finish_days[run]; })});
    o.finished_share = finished_share(outcomes, i, scenario.workload.runs.size());
    if (!outcomes.empty()) o.series = outcomes.front().options[i].series;
    if (!outcomes.empty()) o.site_series = outcomes.front().options[i].site_series;
    o.capacity_periods = capacity_periods(o.series);
    o.monthly_power = monthly_power(o.series);
    if (!scenario.workload.runs.empty()) {
      const std::size_t run = headline_run(scenario);
      const SiteSpeed site = final_site_speed(scenario, scenario.options[i], true);
      o.step_time = full_size_step(scenario, site, run);
      o.collectives = site.runs[run].collectives;
      o.step_time_run = scenario.workload.runs[run].name;
    }
    r.options.push_back(std::move(o));
  }
  r.market = market_results(scenario, r.replications);
  if (scenario.serves()) r.serving = serving_summary(scenario);
  rank_finished_options(r);
  r.comparison.why = explain_verdict(r);
  require_finite_outputs(r);
  return r;
}

namespace {

// The dates at which contracts read path `path` (within the horizon, by date then option): an
// indexed lease's contract anniversaries in its term ("reprice"), the end of a term renewed at the
// index and each renewal year after it ("renewal"), and owned systems resold at the index at the
// horizon ("resale"). Spot bills, sublets, the demand's value and energy prices read the path
// every month and are not marked. A lease that ended before a date does not read it then.
std::vector<MarketEvent> market_events(const Scenario& scenario, std::size_t path) {
  std::vector<MarketEvent> events;
  auto day_of = [&](double t_s) { return scenario.start_day + static_cast<std::int64_t>(std::floor(t_s / seconds_per_day)); };
  for (const Option& option : scenario.options)
    for (const Site& site : option.sites) {
      if (site.lease && site.lease->index && site.lease->index->path == path &&
          site.lease->pricing != LeasePricing::Spot) {
        const LeaseOffer& lease = *site.lease;
        const double term_end = lease.contract_start_s + lease.term_s;
        const bool indexed = lease.pricing == LeasePricing::Indexed;
        for (double t : price_change_times(lease, scenario.horizon_s)) {
          if (t < term_end ? indexed : lease.renewal_at_index)
            events.push_back({day_of(t), option.name, t < term_end ? "reprice" : "renewal"});
        }
        if (lease.renewal_at_index && term_end >= 0 && term_end < scenario.horizon_s &&
            std::none_of(events.begin(), events.end(), [&](const MarketEvent& e) {
              return e.option == option.name && e.day == day_of(term_end);
            }))
          events.push_back({day_of(term_end), option.name, "renewal"});
      }
      const SystemPurchase* owned = site.owned_systems();
      if (owned && owned->residual.method == ResidualMethod::Index && owned->residual.index_path == path)
        events.push_back({day_of(scenario.horizon_s), option.name, "resale"});
    }
  std::stable_sort(events.begin(), events.end(), [](const MarketEvent& a, const MarketEvent& b) { return a.day < b.day; });
  events.erase(std::unique(events.begin(), events.end(),
                           [](const MarketEvent& a, const MarketEvent& b) {
                             return a.day == b.day && a.option == b.option && a.what == b.what;
                           }),
               events.end());
  return events;
}

}  // namespace

std::vector<MarketPathResult> market_results(const Scenario& scenario, int replications) {
  std::vector<MarketPathResult> out;
  if (scenario.market.empty()) return out;
  std::vector<std::vector<RealizedPath>> draws;
  for (int rep = 0; rep < std::max(1, replications); ++rep)
    draws.push_back(realize_market(scenario.market, scenario.horizon_s, replication_seed(scenario.seed, rep)));
  for (std::size_t i = 0; i < scenario.market.size(); ++i) {
    const PricePath& path = scenario.market[i];
    MarketPathResult m{path.name, to_string(path.kind), display_unit(path.kind), path.uncertainty.has_value(), {}, {}, {}};
    const double f = display_factor(path.kind);
    for (const PricePoint& p : path.points)
      m.points.emplace_back(scenario.start_day + static_cast<std::int64_t>(std::llround(p.t_s / seconds_per_day)),
                            path.scale * p.value * f);
    const std::size_t months = draws.front()[i].grid.size();
    for (std::size_t k = 0; k < months; ++k) {
      const double t = static_cast<double>(k) * market_step_s;
      if (t > scenario.horizon_s) break;
      std::vector<double> values;
      for (const auto& draw : draws) values.push_back(draw[i].grid[k] * f);
      m.monthly.push_back({scenario.start_day + static_cast<std::int64_t>(std::floor(t / seconds_per_day)), summarize(values)});
    }
    m.events = market_events(scenario, i);
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace bvr
