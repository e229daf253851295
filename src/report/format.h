// Numbers as people read them in a report: $1.23B, 41.2 days, 87.5 %.
#pragma once
#include <string>
#include <string_view>

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
// A credit beyond the runs (docs/market.md) by its results.json name ("value_beyond_runs"): not
// in total_cost_usd, in the net cost.
bool is_credit_beyond_runs(std::string_view category);
// The report model (report_markdown_sourced): a table cell carries the key paths in results.json
// of the values it shows, in the order shown, so report.html can mark each cell with its source
// (data-key) and the browser test can compare each number with its own value. A key path names
// array elements by their name ("options.build.metrics.npv_cost_usd.p50", "comparison.why.rent.
// causes.facility.usd"); "a+b" is the sum of two values. The marker is "\x1f" keys "\x1e" after
// the cell's text; report.md strips it.
std::string sourced(const std::string& text, const std::string& keys);
// The same for a figure inside a line of prose (a Verdict bullet): "\x1d" text "\x1f" keys "\x1e";
// report.html writes it as <span data-key="keys">text</span>.
std::string sourced_inline(const std::string& text, const std::string& keys);
// The model without its markers: what report.md shows.
std::string strip_sources(std::string_view model);
// A cell's text and its keys (empty when it has none).
struct SourcedCell {
  std::string text, keys;
};
SourcedCell split_source(std::string_view cell);
// "P50 (P10-P90)" with the given formatter.
template <typename Format>
std::string format_spread(const MetricSummary& s, Format format) {
  if (format(s.p10) == format(s.p90)) return format(s.p50);
  return format(s.p50) + " (" + format(s.p10) + "–" + format(s.p90) + ")";
}
// format_spread as a sourced cell: `key` names the summary ("options.build.metrics.energy_mwh").
// `horizon` (optional) maps a day at the horizon, shown as "> H", to the key horizon_days.
template <typename Format>
std::string sourced_spread(const MetricSummary& s, Format format, const std::string& key, double horizon_days = 0) {
  auto k = [&](double v, const char* field) { return at_horizon(v, horizon_days) ? std::string("horizon_days") : key + "." + field; };
  const bool one = format(s.p10) == format(s.p90);
  return sourced(format_spread(s, format), one ? k(s.p50, "p50") : k(s.p50, "p50") + " " + k(s.p10, "p10") + " " + k(s.p90, "p90"));
}

}  // namespace bvr
