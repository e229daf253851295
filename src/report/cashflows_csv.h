// cashflows.csv: every option's nominal spending by day and cost category, with when in the day
// it was paid (written and read back with report/csv.h; docs/results.md). cashflows.xlsx lays
// out the same rows, and `bvr report` rebuilds the workbook from this file.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/results.h"

namespace bvr {

// One option's spending in one cost category on one day [day, day + 1) since the start (the last
// day of the horizon also holds the residual credit at the horizon).
struct CashFlowRow {
  std::string option;
  std::string category;     // cost_category_name
  std::int64_t day = 0;     // days since the scenario start
  double amount_usd = 0;    // nominal, the mean over replications (negative for the residual credit)
  double paid_at_day = 0;   // amount-weighted mean time of payment, days since the start
};

// The rows of every option with a non-zero amount: by option (scenario order), day, category.
std::vector<CashFlowRow> cash_flow_rows(const Results& results);

std::string cashflows_csv(const std::vector<CashFlowRow>& rows, std::int64_t start_day);
const std::vector<std::string>& cashflows_csv_columns();

// Throws InputError "<file>:<line>:<column>: <what>" for a malformed file.
std::vector<CashFlowRow> cashflows_from_csv(std::string_view text, const std::string& file);

}  // namespace bvr
