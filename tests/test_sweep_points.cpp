// Sweep points: grid order and counts, the seeded generator's determinism, Latin hypercube
// stratification, and the distribution transforms against closed forms.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "scenario/input_error.h"
#include "scenario/sweep_file.h"
#include "scenario/sweep_points.h"
#include "scenario/sweep_scenarios.h"

using namespace bvr;

namespace {

SweepAxis list_axis(std::string key, std::vector<std::string> values) {
  SweepAxis a;
  a.key = std::move(key);
  a.values = std::move(values);
  return a;
}

SweepAxis distribution_axis(AxisSource source, double a, double b) {
  SweepAxis axis;
  axis.key = std::string("x");
  axis.source = source;
  axis.a = a;
  axis.b = b;
  return axis;
}

double number(const std::string& text) { return std::strtod(text.c_str(), nullptr); }

std::string sweep_file(const char* name) {
  return (std::filesystem::path(BVR_SOURCE_DIR) / "scenarios" / "sweeps" / name).string();
}

}  // namespace

TEST_CASE("sweep points: a grid is every combination with the last axis varying fastest") {
  const std::vector<SweepAxis> axes{list_axis("a", {"1", "2"}), list_axis("b", {"x", "y", "z"})};
  CHECK(grid_point_count(axes) == 6);
  const auto points = sweep_points(axes, SweepMode::Grid, 0, 1);
  REQUIRE(points.size() == 6);
  CHECK(points[0].values == std::vector<std::string>{"1", "x"});
  CHECK(points[2].values == std::vector<std::string>{"1", "z"});
  CHECK(points[3].values == std::vector<std::string>{"2", "x"});
  CHECK(points[5].values == std::vector<std::string>{"2", "z"});
  for (int i = 0; i < 6; ++i) CHECK(points[static_cast<std::size_t>(i)].index == i);
}

TEST_CASE("sweep points: ranges are evenly spaced with both ends included and no float noise") {
  CHECK(range_values(90, 240, 6) == std::vector<std::string>{"90", "120", "150", "180", "210", "240"});
  CHECK(range_values(0, 0.3, 4) == std::vector<std::string>{"0", "0.1", "0.2", "0.3"});
  CHECK(range_values(7, 9, 1) == std::vector<std::string>{"7"});
  CHECK(range_values(-1, 1, 3) == std::vector<std::string>{"-1", "0", "1"});
}

TEST_CASE("sweep points: random and Latin hypercube are deterministic in the seed") {
  const std::vector<SweepAxis> axes{distribution_axis(AxisSource::Uniform, 2, 7), list_axis("l", {"a", "b", "c"})};
  for (const SweepMode mode : {SweepMode::Random, SweepMode::LatinHypercube}) {
    const auto p1 = sweep_points(axes, mode, 25, 42), p2 = sweep_points(axes, mode, 25, 42);
    const auto other = sweep_points(axes, mode, 25, 43);
    REQUIRE(p1.size() == 25);
    bool same = true, differs = false;
    for (std::size_t i = 0; i < p1.size(); ++i) {
      same = same && p1[i].values == p2[i].values;
      differs = differs || p1[i].values != other[i].values;
      const double x = number(p1[i].values[0]);
      CHECK(x >= 2);
      CHECK(x <= 7);
      CHECK(std::set<std::string>{"a", "b", "c"}.count(p1[i].values[1]) == 1);
    }
    CHECK(same);
    CHECK(differs);
  }
  // The 10,000th draw of mt19937_64 seeded 5489 is fixed by the C++ standard
  // (9981545732273789042): uniform01 is its top 53 bits over 2^53, so the same everywhere.
  std::mt19937_64 rng(5489);
  rng.discard(9'999);
  CHECK(uniform01(rng) == static_cast<double>(9981545732273789042ull >> 11) * 0x1.0p-53);
}

TEST_CASE("sweep points: a Latin hypercube has one point in each of P equal-probability slices of every axis") {
  constexpr int P = 20;
  SweepAxis log = distribution_axis(AxisSource::LogUniform, 1, 1000);
  const std::vector<SweepAxis> axes{distribution_axis(AxisSource::Uniform, 0, 1), log,
                                    list_axis("l", {"a", "b", "c", "d"})};
  const auto points = sweep_points(axes, SweepMode::LatinHypercube, P, 9);
  std::set<int> uniform_slices, log_slices;
  std::map<std::string, int> list_counts;
  for (const auto& p : points) {
    uniform_slices.insert(static_cast<int>(number(p.values[0]) * P));
    log_slices.insert(static_cast<int>(std::log10(number(p.values[1])) / 3 * P));
    ++list_counts[p.values[2]];
  }
  CHECK(uniform_slices.size() == P);
  CHECK(log_slices.size() == P);
  // 20 slices over 4 items: each item gets exactly 5.
  for (const auto& [item, n] : list_counts) CHECK(n == 5);
}

TEST_CASE("sweep points: uniform index draws are unbiased") {
  std::mt19937_64 rng(1);
  int counts[3] = {0, 0, 0};
  constexpr int n = 300'000;
  for (int i = 0; i < n; ++i) ++counts[uniform_below(rng, 3)];
  for (const int c : counts) CHECK(std::abs(c - n / 3) < 1'000);  // ~4 sd of a binomial(300k, 1/3)
}

TEST_CASE("sweep points: distribution transforms against closed forms") {
  CHECK(normal_cdf(0) == doctest::Approx(0.5).epsilon(1e-15));
  CHECK(normal_cdf(1) == doctest::Approx(0.8413447460685429).epsilon(1e-14));
  CHECK(normal_quantile(0.975) == doctest::Approx(1.959963984540054).epsilon(1e-12));
  CHECK(normal_quantile(0.5) == doctest::Approx(0).scale(1));
  CHECK(std::fabs(normal_quantile(0.5)) < 1e-12);
  CHECK(normal_quantile(normal_cdf(-2.5)) == doctest::Approx(-2.5).epsilon(1e-12));

  // Uniform [2, 7]: u = 0.3 -> 3.5. Log-uniform [1, 100]: u = 0.5 -> the geometric mean 10.
  CHECK(axis_value_at(distribution_axis(AxisSource::Uniform, 2, 7), 0.3) == "3.5");
  CHECK(axis_value_at(distribution_axis(AxisSource::LogUniform, 1, 100), 0.5) == "10");
  // Normal(10, 4): u = 0.975 -> 10 + 4 x 1.959964 = 17.8399.
  CHECK(axis_value_at(distribution_axis(AxisSource::Normal, 10, 4), 0.975) == "17.8399");
  // Lists by index: u in [k/n, (k+1)/n) -> item k.
  const SweepAxis l = list_axis("l", {"a", "b", "c", "d"});
  CHECK(axis_value_at(l, 0.0) == "a");
  CHECK(axis_value_at(l, 0.2499) == "a");
  CHECK(axis_value_at(l, 0.25) == "b");
  CHECK(axis_value_at(l, 0.9999) == "d");
  SweepAxis whole = distribution_axis(AxisSource::Uniform, 0, 10);
  whole.integer = true;
  CHECK(axis_value_at(whole, 0.44) == "4");
  CHECK(axis_value_at(whole, 0.46) == "5");

  // Truncated normal(10, 4) on [5, 20]: the ends map to the bounds, and the mean of a fine Latin
  // hypercube equals the closed form mu + sd (phi(alpha) - phi(beta)) / (Phi(beta) - Phi(alpha)).
  SweepAxis t = distribution_axis(AxisSource::Normal, 10, 4);
  t.min = 5;
  t.max = 20;
  CHECK(number(axis_value_at(t, 0)) == doctest::Approx(5).epsilon(1e-5));
  CHECK(number(axis_value_at(t, 1 - 1e-12)) == doctest::Approx(20).epsilon(1e-5));
  const double alpha = (5 - 10) / 4.0, beta = (20 - 10) / 4.0;
  auto phi = [](double x) { return std::exp(-x * x / 2) / std::sqrt(2 * M_PI); };
  const double expected_mean = 10 + 4 * (phi(alpha) - phi(beta)) / (normal_cdf(beta) - normal_cdf(alpha));
  const auto points = sweep_points({t}, SweepMode::LatinHypercube, 4000, 3);
  double sum = 0;
  for (const auto& p : points) {
    const double x = number(p.values[0]);
    CHECK(x >= 5);
    CHECK(x <= 20);
    sum += x;
  }
  CHECK(sum / 4000 == doctest::Approx(expected_mean).epsilon(1e-3));
}

TEST_CASE("sweep files: the shipped sweeps read and expand and pass the loader") {
  const SweepSpec tiny = read_sweep_file(sweep_file("tiny.yaml"));
  CHECK(tiny.points == 4);
  CHECK(tiny.replications == 2);
  const auto tiny_points = sweep_points(tiny.axes, tiny.mode, tiny.points, tiny.seed);
  const auto overrides = point_overrides(tiny, tiny_points[1]);
  REQUIRE(overrides.size() == 2);
  CHECK(overrides[0].assignment == "options.lease-oracle.list_price=4.92 USD/GPU/h");
  CHECK(overrides[1].assignment == "options.lease-oracle.commitment_discount=45 %");
  check_sweep_scenarios(tiny, tiny_points, {});
  const Scenario last = load_point_scenario(tiny, tiny_points[3], {});
  CHECK(last.seed == 11 + 3);  // the sweep's seed plus the point index
  CHECK(last.replications == 2);
  CHECK(last.options[0].sites[0].lease->list_price_usd_per_gpu_s * 3600 == doctest::Approx(10));

  const SweepSpec big = read_sweep_file(sweep_file("lease-price-vs-delay.yaml"));
  CHECK(big.points == 200);
  CHECK(big.common_random_numbers);
  CHECK(point_seed(big, 150) == big.seed);
  const SweepSpec lhs = read_sweep_file(sweep_file("reliability-and-power-lhs.yaml"));
  CHECK(lhs.points == 40);
  CHECK_NOTHROW(check_sweep_scenarios(lhs, sweep_points(lhs.axes, lhs.mode, lhs.points, lhs.seed), {}));

  // The sweep's identity covers --set values, not only the files.
  CHECK(sweep_hash(tiny, {}) == sweep_hash(tiny, {}));
  CHECK(sweep_hash(tiny, {}) != sweep_hash(tiny, {parse_override("scenario.horizon=900 days")}));
}

TEST_CASE("sweep points: compact_indices folds runs and counts what is past the limit") {
  CHECK(bvr::compact_indices({}) == "");
  CHECK(bvr::compact_indices({1, 3}) == "1, 3");
  CHECK(bvr::compact_indices({3, 4, 5, 6, 7, 12}) == "3-7, 12");
  std::vector<int> every_other;
  for (int i = 1; i < 100; i += 2) every_other.push_back(i);
  CHECK(bvr::compact_indices(every_other, 3) == "1, 3, 5, ... and 47 more points");
  CHECK(bvr::compact_indices({0, 1, 2, 9}, 1) == "0-2, ... and 1 more point");
}
