// The secant method for a root of a function that is expensive to evaluate (a whole simulation):
// few evaluations, and exact in one step when the function is affine, as NPV is in a price. And
// a bracketed variant for functions that are not affine (NPV in the horizon): regula falsi with
// the Illinois correction, which keeps a sign change between its two ends at every step.
#pragma once
#include <functional>

namespace bvr {

struct RootSearch {
  bool found = false;
  double x = 0, fx = 0;  // the last point evaluated
  int evaluations = 0;   // calls of f (x0's value is given, not evaluated)
};

// Starts from (x0, f0), already known, and x1. Stops when |f(x)| <= tolerance, after
// `max_evaluations`, when f is flat, or when the root would lie below `min_x` (then not found).
RootSearch secant_root(const std::function<double(double)>& f, double x0, double f0, double x1, double tolerance,
                       int max_evaluations, double min_x);

// Starts from a < b, multiples of `resolution`, with f(a) = fa and f(b) = fb known and of
// opposite signs (or one within tolerance). Evaluates only multiples of `resolution` strictly
// inside the bracket. Stops when |f(x)| <= tolerance (found), after `max_evaluations`, or when
// the bracket is less than two `resolution`s wide; then x, fx are the end with the smaller |f|,
// not found.
RootSearch bracketed_root(const std::function<double(double)>& f, double a, double fa, double b, double fb,
                          double tolerance, int max_evaluations, double resolution);

}  // namespace bvr
