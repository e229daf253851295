#include "scenario/sourced_ranges.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <stdexcept>

#include "scenario/yaml_reader.h"

namespace bvr {

namespace {

using D = Dimension;

// Ten times outside a range is a slip (a prefix, per hour for per day) rather than a value
// anyone meant; PUE is bounded [1, 3] by the loader, so it is warned nearer.
constexpr double far = 10;
constexpr double pue_far = 1.5;

}  // namespace

const std::vector<SourcedRange>& sourced_ranges() {
  static const std::vector<SourcedRange> ranges = {
      {"scenario.discount_rate", "8 %/yr", "20 %/yr", D::Fraction, "", far,
       "the tornado's range around xAI's ~12 % cost of debt (Bloomberg, 2025) [S]; the ends are an ASSUMPTION "
       "(docs/finance.md)", ""},
      {"reliability.failure_classes", "2.34 per 1000 node-days", "6.50 per 1000 node-days", D::RatePerNodeTime,
       "the classes' rates added up", far,
       "two A100 research clusters (Kokolis et al., HPCA 2025) [P]; Llama 3's 3.79 (Dubey et al., Table 5) [P] and "
       "B200's ~2.9 [S] inside (docs/reliability.md)",
       "a site's and a system file's `failure_classes`"},
      {"reliability.restart_time", "5 min", "20 min", D::Duration, "", far,
       "restart overhead on large research clusters (Kokolis et al., HPCA 2025) [S]", ""},
      {"options.{lease}.list_price", "1.70 USD/GPU/h", "12.29 USD/GPU/h", D::PricePerGpuTime, "", far,
       "H100 one-year contract index, Oct 2025 (SemiAnalysis via press) [E] to AWS p5 on demand, Mar 2025 [P] "
       "(docs/finance.md, facts-2026)", ""},
      {"options.{lease}.renewal_price", "1.70 USD/GPU/h", "12.29 USD/GPU/h", D::PricePerGpuTime, "", far,
       "as list_price", ""},
      {"options.{lease}.commitment_discount", "25 %", "64 %", D::Fraction, "", far,
       "committed-use discounts of AWS, GCP and Azure, 1 to 3 years (Epoch AI defaults) [E]",
       "each term's discount of a list (`commitment_discount.N.discount`)"},
      {"options.{lease}.pue", "1.1", "1.56", D::Fraction, "", pue_far,
       "AI-oriented designs 1.1-1.3 to the 2024 industry average 1.56 (Uptime Institute; SemiAnalysis via Epoch) "
       "[P/E]",
       "a build's `pue`, a colocation host's `host.pue`"},
      {"options.{build}.facility_cost", "9.3 MUSD/MW", "15.0 MUSD/MW", D::PricePerPower, "", far,
       "US construction cost per MW of critical IT by market (Cushman & Wakefield 2025) [P]", ""},
      {"options.{build}.it_life", "5 years", "6 years", D::Duration, "", far,
       "server depreciation lives at hyperscalers: Meta 5.5, Amazon 5-6, Microsoft and Alphabet 6 (filings) [S]",
       "a colocation's and used hardware's `it_life`"},
      {"options.{build}.construction", "122 days", "16 months", D::Duration, "the phases' durations added up", far,
       "Colossus's 122 days to 100k GPUs (NVIDIA) [P] to Stargate Abilene's ~16 months to ~200 MW (press) [S]", ""},
      {"options.{build}.long_lead_equipment.N.lead_time", "30 weeks", "110 weeks", D::Duration, "", far,
       "switchgear 46-48 weeks, generators and chillers over 30 and up to 110 (Cushman & Wakefield 2025) [P]", ""},
      {"options.{build}.gpu_orders.N.server_price", "22000 USD", "56000 USD", D::Money, "per GPU", far,
       "used H100 ~$22-25k (Q1 2026, press) [E] to GB300 NVL72 ~$4.0M / 72 (press) [E]; HGX H100 $33,810 "
       "(Epoch AI) [S] inside",
       "`gpu_orders.N.gpu_price`, a system file's `price` (docs/hardware.md)"},
      {"options.{build}.power.grid.price", "62.3 USD/MWh", "83 USD/MWh", D::PricePerEnergy, "", far,
       "US industrial electricity: Tennessee 2023 to the US average 2023-25 (EIA) [P]",
       "a colocation host's `host.energy_price`"},
      {"options.{build}.power.turbines.N.fuel_cost", "25 USD/MWh", "43 USD/MWh", D::PricePerEnergy, "", far,
       "Henry Hub gas at simple-cycle heat rates, 2024 average to Sep 2025 (EIA, STEO) [E]", ""},
      {"options.{build}.power.turbines.N.capex", "1000 USD/kW", "2157 USD/kW", D::PricePerPower, "", far,
       "peaking turbines ~$1,000/kW (thundersaidenergy) [E] to combined cycle ~$2,157/kW in 2025 (EIA, industry) "
       "[S]", ""},
      {"options.{build}.power.batteries.N.unit_price", "328000 USD", "533000 USD", D::Money, "per MWh of unit_energy",
       far, "Tesla Megapack 2 XL, ~$1.28M per 3.9 MWh, ~$2.08M installed (teslarati, Tesla configurator) [S]", ""},
      {"market.<path>.points.N.price", "1.70 USD/GPU/h", "8.00 USD/GPU/h", D::PricePerGpuTime, "", far,
       "a GPU rental path: the H100 one-year contract index, Oct 2025 (SemiAnalysis via press) [E] to over $8 on "
       "short terms at the 2023 peak (SemiAnalysis; press) [E]; the GB200 index's 4.54 inside (docs/market.md)",
       ""},
      {"market.<path>.points.N.price", "22000 USD", "56000 USD", D::Money, "", far,
       "a hardware path, per GPU: used H100 ~$22-25k (Q1 2026, press) [E] to a new GB300 NVL72 ~$4.0M / 72 "
       "(press) [E]; a new HGX H100's $33,810 (Epoch AI) [S] inside (docs/market.md)",
       ""},
      {"system.gpu.power", "400 W", "1400 W", D::Power, "", far,
       "maximum board power, A100 to GB300 and MI355X (vendor datasheets) [P] (docs/hardware.md)", ""},
      {"system.node.power", "812 W", "1875 W", D::Power, "per GPU", far,
       "a node's IT power per GPU: DGX A100 6.5 kW / 8 to HGX B300 15 kW / 8 (datasheets) [P]",
       "`rack.power` per GPU"},
  };
  return ranges;
}

namespace {

const SourcedRange* find_range(std::string_view key, std::optional<Dimension> dimension) {
  const auto& ranges = sourced_ranges();
  const auto it = std::find_if(ranges.begin(), ranges.end(), [&](const SourcedRange& r) {
    return r.key == key && (!dimension || r.dimension == *dimension);
  });
  return it == ranges.end() ? nullptr : &*it;
}

const SourcedRange& range_of(std::string_view key) {
  const SourcedRange* r = find_range(key, std::nullopt);
  if (!r) throw std::logic_error(fmt::format("no sourced range for {}", key));
  return *r;
}

// "1.70 USD/GPU/h" -> "USD/GPU/h"; "1.1" -> "".
std::string_view unit_of(std::string_view written) {
  const auto space = written.find(' ');
  return space == std::string_view::npos ? std::string_view() : written.substr(space + 1);
}

// Three significant digits, or whole and grouped from 1,000 ("4,870 days", not "4.87e+03 days").
std::string with_unit(double value, std::string_view unit) {
  std::string number = fmt::format("{:.3g}", value);
  if (value >= 1000 && value < 1e15) {
    const std::string digits = fmt::format("{:.0f}", value);
    number.clear();
    for (std::size_t i = 0; i < digits.size(); ++i) {
      if (i > 0 && (digits.size() - i) % 3 == 0) number += ',';
      number += digits[i];
    }
  }
  return unit.empty() ? number : fmt::format("{} {}", number, unit);
}

}  // namespace

namespace {

void warn_outside(const YamlValue& v, double value, const SourcedRange& r, const std::string& shown) {
  const double low = parse_quantity(r.low, r.dimension), high = parse_quantity(r.high, r.dimension);
  if (value == 0 || (value >= low / r.far && value <= high * r.far)) return;
  // The value in the unit the range is written in.
  const std::string_view unit = unit_of(r.low);
  const double per_unit = unit.empty() ? 1.0 : parse_quantity(fmt::format("1 {}", unit), r.dimension);
  const std::string what =
      r.what.empty() || !shown.empty() ? "" : fmt::format(" ({} {})", with_unit(value / per_unit, unit), r.what);
  v.warn(fmt::format("{}{} is {} the {} to {} of {}: a unit or prefix slip?", shown.empty() ? v.text() : shown, what,
                     value < low ? fmt::format("{:.3g}x below", low / value) : fmt::format("{:.3g}x above", value / high),
                     r.low, r.high, r.source));
}

}  // namespace

void warn_outside_sourced_range(const YamlValue& v, double value, std::string_view key, const std::string& shown) {
  warn_outside(v, value, range_of(key), shown);
}

void warn_outside_sourced_range(const YamlValue& v, double value, std::string_view key, Dimension dimension) {
  if (key.empty() || !find_range(key, std::nullopt)) throw std::logic_error(fmt::format("no sourced range for {}", key));
  if (const SourcedRange* r = find_range(key, dimension)) warn_outside(v, value, *r, "");
}

std::string sourced_ranges_markdown() {
  std::string out =
      "| key | range | warned below / above | what the range is, and where from | also for |\n|---|---|---|---|---|\n";
  for (const SourcedRange& r : sourced_ranges()) {
    const std::string_view unit = unit_of(r.low);
    const double per_unit = unit.empty() ? 1.0 : parse_quantity(fmt::format("1 {}", unit), r.dimension);
    const double low = parse_quantity(r.low, r.dimension) / per_unit, high = parse_quantity(r.high, r.dimension) / per_unit;
    out += fmt::format("| `{}` | {} to {}{} | {} / {} | {} | {} |\n", r.key, r.low, r.high,
                       r.what.empty() ? "" : fmt::format(", {}", r.what), with_unit(low / r.far, unit),
                       with_unit(high * r.far, unit), r.source, r.also.empty() ? "—" : r.also);
  }
  return out;
}

}  // namespace bvr
