#include "models/secant.h"

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

}  // namespace bvr
