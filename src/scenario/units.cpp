#include "scenario/units.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cmath>
#include <optional>
#include <vector>
#include <utility>

#include <fmt/format.h>

#include "scenario/suggest.h"

namespace bvr {
namespace {

// A month is an average one: 365.25 / 12 = 30.4375 days, so 12 months make exactly one year.
constexpr double days_per_month = days_per_year / 12.0;
constexpr double seconds_per_week = 7.0 * seconds_per_day;
constexpr double joules_per_wh = seconds_per_hour;  // 1 Wh = 1 W for 3600 s
constexpr double bits_per_byte = 8.0;
constexpr double events_per_thousand = 1000.0;  // "6.5 per 1000 node-days"

struct DimensionText {
  const char* noun;     // "a power"
  const char* example;  // "150 MW"; must itself parse (a test checks it)
};

DimensionText text_of(Dimension dim) {
  switch (dim) {
    case Dimension::Fraction: return {"a fraction", "38 %"};
    case Dimension::Count: return {"a count", "8"};
    case Dimension::Power: return {"a power", "150 MW"};
    case Dimension::Energy: return {"an energy", "500 MWh"};
    case Dimension::Duration: return {"a duration", "90 days"};
    case Dimension::Money: return {"an amount of money", "250 million USD"};
    case Dimension::PricePerGpuTime: return {"a price per GPU-hour", "2.5 USD/GPU/h"};
    case Dimension::PricePerEnergy: return {"an energy price", "80 USD/MWh"};
    case Dimension::PricePerPower: return {"a price per unit of power", "10 USD/W"};
    case Dimension::Compute: return {"an amount of compute", "3e25 FLOP"};
    case Dimension::ComputeRate: return {"a compute rate", "989 TFLOP/s"};
    case Dimension::Bandwidth: return {"a bandwidth", "400 Gb/s"};
    case Dimension::Data: return {"an amount of data", "2 TB"};
    case Dimension::RatePerNodeTime: return {"a rate per node-time", "6.5 per 1000 node-days"};
    case Dimension::RatePerTime: return {"a rate", "16 racks/day"};
    case Dimension::MoneyPerTime: return {"an amount of money per time", "40 MUSD/year"};
    case Dimension::PricePerData: return {"a price per amount of data", "50 USD/TB"};
    case Dimension::PricePerDataTime: return {"a price per amount of data stored per time", "20 USD/TB/month"};
    case Dimension::PricePerPowerTime: return {"a price per unit of power and time", "150 USD/kW/month"};
  }
  return {"a quantity", "1"};
}

// One spelling of one unit: value_internal = number * factor.
struct Unit {
  std::string spelling;
  Dimension dim;
  double factor;
};

std::vector<Unit> build_units() {
  using D = Dimension;
  std::vector<Unit> units;
  auto add = [&](D dim, double factor, std::initializer_list<std::string> spellings) {
    for (const auto& s : spellings) units.push_back({s, dim, factor});
  };

  add(D::Fraction, 0.01, {"%", "%/yr", "%/year", "% per year"});
  // Count needs no unit; these nouns are accepted so "8 GPUs" reads naturally.
  const std::vector<std::string> count_nouns = {"GPUs",    "GPU",    "racks", "rack",  "servers",
                                                "server",  "units",  "unit",  "nodes", "node"};
  for (const auto& noun : count_nouns) add(D::Count, 1, {noun});

  add(D::Power, 1, {"W"});
  add(D::Power, 1e3, {"kW"});
  add(D::Power, 1e6, {"MW"});
  add(D::Power, 1e9, {"GW"});

  add(D::Energy, 1, {"J"});
  add(D::Energy, 1e3, {"kJ"});
  add(D::Energy, 1e6, {"MJ"});
  add(D::Energy, 1e9, {"GJ"});
  add(D::Energy, joules_per_wh, {"Wh"});
  add(D::Energy, 1e3 * joules_per_wh, {"kWh"});
  add(D::Energy, joules_per_mwh, {"MWh"});
  add(D::Energy, 1e9 * joules_per_wh, {"GWh"});
  add(D::Energy, 1e12 * joules_per_wh, {"TWh"});

  // Time units are shared by Duration and the "per <time>" rates.
  struct TimeUnit {
    std::string name;  // singular word, for "per node-<name>"
    std::vector<std::string> spellings;
    double seconds;
  };
  const std::vector<TimeUnit> times = {
      {"second", {"s", "sec", "second", "seconds"}, 1},
      {"minute", {"min", "minute", "minutes"}, 60},
      {"hour", {"h", "hr", "hour", "hours"}, seconds_per_hour},
      {"day", {"d", "day", "days"}, seconds_per_day},
      {"week", {"week", "weeks"}, seconds_per_week},
      {"month", {"month", "months"}, days_per_month * seconds_per_day},
      {"year", {"y", "yr", "year", "years"}, seconds_per_year},
  };
  for (const auto& t : times)
    for (const auto& s : t.spellings) add(D::Duration, t.seconds, {s});
  for (const auto& t : times)
    for (const auto& s : t.spellings) {
      add(D::RatePerTime, 1 / t.seconds, {"/" + s, "per " + s});
      for (const auto& noun : count_nouns) add(D::RatePerTime, 1 / t.seconds, {noun + "/" + s});
    }
  // Serving (docs/serving.md): output tokens, or requests, per second.
  for (const char* noun : {"tokens", "token", "requests", "request"}) add(D::RatePerTime, 1, {std::string(noun) + "/s"});
  for (const auto& t : times) {
    if (t.seconds < seconds_per_hour) continue;  // nobody counts failures per node-second
    add(D::RatePerNodeTime, 1 / t.seconds, {"per node-" + t.name});
    add(D::RatePerNodeTime, 1 / (events_per_thousand * t.seconds),
        {"per 1000 node-" + t.name + "s", "per 1000 node-" + t.name});
  }

  // Money takes SI prefixes in every unit that holds it ("13 MUSD/MW", "2 kUSD/GPU/h"), spelt as
  // the plain amounts are, so no unit reads a prefixed amount as dollars.
  const std::vector<std::pair<std::vector<std::string>, double>> money = {
      {{"USD"}, 1},
      {{"kUSD", "k USD", "thousand USD"}, 1e3},
      {{"MUSD", "M USD", "million USD"}, 1e6},
      {{"BUSD", "B USD", "billion USD"}, 1e9}};
  // value = amount x factor / divisor: "25 MUSD/year" is 25 x 1e6 / (seconds per year), divided
  // last as it always was, so that a prefixed rate keeps its bits.
  auto add_money = [&](D dim, double factor, const std::string& per, double divisor = 1) {
    for (const auto& [spellings, usd] : money)
      for (const auto& m : spellings) add(dim, usd * factor / divisor, {m + per});
  };
  add_money(D::Money, 1, "");

  // Money per calendar time: staff, leases' monthly charges. "USD/h" is not a price per GPU-hour.
  const std::vector<std::pair<std::string, double>> calendar = {
      {"h", seconds_per_hour}, {"hour", seconds_per_hour}, {"day", seconds_per_day},
      {"week", seconds_per_week}, {"month", days_per_month * seconds_per_day}, {"year", seconds_per_year},
      {"yr", seconds_per_year}};
  for (const auto& [t, seconds] : calendar) add_money(D::MoneyPerTime, 1, "/" + t, seconds);
  const std::vector<std::pair<std::string, double>> data = {{"GB", 1e9}, {"TB", 1e12}, {"PB", 1e15}};
  for (const auto& [d, bytes] : data) {
    add_money(D::PricePerData, 1 / bytes, "/" + d);
    for (const auto& [t, seconds] : calendar)
      if (seconds >= seconds_per_day) add_money(D::PricePerDataTime, 1 / (bytes * seconds), "/" + d + "/" + t);
    for (const auto& [t, seconds] : calendar)
      if (seconds >= seconds_per_day) add(D::Bandwidth, bytes * bits_per_byte / seconds, {d + "/" + t});
  }

  for (const char* per : {"/GPU/h", "/GPU/hour", "/GPU-hour", "/GPU-h"})
    add_money(D::PricePerGpuTime, 1 / seconds_per_hour, per);
  add_money(D::PricePerEnergy, 1 / joules_per_mwh, "/MWh");
  add_money(D::PricePerEnergy, 1 / (1e3 * joules_per_wh), "/kWh");
  add_money(D::PricePerEnergy, 1 / joules_per_wh, "/Wh");
  add_money(D::PricePerEnergy, 1 / (1e9 * joules_per_wh), "/GWh");
  add_money(D::PricePerPower, 1, "/W");
  add_money(D::PricePerPower, 1e-3, "/kW");
  add_money(D::PricePerPower, 1e-6, "/MW");
  add_money(D::PricePerPower, 1e-9, "/GW");
  // Colocation: per kW of contracted power and month (or year).
  for (const auto& [p, watts] : std::vector<std::pair<std::string, double>>{{"W", 1}, {"kW", 1e3}, {"MW", 1e6}})
    for (const auto& [t, seconds] : calendar)
      if (seconds >= seconds_per_day) add_money(D::PricePerPowerTime, 1 / (watts * seconds), "/" + p + "/" + t);

  struct Prefix {
    std::string symbol;
    double factor;
  };
  const std::vector<Prefix> si = {{"", 1},     {"k", 1e3},  {"M", 1e6},  {"G", 1e9}, {"T", 1e12},
                                  {"P", 1e15}, {"E", 1e18}, {"Z", 1e21}, {"Y", 1e24}};
  // Case matters: "FLOPs" is a plural count (3e25 FLOPs), "FLOPS" a rate (989 TFLOPS).
  for (const auto& p : si) {
    add(D::Compute, p.factor, {p.symbol + "FLOP", p.symbol + "FLOPs"});
    add(D::ComputeRate, p.factor, {p.symbol + "FLOP/s", p.symbol + "FLOPS"});
  }
  for (std::size_t i = 0; i <= 4; ++i) {  // up to tera for links
    const Prefix& p = si[i];
    add(D::Bandwidth, p.factor, {p.symbol + "b/s", p.symbol + "bit/s", p.symbol + "bps"});
    add(D::Bandwidth, p.factor * bits_per_byte, {p.symbol + "B/s"});
  }
  for (std::size_t i = 0; i <= 5; ++i) add(D::Data, si[i].factor, {si[i].symbol + "B"});  // to PB
  const double kibi = 1024.0;
  add(D::Data, kibi, {"KiB"});
  add(D::Data, kibi * kibi, {"MiB"});
  add(D::Data, kibi * kibi * kibi, {"GiB"});
  add(D::Data, kibi * kibi * kibi * kibi, {"TiB"});
  add(D::Data, kibi * kibi * kibi * kibi * kibi, {"PiB"});
  return units;
}

const std::vector<Unit>& unit_table() {
  static const std::vector<Unit> table = build_units();
  return table;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

std::string_view trim(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// "% per   year" -> "% per year": runs of blanks inside a unit count as one space.
std::string squeeze_spaces(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (is_space(c)) {
      if (!out.empty() && out.back() != ' ') out += ' ';
    } else {
      out += c;
    }
  }
  return out;
}

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  auto lower = [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; };
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(),
                                            [&](char x, char y) { return lower(x) == lower(y); });
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// What one part of a unit (between slashes) multiplies by: "MUSD" 1e6, "MW" 1e6, "h" 3600, "GB"
// 1e9, "Gb" 1e9 / 8, "GPU" 1; nothing for a part it cannot read. Prefix letters are read in
// either case ("mw" is a slip for MW: nobody prices milliwatts), bases by their case first
// (b is a bit, B a byte).
std::optional<double> part_scale(std::string_view part) {
  const std::string p = lower(part);
  static const std::vector<std::pair<std::string, double>> times = {
      {"s", 1}, {"sec", 1}, {"second", 1}, {"seconds", 1}, {"min", 60}, {"minute", 60}, {"minutes", 60},
      {"h", seconds_per_hour}, {"hr", seconds_per_hour}, {"hour", seconds_per_hour}, {"hours", seconds_per_hour},
      {"d", seconds_per_day}, {"day", seconds_per_day}, {"days", seconds_per_day}, {"week", seconds_per_week},
      {"weeks", seconds_per_week}, {"month", days_per_month * seconds_per_day},
      {"months", days_per_month * seconds_per_day}, {"y", seconds_per_year}, {"yr", seconds_per_year},
      {"year", seconds_per_year}, {"years", seconds_per_year}};
  auto time_of = [&](const std::string& word) -> std::optional<double> {
    for (const auto& [w, seconds] : times)
      if (word == w || word == "gpu-" + w || word == "node-" + w) return seconds;
    return std::nullopt;
  };
  if (const auto seconds = time_of(p)) return seconds;
  // "% per year", "per day", "per 1000 node-days": what comes before over the count and time after.
  if (const std::size_t per = p.find("per "); per != std::string::npos) {
    const auto left = per == 0 ? std::optional<double>(1.0) : part_scale(trim(part.substr(0, per)));
    std::string right = p.substr(per + 4);
    double count = 1;
    if (const std::size_t space = right.find(' '); space != std::string::npos) {
      const auto [end, ec] = std::from_chars(right.data(), right.data() + space, count);
      if (ec != std::errc() || end != right.data() + space || !(count > 0)) return std::nullopt;
      right = right.substr(space + 1);
    }
    const auto seconds = time_of(right);
    if (!left || !seconds) return std::nullopt;
    return *left / (count * *seconds);
  }
  for (const char* noun : {"gpu", "gpus", "rack", "racks", "server", "servers", "node", "nodes", "unit", "units"})
    if (p == noun) return 1.0;
  if (p == "%") return 0.01;
  auto prefix = [](const std::string& letters, bool money) -> std::optional<double> {
    if (letters.empty()) return 1.0;
    if (letters == "k" || (money && letters == "thousand")) return 1e3;
    if (letters == "m" || (money && letters == "million")) return 1e6;
    if (letters == "g" || (money && (letters == "b" || letters == "billion"))) return 1e9;
    if (!money && letters == "t") return 1e12;
    if (!money && letters == "p") return 1e15;
    if (!money && letters == "e") return 1e18;
    if (!money && letters.size() == 2 && letters[1] == 'i') {  // KiB, MiB, ... (binary)
      const std::string_view binary = "kmgtp";
      if (const auto k = binary.find(letters[0]); k != std::string_view::npos) return std::pow(1024.0, k + 1.0);
    }
    return std::nullopt;
  };
  if (p.ends_with("usd")) {
    std::string letters = p.substr(0, p.size() - 3);
    while (!letters.empty() && letters.back() == ' ') letters.pop_back();
    return prefix(letters, true);
  }
  // Longest first, so that "Wh" is not read as "W" after an "h"... and "FLOPS" before "FLOP".
  static const std::vector<std::pair<std::string, double>> bases = {
      {"FLOPS", 1}, {"FLOPs", 1}, {"FLOP", 1}, {"bit", 1 / bits_per_byte}, {"bps", 1 / bits_per_byte},
      {"Wh", joules_per_wh}, {"W", 1}, {"J", 1}, {"B", 1}, {"b", 1 / bits_per_byte}};
  for (const bool exact_case : {true, false}) {
    std::optional<double> found;
    for (const auto& [base, factor] : bases) {
      const bool ends = exact_case ? part.ends_with(base) : p.ends_with(lower(base));
      if (!ends) continue;
      const auto scale = prefix(p.substr(0, p.size() - base.size()), false);
      if (!scale) continue;
      if (found && *found != *scale * factor) return std::nullopt;  // "gb": bit or byte?
      found = *scale * factor;
      if (exact_case) break;
    }
    if (found) return found;
  }
  return std::nullopt;
}

// The scale a unit spells out, as what its first part multiplies by and what the others
// divide by together ("MUSD/MW" 1e6 and 1e6, "USD/GPU/h" 1 and 3600; "/day" counts), or nothing
// when a part is unreadable. Two parts, not their ratio: "BUSD/GB" is USD per byte, yet no
// suggestion for "USD/B".
using Scale = std::pair<double, double>;

std::optional<Scale> unit_scale(std::string_view unit) {
  Scale scale{1, 1};
  std::size_t begin = 0;
  for (bool first = true;; first = false) {
    const std::size_t slash = std::min(unit.find('/', begin), unit.size());
    const std::string_view text = trim(unit.substr(begin, slash - begin));
    const auto part = first && text.empty() && slash < unit.size() ? std::optional<double>(1.0) : part_scale(text);
    if (!part) return std::nullopt;
    (first ? scale.first : scale.second) *= *part;
    if (slash == unit.size()) return scale;
    begin = slash + 1;
  }
}

bool same_value(double a, double b) { return std::abs(a - b) <= 1e-9 * std::max(std::abs(a), std::abs(b)); }
bool same_scale(const Scale& a, const Scale& b) { return same_value(a.first, b.first) && same_value(a.second, b.second); }

// A unit of the expected dimension that `unit` is probably a typo of, or "". A suggestion never
// changes the scale: "13 MUSD/MWW" gets "MUSD/MW", never "USD/MW" (a slip of 10^6). When the
// typed unit's scale is readable only units of that scale are offered; when it is not, a
// suggestion is made only if every closest unit has the same scale.
std::string suggest_unit(const std::string& unit, Dimension expected) {
  static const std::vector<std::optional<Scale>> table_scales = [] {
    std::vector<std::optional<Scale>> out;
    for (const auto& u : unit_table()) out.push_back(unit_scale(u.spelling));
    return out;
  }();
  const std::optional<Scale> typed = unit_scale(unit);
  std::vector<std::string> candidates;
  std::vector<std::optional<Scale>> scales;
  for (std::size_t k = 0; k < unit_table().size(); ++k) {
    const Unit& u = unit_table()[k];
    if (u.dim != expected) continue;
    const std::optional<Scale>& scale = table_scales[k];
    if (typed && !(scale && same_scale(*scale, *typed))) continue;
    candidates.push_back(u.spelling);
    scales.push_back(scale);
  }
  // Among `chosen` (indices into candidates), the first when all have one scale, else "".
  // (Units whose scale this cannot read count as one scale of their own.)
  auto agreed = [&](const std::vector<std::size_t>& chosen) -> std::string {
    if (chosen.empty()) return "";
    const auto& a = scales[chosen.front()];
    for (std::size_t i : chosen) {
      const auto& b = scales[i];
      if (a.has_value() != b.has_value() || (a && !same_scale(*a, *b))) return "";
    }
    return candidates[chosen.front()];
  };
  // Case slips ("mwh") are the commonest typo but cost one edit per letter, so try them first.
  std::vector<std::size_t> same_letters;
  for (std::size_t i = 0; i < candidates.size(); ++i)
    if (equal_ignoring_case(candidates[i], unit)) same_letters.push_back(i);
  if (!same_letters.empty()) return typed ? candidates[same_letters.front()] : agreed(same_letters);
  if (typed) return closest_match(unit, candidates);
  const std::vector<std::size_t> closest = closest_matches(unit, candidates);
  return agreed(closest);
}

}  // namespace

std::string describe(Dimension dim) {
  const DimensionText t = text_of(dim);
  return fmt::format("{} such as {}", t.noun, t.example);
}

double parse_quantity(std::string_view text, Dimension expected) {
  const std::string_view shown = trim(text);
  if (shown.empty())
    throw UnitError(fmt::format("missing value: expected {}, got an empty text", describe(expected)),
                    text.size());
  const std::size_t start = static_cast<std::size_t>(shown.data() - text.data());

  // from_chars does not take a leading '+', people do write one ("+5 %"); "+-5" stays an error.
  const bool plus = shown.size() > 1 && shown[0] == '+' && shown[1] != '-';
  const std::size_t number_at = start + (plus ? 1 : 0);
  double value = 0;
  const char* end = text.data() + start + shown.size();
  const auto [ptr, ec] = std::from_chars(text.data() + number_at, end, value);
  if (ec == std::errc::invalid_argument)
    throw UnitError(fmt::format("expected {}, got \"{}\" (it does not start with a number)",
                                describe(expected), shown),
                    start);
  if (ec == std::errc::result_out_of_range)
    throw UnitError(fmt::format("expected {}, got \"{}\" (the number is out of range)",
                                describe(expected), shown),
                    start);
  if (!std::isfinite(value))
    throw UnitError(fmt::format("expected {}, got \"{}\" (not a finite number)", describe(expected), shown),
                    start);

  const std::size_t number_end = static_cast<std::size_t>(ptr - text.data());
  const std::string_view rest = text.substr(number_end, start + shown.size() - number_end);
  const std::size_t unit_at = number_end + (rest.size() - trim(rest).size());  // rest has no trailing blanks
  const std::string unit = squeeze_spaces(trim(rest));

  if (unit.empty()) {
    if (expected == Dimension::Fraction || expected == Dimension::Count) return value;
    throw UnitError(fmt::format("missing unit: expected {}, got a bare number", describe(expected)),
                    number_end);
  }

  const auto& table = unit_table();
  const auto found = std::find_if(table.begin(), table.end(), [&](const Unit& u) { return u.spelling == unit; });
  if (found == table.end()) {
    std::string message = fmt::format("unknown unit \"{}\"; expected {}", unit, describe(expected));
    if (const std::string guess = suggest_unit(unit, expected); !guess.empty())
      message += fmt::format(" (did you mean \"{}\"?)", guess);
    throw UnitError(message, unit_at);
  }
  if (found->dim != expected)
    throw UnitError(fmt::format("expected {}, got \"{}\" ({} is {})", describe(expected), shown, unit,
                                text_of(found->dim).noun),
                    unit_at);

  const double result = value * found->factor;
  if (!std::isfinite(result))
    throw UnitError(fmt::format("expected {}, got \"{}\" (the number is out of range)",
                                describe(expected), shown),
                    start);
  return result;
}

std::vector<std::string> unit_spellings(Dimension dim) {
  std::vector<std::string> out;
  for (const auto& u : unit_table())
    if (u.dim == dim) out.push_back(u.spelling);
  return out;
}

std::int64_t parse_date(std::string_view text) {
  const std::string_view s = trim(text);
  const std::size_t lead = s.empty() ? 0 : static_cast<std::size_t>(s.data() - text.data());
  auto fail = [&](std::size_t column, const std::string& why) -> UnitError {
    return UnitError(fmt::format("expected a date as YYYY-MM-DD such as 2024-07-01, got \"{}\"{}", s, why),
                     lead + column);
  };

  constexpr std::size_t length = 10;  // "YYYY-MM-DD"
  for (std::size_t i = 0; i < length; ++i) {
    const bool dash = i == 4 || i == 7;
    const bool ok = i < s.size() && (dash ? s[i] == '-' : (s[i] >= '0' && s[i] <= '9'));
    if (!ok) throw fail(i, "");
  }
  if (s.size() != length) throw fail(length, "");

  auto number = [&](std::size_t at, std::size_t n) {
    int v = 0;
    for (std::size_t i = at; i < at + n; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  const int y = number(0, 4);
  const int m = number(5, 2);
  const int d = number(8, 2);
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{static_cast<unsigned>(m)},
                                        std::chrono::day{static_cast<unsigned>(d)}};
  if (!ymd.month().ok()) throw fail(5, fmt::format(" (there is no month {})", m));
  if (!ymd.ok()) throw fail(8, fmt::format(" ({:04}-{:02} has no day {})", y, m, d));
  return std::chrono::sys_days{ymd}.time_since_epoch().count();
}

std::string format_date(std::int64_t days_since_epoch) {
  const std::chrono::sys_days day{std::chrono::days{static_cast<std::chrono::days::rep>(days_since_epoch)}};
  const std::chrono::year_month_day ymd{day};
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                     static_cast<unsigned>(ymd.day()));
}

}  // namespace bvr
