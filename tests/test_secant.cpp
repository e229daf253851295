// The secant search behind the breakeven: one step on an affine function, convergence on a
// curved one, and honest failure when there is no root in reach.
#include <doctest/doctest.h>

#include <cmath>

#include "models/secant.h"

using namespace bvr;

TEST_CASE("secant: an affine function is solved in one step and checked by a second evaluation") {
  int calls = 0;
  const auto f = [&](double x) {
    ++calls;
    return 3e9 - 4e8 * x;  // NPV gap falling with the price: root at 7.5
  };
  const RootSearch r = secant_root(f, 10, f(10), 8, 1, 6, 0);
  CHECK(r.found);
  CHECK(r.x == doctest::Approx(7.5));
  CHECK(r.evaluations == 2);  // x1, then the root
  CHECK(std::fabs(r.fx) <= 1);
}

TEST_CASE("secant: a curved function converges, and a flat one or a root below the bound is not found") {
  const RootSearch sqrt2 = secant_root([](double x) { return x * x - 2; }, 1, -1, 2, 1e-12, 20, 0);
  CHECK(sqrt2.found);
  CHECK(sqrt2.x == doctest::Approx(std::sqrt(2.0)));
  const RootSearch flat = secant_root([](double) { return 5.0; }, 1, 5, 2, 1e-9, 6, 0);
  CHECK(!flat.found);
  CHECK(flat.evaluations == 1);
  // Root at -2, prices cannot go below 0: tries the bound once, then gives up.
  const RootSearch below = secant_root([](double x) { return -(x + 2); }, 4, -6, 3, 1e-9, 6, 0);
  CHECK(!below.found);
  CHECK(below.x == 0);
  CHECK(below.evaluations == 2);
  // Already at the root: nothing to evaluate.
  CHECK(secant_root([](double x) { return x; }, 0, 0, 1, 1e-9, 6, 0).evaluations == 0);
}

TEST_CASE("bracketed: a curved root to the day, and a jump that never meets is not found, the nearer end is kept") {
  int calls = 0;
  // Convex, like a build's NPV over the horizon against a flat lease: root at 1471.3 days.
  const auto f = [&](double x) {
    ++calls;
    return (x * x - 1471.3 * 1471.3) / 1e6;
  };
  const RootSearch r = bracketed_root(f, 1096, f(1096), 1826, f(1826), 1e-3, 12, 1);
  CHECK(r.found);
  CHECK(r.x == doctest::Approx(1471).epsilon(1e-9));  // a whole day
  CHECK(r.x == std::round(r.x));
  CHECK(r.evaluations < 8);
  // A step between 10 and 11: the bracket closes to one day and the nearer end comes back.
  const auto step = [](double x) { return x <= 10 ? -1.0 : 3.0; };
  const RootSearch jump = bracketed_root(step, 0, -1, 100, 3, 0.01, 50, 1);
  CHECK(!jump.found);
  CHECK(jump.x == 10);
  CHECK(jump.fx == -1);
  // An end already within tolerance: nothing to evaluate.
  CHECK(bracketed_root(step, 0, 0.001, 100, 3, 0.01, 50, 1).evaluations == 0);
}
