// The points of a sweep: every combination of the axes (grid), or `points` samples (random, Latin
// hypercube), each with an index 0..P-1. Pure arithmetic on the axes, so the same axes, mode,
// point count and seed give the same list on every machine, whatever -j or --shard is.
#pragma once
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace bvr {

enum class SweepMode { Grid, Random, LatinHypercube };

// What an axis takes its values from.
enum class AxisSource {
  Values,      // a list as written (numbers in `unit`, or words when there is no unit)
  Range,       // `steps` evenly spaced numbers from `from` to `to`, both included
  Uniform,     // uniform on [a, b]
  LogUniform,  // log of the value uniform on [ln a, ln b]
  Normal,      // normal(mean = a, sd = b), truncated to [min, max]
};

struct SweepAxis {
  std::string key;   // a --set key path of the base scenario
  std::string unit;  // appended to every value: "<value> <unit>"; empty for counts, fractions, words
  AxisSource source = AxisSource::Values;
  std::vector<std::string> values;  // Values and Range: the value texts, in order
  double a = 0, b = 0;              // Uniform/LogUniform bounds; Normal mean and sd
  double min = -std::numeric_limits<double>::infinity();  // Normal truncation: the whole line unless given
  double max = std::numeric_limits<double>::infinity();
  bool integer = false;             // round samples to whole numbers (for count keys)
  bool discrete() const { return source == AxisSource::Values || source == AxisSource::Range; }
};

struct SweepPoint {
  int index = 0;
  std::vector<std::string> values;  // per axis, the value text as written in CSV and --set (without unit)
};

// Range values: from + (to - from) * i / (steps - 1), printed with 12 significant digits so that
// 0.1 steps read 0.3 and not 0.30000000000000004. `steps` = 1 gives `from` alone.
std::vector<std::string> range_values(double from, double to, int steps);

// Grid: the product of the axes' lists, the first axis outermost and the last varying fastest.
std::size_t grid_point_count(const std::vector<SweepAxis>& axes);

std::vector<SweepPoint> sweep_points(const std::vector<SweepAxis>& axes, SweepMode mode, int points,
                                     std::uint64_t seed);

// The generator's building blocks, spelled out because std::uniform_real_distribution and
// friends are implementation-defined (another standard library would give other points).
double uniform01(std::mt19937_64& rng);                         // top 53 bits / 2^53: [0, 1)
std::uint64_t uniform_below(std::mt19937_64& rng, std::uint64_t n);  // [0, n), by rejection: no modulo bias
double normal_cdf(double x);       // standard normal, from erfc
double normal_quantile(double p);  // its inverse on (0, 1): Acklam's rational start, two Newton steps
// The value of an axis at u in [0, 1): a list item by index floor(u * n), or the distribution's
// quantile. Numbers are printed with 6 significant digits (whole numbers when `integer`); the
// printed text is what runs, so the CSV shows exactly the simulated value.
std::string axis_value_at(const SweepAxis& axis, double u);

// Point indices (sorted) for a message, runs folded: "3, 7-9, 12". After `max_runs` runs, the
// rest is counted: "0, 2, 4, ... and 37 more points".
std::string compact_indices(const std::vector<int>& sorted, std::size_t max_runs = 12);

}  // namespace bvr
