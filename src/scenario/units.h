// Quantities as analysts write them ("150 MW", "10 USD/GPU/h", "2024-07-01"), resolved to one
// internal unit per dimension so the models never see a unit string.
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "models/time.h"  // seconds_per_day and friends

namespace bvr {

// Internal units (what parse_quantity returns):
//   Fraction          1 (written "38 %", "12 %/yr" or a bare number 0.38)
//   Count             1 (a bare number; "GPUs", "units" etc. are not needed)
//   Power             W        (W, kW, MW, GW)
//   Energy            J        (Wh, kWh, MWh, GWh, TWh, J, MJ, GJ)
//   Duration          s        (s, min, h, day(s), week(s), year(s); "month" = 30.4375 days)
//   Money             USD      (USD, kUSD, MUSD, BUSD; "million USD", "billion USD")
//   PricePerGpuTime   USD per GPU-second   (USD/GPU/h, USD/GPU-hour)
//   PricePerEnergy    USD per J            (USD/MWh, USD/kWh, USD/GWh)
//   PricePerPower     USD per W            (USD/W, USD/kW, USD/MW, USD/GW)
//   Compute           FLOP     (FLOP, kFLOP ... EFLOP; "3e25 FLOP")
//   ComputeRate       FLOP/s   (TFLOP/s, TFLOPS, PFLOP/s ...)
//   Bandwidth         bit/s    (Gb/s, Gbit/s, Tb/s, GB/s = 8e9 bit/s)
//   Data              byte     (B, kB, MB, GB, TB, PB; GiB, TiB)
//   RatePerNodeTime   events per node-second ("6.5 per 1000 node-days", "2 per node-year")
//   RatePerTime       per second ("16 racks/day", "10000 GPUs/month", "3 per day")
//   MoneyPerTime      USD per second       (USD/year, MUSD/month, kUSD/day)
//   PricePerData      USD per byte         (USD/GB, USD/TB, USD/PB)
//   PricePerDataTime  USD per byte-second  (USD/TB/month, USD/GB/month, USD/PB/year)
//   PricePerPowerTime USD per W-second     (USD/kW/month, USD/MW/year): colocation fees
// Every unit that holds money takes the prefixes of plain money too: "13 MUSD/MW",
// "2 kUSD/GPU/h", "40 million USD/year", "1.5 BUSD/GW".
// Bandwidth also takes data per calendar time ("500 TB/month"): egress volumes read that way.
enum class Dimension {
  Fraction,
  Count,
  Power,
  Energy,
  Duration,
  Money,
  PricePerGpuTime,
  PricePerEnergy,
  PricePerPower,
  Compute,
  ComputeRate,
  Bandwidth,
  Data,
  RatePerNodeTime,
  RatePerTime,
  MoneyPerTime,
  PricePerData,
  PricePerDataTime,
  PricePerPowerTime,
};

// What a value of this dimension looks like, for error messages: "a power such as 150 MW".
std::string describe(Dimension dim);

// A text that is not a valid quantity of the expected dimension. `column` is the 0-based offset
// inside the text where the problem starts, so the loader can point at it.
struct UnitError : std::runtime_error {
  UnitError(const std::string& what, std::size_t column_in_text)
      : std::runtime_error(what), column(column_in_text) {}
  std::size_t column;
};

// Parses "<number> <unit>" (space optional) into the internal unit of `expected`.
// A bare number is accepted only for Fraction and Count. Throws UnitError on a missing unit,
// an unknown unit, a unit of another dimension (naming it), or a non-finite number.
double parse_quantity(std::string_view text, Dimension expected);

// Every unit spelling parse_quantity accepts for `dim` (tests and docs walk them).
std::vector<std::string> unit_spellings(Dimension dim);

// ISO calendar dates. Days are counted from 1970-01-01 (proleptic Gregorian).
// parse_date rejects anything but YYYY-MM-DD naming a real day (2024-02-30 is an error).
std::int64_t parse_date(std::string_view text);
std::string format_date(std::int64_t days_since_epoch);

}  // namespace bvr
