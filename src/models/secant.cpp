#include "models/secant.h"

#include <algorithm>
#include <cmath>

namespace bvr {

RootSearch secant_root(const std::function<double(double)>& f, double x0, double f0, double x1, double tolerance,
                       int max_evaluations, double min_x) {
  RootSearch r;
  if (std::fabs(f0) <= tolerance) return {true, x0, f0, 0};
  double a = x0, fa = f0, b = x1;
  while (r.evaluations < max_evaluations) {
    const double fb = f(b);
    ++r.evaluations;
    r.x = b;
    r.fx = fb;
    if (std::fabs(fb) <= tolerance) {
      r.found = true;
      return r;
    }
    if (fb == fa) return r;  // flat: the parameter does not move f
    double next = b - fb * (b - a) / (fb - fa);
    if (next < min_x) {
      if (b == min_x) return r;  // already at the bound and the root is beyond it
      next = min_x;
    }
    a = b;
    fa = fb;
    b = next;
  }
  return r;
}

RootSearch bracketed_root(const std::function<double(double)>& f, double a, double fa, double b, double fb,
                          double tolerance, int max_evaluations, double resolution) {
  if (std::fabs(fa) <= tolerance) return {true, a, fa, 0};
  if (std::fabs(fb) <= tolerance) return {true, b, fb, 0};
  RootSearch r;
  // wa, wb: the weights regula falsi interpolates with; Illinois halves the one at the end that
  // stayed twice in a row, so the bracket shrinks from both sides.
  double wa = fa, wb = fb;
  int kept = 0;  // -1: a stayed on the last step, +1: b stayed
  while (r.evaluations < max_evaluations && b - a >= 2 * resolution) {
    double x = std::round((b - wb * (b - a) / (wb - wa)) / resolution) * resolution;
    x = std::clamp(x, a + resolution, b - resolution);
    const double fx = f(x);
    ++r.evaluations;
    if (std::fabs(fx) <= tolerance) return {true, x, fx, r.evaluations};
    if ((fx < 0) == (fb < 0)) {  // the root lies in [a, x]
      b = x;
      fb = wb = fx;
      if (kept == -1) wa /= 2;
      kept = -1;
    } else {
      a = x;
      fa = wa = fx;
      if (kept == 1) wb /= 2;
      kept = 1;
    }
  }
  r.x = std::fabs(fa) <= std::fabs(fb) ? a : b;
  r.fx = std::fabs(fa) <= std::fabs(fb) ? fa : fb;
  return r;
}

}  // namespace bvr
