// Build TCO models against closed forms: opex rates, residual value by method, the WACC, and the
// annuities behind them.
#include <doctest/doctest.h>

#include <cmath>

#include "models/build_tco.h"
#include "models/finance.h"
#include "models/time.h"

using namespace bvr;

namespace {
constexpr double year = seconds_per_year;
}

TEST_CASE("build tco: opex rates by kind") {
  const BuildOpex opex{0.03, 0.01, 25e6 / year, 6e6 / year};
  const OpexRates before = opex_rates(opex, 1e9, false);
  CHECK(before.maintenance_usd_per_s * year == doctest::Approx(30e6));
  CHECK(before.insurance_property_usd_per_s * year == doctest::Approx(10e6));
  CHECK(before.staff_usd_per_s == 0);  // no site yet: no staff, no network
  const OpexRates open = opex_rates(opex, 1e9, true);
  CHECK(open.staff_usd_per_s * year == doctest::Approx(25e6));
  CHECK(open.network_storage_usd_per_s * year == doctest::Approx(6e6));
}

TEST_CASE("build tco: depreciation and resale curves") {
  // Straight-line book value: linear to zero over the life.
  CHECK(straight_line_residual_usd(6e9, 1.5 * year, 6 * year) == doctest::Approx(4.5e9));
  const std::vector<ResalePoint> curve = {{1 * year, 0.6}, {3 * year, 0.2}};
  CHECK(resale_residual_usd(100, 0, curve) == doctest::Approx(100));
  CHECK(resale_residual_usd(100, 0.5 * year, curve) == doctest::Approx(80));  // halfway from 100 % to 60 %
  CHECK(resale_residual_usd(100, 2 * year, curve) == doctest::Approx(40));
  CHECK(resale_residual_usd(100, 5 * year, curve) == doctest::Approx(20));    // flat after the last point
  CHECK(resale_residual_usd(100, -1, curve) == doctest::Approx(100));
}

TEST_CASE("build tco: rental value is a declining continuous annuity") {
  const RentalMarket market{2.0 / 3600, 0.7, 0.25};
  const double r = 0.12;
  // Closed form: income c, q = (1 - d)/(1 + r), PV = c x (1 - q^L) / ln(1/q), L in years.
  const double c_per_year = 1'000 * 2.0 * 0.7 * 24 * 365.25;
  const double q = 0.75 / 1.12;
  const double closed = c_per_year * (1 - std::pow(q, 4)) / std::log(1 / q);
  CHECK(rental_residual_usd(1'000, 2 * year, 6 * year, market, r) == doctest::Approx(closed));
  // Midpoint rule over the four years left.
  double sum = 0;
  const int steps = 4'000;
  for (int i = 0; i < steps; ++i) {
    const double t = (i + 0.5) * 4.0 / steps;
    sum += c_per_year * std::pow(0.75, t) * std::pow(1.12, -t) * 4.0 / steps;
  }
  CHECK(rental_residual_usd(1'000, 2 * year, 6 * year, market, r) == doctest::Approx(sum).epsilon(1e-6));
  CHECK(rental_residual_usd(1'000, 7 * year, 6 * year, market, r) == 0);  // past its life
  // No decline and no discounting: price x utilization x hours left.
  CHECK(rental_residual_usd(10, 0, year, {1.0 / 3600, 0.5, 0}, 0) == doctest::Approx(10 * 0.5 * 24 * 365.25));
}

TEST_CASE("build tco: annuity factor and the WACC") {
  // Present value of $1 a year paid continuously for n years: (1 - (1 + r)^-n) / ln(1 + r).
  for (double n : {1.0, 3.0, 10.0})
    CHECK(present_value_of_flow(1 / year, 0, n * year, 0.08) == doctest::Approx((1 - std::pow(1.08, -n)) / std::log(1.08)));
  // Year-end payments approach it from below by the factor r / ln(1 + r).
  double discrete = 0;
  for (int k = 1; k <= 10; ++k) discrete += discount_factor(k, 0.08);
  CHECK(discrete == doctest::Approx((1 - std::pow(1.08, -10)) / 0.08));
  CHECK(present_value_of_flow(1 / year, 0, 10 * year, 0.08) == doctest::Approx(discrete * 0.08 / std::log(1.08)));
  CHECK(weighted_average_cost_of_capital({0.5, 0.12, 0.20}) == doctest::Approx(0.16));
  CHECK(weighted_average_cost_of_capital({0, 0.12, 0.20}) == doctest::Approx(0.20));
}
