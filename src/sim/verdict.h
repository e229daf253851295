// The verdict of a run from its options' summaries: which finished option wins on what
// (comparison.cheapest, fastest, best_time_adjusted) and why the cheapest wins, cause by cause.
// Both depend on results.json's contents alone, so `bvr report` derives the same from the file.
#pragma once
#include <vector>

#include "sim/results.h"

namespace bvr {

// Ranks the options that finished every run in every replication; "" when none did.
void rank_finished_options(Results& results);

// The cheapest against each other option, in scenario order: the difference of the mean NPV cost
// by category (`npv_cost_<category>_usd`, the categories where it is not zero), then the time value
// of delay (value per day earlier × the difference of the mean days to train). The categories add
// up to the NPV difference, all causes to the time-adjusted one (to rounding). Empty without a
// cheapest option.
std::vector<VerdictWhy> explain_verdict(const Results& results);

// The mean share of the workload done; from the first replication's daily progress at the
// decimals of its series CSV, the days it would still need at its speed over its last 30 days
// (negative when it made no measurable progress then); and the days it would still need at its
// mean speed over the horizon (negative when it did nothing).
struct Unfinished {
  double done_share = 0;
  double more_days_at_final_speed = -1;
  double more_days_at_mean_speed = -1;
};
Unfinished unfinished_progress(const OptionResult& option, double horizon_days);

}  // namespace bvr
