#include "scenario/sweep_scenarios.h"

#include <fmt/format.h>

#include <cmath>

#include "scenario/input_error.h"
#include "scenario/load.h"
#include "scenario/yaml_reader.h"

namespace bvr {

namespace {

Override axis_override(const SweepAxis& axis, const std::string& value) {
  const std::string text = axis.unit.empty() ? value : value + " " + axis.unit;
  return Override{axis.key, text, axis.key + "=" + text};
}

// From the text read with the sweep file, not the file again: what runs is what the hash covers,
// even if the base scenario is edited while a sweep runs.
Scenario load_with(const SweepSpec& spec, const std::vector<Override>& overrides) {
  return load_scenario(parse_yaml(spec.base_text, spec.base_file, overrides), overrides, false);
}

}  // namespace

std::vector<Override> point_overrides(const SweepSpec& spec, const SweepPoint& point) {
  std::vector<Override> out;
  for (std::size_t a = 0; a < spec.axes.size(); ++a) out.push_back(axis_override(spec.axes[a], point.values[a]));
  return out;
}

Scenario load_point_scenario(const SweepSpec& spec, const SweepPoint& point, const std::vector<Override>& sets) {
  std::vector<Override> overrides = sets;
  for (auto& o : point_overrides(spec, point)) overrides.push_back(std::move(o));
  Scenario s = load_with(spec, overrides);
  if (spec.replications > 0) s.replications = spec.replications;
  s.seed = point_seed(spec, point.index);
  return s;
}

void check_sweep_scenarios(const SweepSpec& spec, const std::vector<SweepPoint>& points,
                           const std::vector<Override>& sets) {
  try {
    load_with(spec, sets);
  } catch (const InputError& e) {
    spec.root->at("base").fail(fmt::format("the base scenario is invalid: {}", e.what()));
  }
  // One axis value at a time first, so a refused value is blamed on its own line.
  for (std::size_t a = 0; a < spec.axes.size(); ++a) {
    const SweepAxis& axis = spec.axes[a];
    const YamlValue& where = spec.axis_values[a];
    std::vector<std::pair<std::string, YamlValue>> probes;
    if (axis.source == AxisSource::Values) {
      const auto items = where.items();
      for (std::size_t i = 0; i < items.size(); ++i) probes.emplace_back(axis.values[i], items[i]);
    } else if (axis.discrete()) {
      for (const auto& v : axis.values) probes.emplace_back(v, where);
    } else {
      // The ends of what the generator can draw: u from 2^-53 to 1 - 2^-53 (a normal without
      // bounds reaches 8.2 sd either side).
      for (const double u : {0x1p-53, 1 - 0x1p-53}) probes.emplace_back(axis_value_at(axis, u), where);
    }
    for (const auto& [value, place] : probes) {
      std::vector<Override> overrides = sets;
      overrides.push_back(axis_override(axis, value));
      try {
        load_with(spec, overrides);
      } catch (const InputError& e) {
        const bool unbounded = axis.source == AxisSource::Normal && (std::isinf(axis.min) || std::isinf(axis.max));
        place.fail(fmt::format("{} refused by the base scenario{}: {}", overrides.back().assignment,
                               unbounded ? " (a normal reaches any value; bound it with min and max)" : "", e.what()));
      }
    }
  }
  for (const auto& point : points) {
    try {
      load_point_scenario(spec, point, sets);
    } catch (const InputError& e) {
      std::string values;
      for (const auto& o : point_overrides(spec, point)) values += (values.empty() ? "" : ", ") + o.assignment;
      spec.root->at("axes").fail(fmt::format("point {} ({}) is refused by the base scenario: {}", point.index, values, e.what()));
    }
  }
}

}  // namespace bvr
