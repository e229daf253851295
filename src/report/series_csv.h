// series-<option>.csv: one row per day, for spreadsheets and charts (written with report/csv.h).
#pragma once
#include <string>
#include <vector>

#include "sim/outcome.h"

namespace bvr {

// `serving`: the run served a demand (has_serving()): four serving columns follow the others.
std::string series_csv(const std::vector<DailyRow>& series, bool serving = false);
// Its header, column by column.
const std::vector<std::string>& series_csv_columns();
const std::vector<std::string>& serving_series_columns();

}  // namespace bvr
