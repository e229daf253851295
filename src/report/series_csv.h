// series-<option>.csv: one row per day, for spreadsheets and charts (written with report/csv.h).
#pragma once
#include <string>
#include <vector>

#include "sim/outcome.h"

namespace bvr {

std::string series_csv(const std::vector<DailyRow>& series);
// Its header, column by column.
const std::vector<std::string>& series_csv_columns();

}  // namespace bvr
