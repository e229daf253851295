#include "report/results_reader.h"

#include <algorithm>
#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <string_view>

#include "report/csv.h"
#include "report/series_csv.h"
#include "scenario/input_error.h"
#include "scenario/units.h"
#include "sim/verdict.h"

namespace bvr {

namespace {

using Json = nlohmann::ordered_json;

// A node of the document with the key path that led to it, for error messages.
struct Node {
  const Json& json;
  std::string path;
  const std::string& file;

  [[noreturn]] void fail(const std::string& expected) const {
    throw InputError(fmt::format("{}: {}: expected {}", file, path.empty() ? "(top level)" : path, expected));
  }
  Node at(const std::string& key) const {
    if (!json.is_object()) fail("an object");
    const auto it = json.find(key);
    const std::string where = path.empty() ? key : path + "." + key;
    if (it == json.end()) throw InputError(fmt::format("{}: {}: missing (this file is not a bvr results.json?)", file, where));
    return {*it, where, file};
  }
  Node at(std::size_t index) const { return {json.at(index), fmt::format("{}[{}]", path, index), file}; }
  bool has(const std::string& key) const { return json.is_object() && json.contains(key); }
  std::size_t size(const char* expected = "an array") const {
    if (!json.is_array()) fail(expected);
    return json.size();
  }
  double number() const {
    if (!json.is_number()) fail("a number");
    return json.get<double>();
  }
  int integer() const {
    if (!json.is_number_integer()) fail("an integer");
    return json.get<int>();
  }
  bool boolean() const {
    if (!json.is_boolean()) fail("true or false");
    return json.get<bool>();
  }
  // An option's name, or "" for null (no option ranked).
  std::string name_or_null() const { return json.is_null() ? std::string() : text(); }
  std::string text() const {
    if (!json.is_string()) fail("a string");
    return json.get<std::string>();
  }
  std::int64_t date() const {
    try {
      return parse_date(text());
    } catch (const std::runtime_error&) {
      fail("a date as YYYY-MM-DD");
    }
  }
  CapacityLimit limit() const {
    const std::string name = text();
    for (int i = 0; i <= static_cast<int>(CapacityLimit::ContractEnded); ++i)
      if (capacity_limit_name(static_cast<CapacityLimit>(i)) == name) return static_cast<CapacityLimit>(i);
    fail("a binding constraint such as \"power\"");
  }
  MetricSummary summary() const {
    return {at("mean").number(), at("p10").number(), at("p50").number(), at("p90").number()};
  }
};

// One of an enum's values by its to_string name.
template <typename Enum>
Enum enum_from(const Node& node, std::initializer_list<Enum> values) {
  const std::string name = node.text();
  std::string names;
  for (Enum v : values) {
    if (name == to_string(v)) return v;
    names += fmt::format("{}\"{}\"", names.empty() ? "" : " or ", to_string(v));
  }
  node.fail(names);
}

// What report.md shows of the step time (results.json holds it per option; docs/results.md).
StepTime step_time_from(const Node& node) {
  constexpr double gib = 1024.0 * 1024 * 1024;
  StepTime st;
  const Node layout = node.at("layout");
  ParallelPlan& p = st.plan;
  p.tp = layout.at("tp").integer();
  p.pp = layout.at("pp").integer();
  p.dp = layout.at("dp").integer();
  p.cp = layout.at("cp").integer();
  p.ep = layout.at("ep").integer();
  p.microbatch = layout.at("microbatch").integer();
  p.schedule = enum_from(layout.at("schedule"), {PipelineSchedule::OneFOneB, PipelineSchedule::Interleaved});
  p.recompute = enum_from(layout.at("recompute"), {Recompute::None, Recompute::Selective, Recompute::Full});
  p.precision = enum_from(layout.at("precision"), {Precision::Bf16, Precision::Fp8, Precision::Fp4});
  st.step_s = node.at("step_s").number();
  const Node b = node.at("breakdown_s");
  st.breakdown = {b.at("compute").number(), b.at("tp_comm").number(), b.at("pp_comm").number(),
                  b.at("dp_comm").number(), b.at("cp_comm").number(), b.at("ep_comm").number(),
                  b.at("bubble").number()};
  st.tokens_per_s = node.at("tokens_per_s").number();
  st.model_flop_per_s_per_gpu = node.at("tflops_per_gpu").number() * 1e12;
  st.mfu = node.at("mfu").number();
  const Node m = node.at("memory_gib");
  st.memory = {m.at("weights").number() * gib, m.at("gradients").number() * gib, m.at("optimizer").number() * gib,
               m.at("activations").number() * gib};
  // Written since issue 20 (context, buffers, fragmentation); older files: the total's remainder.
  if (m.has("overhead")) st.memory.overhead_bytes = m.at("overhead").number() * gib;
  else if (m.has("total")) st.memory.overhead_bytes = std::max(0.0, m.at("total").number() * gib - st.memory.total_bytes());
  st.hbm_bytes = m.at("capacity").number() * gib;
  return st;
}

// An option's simulated collectives (docs/results.md); bandwidths are written in GB/s of 10^9 bytes.
std::vector<SimulatedCollective> collectives_from(const Node& list) {
  std::vector<SimulatedCollective> out;
  for (std::size_t k = 0; k < list.size(); ++k) {
    const Node c = list.at(k);
    const Node kind = c.at("collective");
    const auto parsed = collective_from_string(kind.text());
    if (!parsed) kind.fail("a collective such as \"all-reduce\" or \"all-to-all\"");
    out.push_back({c.at("purpose").text(), *parsed, c.at("bytes_per_gpu").number(), c.at("group_gpus").integer(),
                   c.at("fabric_gpus").integer(), c.at("time_s").number(), c.at("algbw_gb_per_s").number() * 1e9,
                   c.at("busbw_gb_per_s").number() * 1e9, c.at("closed_form_s").number(),
                   c.at("simulated_over_closed_form").number()});
  }
  return out;
}

Breakeven breakeven_from(const Node& comparison, const std::string& key) {
  Breakeven b;
  const Node node = comparison.at(key);
  if (!node.json.is_null()) {
    b.found = true;
    b.parameter = node.at("parameter").text();
    b.value = node.at("value").number();
    b.unit = node.at("unit").text();
    b.scenario_value = node.at("scenario_value").number();
    b.first_option = node.at("first_option").text();
    b.second_option = node.at("second_option").text();
    b.first_npv_usd = node.at("first_npv_cost_usd").number();
    b.second_npv_usd = node.at("second_npv_cost_usd").number();
    b.second_cheaper_above = node.at("second_cheaper").text() == "above";
    b.replications = node.at("replications").integer();
    b.evaluations = node.at("evaluations").integer();
  } else if (comparison.has(key + "_note")) {
    b.note = comparison.at(key + "_note").text();
    if (comparison.has(key + "_options")) {
      b.first_option = comparison.at(key + "_options").at("first_option").text();
      b.second_option = comparison.at(key + "_options").at("second_option").text();
    }
  }
  return b;
}

std::vector<MarketPathResult> market_from(const Node& list) {
  std::vector<MarketPathResult> out;
  for (std::size_t i = 0; i < list.size(); ++i) {
    const Node m = list.at(i);
    MarketPathResult path{m.at("name").text(), m.at("kind").text(), m.at("unit").text(), m.at("uncertain").boolean(), {}, {}, {}};
    const Node points = m.at("points");
    for (std::size_t k = 0; k < points.size(); ++k)
      path.points.emplace_back(points.at(k).at("date").date(), points.at(k).at("value").number());
    const Node monthly = m.at("monthly");
    for (std::size_t k = 0; k < monthly.size(); ++k) {
      const Node month = monthly.at(k);
      path.monthly.push_back({month.at("date").date(), month.summary()});
    }
    if (m.has("events")) {
      const Node events = m.at("events");
      for (std::size_t k = 0; k < events.size(); ++k)
        path.events.push_back({events.at(k).at("date").date(), events.at(k).at("option").text(), events.at(k).at("what").text()});
    }
    out.push_back(std::move(path));
  }
  return out;
}

}  // namespace

Json parse_json_file_text(const std::string& text, const std::string& file) {
  try {
    return Json::parse(text);
  } catch (const Json::parse_error& e) {
    // e.byte is 1-based: the character at which parsing failed.
    std::size_t line = 1, column = 1;
    for (std::size_t i = 0; i + 1 < e.byte && i < text.size(); ++i) {
      if (text[i] == '\n') {
        ++line;
        column = 1;
      } else {
        ++column;
      }
    }
    throw InputError(fmt::format("{}:{}:{}: expected JSON ({})", file, line, column, e.what()));
  }
}

Results results_from_json(const Json& doc, const std::string& file) {
  const Node root{doc, "", file};
  Results r;
  r.scenario = root.at("scenario").text();
  r.file = root.at("file").text();
  const Node seed = root.at("seed");
  if (!seed.json.is_number_unsigned()) seed.fail("a non-negative integer");
  r.seed = seed.json.get<std::uint64_t>();
  r.replications = root.at("replications").integer();
  r.start_day = root.at("start_date").date();
  if (root.has("horizon_days")) r.horizon_days = root.at("horizon_days").number();  // 0: unknown (older files)
  r.value_of_time_usd_per_day = root.at("value_per_day_earlier_usd").number();
  // Since cashflows.xlsx (older files lack it; bvr report then cannot write the workbook).
  if (doc.is_object() && doc.contains("discount_rate")) r.discount_rate = root.at("discount_rate").number();
  // Since the input warnings (older files have none).
  if (root.has("warnings")) {
    const Node warnings = root.at("warnings");
    for (std::size_t i = 0; i < warnings.size(); ++i) {
      const Node w = warnings.at(i);
      r.warnings.push_back({w.at("file").text(), w.at("line").integer(), w.at("column").integer(), w.at("key").text(),
                            w.has("set") ? w.at("set").text() : "", w.at("message").text()});
    }
  }
  const Node options = root.at("options");
  if (options.size() == 0) options.fail("at least one option");
  for (std::size_t i = 0; i < options.size(); ++i) {
    const Node o = options.at(i);
    OptionResult option;
    option.name = o.at("name").text();
    option.kind = o.at("kind").text();
    const Node sites = o.at("sites");
    for (std::size_t k = 0; k < sites.size(); ++k) {
      const Node site = sites.at(k);
      option.sites.push_back({site.at("name").text(), site.at("contract").text(), site.at("system").text(),
                              site.at("system_name").text(), site.at("gpus").integer()});
    }
    // Files written before these keys: finished when the mean completed share is 1.
    option.finished_share = o.has("finished_share") ? o.at("finished_share").number()
                            : o.at("metrics").at("completed_fraction").at("mean").number() >= 1 ? 1.0
                                                                                               : 0.0;
    const Node metrics = o.at("metrics");
    if (!metrics.json.is_object()) metrics.fail("an object of metrics");
    for (const auto& [name, value] : metrics.json.items()) option.metrics.push_back({name, metrics.at(name).summary()});
    const Node runs = o.at("runs");
    for (std::size_t k = 0; k < runs.size(); ++k)
      option.run_finish_days.push_back({runs.at(k).at("name").text(), runs.at(k).at("finish_days").summary()});
    const Node periods = o.at("capacity_periods");
    for (std::size_t k = 0; k < periods.size(); ++k) {
      const Node p = periods.at(k);
      option.capacity_periods.push_back({p.at("from").date(), p.at("to").date(), p.at("binding").limit()});
    }
    const Node months = o.at("monthly_power");
    for (std::size_t k = 0; k < months.size(); ++k) {
      const Node m = months.at(k);
      option.monthly_power.push_back({m.at("first_date").date(), m.at("gpus_online_end").integer(),
                                      m.at("peak_drawn_mw").number(), m.at("supply_mw_end").number(),
                                      m.at("binding_end").limit()});
    }
    if (o.has("step_time_run")) option.step_time_run = o.at("step_time_run").text();
    if (o.has("step_time") && !o.at("step_time").json.is_null()) option.step_time = step_time_from(o.at("step_time"));
    if (o.has("collectives")) option.collectives = collectives_from(o.at("collectives"));  // newer files only
    for (const char* needed : {"npv_cost_usd", "time_to_train_days", "completed_fraction", "full_capacity_days"})
      if (!metrics.has(needed)) metrics.at(needed);  // names the missing metric
    r.options.push_back(std::move(option));
  }
  if (root.has("market")) r.market = market_from(root.at("market"));
  if (root.has("serving")) {
    const Node sv = root.at("serving");
    ServingSummary out{sv.at("model").text(), sv.at("priority").text(), sv.at("target_tokens_per_s_per_user").number(),
                       sv.at("input_tokens").integer(), sv.at("output_tokens").integer(), {}};
    const Node sites = sv.at("sites");
    for (std::size_t k = 0; k < sites.size(); ++k) {
      const Node site = sites.at(k);
      out.sites.push_back({site.at("option").text(), site.at("site").text(), site.at("system").text(),
                           site.at("layout").text(), site.at("tokens_per_s_per_gpu").number(),
                           site.at("instance_gpus").number()});
    }
    r.serving = out;
  }
  const Node comparison = root.at("comparison");
  if (comparison.has("ranked_by")) r.comparison.ranked_by = comparison.at("ranked_by").text();
  r.comparison.cheapest = comparison.at("cheapest").name_or_null();
  r.comparison.fastest = comparison.at("fastest").name_or_null();
  r.comparison.best_time_adjusted = comparison.at("best_time_adjusted").name_or_null();
  // Derived from the metrics, as the run derived it; files written before `why` lack its metrics.
  if (comparison.has("why") && comparison.at("why").size() > 0) r.comparison.why = explain_verdict(r);
  r.comparison.breakeven = breakeven_from(comparison, "breakeven");
  r.comparison.breakeven_horizon = breakeven_from(comparison, "breakeven_horizon");
  const Node rows = root.at("sensitivity");
  for (std::size_t k = 0; k < rows.size(); ++k) {
    const Node row = rows.at(k);
    r.sensitivity.rows.push_back({row.at("parameter").text(), row.at("low").text(), row.at("high").text(),
                                  row.at("npv_gap_low_usd").number(), row.at("npv_gap_high_usd").number(),
                                  row.at("time_adjusted_gap_low_usd").number(),
                                  row.at("time_adjusted_gap_high_usd").number(), row.at("swing_usd").number(),
                                  row.at("flips_verdict").boolean()});
  }
  if (root.has("sensitivity_basis")) {
    const Node basis = root.at("sensitivity_basis");
    r.sensitivity.computed = true;
    r.sensitivity.first_option = basis.at("first_option").text();
    r.sensitivity.second_option = basis.at("second_option").text();
    r.sensitivity.replications = basis.at("replications").integer();
    r.sensitivity.base_npv_gap_usd = basis.at("npv_gap_usd").number();
    r.sensitivity.base_time_adjusted_gap_usd = basis.at("time_adjusted_gap_usd").number();
  }
  return r;
}

std::vector<DailyRow> series_from_csv(const std::string& text, const std::string& file,
                                      std::vector<SitePowerDay>* site_series) {
  const std::vector<CsvRecord> records = read_csv(text, file);  // whole, or the place it breaks
  const auto& columns = series_csv_columns();
  auto fail = [&file](const CsvCell& cell, const std::string& what) {
    return InputError(fmt::format("{}:{}:{}: {}", file, cell.line, cell.column, what));
  };
  const CsvRecord& header = records.front();
  // A series written before lease_supply_mw (column 15) has every other column: read as 0 there.
  std::vector<std::string> older = columns;
  older.erase(std::find(older.begin(), older.end(), "lease_supply_mw"));
  // The fixed columns, then per own site of an option of several a pair (series_csv.h).
  auto is = [&header](const std::vector<std::string>& want) {
    bool same = header.size() >= want.size() && (header.size() - want.size()) % 2 == 0;
    for (std::size_t c = 0; same && c < want.size(); ++c) same = header[c].text == want[c];
    for (std::size_t c = want.size(); same && c < header.size(); c += 2) {
      const std::string power = "site_power_mw.", supply = "site_supply_mw.";
      same = header[c].text.starts_with(power) && header[c + 1].text == supply + header[c].text.substr(power.size());
    }
    return same;
  };
  // A run that served a demand appends the serving columns.
  std::vector<std::string> serving = columns;
  serving.insert(serving.end(), serving_series_columns().begin(), serving_series_columns().end());
  const bool with_serving = is(serving);
  const bool with_lease_supply = with_serving || is(columns);
  if (!with_lease_supply && !is(older))
    throw fail(header.front(), fmt::format("expected the series header \"{}\"", fmt::join(columns, ",")));
  const std::size_t shift = with_lease_supply ? 1 : 0;
  const std::size_t fixed = columns.size() - 1 + shift + (with_serving ? serving_series_columns().size() : 0);
  std::vector<DailyRow> rows;
  for (std::size_t l = 1; l < records.size(); ++l) {
    const CsvRecord& cells = records[l];
    auto number = [&](std::size_t cell, auto& out) {
      const std::string& t = cells[cell].text;
      const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
      if (t.empty() || ec != std::errc() || end != t.data() + t.size())
        throw fail(cells[cell], fmt::format("expected a number, got \"{}\"", t));
    };
    DailyRow r;
    try {
      r.day = parse_date(cells[0].text);
    } catch (const std::runtime_error&) {
      throw fail(cells[0], fmt::format("expected a date as YYYY-MM-DD, got \"{}\"", cells[0].text));
    }
    number(1, r.gpus_delivered);
    number(2, r.gpus_installed);
    number(3, r.gpus_healthy);
    number(4, r.gpus_powered);
    number(5, r.gpus_online);
    number(6, r.gpus_training);
    number(7, r.training_progress);
    number(8, r.cumulative_cost_usd);
    number(9, r.facility_power_mw);
    number(10, r.grid_mw);
    number(11, r.turbine_mw);
    number(12, r.grid_supply_mw);
    number(13, r.turbine_supply_mw);
    number(14, r.power_supply_mw);
    if (with_lease_supply) number(15, r.lease_supply_mw);
    number(15 + shift, r.energy_mwh);
    number(16 + shift, r.energy_cost_usd);
    const CsvCell& binding = cells[17 + shift];
    bool known = false;
    for (int i = 0; i <= static_cast<int>(CapacityLimit::ContractEnded) && !known; ++i)
      if (capacity_limit_name(static_cast<CapacityLimit>(i)) == binding.text) {
        r.binding = static_cast<CapacityLimit>(i);
        known = true;
      }
    if (!known)
      throw fail(binding, fmt::format("expected a binding constraint such as \"power\", got \"{}\"", binding.text));
    if (with_serving) {
      number(19, r.serving_demand_tokens_per_s);
      number(20, r.serving_served_tokens_per_s);
      number(21, r.gpus_serving);
      number(22, r.serving_power_mw);
    }
    for (std::size_t c = fixed; c + 1 < header.size(); c += 2) {
      SitePowerDay site;
      number(c, site.power_mw);
      number(c + 1, site.supply_mw);
      if (site_series) site_series->push_back(site);
    }
    rows.push_back(r);
  }
  return rows;
}

}  // namespace bvr
