// Results of a run: every metric of every option as mean and P10/P50/P90 over replications,
// the first replication's daily series, and the comparison. report/ only reads this.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "models/step_time.h"
#include "scenario/scenario.h"
#include "sim/job_speed.h"
#include "sim/outcome.h"

namespace bvr {

struct MetricSummary {
  double mean = 0, p10 = 0, p50 = 0, p90 = 0;
};

// Linear interpolation between the closest ranks (the usual definition, numpy's default).
double percentile(std::vector<double> values, double p);
MetricSummary summarize(const std::vector<double>& values);

struct NamedSummary {
  std::string name;
  MetricSummary summary;
};

// A stretch of days with the same binding capacity limit (from the first replication's series).
struct CapacityPeriod {
  std::int64_t from_day = 0, to_day = 0;  // inclusive
  CapacityLimit limit = CapacityLimit::None;
};

// One calendar month of the first replication: power drawn against supply.
struct MonthlyPower {
  std::int64_t first_day = 0;
  int gpus_online_end = 0;         // on the month's last sampled day
  double peak_drawn_mw = 0;        // highest daily sample
  double supply_mw_end = 0;
  CapacityLimit limit_end = CapacityLimit::None;
};

// One site of an option as results.json names it (docs/results.md, `sites`).
struct SiteSummary {
  std::string name;         // "" for an option of one site
  std::string contract;     // lease, build, colocation, used
  std::string system;       // the system's id (its file's stem, or "inline")
  std::string system_name;  // as printed, "GB200 NVL72"
  int gpus = 0;             // committed or ordered
};

struct OptionResult {
  std::string name;
  std::string kind;  // the contract of a one-site option, else "hybrid"
  std::vector<SiteSummary> sites;
  // Spending by day and category, USD and USD-days, the means over replications
  // (OptionOutcome::cash_by_day): cashflows.csv and cashflows.xlsx.
  std::vector<DayCash> cash_by_day;
  // metric_name order, then cost_<category>_usd, lost_gpu_hours_<cause>, interruptions_<class>
  std::vector<NamedSummary> metrics;
  std::vector<NamedSummary> run_finish_days;  // per training run
  std::vector<DailyRow> series;
  std::vector<SitePowerDay> site_series;  // days x own sites, for an option of several (OptionOutcome)
  std::vector<CapacityPeriod> capacity_periods;
  std::vector<MonthlyPower> monthly_power;  // until the month after the workload finished
  // The step of the run with the most compute at full size on the option's final site
  // (sim/job_speed.h); nothing for runs without a model.
  std::optional<StepTime> step_time;
  std::string step_time_run;
  // That run's collectives as simulated on the same site's fabric, whose ratios to the closed
  // form scale step_time's communication; empty when the site has no fabric.
  std::vector<SimulatedCollective> collectives;
  // The share of replications in which every training run finished within the horizon.
  double finished_share = 0;
  bool finished_all_runs() const { return finished_share >= 1; }
  const MetricSummary& metric(std::string_view name) const;
  const MetricSummary* find_metric(std::string_view name) const;  // null when results.json lacks it
};

// A value of one parameter at which the two compared options' NPV costs are equal
// (sim/breakeven.h): a price (by default the list price of a lease), or the analysis horizon.
struct Breakeven {
  bool found = false;
  std::string parameter;  // key path usable with --set
  std::string unit;       // of `value` in --set: "<parameter>=<value> <unit>"
  double value = 0;
  double scenario_value = 0;  // the parameter's value in the scenario as run
  std::string first_option, second_option;
  double first_npv_usd = 0, second_npv_usd = 0;  // at `value`, means over `replications`
  int replications = 0;                          // the run's first N replications
  bool second_cheaper_above = true;              // the second option is the cheaper above `value`, the first below
  int evaluations = 0;                           // simulations run to find it
  std::string note;                              // why none was found
};

// One named cause of the difference between the winner and another option, USD (other minus winner).
struct WhyCause {
  std::string cause;  // a cost category ("gpu_servers"), or "time_value_of_delay"
  double usd = 0;
};

// Why the winner (the cheapest) beats another option: the mean NPV difference by cost category
// (sim/verdict.h); with the time value of delay they add up to the time-adjusted difference.
struct VerdictWhy {
  std::string winner, other;
  bool other_finished_all_runs = false;
  double npv_difference_usd = 0;            // other minus winner, means
  double time_adjusted_difference_usd = 0;  // other minus winner, means
  std::vector<WhyCause> causes;             // categories in ledger order, then the time value of delay
};

// Only options that finished every run in every replication are ranked; "" when none did.
struct Comparison {
  // The cost the options are ranked by: npv_cost_usd, or net_npv_cost_usd when the scenario values
  // capacity beyond the runs (docs/market.md); time-adjusted alike.
  std::string ranked_by = "npv_cost_usd";
  std::string cheapest;            // lowest mean NPV cost
  std::string fastest;             // lowest mean time to train
  std::string best_time_adjusted;  // lowest mean NPV cost + value of time
  std::vector<VerdictWhy> why;     // the cheapest against each other option
  Breakeven breakeven;          // over a price (analysis.breakeven; by default a lease's list price)
  Breakeven breakeven_horizon;  // over scenario.horizon
};

// One bar of the tornado: the verdict gap (second option minus first) at each end of a parameter's range.
struct SensitivityRow {
  std::string parameter, low, high;  // key path; values as YAML text with units
  double npv_gap_low_usd = 0, npv_gap_high_usd = 0;
  double time_adjusted_gap_low_usd = 0, time_adjusted_gap_high_usd = 0;
  double swing_usd = 0;  // |NPV gap at high - NPV gap at low|: the bar's length
  bool flips = false;    // the NPV verdict at one end differs from the base verdict
};

struct Sensitivity {
  bool computed = false;
  int replications = 0;  // the first N replications of the run, at each end of each range
  std::string first_option, second_option;
  double base_npv_gap_usd = 0, base_time_adjusted_gap_usd = 0;  // second minus first, same replications
  std::vector<SensitivityRow> rows;  // largest swing first
};

// One market path as the run used it (docs/market.md): the dated points as given (scaled), and
// its value at each month of the market's grid over the replications.
struct MarketMonth {
  std::int64_t day = 0;
  MetricSummary value;  // in `unit`
};
// A date at which a contract reads the path (docs/market.md): an indexed lease repriced at a
// contract anniversary, a term renewed at the index, owned systems resold at the index.
struct MarketEvent {
  std::int64_t day = 0;
  std::string option;
  std::string what;  // "reprice", "renewal", "resale"
};
struct MarketPathResult {
  std::string name;
  std::string kind;  // gpu_rental, hardware, energy
  std::string unit;  // USD/GPU/h, USD/GPU, USD/MWh
  bool uncertain = false;
  std::vector<std::pair<std::int64_t, double>> points;  // day, value in `unit`
  std::vector<MarketMonth> monthly;
  std::vector<MarketEvent> events;  // by date; within the horizon
};

// What the run served with (docs/serving.md, "Serving in the campaign"): the workload's
// interactivity target and priority, and each site's best layout there.
struct ServingSiteRate {
  std::string option, site, system;
  std::string layout;  // "tp=4 ep=72 pp=1 (disaggregated)"
  double tokens_per_s_per_gpu = 0;
  double instance_gpus = 0;
};
struct ServingSummary {
  std::string model;
  std::string priority;  // training or serving
  double target_tokens_per_s_per_user = 0;  // 0: none
  int input_tokens = 0, output_tokens = 0;
  std::vector<ServingSiteRate> sites;
};

struct Results {
  std::string scenario;
  std::string file;
  std::uint64_t seed = 0;
  int replications = 0;
  std::int64_t start_day = 0;
  double horizon_days = 0;
  double value_of_time_usd_per_day = 0;
  double discount_rate = 0;  // per year: the scenario's, or its WACC
  std::vector<OptionResult> options;
  std::vector<MarketPathResult> market;  // empty without a market section
  std::optional<ServingSummary> serving;  // only when the scenario serves a dated demand
  Comparison comparison;
  Sensitivity sensitivity;
  std::vector<InputWarning> warnings;  // the scenario's, as it loaded (scenario/input_warning.h)
};

// Whether the run served a demand (docs/serving.md): its options have the serving metrics.
inline bool has_serving(const Results& r) { return r.serving.has_value(); }

std::vector<CapacityPeriod> capacity_periods(const std::vector<DailyRow>& series);
std::vector<MonthlyPower> monthly_power(const std::vector<DailyRow>& series);

Results make_results(const Scenario& scenario, const std::vector<ReplicationOutcome>& outcomes);

// Every path of the scenario's market as drawn in each of `replications` replications.
std::vector<MarketPathResult> market_results(const Scenario& scenario, int replications);

// The names of every option's metrics, in OptionResult::metrics order, for this scenario: what a
// sweep's point file must have as columns.
std::vector<std::string> metric_names(const Scenario& scenario);

}  // namespace bvr
