// series-<option>.csv: one row per day, for spreadsheets and charts.
#pragma once
#include <string>
#include <vector>

#include "sim/outcome.h"

namespace bvr {

std::string series_csv(const std::vector<DailyRow>& series);

}  // namespace bvr
