#include "scenario/load_market.h"

#include "scenario/sourced_ranges.h"

#include <fmt/format.h>

#include "models/time.h"
#include "scenario/plain_name.h"
#include "scenario/suggest.h"
#include "scenario/units.h"

namespace bvr {

namespace {

constexpr int max_demand_gpus = 10'000'000;

double clock_at(const YamlValue& v, std::int64_t start_day) {
  return static_cast<double>(v.date() - start_day) * seconds_per_day;
}

Dimension dimension_of(PriceKind kind) {
  switch (kind) {
    case PriceKind::GpuRental: return Dimension::PricePerGpuTime;
    case PriceKind::Hardware: return Dimension::Money;
    case PriceKind::Energy: return Dimension::PricePerEnergy;
  }
  return Dimension::Money;
}

const char* kind_example(PriceKind kind) {
  switch (kind) {
    case PriceKind::GpuRental: return "a GPU rental price such as 2.40 USD/GPU/h";
    case PriceKind::Hardware: return "a hardware price per GPU such as 25000 USD";
    case PriceKind::Energy: return "an energy price such as 60 USD/MWh";
  }
  return "";
}

// What a path prices, from its first point's unit.
PriceKind kind_of_first_price(const YamlValue& price) {
  for (PriceKind kind : {PriceKind::GpuRental, PriceKind::Energy, PriceKind::Hardware}) {
    try {
      parse_quantity(price.text(), dimension_of(kind));
      return kind;
    } catch (const UnitError&) {
    }
  }
  price.fail(
      "expected a price with its unit: a GPU rental price (2.40 USD/GPU/h), a hardware price per GPU (25000 USD) or an "
      "energy price (60 USD/MWh)");
}

}  // namespace

std::vector<PricePath> load_market(const YamlValue& v, std::int64_t start_day) {
  std::vector<PricePath> paths;
  const auto entries = v.entries();
  if (entries.empty()) v.fail("expected at least one price path (name: {points: [...]})");
  for (const auto& [name, body] : entries) {
    if (!is_plain_name(name)) body.fail(fmt::format("price path name \"{}\" {}", name, plain_name_rule()));
    body.expect_map();
    body.allow_keys({"points", "scale", "forward_change_per_year", "uncertainty", "source"});
    if (auto source = body.find("source")) (void)source->text();
    PricePath path;
    path.name = name;
    const auto items = body.at("points").items(1);
    path.kind = kind_of_first_price(items.front().at("price"));
    for (std::size_t i = 0; i < items.size(); ++i) {
      const YamlValue& item = items[i];
      item.allow_keys({"date", "price"});
      const YamlValue price = item.at("price");
      double value = 0;
      try {
        value = parse_quantity(price.text(), dimension_of(path.kind));
      } catch (const UnitError&) {
        price.fail(fmt::format("expected {} (this path's first point sets its unit)", kind_example(path.kind)));
      }
      if (value < 0) price.fail(fmt::format("a price cannot be negative, got \"{}\"", price.text()));
      // As written, before `scale`: a slip of unit or prefix (0.17 USD/GPU/h, 22 kUSD per GPU in MUSD).
      warn_outside_sourced_range(price, value, "market.<path>.points.N.price", dimension_of(path.kind));
      path.points.push_back({clock_at(item.at("date"), start_day), value});
      if (i > 0 && path.points[i].t_s <= path.points[i - 1].t_s)
        item.at("date").fail(fmt::format("dates must increase (item {} is not after item {})", i, i - 1));
    }
    if (auto scale = body.find_set("scale")) path.scale = scale->fraction(0.0, 100.0);
    if (auto change = body.find_set("forward_change_per_year")) path.forward_change_per_year = change->fraction(-0.95, 10.0);
    if (auto u = body.find_set("uncertainty")) {
      u->allow_keys({"volatility", "half_life"});
      PriceUncertainty pu;
      pu.volatility_per_sqrt_year = u->at("volatility").fraction(0.0, 5.0);
      if (auto half = u->find_set("half_life")) pu.half_life_s = half->non_negative(Dimension::Duration);
      path.uncertainty = pu;
    }
    if (auto problem = price_path_problem(path)) body.fail(*problem);
    paths.push_back(std::move(path));
  }
  return paths;
}

std::size_t market_path_ref(const YamlValue& name, const std::vector<PricePath>& market, PriceKind kind) {
  const std::string wanted = name.text();
  std::vector<std::string> names;
  for (std::size_t i = 0; i < market.size(); ++i) {
    if (market[i].name == wanted) {
      if (market[i].kind != kind)
        name.fail(fmt::format("price path \"{}\" prices {} ({}); this needs {}", wanted, to_string(market[i].kind),
                              display_unit(market[i].kind), kind_example(kind)));
      return i;
    }
    names.push_back(market[i].name);
  }
  if (market.empty()) name.fail(fmt::format("no price path named \"{}\": the scenario has no market section", wanted));
  const std::string guess = closest_match(wanted, names);
  name.fail(fmt::format("no price path named \"{}\" in market{}", wanted,
                        guess.empty() ? "" : fmt::format(" (did you mean \"{}\"?)", guess)));
}

IndexTerms load_index_terms(const YamlValue& v, const std::vector<PricePath>& market) {
  v.allow_keys({"path", "spread", "floor", "cap"});
  IndexTerms t;
  t.path = market_path_ref(v.at("path"), market, PriceKind::GpuRental);
  if (auto spread = v.find_set("spread")) t.spread = spread->fraction(-0.95, 10.0);
  if (auto floor = v.find_set("floor")) t.floor_usd_per_gpu_s = floor->non_negative(Dimension::PricePerGpuTime);
  if (auto cap = v.find_set("cap")) {
    t.cap_usd_per_gpu_s = cap->non_negative(Dimension::PricePerGpuTime);
    if (t.floor_usd_per_gpu_s && *t.cap_usd_per_gpu_s < *t.floor_usd_per_gpu_s) cap->fail("the cap must not be below the floor");
  }
  return t;
}

Sublet load_sublet(const YamlValue& v, const std::vector<PricePath>& market) {
  v.allow_keys({"index", "fee", "utilization", "energy_paid_by"});
  Sublet s;
  s.path = market_path_ref(v.at("index"), market, PriceKind::GpuRental);
  s.fee_usd_per_gpu_s = v.at("fee").non_negative(Dimension::PricePerGpuTime);
  s.utilization = v.at("utilization").fraction(0.0, 1.0);
  if (auto payer = v.find_set("energy_paid_by")) s.tenant_pays_energy = payer->choice({"owner", "tenant"}) == "tenant";
  return s;
}

GpuHourDemand load_demand(const YamlValue& v, std::int64_t start_day, const std::vector<PricePath>& market) {
  v.allow_keys({"gpu_hours", "value", "value_index"});
  GpuHourDemand d;
  const auto items = v.at("gpu_hours").items(1);
  for (std::size_t i = 0; i < items.size(); ++i) {
    items[i].allow_keys({"from", "gpus"});
    d.steps.push_back({clock_at(items[i].at("from"), start_day), items[i].at("gpus").count(0, max_demand_gpus)});
    if (i > 0 && d.steps[i].t_s <= d.steps[i - 1].t_s)
      items[i].at("from").fail(fmt::format("dates must increase (item {} is not after item {})", i, i - 1));
  }
  auto value = v.find_set("value"), index = v.find_set("value_index");
  if (value && index) index->fail("give either value (a price) or value_index (a price path), not both");
  if (!value && !index) v.fail("expected value (a price per GPU-hour such as 2 USD/GPU/h) or value_index (a price path)");
  if (value) d.value_usd_per_gpu_s = value->non_negative(Dimension::PricePerGpuTime);
  if (index) d.value_path = static_cast<int>(market_path_ref(*index, market, PriceKind::GpuRental));
  return d;
}

}  // namespace bvr
