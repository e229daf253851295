// Calendar constants shared by every model. Simulated time is seconds since the scenario start.
#pragma once

namespace bvr {

constexpr double seconds_per_hour = 3600.0;
constexpr double seconds_per_day = 86400.0;
constexpr double days_per_year = 365.25;  // Julian year: annual rates and asset lives
constexpr double seconds_per_year = days_per_year * seconds_per_day;
constexpr double joules_per_mwh = 3.6e9;

}  // namespace bvr
