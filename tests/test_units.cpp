#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "scenario/units.h"

using bvr::Dimension;
using bvr::parse_quantity;
using bvr::UnitError;

namespace {

// Tight relative tolerance: the factors are exact up to a rounding or two.
doctest::Approx near(double v) { return doctest::Approx(v).epsilon(1e-12); }

// The UnitError a call throws; fails the test if it does not throw one.
UnitError error_of(std::string_view text, Dimension dim) {
  try {
    parse_quantity(text, dim);
  } catch (const UnitError& e) {
    return e;
  }
  FAIL("no UnitError for \"" << std::string(text) << "\"");
  return UnitError("", 0);
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("units: every dimension parses to its internal unit") {
  CHECK(parse_quantity("38 %", Dimension::Fraction) == near(0.38));
  CHECK(parse_quantity("8", Dimension::Count) == 8.0);
  CHECK(parse_quantity("150 MW", Dimension::Power) == near(150e6));
  CHECK(parse_quantity("2 MWh", Dimension::Energy) == near(7.2e9));
  CHECK(parse_quantity("3 kWh", Dimension::Energy) == near(1.08e7));
  CHECK(parse_quantity("90 days", Dimension::Duration) == near(90 * 86400.0));
  CHECK(parse_quantity("1 month", Dimension::Duration) == near(30.4375 * 86400.0));
  CHECK(parse_quantity("1 year", Dimension::Duration) == near(365.25 * 86400.0));
  CHECK(parse_quantity("2 h", Dimension::Duration) == near(7200.0));
  CHECK(parse_quantity("250 million USD", Dimension::Money) == near(2.5e8));
  CHECK(parse_quantity("1.2 BUSD", Dimension::Money) == near(1.2e9));
  CHECK(parse_quantity("36 USD/GPU/h", Dimension::PricePerGpuTime) == near(0.01));
  CHECK(parse_quantity("36 USD/GPU-hour", Dimension::PricePerGpuTime) == near(0.01));
  CHECK(parse_quantity("72 USD/MWh", Dimension::PricePerEnergy) == near(2e-8));
  CHECK(parse_quantity("0.36 USD/kWh", Dimension::PricePerEnergy) == near(1e-7));
  CHECK(parse_quantity("12000 USD/kW", Dimension::PricePerPower) == near(12.0));
  CHECK(parse_quantity("3e25 FLOP", Dimension::Compute) == near(3e25));
  CHECK(parse_quantity("2 EFLOP", Dimension::Compute) == near(2e18));
  CHECK(parse_quantity("989 TFLOP/s", Dimension::ComputeRate) == near(989e12));
  CHECK(parse_quantity("989 TFLOPS", Dimension::ComputeRate) == near(989e12));
  CHECK(parse_quantity("400 Gb/s", Dimension::Bandwidth) == near(4e11));
  CHECK(parse_quantity("400 Gbps", Dimension::Bandwidth) == near(4e11));
  CHECK(parse_quantity("50 GB/s", Dimension::Bandwidth) == near(4e11));
  CHECK(parse_quantity("2 TB", Dimension::Data) == near(2e12));
  CHECK(parse_quantity("1 GiB", Dimension::Data) == near(1073741824.0));
  CHECK(parse_quantity("6.5 per 1000 node-days", Dimension::RatePerNodeTime) == near(6.5 / (1000 * 86400.0)));
  CHECK(parse_quantity("2 per node-year", Dimension::RatePerNodeTime) == near(2 / (365.25 * 86400.0)));
  CHECK(parse_quantity("16 racks/day", Dimension::RatePerTime) == near(16 / 86400.0));
  CHECK(parse_quantity("3 per day", Dimension::RatePerTime) == near(3 / 86400.0));
  CHECK(parse_quantity("10000 GPUs/month", Dimension::RatePerTime) == near(10000 / (30.4375 * 86400.0)));
}

TEST_CASE("units: number forms") {
  CHECK(parse_quantity("1.5e3 W", Dimension::Power) == 1500.0);
  CHECK(parse_quantity("-2 %", Dimension::Fraction) == near(-0.02));
  CHECK(parse_quantity("+5 kW", Dimension::Power) == 5000.0);
  CHECK(parse_quantity("0.38", Dimension::Fraction) == 0.38);
  CHECK(parse_quantity("8 GPUs", Dimension::Count) == 8.0);
}

TEST_CASE("units: the example in every description parses") {
  for (int i = 0; i <= static_cast<int>(Dimension::PricePerPowerTime); ++i) {
    const auto dim = static_cast<Dimension>(i);
    const std::string text = bvr::describe(dim);
    const auto at = text.find(" such as ");
    REQUIRE(at != std::string::npos);
    CAPTURE(text);
    CHECK_NOTHROW(parse_quantity(text.substr(at + 9), dim));
  }
  CHECK(bvr::describe(Dimension::Power) == "a power such as 150 MW");
}

TEST_CASE("units: percent and fractions") {
  CHECK(parse_quantity("12 %", Dimension::Fraction) == near(0.12));
  CHECK(parse_quantity("12%", Dimension::Fraction) == near(0.12));
  CHECK(parse_quantity("12 %/yr", Dimension::Fraction) == near(0.12));
  CHECK(parse_quantity("12 % per  year", Dimension::Fraction) == near(0.12));
  CHECK(parse_quantity("0.38", Dimension::Fraction) == 0.38);
}

TEST_CASE("units: whitespace tolerance") {
  CHECK(parse_quantity("150MW", Dimension::Power) == 150e6);
  CHECK(parse_quantity(" 150 MW ", Dimension::Power) == 150e6);
  CHECK(parse_quantity("\t150   MW\n", Dimension::Power) == 150e6);
}

TEST_CASE("units: a unit of another dimension is named") {
  const UnitError e = error_of("150 MWh", Dimension::Power);
  CHECK(std::string(e.what()) == "expected a power such as 150 MW, got \"150 MWh\" (MWh is an energy)");
  CHECK(e.column == 4);
  CHECK(contains(error_of("8 GPUs", Dimension::Power).what(), "GPUs is a count"));
  CHECK(contains(error_of("2 TB", Dimension::Bandwidth).what(), "TB is an amount of data"));
}

TEST_CASE("units: unknown unit with a suggestion") {
  const UnitError e = error_of("  150 MWW", Dimension::Power);
  CHECK(std::string(e.what()) ==
        "unknown unit \"MWW\"; expected a power such as 150 MW (did you mean \"MW\"?)");
  CHECK(e.column == 6);
  CHECK(contains(error_of("500 mwh", Dimension::Energy).what(), "(did you mean \"MWh\"?)"));
  CHECK(contains(error_of("3 dyas", Dimension::Duration).what(), "(did you mean \"days\"?)"));
  // Nothing close: no suggestion.
  const std::string far = error_of("150 potatoes", Dimension::Power).what();
  CHECK(far == "unknown unit \"potatoes\"; expected a power such as 150 MW");
}

TEST_CASE("units: missing unit") {
  const UnitError e = error_of("150", Dimension::Power);
  CHECK(std::string(e.what()) == "missing unit: expected a power such as 150 MW, got a bare number");
  CHECK(e.column == 3);
  CHECK_THROWS_AS(parse_quantity("2", Dimension::Money), UnitError);
  CHECK_THROWS_AS(parse_quantity("   ", Dimension::Fraction), UnitError);
}

TEST_CASE("units: non-numbers and non-finite numbers are rejected") {
  CHECK_THROWS_AS(parse_quantity("nan", Dimension::Fraction), UnitError);
  CHECK_THROWS_AS(parse_quantity("inf MW", Dimension::Power), UnitError);
  CHECK_THROWS_AS(parse_quantity("-infinity", Dimension::Count), UnitError);
  CHECK_THROWS_AS(parse_quantity("1e400 W", Dimension::Power), UnitError);
  CHECK_THROWS_AS(parse_quantity("+-5 W", Dimension::Power), UnitError);
  CHECK_THROWS_AS(parse_quantity("1e300 YFLOP", Dimension::Compute), UnitError);  // overflows on scaling
  const UnitError e = error_of(" MW", Dimension::Power);
  CHECK(contains(e.what(), "does not start with a number"));
  CHECK(e.column == 1);
}

TEST_CASE("units: dates") {
  CHECK(bvr::parse_date("1970-01-01") == 0);
  CHECK(bvr::parse_date("1970-01-02") == 1);
  CHECK(bvr::parse_date("1969-12-31") == -1);
  CHECK(bvr::parse_date("2024-07-01") == 19905);
  CHECK(bvr::parse_date("2024-03-01") - bvr::parse_date("2024-02-28") == 2);  // leap year
  CHECK_NOTHROW(bvr::parse_date("2024-02-29"));
  for (const char* d : {"2024-02-29", "2000-02-29", "1999-12-31", "2031-01-15"})
    CHECK(bvr::format_date(bvr::parse_date(d)) == d);
  CHECK(bvr::format_date(19905) == "2024-07-01");
}

TEST_CASE("units: bad dates") {
  try {
    bvr::parse_date("2023-02-29");
    FAIL("2023-02-29 accepted");
  } catch (const UnitError& e) {
    CHECK(std::string(e.what()) ==
          "expected a date as YYYY-MM-DD such as 2024-07-01, got \"2023-02-29\" (2023-02 has no day 29)");
    CHECK(e.column == 8);
  }
  for (const char* d : {"2024-13-01", "2024-00-10", "1900-02-29", "2024-7-1", "2024/07/01", "24-07-01",
                        "2024-07-011", "", "July 1"})
    CHECK_THROWS_AS(bvr::parse_date(d), UnitError);
  try {
    bvr::parse_date("2024-7-01");
    FAIL("2024-7-01 accepted");
  } catch (const UnitError& e) {
    CHECK(e.column == 6);
  }
}

TEST_CASE("units: money per time, data prices and data volumes per time") {
  CHECK(parse_quantity("40 MUSD/year", Dimension::MoneyPerTime) == near(40e6 / (365.25 * 86400)));
  CHECK(parse_quantity("2 MUSD/month", Dimension::MoneyPerTime) == near(2e6 / (30.4375 * 86400)));
  // Bit for bit as before prefixes were general: the amount's factor divided by the time, last
  // (1e6 x (1 / year) differs in its last bit, and moved the 2024 results).
  CHECK(parse_quantity("25 MUSD/year", Dimension::MoneyPerTime) == 25 * (1e6 / (365.25 * 86400)));
  CHECK(parse_quantity("0.5 MUSD/month", Dimension::MoneyPerTime) == 0.5 * (1e6 / (30.4375 * 86400)));
  CHECK(parse_quantity("50 USD/TB", Dimension::PricePerData) == near(50e-12));
  CHECK(parse_quantity("20 USD/TB/month", Dimension::PricePerDataTime) == near(20e-12 / (30.4375 * 86400)));
  CHECK(parse_quantity("200 TB/month", Dimension::Bandwidth) == near(200e12 * 8 / (30.4375 * 86400)));
  CHECK(error_of("40 MUSD", Dimension::MoneyPerTime).what() ==
        std::string("expected an amount of money per time such as 40 MUSD/year, got \"40 MUSD\" (MUSD is an amount of money)"));
}

TEST_CASE("units: money takes its prefixes in every unit that holds money") {
  // The finding: "13 MUSD/MW" was refused with "did you mean USD/MW?", a slip of 10^6.
  CHECK(parse_quantity("13 MUSD/MW", Dimension::PricePerPower) == near(13.0));
  CHECK(parse_quantity("13 million USD/MW", Dimension::PricePerPower) == near(13.0));
  CHECK(parse_quantity("13 M USD/MW", Dimension::PricePerPower) == near(13.0));
  CHECK(parse_quantity("1.5 BUSD/GW", Dimension::PricePerPower) == near(1.5));
  CHECK(parse_quantity("12 kUSD/kW", Dimension::PricePerPower) == near(12.0));
  CHECK(parse_quantity("2 kUSD/GPU/h", Dimension::PricePerGpuTime) == near(2000 / 3600.0));
  CHECK(parse_quantity("0.07 kUSD/MWh", Dimension::PricePerEnergy) == near(70 / 3.6e9));
  CHECK(parse_quantity("70 USD/GWh", Dimension::PricePerEnergy) == near(70 / 3.6e12));
  CHECK(parse_quantity("3 kUSD/TB", Dimension::PricePerData) == near(3e3 / 1e12));
  CHECK(parse_quantity("2 kUSD/PB/month", Dimension::PricePerDataTime) == near(2e3 / (1e15 * 30.4375 * 86400)));
  CHECK(parse_quantity("40 million USD/year", Dimension::MoneyPerTime) == near(40e6 / (365.25 * 86400)));
  CHECK(parse_quantity("1 billion USD/year", Dimension::MoneyPerTime) == near(1e9 / (365.25 * 86400)));
  // Every money-bearing unit: each prefix and spelling scales its USD unit exactly.
  const std::pair<const char*, double> prefixes[] = {
      {"kUSD", 1e3}, {"k USD", 1e3}, {"thousand USD", 1e3}, {"MUSD", 1e6}, {"M USD", 1e6},
      {"million USD", 1e6}, {"BUSD", 1e9}, {"B USD", 1e9}, {"billion USD", 1e9}};
  long checked = 0;
  for (const Dimension dim : {Dimension::Money, Dimension::MoneyPerTime, Dimension::PricePerGpuTime,
                              Dimension::PricePerEnergy, Dimension::PricePerPower, Dimension::PricePerData,
                              Dimension::PricePerDataTime}) {
    for (const std::string& unit : bvr::unit_spellings(dim)) {
      if (!unit.starts_with("USD")) continue;
      const double base = parse_quantity("1 " + unit, dim);
      for (const auto& [prefix, factor] : prefixes) {
        CAPTURE(unit);
        CAPTURE(prefix);
        CHECK(parse_quantity("1 " + std::string(prefix) + unit.substr(3), dim) == near(base * factor));
        ++checked;
      }
    }
  }
  CHECK(checked > 300);
}

TEST_CASE("units: a suggestion never changes the scale") {
  // A typo keeps its prefix.
  CHECK(contains(error_of("13 MUSD/MWW", Dimension::PricePerPower).what(), "(did you mean \"MUSD/MW\"?)"));
  CHECK(contains(error_of("13 musd/mw", Dimension::PricePerPower).what(), "(did you mean \"MUSD/MW\"?)"));
  CHECK(contains(error_of("2 kUSD/GPU/hr", Dimension::PricePerGpuTime).what(), "(did you mean \"kUSD/GPU/h\"?)"));
  CHECK(contains(error_of("150 KW", Dimension::Power).what(), "(did you mean \"kW\"?)"));
  // A unit whose scale is readable but not offered gets no suggestion of another scale.
  CHECK_FALSE(contains(error_of("2 USD/GPU/day", Dimension::PricePerGpuTime).what(), "did you mean"));
  CHECK_FALSE(contains(error_of("2 USD/TW", Dimension::PricePerPower).what(), "did you mean"));
  CHECK_FALSE(contains(error_of("6.5 per 100 node-days", Dimension::RatePerNodeTime).what(), "did you mean"));
  // An unreadable one only when every closest unit has one scale: "kSD/kW" is as close to
  // kUSD/kW as to USD/kW.
  CHECK_FALSE(contains(error_of("12 kSD/kW", Dimension::PricePerPower).what(), "did you mean"));
  CHECK(contains(error_of("6.5 per 1000 node-dyas", Dimension::RatePerNodeTime).what(),
                 "(did you mean \"per 1000 node-days\"?)"));

  // Every unit, mistyped as people do (a letter doubled, dropped or swapped with the next): whatever is suggested means what the unit meant (units in words are left out:
  // they cost most and repeat the symbols' prefixes).
  long suggested = 0;
  for (int d = 0; d <= static_cast<int>(Dimension::PricePerDataTime); ++d) {
    const auto dim = static_cast<Dimension>(d);
    const std::vector<std::string> valid = bvr::unit_spellings(dim);
    for (const std::string& unit : valid) {
      if (unit.find(' ') != std::string::npos) continue;  // "million USD/MW" is "MUSD/MW" in words
      std::vector<std::string> typos;
      for (std::size_t i = 0; i < unit.size(); ++i) {
        typos.push_back(unit.substr(0, i + 1) + unit.substr(i));                  // doubled
        typos.push_back(unit.substr(0, i) + unit.substr(i + 1));                  // dropped
        if (i + 1 < unit.size()) typos.push_back(unit.substr(0, i) + unit[i + 1] + unit[i] + unit.substr(i + 2));
      }
      for (const std::string& typo : typos) {
        if (typo.empty() || std::find(valid.begin(), valid.end(), typo) != valid.end()) continue;
        std::string what;
        try {
          parse_quantity("1 " + typo, dim);
          continue;  // a unit of its own after all (or of this dimension under another spelling)
        } catch (const UnitError& e) {
          what = e.what();
        }
        const auto at = what.find("(did you mean \"");
        if (at == std::string::npos) continue;
        const std::string guess = what.substr(at + 15, what.find('"', at + 15) - at - 15);
        // A case slip reads as its letters say: "KB" (for KiB) gets kB.
        if (std::equal(guess.begin(), guess.end(), typo.begin(), typo.end(),
                       [](char a, char b) { return std::tolower(a) == std::tolower(b); }))
          continue;
        CAPTURE(unit);
        CAPTURE(typo);
        CAPTURE(guess);
        CHECK(parse_quantity("1 " + guess, dim) == near(parse_quantity("1 " + unit, dim)));
        ++suggested;
      }
    }
  }
  CHECK(suggested > 1000);
}
