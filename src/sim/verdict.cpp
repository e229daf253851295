#include "sim/verdict.h"

#include <fmt/format.h>

#include <string>

#include "models/finance.h"

namespace bvr {

namespace {

template <typename Key>
std::string best_finished(const std::vector<OptionResult>& options, Key key) {
  const OptionResult* best = nullptr;
  for (const auto& o : options)
    if (o.finished_all_runs() && (!best || key(o) < key(*best))) best = &o;  // ties keep the first
  return best ? best->name : "";
}

const OptionResult* find(const Results& r, const std::string& name) {
  for (const auto& o : r.options)
    if (o.name == name) return &o;
  return nullptr;
}

// The net cost when the results carry it (the scenario values capacity beyond the runs), else the gross.
bool ranks_net(const Results& r) {
  return !r.options.empty() && r.options.front().find_metric("net_npv_cost_usd") != nullptr;
}
const char* npv_metric(const Results& r) { return ranks_net(r) ? "net_npv_cost_usd" : "npv_cost_usd"; }
const char* time_adjusted_metric(const Results& r) {
  return ranks_net(r) ? "net_time_adjusted_cost_usd" : "time_adjusted_cost_usd";
}

VerdictWhy why_pair(const Results& r, const OptionResult& winner, const OptionResult& other) {
  VerdictWhy w{winner.name, other.name, other.finished_all_runs(), 0, 0, {}};
  auto diff = [&](const std::string& metric) { return other.metric(metric).mean - winner.metric(metric).mean; };
  w.npv_difference_usd = diff(npv_metric(r));
  w.time_adjusted_difference_usd = diff(time_adjusted_metric(r));
  for (std::size_t c = 0; c < cost_category_count; ++c) {
    const std::string category(cost_category_name(static_cast<CostCategory>(c)));
    const std::string metric = fmt::format("npv_cost_{}_usd", category);
    if (!winner.find_metric(metric) || !other.find_metric(metric)) continue;  // credits only when valued
    const double usd = diff(metric);
    if (usd != 0) w.causes.push_back({category, usd});
  }
  w.causes.push_back({"time_value_of_delay", r.value_of_time_usd_per_day * diff("time_to_train_days")});
  return w;
}

// A value as the series CSV writes it (fixed decimals), read back: the same from a run and a reread.
double as_written(double value, int decimals) { return std::stod(fmt::format("{:.{}f}", value, decimals)); }

}  // namespace

void rank_finished_options(Results& r) {
  Comparison& c = r.comparison;
  const std::string npv = npv_metric(r), adjusted = time_adjusted_metric(r);
  c.ranked_by = npv;
  c.cheapest = best_finished(r.options, [&](const OptionResult& o) { return o.metric(npv).mean; });
  c.fastest = best_finished(r.options, [](const OptionResult& o) { return o.metric("time_to_train_days").mean; });
  c.best_time_adjusted = best_finished(r.options, [&](const OptionResult& o) { return o.metric(adjusted).mean; });
}

std::vector<VerdictWhy> explain_verdict(const Results& r) {
  std::vector<VerdictWhy> out;
  const OptionResult* winner = find(r, r.comparison.cheapest);
  if (!winner) return out;
  for (const auto& o : r.options)
    if (&o != winner) out.push_back(why_pair(r, *winner, o));
  return out;
}

Unfinished unfinished_progress(const OptionResult& o, double horizon_days) {
  Unfinished u{o.metric("completed_fraction").mean, -1, -1};
  if (u.done_share > 0 && horizon_days > 0) u.more_days_at_mean_speed = horizon_days * (1 - u.done_share) / u.done_share;
  constexpr std::size_t window_days = 30;
  if (o.series.size() <= window_days) return u;
  const double last = as_written(o.series.back().training_progress, 6);
  const double before = as_written(o.series[o.series.size() - 1 - window_days].training_progress, 6);
  const double per_day = (last - before) / static_cast<double>(window_days);
  if (per_day > 0) u.more_days_at_final_speed = (1 - last) / per_day;
  return u;
}

}  // namespace bvr
