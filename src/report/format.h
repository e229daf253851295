// Numbers as people read them in a report: $1.23B, 41.2 days, 87.5 %.
#pragma once
#include <string>

#include "sim/results.h"

namespace bvr {

std::string format_usd(double usd);
std::string format_days(double days);
std::string format_percent(double fraction);
// Decimal units, as nccl-tests counts them: 812 kB, 1.6 MB, 2.41 GB.
std::string format_bytes(double bytes);
// 2.35 s, or below a second 41.2 ms.
std::string format_seconds(double seconds);
// A day at (or past) the horizon: what a run that did not finish reports. False when the horizon is unknown (0).
bool at_horizon(double days, double horizon_days);
// Days, or "> H" (H the horizon) for a day at or past the horizon: a run that did not finish.
std::string format_days_within(double days, double horizon_days);
// A share done that may be tiny: 41.2 %, or 2.3e-12 %.
std::string format_share_done(double fraction);
// How far an option that did not finish every run got, and what finishing would need (sim/verdict.h).
std::string unfinished_text(const Results& results, const OptionResult& option);
// A cost category or cause of comparison.why as people read it: "GPU servers", "time value of delay".
// A --set key path as a reader names it, with the unit of `value_text` ("2.07 USD/GPU/h"):
// "options.lease-neocloud.list_price" -> "lease-neocloud: list price (USD/GPU/h)";
// "reliability.gpu_rate" -> "reliability: gpu rate".
std::string parameter_label(const std::string& key, const std::string& value_text);
std::string cause_label(const std::string& cause);
// Whether a cost category's name is a credit beyond the runs (value_beyond_runs, sublet_income):
// in the net cost only, never in the gross total (docs/market.md).
bool is_credit_beyond_runs(const std::string& category);
// "P50 (P10-P90)" with the given formatter.
template <typename Format>
std::string format_spread(const MetricSummary& s, Format format) {
  if (format(s.p10) == format(s.p90)) return format(s.p50);
  return format(s.p50) + " (" + format(s.p10) + "–" + format(s.p90) + ")";
}

}  // namespace bvr
