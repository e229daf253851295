#include "scenario/sweep_file.h"

#include <fmt/format.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <set>

#include "scenario/input_error.h"

namespace bvr {

namespace {

// A grid larger than this is almost surely a typo (and would take days on a laptop).
constexpr std::size_t max_points = 100'000;

double plain_number(const YamlValue& v) {
  const std::string text = v.text();
  char* end = nullptr;
  const double x = std::strtod(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || !std::isfinite(x))
    v.fail(fmt::format("expected a plain number (the unit goes in the axis's `unit`), got \"{}\"", text));
  return x;
}

bool boolean(const YamlValue& v) { return v.choice({"true", "false"}) == "true"; }

std::pair<double, double> bounds(const YamlValue& v) {
  const auto two = v.items(2);
  if (two.size() != 2) v.fail(fmt::format("expected two numbers [low, high], got a list of {}", two.size()));
  const double lo = plain_number(two[0]), hi = plain_number(two[1]);
  if (!(lo < hi)) v.fail(fmt::format("expected the low bound below the high one, got [{}, {}]", lo, hi));
  return {lo, hi};
}

void read_distribution(const YamlValue& d, SweepAxis& axis) {
  const auto entries = d.entries();
  if (entries.size() != 1) d.fail("expected one of uniform: [a, b], loguniform: [a, b] or normal: {mean, sd}");
  d.allow_keys({"uniform", "loguniform", "normal"});
  const auto& [kind, v] = entries.front();
  if (kind == "uniform") {
    axis.source = AxisSource::Uniform;
    std::tie(axis.a, axis.b) = bounds(v);
  } else if (kind == "loguniform") {
    axis.source = AxisSource::LogUniform;
    std::tie(axis.a, axis.b) = bounds(v);
    if (!(axis.a > 0)) v.fail(fmt::format("a log-uniform range must be above zero, got [{}, {}]", axis.a, axis.b));
  } else {
    axis.source = AxisSource::Normal;
    v.allow_keys({"mean", "sd", "min", "max"});
    axis.a = plain_number(v.at("mean"));
    axis.b = plain_number(v.at("sd"));
    if (!(axis.b > 0)) v.at("sd").fail(fmt::format("must be greater than zero, got {}", axis.b));
    if (auto lo = v.find("min")) axis.min = plain_number(*lo);
    if (auto hi = v.find("max")) axis.max = plain_number(*hi);
    if (!(axis.min < axis.max)) v.fail(fmt::format("expected min below max, got {} and {}", axis.min, axis.max));
    // So little probability inside [min, max] that truncation by inversion runs out of digits.
    if (normal_cdf((axis.max - axis.a) / axis.b) - normal_cdf((axis.min - axis.a) / axis.b) < 1e-9)
      v.fail("[min, max] lies too far in the tail of this normal to sample from");
  }
}

SweepAxis read_axis(const YamlValue& item, SweepMode mode, std::vector<YamlValue>& where) {
  item.allow_keys({"key", "unit", "values", "range", "distribution", "integer"});
  SweepAxis axis;
  const YamlValue key = item.at("key");
  axis.key = key.text();
  try {
    parse_override(axis.key + "=0");
  } catch (const InputError&) {
    key.fail(fmt::format("expected a key path such as options.lease-oracle.list_price, got \"{}\"", axis.key));
  }
  if (auto unit = item.find("unit")) axis.unit = unit->text();
  if (auto integer = item.find("integer")) axis.integer = boolean(*integer);
  const auto values = item.find("values"), range = item.find("range"), distribution = item.find("distribution");
  if ((values ? 1 : 0) + (range ? 1 : 0) + (distribution ? 1 : 0) != 1)
    item.fail("expected exactly one of values, range or distribution");
  if (values) {
    where.push_back(*values);
    std::set<std::string> seen;
    for (const auto& v : values->items(1)) {
      const std::string text = v.text();
      if (!axis.unit.empty()) plain_number(v);
      if (!seen.insert(text).second) v.fail(fmt::format("the value {} is listed twice", text));
      axis.values.push_back(text);
    }
  } else if (range) {
    where.push_back(*range);
    range->allow_keys({"from", "to", "steps"});
    const double from = plain_number(range->at("from")), to = plain_number(range->at("to"));
    const int steps = range->at("steps").count(1, 10'000);
    if (steps > 1 && from == to) range->fail("from and to are equal: every step would be the same value");
    axis.source = AxisSource::Range;
    axis.values = range_values(from, to, steps);
    if (std::set<std::string>(axis.values.begin(), axis.values.end()).size() != axis.values.size())
      range->fail("the steps are too close to tell apart in 12 digits");
  } else {
    where.push_back(*distribution);
    if (mode == SweepMode::Grid)
      distribution->fail("a grid takes values or range; sampling a distribution needs mode: random or latin_hypercube");
    read_distribution(*distribution, axis);
  }
  return axis;
}

// With the checks of every input file (no devices, FIFOs or directories, at most 16 MiB).
std::string read_text(const std::string& path) { return read_input_file(path); }

}  // namespace

std::string_view sweep_mode_name(SweepMode mode) {
  switch (mode) {
    case SweepMode::Grid: return "grid";
    case SweepMode::Random: return "random";
    case SweepMode::LatinHypercube: return "latin_hypercube";
  }
  return "unknown";
}

SweepSpec read_sweep_file(const std::string& file) {
  SweepSpec spec;
  spec.file = file;
  spec.text = read_text(file);
  const YamlValue root = load_yaml_file(file);
  root.allow_keys({"sweep"});
  const YamlValue s = root.at("sweep");
  spec.root = s;
  s.allow_keys({"base", "description", "mode", "points", "replications", "seed", "common_random_numbers", "axes"});

  const YamlValue base = s.at("base");
  const std::filesystem::path base_path = std::filesystem::path(file).parent_path() / base.text();
  spec.base_file = base_path.lexically_normal().string();
  if (!std::filesystem::is_regular_file(spec.base_file))
    base.fail(fmt::format("cannot open the base scenario \"{}\" (a path relative to the sweep file)", spec.base_file));
  spec.base_text = read_text(spec.base_file);

  if (auto mode = s.find("mode")) {
    const std::string m = mode->choice({"grid", "random", "latin_hypercube"});
    spec.mode = m == "grid" ? SweepMode::Grid : m == "random" ? SweepMode::Random : SweepMode::LatinHypercube;
  }
  const auto points = s.find("points");
  if (spec.mode == SweepMode::Grid && points)
    points->fail("a grid has one point per combination of the axes' values; points is for random and latin_hypercube");
  if (spec.mode != SweepMode::Grid) spec.points = s.at("points").count(1, static_cast<int>(max_points));
  if (auto r = s.find("replications")) spec.replications = r->count(1, 100'000);
  spec.seed = static_cast<std::uint64_t>(s.at("seed").count(0, std::numeric_limits<int>::max()));
  if (auto crn = s.find("common_random_numbers")) spec.common_random_numbers = boolean(*crn);

  const YamlValue axes = s.at("axes");
  std::set<std::string> keys;
  for (const auto& item : axes.items(1)) {
    spec.axes.push_back(read_axis(item, spec.mode, spec.axis_values));
    if (!keys.insert(spec.axes.back().key).second)
      item.at("key").fail(fmt::format("the key {} is already an axis", spec.axes.back().key));
  }
  if (spec.mode == SweepMode::Grid) {
    std::size_t total = 1;
    for (const auto& axis : spec.axes) {
      total *= axis.values.size();
      if (total > max_points)
        axes.fail(fmt::format("the grid has more than {} points; sample it with mode: latin_hypercube", max_points));
    }
    spec.points = static_cast<int>(total);
  }
  return spec;
}

std::string sweep_hash(const SweepSpec& spec, const std::vector<Override>& sets) {
  std::uint64_t h = 0xcbf29ce484222325ull;  // FNV-1a offset basis and prime (64 bit)
  auto add = [&h](std::string_view text) {
    for (const char c : text) h = (h ^ static_cast<unsigned char>(c)) * 0x100000001b3ull;
    h = (h ^ 0u) * 0x100000001b3ull;  // a separator, so "ab"+"c" differs from "a"+"bc"
  };
  add(spec.text);
  add(spec.base_text);
  for (const auto& set : sets) add(set.assignment);
  return fmt::format("{:016x}", h);
}

std::uint64_t point_seed(const SweepSpec& spec, int index) {
  return spec.common_random_numbers ? spec.seed : spec.seed + static_cast<std::uint64_t>(index);
}

}  // namespace bvr
