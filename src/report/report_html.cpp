#include "report/report_html.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "report/format.h"
#include "report/html_page.h"
#include "report/report_md.h"
#include "report/series_csv.h"
#include "report/serving_md.h"
#include "scenario/units.h"

namespace bvr {

namespace {

using Json = nlohmann::ordered_json;

std::string json_string(const std::string& text) { return nlohmann::json(text).dump(); }

// Daily series for years make a large page and no visible difference: one point a week. A
// point is the mean of the week's days (a sample of one day a week aliases with anything that
// repeats about weekly, such as maintenance or failures, and saw-tooths), dated at its first day,
// and the last day as it is, where the lines end.
constexpr std::size_t week_days = 7;

// The weeks of a series: [first, last) day indices, then the last day alone.
std::vector<std::pair<std::size_t, std::size_t>> weeks_of(std::size_t days) {
  std::vector<std::pair<std::size_t, std::size_t>> out;
  for (std::size_t i = 0; i + 1 < days; i += week_days) out.emplace_back(i, std::min(i + week_days, days - 1));
  if (days > 0) out.emplace_back(days - 1, days);
  return out;
}

// A daily value as series-<option>.csv holds it (4 decimals, read back): `bvr report` works from
// the CSV, and must draw the same bytes as the run did from memory.
double as_in_csv(double value) {
  const std::string text = fmt::format("{:.4f}", value);
  double back = 0;
  std::from_chars(text.data(), text.data() + text.size(), back);
  return back;
}

// The mean of a week's daily values, each as the CSV has it.
template <typename Field>
double week_mean(const std::vector<DailyRow>& series, std::pair<std::size_t, std::size_t> week, Field field) {
  double sum = 0;
  for (std::size_t i = week.first; i < week.second; ++i) sum += as_in_csv(static_cast<double>(field(series[i])));
  return sum / static_cast<double>(week.second - week.first);
}

Dataset series_dataset(const Results& r) {
  Dataset d{"series",
            {"option", "date", "gpus_online", "gpus_training", "training_progress", "binding"},
            {}};
  for (const auto& o : r.options)
    for (const auto& week : weeks_of(o.series.size())) {
      const DailyRow& last = o.series[week.second - 1];
      d.rows.push_back(fmt::format(
          "[{},\"{}\",{},{},{},{}]", json_string(o.name), format_date(o.series[week.first].day),
          json_number(week_mean(o.series, week, [](const DailyRow& s) { return s.gpus_online; }), 1),
          json_number(week_mean(o.series, week, [](const DailyRow& s) { return s.gpus_training; }), 1),
          json_number(last.training_progress, 6), json_string(std::string(capacity_limit_name(last.binding)))));
    }
  return d;
}

// Power drawn and the firm supply, weekly means: the option's own sites' supply and the
// providers' caps (leases running) as separate lines, each only for an option that has it (a
// hybrid's own supply is not its provider's).
Dataset power_dataset(const Results& r) {
  Dataset d{"power", {"option", "date", "measure", "mw", "grid_mw", "turbine_mw", "peak_mw"}, {}};
  for (const auto& o : r.options) {
    bool own = false, provider = false;
    for (const DailyRow& s : o.series) {
      own = own || as_in_csv(s.power_supply_mw) - as_in_csv(s.lease_supply_mw) > 1e-9;
      provider = provider || as_in_csv(s.lease_supply_mw) > 0;
    }
    for (const auto& week : weeks_of(o.series.size())) {
      double peak = 0;
      for (std::size_t i = week.first; i < week.second; ++i) peak = std::max(peak, as_in_csv(o.series[i].facility_power_mw));
      const std::string at = fmt::format("{},\"{}\"", json_string(o.name), format_date(o.series[week.first].day));
      d.rows.push_back(fmt::format(
          "[{},\"drawn\",{},{},{},{}]", at, json_number(week_mean(o.series, week, [](const DailyRow& s) { return s.facility_power_mw; }), 4),
          json_number(week_mean(o.series, week, [](const DailyRow& s) { return s.grid_mw; }), 4),
          json_number(week_mean(o.series, week, [](const DailyRow& s) { return s.turbine_mw; }), 4), json_number(peak, 4)));
      if (own)
        d.rows.push_back(fmt::format(
            "[{},\"supply, own sites\",{},null,null,null]", at,
            json_number(week_mean(o.series, week, [](const DailyRow& s) { return as_in_csv(s.power_supply_mw) - as_in_csv(s.lease_supply_mw); }), 4)));
      if (provider)
        d.rows.push_back(fmt::format(
            "[{},\"supply, provider's cap\",{},null,null,null]", at,
            json_number(week_mean(o.series, week, [](const DailyRow& s) { return s.lease_supply_mw; }), 4)));
      // An option of several own sites: each site's draw and supply, beside the totals above.
      const std::vector<std::string> names = own_site_names(o.sites);
      const std::size_t sites = o.site_series.size() == o.series.size() * names.size() ? names.size() : 0;
      for (std::size_t k = 0; k < sites; ++k)
        for (const bool supply : {false, true}) {
          double sum = 0;
          for (std::size_t i = week.first; i < week.second; ++i) {
            const SitePowerDay& day = o.site_series[i * sites + k];
            sum += as_in_csv(supply ? day.supply_mw : day.power_mw);
          }
          d.rows.push_back(fmt::format("[{},{},{},null,null,null]", at,
                                       json_string((supply ? "supply, site " : "drawn, site ") + names[k]),
                                       json_number(sum / static_cast<double>(week.second - week.first), 4)));
        }
    }
  }
  return d;
}

// Serving demand and what each option served, weekly means of the first replication, in
// millions of output tokens per second; empty when the run served no demand.
Dataset serving_dataset(const Results& r) {
  Dataset d{"serving", {"option", "date", "measure", "mtok_per_s", "gpus_serving", "power_mw"}, {}};
  if (!r.serving) return d;
  for (const auto& o : r.options)
    for (const auto& week : weeks_of(o.series.size())) {
      const std::string at = fmt::format("{},\"{}\"", json_string(o.name), format_date(o.series[week.first].day));
      const auto gpus = week_mean(o.series, week, [](const DailyRow& s) { return s.gpus_serving; });
      const auto power = week_mean(o.series, week, [](const DailyRow& s) { return s.serving_power_mw; });
      d.rows.push_back(fmt::format("[{},\"demand\",{},null,null]", at,
                                   json_number(week_mean(o.series, week, [](const DailyRow& s) { return s.serving_demand_tokens_per_s; }) / 1e6, 4)));
      d.rows.push_back(fmt::format("[{},\"served\",{},{},{}]", at,
                                   json_number(week_mean(o.series, week, [](const DailyRow& s) { return s.serving_served_tokens_per_s; }) / 1e6, 4),
                                   json_number(gpus, 1), json_number(power, 4)));
    }
  return d;
}

std::string summary_row(const MetricSummary& s) {
  return fmt::format("{},{},{},{}", Json(s.mean).dump(), Json(s.p10).dump(), Json(s.p50).dump(), Json(s.p90).dump());
}

Dataset options_dataset(const Results& r) {
  Dataset d{"options",
            {"option", "kind", "npv_mean", "npv_p10", "npv_p50", "npv_p90", "total_mean", "total_p10", "total_p50",
             "total_p90", "time_adjusted_mean", "time_adjusted_p10", "time_adjusted_p50", "time_adjusted_p90", "finished"},
            {}};
  for (const auto& o : r.options)
    d.rows.push_back(fmt::format("[{},{},{},{},{},{}]", json_string(o.name), json_string(o.kind),
                                 summary_row(o.metric("npv_cost_usd")), summary_row(o.metric("total_cost_usd")),
                                 summary_row(o.metric("time_adjusted_cost_usd")), o.finished_all_runs() ? "true" : "false"));
  return d;
}

// Both verdicts per option, for one chart: the NPV cost, and the NPV cost plus the value of the
// time to train (the time-adjusted cost), each as the mean with P10 and P90.
Dataset verdicts_dataset(const Results& r) {
  Dataset d{"verdicts", {"option", "verdict", "mean", "p10", "p50", "p90", "finished"}, {}};
  for (const auto& o : r.options)
    for (const auto& [verdict, metric] :
         {std::pair{"NPV cost", "npv_cost_usd"}, std::pair{"net NPV cost", "net_npv_cost_usd"},
          std::pair{"time-adjusted cost", "time_adjusted_cost_usd"}, std::pair{"net time-adjusted cost", "net_time_adjusted_cost_usd"}})
      // The net costs (less the value of capacity beyond the runs: docs/market.md) beside the
      // gross, when the scenario values that capacity.
      if (const MetricSummary* m = o.find_metric(metric))
        d.rows.push_back(fmt::format("[{},\"{}\",{},{}]", json_string(o.name), verdict, summary_row(*m),
                                     o.finished_all_runs() ? "true" : "false"));
  return d;
}

// Every cost category results.json has, without those no option spends on, and without the
// credits beyond the runs: the bars add up to total_cost_usd, the table's total.
Dataset costs_dataset(const Results& r) {
  Dataset d{"costs", {"option", "category", "label", "usd"}, {}};
  for (const auto& m : r.options.front().metrics) {
    if (!m.name.starts_with("cost_") || !m.name.ends_with("_usd")) continue;
    // As report.md's table: the gross total's categories (the credits beyond the runs are in the net).
    if (is_credit_beyond_runs(m.name.substr(5, m.name.size() - 9))) continue;
    bool spent = false;
    for (const auto& o : r.options) spent = spent || o.metric(m.name).mean != 0;
    if (!spent) continue;
    const std::string category = m.name.substr(5, m.name.size() - 9);
    for (const auto& o : r.options)
      d.rows.push_back(fmt::format("[{},{},{},{}]", json_string(o.name), json_string(category),
                                   json_string(cause_label(category)), Json(o.metric(m.name).mean).dump()));
  }
  return d;
}

Dataset time_to_train_dataset(const Results& r) {
  Dataset d{"time_to_train", {"option", "what", "order", "mean", "p10", "p50", "p90"}, {}};
  for (const auto& o : r.options) {
    int order = 0;
    // An option that did not finish is drawn at the horizon: the label says so.
    const char* what = o.finished_all_runs() ? "\"whole workload\"" : "\"whole workload (not finished)\"";
    d.rows.push_back(fmt::format("[{},{},{},{}]", json_string(o.name), what, order++,
                                 summary_row(o.metric("time_to_train_days"))));
    if (o.run_finish_days.size() > 1)
      for (const auto& run : o.run_finish_days)
        d.rows.push_back(fmt::format("[{},{},{},{}]", json_string(o.name), json_string("run " + run.name), order++,
                                     summary_row(run.summary)));
  }
  return d;
}

// Cumulative nominal cost of the first replication (weekly samples), then at the horizon the step
// to the table's total: the mean over replications with the residual value credited; and the mean
// NPV cost at the horizon. `order` keeps the vertical step after the last sample.
Dataset cumulative_dataset(const Results& r) {
  Dataset d{"cumulative", {"option", "date", "order", "measure", "usd"}, {}};
  for (const auto& o : r.options) {
    if (o.series.empty()) continue;
    int order = 0;
    auto add = [&](std::int64_t day, const char* measure, const std::string& usd) {
      d.rows.push_back(fmt::format("[{},\"{}\",{},\"{}\",{}]", json_string(o.name), format_date(day), order++, measure, usd));
    };
    // Spending to date at the start of each week (a running total: no mean), and the last day.
    for (const auto& week : weeks_of(o.series.size()))
      add(o.series[week.first].day, "nominal", json_number(o.series[week.first].cumulative_cost_usd, 2));  // as the CSV
    const std::int64_t last = o.series.back().day;
    add(last, "nominal", Json(o.metric("total_cost_usd").mean).dump());
    add(last, "NPV", Json(o.metric("npv_cost_usd").mean).dump());
    add(last, "time-adjusted", Json(o.metric("time_adjusted_cost_usd").mean).dump());
  }
  return d;
}

// Waterfall bars of comparison.why: per other option, each cause from the running sum to the
// next, then the NPV and time-adjusted differences from zero.
Dataset why_dataset(const Results& r) {
  Dataset d{"why", {"pair", "order", "cause", "kind", "start_usd", "end_usd", "usd"}, {}};
  for (const VerdictWhy& w : r.comparison.why) {
    const std::string pair = json_string(w.other + " minus " + w.winner);
    int order = 0;
    double sum = 0;
    auto bar = [&](const std::string& cause, const char* kind, double start, double end) {
      d.rows.push_back(fmt::format("[{},{},{},\"{}\",{},{},{}]", pair, order++, json_string(cause), kind, Json(start).dump(),
                                   Json(end).dump(), Json(end - start).dump()));
    };
    for (const WhyCause& c : w.causes) {
      if (c.cause == "time_value_of_delay") bar("NPV difference", "total", 0, w.npv_difference_usd);
      bar(cause_label(c.cause), c.usd >= 0 ? "costs the other more" : "costs the other less", sum, sum + c.usd);
      sum += c.usd;
    }
    bar("time-adjusted difference", "total", 0, w.time_adjusted_difference_usd);
  }
  return d;
}

// Both verdicts' tornados: per verdict (NPV, time-adjusted), each parameter's gap at its low and
// high end, largest swing of that verdict first; `label` is the parameter's human name.
Dataset tornado_dataset(const Results& r) {
  Dataset d{"tornado",
            {"verdict", "parameter", "label", "order", "end", "range", "gap_usd", "base_usd", "swing_usd", "flips"},
            {}};
  const Sensitivity& s = r.sensitivity;
  for (const bool adjusted : {false, true}) {
    const double base = adjusted ? s.base_time_adjusted_gap_usd : s.base_npv_gap_usd;
    auto low = [adjusted](const SensitivityRow& row) { return adjusted ? row.time_adjusted_gap_low_usd : row.npv_gap_low_usd; };
    auto high = [adjusted](const SensitivityRow& row) { return adjusted ? row.time_adjusted_gap_high_usd : row.npv_gap_high_usd; };
    std::vector<const SensitivityRow*> rows;
    for (const auto& row : s.rows) rows.push_back(&row);
    std::stable_sort(rows.begin(), rows.end(), [&](const SensitivityRow* a, const SensitivityRow* b) {
      return std::fabs(high(*a) - low(*a)) > std::fabs(high(*b) - low(*b));
    });
    int order = 0;
    for (const SensitivityRow* row : rows) {
      const double swing = std::fabs(high(*row) - low(*row));
      const bool flips = ((low(*row) < 0) != (base < 0)) || ((high(*row) < 0) != (base < 0));
      for (const bool at_high : {false, true})
        d.rows.push_back(fmt::format("[{},{},{},{},{},{},{},{},{},{}]", adjusted ? "\"time-adjusted\"" : "\"NPV\"",
                                     json_string(row->parameter), json_string(parameter_label(row->parameter, row->low)),
                                     order, at_high ? "\"high\"" : "\"low\"", json_string(at_high ? row->high : row->low),
                                     Json(at_high ? high(*row) : low(*row)).dump(), Json(base).dump(), Json(swing).dump(),
                                     flips ? "true" : "false"));
      ++order;
    }
  }
  return d;
}

// From results.json's optional per-option `step_time` (the workload model's step breakdown).
Dataset step_time_dataset(const Json& doc) {
  Dataset d{"step_time", {"option", "component", "seconds", "step_s", "mfu", "tokens_per_s", "gpus", "layout"}, {}};
  if (!doc.contains("options") || !doc["options"].is_array()) return d;
  for (const auto& o : doc["options"]) {
    if (!o.is_object() || !o.contains("step_time") || !o["step_time"].is_object()) continue;
    const Json& st = o["step_time"];
    if (!st.contains("breakdown_s") || !st["breakdown_s"].is_object()) continue;
    auto number = [&st](const char* key) {
      return st.contains(key) && st[key].is_number() ? st[key].dump() : std::string("null");
    };
    std::string layout;
    if (st.contains("layout") && st["layout"].is_object())
      for (const auto& [key, value] : st["layout"].items())
        layout += fmt::format("{}{}={}", layout.empty() ? "" : " ", key,
                              value.is_string() ? value.get<std::string>() : value.dump());
    for (const auto& [component, seconds] : st["breakdown_s"].items()) {
      if (!seconds.is_number()) continue;
      d.rows.push_back(fmt::format("[{},{},{},{},{},{},{},{}]", o.value("name", Json("?")).dump(), json_string(component),
                                   seconds.dump(), number("step_s"), number("mfu"), number("tokens_per_s"),
                                   number("gpus"), json_string(layout)));
    }
  }
  return d;
}

// From results.json's per-option `collectives` (the fabric simulation behind the step time), as
// written there; options without the key (no fabric, older files) have no bars.
Dataset collectives_dataset(const Json& doc) {
  Dataset d{"collectives",
            {"option", "purpose", "collective", "group_gpus", "bytes_per_gpu", "time_s", "algbw_gb_per_s",
             "busbw_gb_per_s", "simulated_over_closed_form"},
            {}};
  if (!doc.contains("options") || !doc["options"].is_array()) return d;
  for (const auto& o : doc["options"]) {
    if (!o.is_object() || !o.contains("collectives") || !o["collectives"].is_array()) continue;
    for (const auto& c : o["collectives"]) {
      if (!c.is_object()) continue;
      std::string row = "[" + o.value("name", Json("?")).dump();
      for (std::size_t k = 1; k < d.fields.size(); ++k) {
        row += ',';
        row += c.contains(d.fields[k]) ? c[d.fields[k]].dump() : "null";
      }
      d.rows.push_back(row + "]");
    }
  }
  return d;
}

// Every price path the run used (results.json `market`), one table for the chart: per path its
// monthly values (mean over replications, P10 and P90: the spread of the draws), the dated points
// as given (history before the start included), and the dates contracts read it (repricing,
// renewal, resale), each at the path's mean in that month.
Dataset market_dataset(const Results& r) {
  Dataset d{"market", {"path", "label", "unit", "measure", "date", "value", "p10", "p90", "option", "what"}, {}};
  for (const MarketPathResult& m : r.market) {
    const std::string at = fmt::format("{},{},{}", json_string(m.name), json_string(m.name + " (" + m.unit + ")"), json_string(m.unit));
    for (const MarketMonth& month : m.monthly)
      d.rows.push_back(fmt::format("[{},\"monthly\",\"{}\",{},{},{},null,null]", at, format_date(month.day),
                                   Json(month.value.mean).dump(), Json(month.value.p10).dump(), Json(month.value.p90).dump()));
    for (const auto& [day, value] : m.points)
      d.rows.push_back(fmt::format("[{},\"given point\",\"{}\",{},null,null,null,null]", at, format_date(day), Json(value).dump()));
    for (const MarketEvent& e : m.events) {
      // The month the event falls in (the monthly values are at each month's start).
      const MarketMonth* in = nullptr;
      for (const MarketMonth& month : m.monthly)
        if (month.day <= e.day) in = &month;
      d.rows.push_back(fmt::format("[{},\"contract date\",\"{}\",{},null,null,{},{}]", at, format_date(e.day),
                                   in ? Json(in->value.mean).dump() : "null", json_string(e.option), json_string(e.what)));
    }
  }
  return d;
}

Json spec(const std::string& text) { return vega_lite_spec(text, 760); }

// x axis of the series charts: dates in UTC (the CSV's calendar days), one label per quarter.
constexpr const char* date_axis =
    R"VL({"field": "date", "type": "temporal", "title": null, "scale": {"type": "utc"}, "axis": {"format": "%b %Y"}})VL";

Chart cumulative_chart(const std::string& date) {
  return {"cumulative-cost", "Cumulative cost",
          "Solid line: nominal spending to date, first replication, at the start of each week; at the horizon it "
          "steps to the total of the table, the mean over replications with the residual value credited. At the "
          "horizon, the two verdicts: circle, the mean NPV cost (discounted to the scenario start); square, the mean "
          "time-adjusted cost (NPV plus the value of the time to train).",
          spec((R"VL({"height": 280, "data": {"name": "cumulative"},
        "transform": [{"calculate": "datum.usd / 1e9", "as": "cost_busd"}],
        "encoding": {"x": )VL" + date + R"VL(,
          "y": {"field": "cost_busd", "type": "quantitative", "title": "cost, USD billions"},
          "color": {"field": "option", "type": "nominal", "sort": null},
          "tooltip": [{"field": "option"}, {"field": "date", "type": "nominal"}, {"field": "measure"},
                      {"field": "cost_busd", "type": "quantitative", "format": "$.3f", "title": "USD billions"}]},
        "layer": [
          {"transform": [{"filter": "datum.measure == 'nominal'"}],
           "mark": {"type": "line", "interpolate": "linear"}, "encoding": {"order": {"field": "order", "type": "quantitative"}}},
          {"transform": [{"filter": "datum.measure != 'nominal'"}],
           "mark": {"type": "point", "filled": true, "size": 70},
           "encoding": {"shape": {"field": "measure", "type": "nominal", "title": null, "sort": ["NPV", "time-adjusted"],
                                  "scale": {"range": ["circle", "square"]}}}}]})VL").c_str()),
          {"cumulative"}};
}

Chart why_chart(const Results& r) {
  return {"why", "Why the cheapest wins (waterfall)",
          escape_html(fmt::format("Mean NPV cost of each other option minus that of {}, by cause (USD, present value): "
                                  "each bar runs from the sum of the causes above it; the NPV difference, plus the time "
                                  "value of delay, gives the time-adjusted difference.",
                                  r.comparison.cheapest)),
          spec(R"VL({"data": {"name": "why"},
        "transform": [{"calculate": "datum.start_usd / 1e9", "as": "start"}, {"calculate": "datum.end_usd / 1e9", "as": "end"},
                      {"calculate": "datum.usd / 1e9", "as": "busd"}],
        "facet": {"row": {"field": "pair", "type": "nominal", "sort": null, "title": null}},
        "resolve": {"scale": {"y": "independent"}},
        "spec": {"height": {"step": 22},
          "mark": {"type": "bar"},
          "encoding": {
            "y": {"field": "cause", "type": "nominal", "sort": {"field": "order"}, "title": null},
            "x": {"field": "start", "type": "quantitative", "title": "USD billions (other option minus the cheapest)"},
            "x2": {"field": "end"},
            "color": {"field": "kind", "type": "nominal", "title": null, "sort": ["costs the other more", "costs the other less", "total"],
                      "scale": {"range": ["#e45756", "#54a24b", "#4c78a8"]}},
            "tooltip": [{"field": "pair", "title": "difference"}, {"field": "cause"},
                        {"field": "busd", "format": "$.3f", "title": "USD billions"}]}}})VL"),
          {"why"}};
}

// The price paths: one panel per path (its own unit and scale), the monthly mean as the run
// repriced it (a step a month), the P10-P90 band of the draws where the path is uncertain, the
// given points, and the contract dates that read the path.
Chart market_chart() {
  return {"market", "Market price paths",
          "Each path the run used (docs/market.md), in its unit: the line is the value in force each month (mean over "
          "replications), the band the P10–P90 of the stochastic draws where the path is uncertain, the dots the "
          "dated points as given (history before the start included), the dashed rules the dates a contract reads the "
          "path (an indexed lease repriced, a term renewed at the index, owned systems resold at the horizon; a "
          "lease that ended before then does not read it).",
          spec(R"VL({"data": {"name": "market"},
        "facet": {"row": {"field": "label", "type": "nominal", "sort": null, "title": null,
                          "header": {"labelAngle": 0, "labelAlign": "left", "labelOrient": "top", "labelFontWeight": "bold"}}},
        "resolve": {"scale": {"y": "independent"}},
        "spec": {"width": 700, "height": 150,
          "layer": [
            {"transform": [{"filter": "datum.measure == 'monthly'"}],
             "mark": {"type": "area", "interpolate": "step-after", "opacity": 0.25, "color": "#4c78a8"},
             "encoding": {"x": {"field": "date", "type": "temporal", "title": null, "scale": {"type": "utc"}, "axis": {"format": "%b %Y"}},
                          "y": {"field": "p10", "type": "quantitative", "title": "price", "scale": {"zero": false}},
                          "y2": {"field": "p90"}}},
            {"transform": [{"filter": "datum.measure == 'monthly'"}],
             "mark": {"type": "line", "interpolate": "step-after", "color": "#4c78a8"},
             "encoding": {"x": {"field": "date", "type": "temporal", "scale": {"type": "utc"}},
                          "y": {"field": "value", "type": "quantitative"},
                          "tooltip": [{"field": "path"}, {"field": "date", "type": "nominal", "title": "month from"},
                                      {"field": "value", "format": ",.4~f", "title": "mean"}, {"field": "p10", "format": ",.4~f", "title": "P10"},
                                      {"field": "p90", "format": ",.4~f", "title": "P90"}, {"field": "unit"}]}},
            {"transform": [{"filter": "datum.measure == 'given point'"}],
             "mark": {"type": "point", "filled": true, "size": 45, "color": "#222"},
             "encoding": {"x": {"field": "date", "type": "temporal", "scale": {"type": "utc"}},
                          "y": {"field": "value", "type": "quantitative"},
                          "tooltip": [{"field": "path"}, {"field": "date", "type": "nominal", "title": "given point"},
                                      {"field": "value", "format": ",.4~f", "title": "value"}, {"field": "unit"}]}},
            {"transform": [{"filter": "datum.measure == 'contract date'"}],
             "mark": {"type": "rule", "strokeDash": [4, 3], "opacity": 0.8},
             "encoding": {"x": {"field": "date", "type": "temporal", "scale": {"type": "utc"}},
                          "color": {"field": "what", "type": "nominal", "title": "contract date", "sort": ["reprice", "renewal", "resale"],
                                    "scale": {"range": ["#e45756", "#f58518", "#54a24b"]}, "legend": {"orient": "bottom"}},
                          "tooltip": [{"field": "path"}, {"field": "option"}, {"field": "what", "title": "contract date"},
                                      {"field": "date", "type": "nominal"}, {"field": "value", "format": ",.4~f", "title": "path's mean that month"}]}}]}})VL"),
          {"market"}};
}

std::vector<Chart> run_charts(const Results& r, const std::vector<Dataset>& data) {
  auto has = [&data](const std::string& name) {
    for (const auto& d : data)
      if (d.name == name) return !d.rows.empty();
    return false;
  };
  std::vector<Chart> charts;
  const std::string date = date_axis;
  if (has("series")) {
    charts.push_back({"gpus", "GPUs online and training", "First replication, weekly means. Solid: online (able to train); dashed: held by the training job.",
                      spec((R"VL({"height": 300, "data": {"name": "series"},
        "transform": [{"fold": ["gpus_online", "gpus_training"], "as": ["measure", "gpus"]}],
        "mark": {"type": "line", "interpolate": "step-after"},
        "encoding": {"x": )VL" + date + R"VL(,
          "y": {"field": "gpus", "type": "quantitative", "title": "GPUs"},
          "color": {"field": "option", "type": "nominal", "sort": null},
          "strokeDash": {"field": "measure", "type": "nominal", "title": null},
          "tooltip": [{"field": "option"}, {"field": "date", "type": "nominal"}, {"field": "measure"},
                      {"field": "gpus", "type": "quantitative", "format": ","}, {"field": "binding", "title": "binding constraint"}]}})VL").c_str()),
                      {"series"}});
    charts.push_back({"power", "Power drawn against supply",
                      "Facility power (IT × PUE) drawn, and the firm supply: of the option's own sites (built, "
                      "colocated) and, apart, a provider's cap while a lease runs; an option of several own sites "
                      "also has each site's draw and supply as its own line; first replication, weekly means (the "
                      "tooltip gives the week's peak drawn).",
                      spec((R"VL({"height": 300, "data": {"name": "power"},
        "mark": {"type": "line", "interpolate": "step-after"},
        "encoding": {"x": )VL" + date + R"VL(,
          "y": {"field": "mw", "type": "quantitative", "title": "MW"},
          "color": {"field": "option", "type": "nominal", "sort": null},
          "strokeDash": {"field": "measure", "type": "nominal", "title": null, "sort": ["drawn", "supply, own sites", "supply, provider's cap"],
                         "scale": {"range": [[1, 0], [6, 3], [2, 2], [10, 3, 2, 3], [1, 4], [14, 4], [5, 2, 1, 2, 1, 2], [3, 7]]}},
          "tooltip": [{"field": "option"}, {"field": "date", "type": "nominal", "title": "week from"}, {"field": "measure"},
                      {"field": "mw", "type": "quantitative", "format": ".1f", "title": "MW (week's mean)"},
                      {"field": "peak_mw", "type": "quantitative", "format": ".1f", "title": "peak drawn (MW)"},
                      {"field": "grid_mw", "type": "quantitative", "format": ".1f", "title": "from grid (MW)"},
                      {"field": "turbine_mw", "type": "quantitative", "format": ".1f", "title": "from turbines (MW)"}]}})VL").c_str()),
                      {"power"}});
    charts.push_back({"progress", "Training progress", "Share of the workload's FLOPs done (first replication, at the end of each week).",
                      spec((R"VL({"height": 260, "data": {"name": "series"},
        "mark": {"type": "line"},
        "encoding": {"x": )VL" + date + R"VL(,
          "y": {"field": "training_progress", "type": "quantitative", "title": "workload done", "axis": {"format": "%"}},
          "color": {"field": "option", "type": "nominal", "sort": null},
          "tooltip": [{"field": "option"}, {"field": "date", "type": "nominal"},
                      {"field": "training_progress", "type": "quantitative", "format": ".1%", "title": "done"},
                      {"field": "gpus_training", "type": "quantitative", "format": ",", "title": "GPUs training"}]}})VL").c_str()),
                      {"series"}});
    charts.push_back(cumulative_chart(date));
  }
  charts.push_back({"npv", "The two verdicts: NPV cost and time-adjusted cost per option",
                    "Mean over replications, with the P10–P90 range. NPV: every payment discounted to the scenario "
                    "start. Time-adjusted: the NPV plus the value of the time to train (the scenario's value per day "
                    "× days). An option that did not finish every run is marked and never ranked." +
                        std::string(r.comparison.ranked_by == "net_npv_cost_usd"
                                        ? " Net, beside each: less the value of the demand its capacity served beyond "
                                          "the runs and its sublet income (docs/market.md); the comparison ranks by the net."
                                        : ""),
                    spec(R"VL({"height": {"step": 22}, "data": {"name": "verdicts"},
        "transform": [{"calculate": "datum.mean / 1e9", "as": "busd"}, {"calculate": "datum.p10 / 1e9", "as": "p10_busd"},
                      {"calculate": "datum.p90 / 1e9", "as": "p90_busd"},
                      {"calculate": "datum.finished ? datum.option : datum.option + ' (not finished)'", "as": "label"}],
        "encoding": {"y": {"field": "label", "type": "nominal", "sort": null, "title": null},
                     "yOffset": {"field": "verdict", "sort": ["NPV cost", "net NPV cost", "time-adjusted cost", "net time-adjusted cost"]}},
        "layer": [
          {"mark": {"type": "bar", "opacity": 0.85}, "encoding": {
            "x": {"field": "busd", "type": "quantitative", "title": "USD billions (mean)"},
            "color": {"field": "verdict", "type": "nominal", "sort": ["NPV cost", "net NPV cost", "time-adjusted cost", "net time-adjusted cost"], "title": null,
                      "legend": {"orient": "bottom"}},
            "tooltip": [{"field": "option"}, {"field": "verdict"}, {"field": "busd", "format": "$.3f", "title": "mean ($B)"},
                        {"field": "p10_busd", "format": "$.3f", "title": "P10 ($B)"}, {"field": "p90_busd", "format": "$.3f", "title": "P90 ($B)"},
                        {"field": "finished", "title": "finished every run"}]}},
          {"mark": {"type": "rule", "color": "#222"}, "encoding": {"x": {"field": "p10_busd", "type": "quantitative"}, "x2": {"field": "p90_busd"}}}]})VL"),
                    {"verdicts"}});
  if (has("costs"))
    charts.push_back({"cost-breakdown", "Where the money goes", "Nominal cost by category, mean over replications, adding up to the total; the residual value is "
                      "negative (a credit). The credits beyond the runs (value of demand served, sublet income) are not "
                      "in the total: they are in the table below and in the net cost.",
                      spec(R"VL({"height": {"step": 40}, "data": {"name": "costs"},
        "transform": [{"calculate": "datum.usd / 1e9", "as": "busd"}],
        "mark": {"type": "bar"},
        "encoding": {"y": {"field": "option", "type": "nominal", "sort": null, "title": null},
          "x": {"field": "busd", "type": "quantitative", "title": "USD billions", "stack": "zero"},
          "color": {"field": "label", "type": "nominal", "sort": null, "scale": {"scheme": "tableau20"}, "title": "category"},
          "tooltip": [{"field": "option"}, {"field": "label", "title": "category"}, {"field": "busd", "type": "quantitative", "format": "$.3f", "title": "USD billions"}]}})VL"),
                      {"costs"}});
  charts.push_back({"time-to-train", "Time to train across replications", "Line: P10 to P90; tick: P50; dot: mean. Days from the scenario start.",
                    spec(R"VL({"height": {"step": 30}, "data": {"name": "time_to_train"},
        "transform": [{"calculate": "datum.option + ' · ' + datum.what", "as": "label"}],
        "encoding": {"y": {"field": "label", "type": "nominal", "title": null, "sort": null},
                     "color": {"field": "option", "type": "nominal", "sort": null, "legend": null}},
        "layer": [
          {"mark": {"type": "rule", "strokeWidth": 3}, "encoding": {"x": {"field": "p10", "type": "quantitative", "title": "days", "scale": {"zero": false}}, "x2": {"field": "p90"}}},
          {"mark": {"type": "tick", "thickness": 3, "size": 20}, "encoding": {"x": {"field": "p50", "type": "quantitative"},
            "tooltip": [{"field": "option"}, {"field": "what"}, {"field": "p10", "format": ".1f", "title": "P10 (days)"},
                        {"field": "p50", "format": ".1f", "title": "P50"}, {"field": "p90", "format": ".1f", "title": "P90"},
                        {"field": "mean", "format": ".1f", "title": "mean"}]}},
          {"mark": {"type": "point", "filled": true, "color": "#222", "size": 30}, "encoding": {"x": {"field": "mean", "type": "quantitative"},
            "tooltip": [{"field": "option"}, {"field": "what"}, {"field": "mean", "format": ".1f", "title": "mean (days)"}]}}]})VL"),
                    {"time_to_train"}});
  if (has("step_time"))
    charts.push_back({"step-time", "Step time breakdown", "Seconds of one training step by component (the workload model's estimate).",
                      spec(R"VL({"height": {"step": 40}, "data": {"name": "step_time"},
        "mark": {"type": "bar"},
        "encoding": {"y": {"field": "option", "type": "nominal", "sort": null, "title": null},
          "x": {"field": "seconds", "type": "quantitative", "title": "seconds per step"},
          "color": {"field": "component", "type": "nominal", "sort": null},
          "tooltip": [{"field": "option"}, {"field": "component"}, {"field": "seconds", "type": "quantitative", "format": ".3f"},
                      {"field": "step_s", "type": "quantitative", "format": ".3f", "title": "step (s)"},
                      {"field": "mfu", "type": "quantitative", "format": ".1%", "title": "MFU"},
                      {"field": "tokens_per_s", "type": "quantitative", "format": ",.0f", "title": "tokens/s"},
                      {"field": "gpus", "type": "quantitative", "format": ","}, {"field": "layout"}]}})VL"),
                      {"step_time"}});
  if (has("collectives"))
    charts.push_back({"collectives", "Network collectives on each option's fabric",
                      "Bus bandwidth (nccl-tests busbw) of the step's scale-out collectives, simulated at full size "
                      "with every group of the fabric running at once; the ratio to the closed form scales that "
                      "communication in the step time.",
                      spec(R"VL({"height": {"step": 20}, "data": {"name": "collectives"},
        "mark": {"type": "bar"},
        "encoding": {"y": {"field": "option", "type": "nominal", "sort": null, "title": null},
          "yOffset": {"field": "purpose", "sort": null},
          "x": {"field": "busbw_gb_per_s", "type": "quantitative", "title": "busbw, GB/s"},
          "color": {"field": "purpose", "type": "nominal", "sort": null, "legend": {"orient": "bottom", "title": null}},
          "tooltip": [{"field": "option"}, {"field": "purpose"}, {"field": "collective"},
                      {"field": "group_gpus", "type": "quantitative", "format": ",", "title": "group GPUs"},
                      {"field": "bytes_per_gpu", "type": "quantitative", "format": ".3s", "title": "size per GPU (bytes)"},
                      {"field": "time_s", "type": "quantitative", "format": ".4f", "title": "time (s)"},
                      {"field": "algbw_gb_per_s", "type": "quantitative", "format": ".1f", "title": "algbw (GB/s)"},
                      {"field": "busbw_gb_per_s", "type": "quantitative", "format": ".1f", "title": "busbw (GB/s)"},
                      {"field": "simulated_over_closed_form", "type": "quantitative", "format": ".3f",
                       "title": "simulated / closed form"}]}})VL"),
                      {"collectives"}});
  if (has("why")) charts.push_back(why_chart(r));
  if (has("market")) charts.push_back(market_chart());
  if (has("serving"))
    charts.push_back({"serving", "Serving: demand and tokens served",
                      "Output tokens per second, millions: the demand (dashed) and what each option served (solid), "
                      "first replication, weekly means. The gap is demand unmet: capacity not yet there, held by "
                      "training, in repair or beyond the power.",
                      spec((R"VL({"height": 280, "data": {"name": "serving"},
        "mark": {"type": "line", "interpolate": "step-after"},
        "encoding": {"x": )VL" + std::string(date_axis) + R"VL(,
          "y": {"field": "mtok_per_s", "type": "quantitative", "title": "million output tokens/s"},
          "color": {"field": "option", "type": "nominal", "sort": null},
          "strokeDash": {"field": "measure", "type": "nominal", "title": null, "sort": ["served", "demand"]},
          "tooltip": [{"field": "option"}, {"field": "date", "type": "nominal", "title": "week from"}, {"field": "measure"},
                      {"field": "mtok_per_s", "type": "quantitative", "format": ".2f", "title": "M tokens/s (week's mean)"},
                      {"field": "gpus_serving", "type": "quantitative", "format": ",.0f", "title": "GPUs serving"},
                      {"field": "power_mw", "type": "quantitative", "format": ".2f", "title": "serving power (MW)"}]}})VL").c_str()),
                      {"serving"}});
  if (has("tornado"))
    for (const bool adjusted : {false, true}) {
      const char* verdict = adjusted ? "time-adjusted" : "NPV";
      const double base = adjusted ? r.sensitivity.base_time_adjusted_gap_usd : r.sensitivity.base_npv_gap_usd;
      charts.push_back(
          {adjusted ? "tornado-time-adjusted" : "tornado",
           adjusted ? "What moves the time-adjusted verdict (sensitivity tornado)"
                    : "What moves the NPV verdict (sensitivity tornado)",
           escape_html(fmt::format("{} cost of {} minus {} at the low and high end of each parameter's range, alone "
                                   "(negative: {} is cheaper); the line is the base gap, {}. Largest swing first.",
                                   adjusted ? "Time-adjusted" : "NPV", r.sensitivity.second_option,
                                   r.sensitivity.first_option, r.sensitivity.second_option, format_usd(base))),
           spec(fmt::format(R"VL({{"height": {{"step": 26}}, "data": {{"name": "tornado"}},
        "transform": [{{"filter": "datum.verdict == '{0}'"}},
                      {{"calculate": "datum.gap_usd / 1e9", "as": "gap"}}, {{"calculate": "datum.base_usd / 1e9", "as": "base"}},
                      {{"calculate": "datum.swing_usd / 1e9", "as": "swing"}}],
        "layer": [
          {{"mark": {{"type": "bar", "opacity": 0.9}}, "encoding": {{
            "y": {{"field": "label", "type": "nominal", "title": null, "sort": {{"field": "order"}}}},
            "x": {{"field": "base", "type": "quantitative", "title": "{0} gap, USD billions (second option minus first)"}}, "x2": {{"field": "gap"}},
            "color": {{"field": "end", "type": "nominal", "title": "parameter at", "sort": ["low", "high"], "scale": {{"range": ["#4c78a8", "#e45756"]}}}},
            "tooltip": [{{"field": "label", "title": "parameter"}}, {{"field": "parameter", "title": "key"}}, {{"field": "end", "title": "end"}},
                        {{"field": "range", "title": "value"}}, {{"field": "gap", "format": "$.3f", "title": "gap ($B)"}},
                        {{"field": "swing", "format": "$.3f", "title": "swing ($B)"}}, {{"field": "flips", "title": "flips the verdict"}}]}}}},
          {{"mark": {{"type": "rule", "color": "#222"}}, "encoding": {{"x": {{"aggregate": "mean", "field": "base", "type": "quantitative"}}}}}}]}})VL",
                            verdict)),
           {"tornado"}});
    }
  return charts;
}

}  // namespace

std::string report_html(const Results& r, const Json& doc, const ReportAssets& assets) {
  std::vector<Dataset> data = {series_dataset(r),         power_dataset(r),       options_dataset(r),
                               verdicts_dataset(r),      costs_dataset(r),       time_to_train_dataset(r),
                               step_time_dataset(doc),   collectives_dataset(doc), tornado_dataset(r),
                               cumulative_dataset(r),    why_dataset(r),         market_dataset(r),
                               serving_dataset(r)};
  const std::vector<Chart> charts = run_charts(r, data);
  auto figure = [&charts](const std::string& id) {
    for (const auto& c : charts)
      if (c.id == id) return chart_figure(c);
    return std::string();
  };
  const std::string md = report_markdown_sourced(r);
  std::string body;
  body += fmt::format("<h1>bvr report: {}</h1>\n", escape_html(r.scenario));
  body += fmt::format("<p class=\"meta\">Scenario <code>{}</code>, start {}, seed {}, {} replication{}. Figures are "
                      "P50 with the P10–P90 range across replications where they differ.</p>\n",
                      escape_html(r.file), format_date(r.start_day), r.seed, r.replications,
                      r.replications == 1 ? "" : "s");
  if (!r.warnings.empty())
    body += "<section class=\"warnings\" id=\"warnings\"><h2>Warnings</h2>\n" + markdown_section_html(md, "## Warnings") +
            "</section>\n";
  body += "<h2>Verdict</h2>\n" + markdown_section_html(md, "## Verdict");
  if (!r.comparison.why.empty())
    body += "<h2>Why " + escape_html(r.comparison.cheapest) + " is cheapest</h2>\n" +
            markdown_section_html(md, "## Why " + r.comparison.cheapest + " is cheapest") + figure("why");
  body += "<h2>Comparison</h2>\n" + markdown_section_html(md, "## Comparison");
  body += "<h2>Capacity over time</h2>\n" + figure("gpus") + figure("power") + figure("progress");
  body += "<h2>Money</h2>\n" + figure("cumulative-cost") + figure("npv") + figure("cost-breakdown") +
          markdown_section_html(md, "## Where the money goes (nominal, mean over replications)");
  // The price paths and the net cost beside the gross (docs/market.md), as report.md has them.
  const std::string market_heading = "## The market and the value of capacity beyond the runs";
  if (md.find(market_heading) != std::string::npos)
    body += "<h2>The market and the value of capacity beyond the runs</h2>\n" + figure("market") +
            markdown_section_html(md, market_heading);
  if (r.serving) body += "<h2>Serving the demand</h2>\n" + figure("serving") + markdown_section_html(md, serving_heading);
  body += "<h2>Per unit of output</h2>\n" + markdown_section_html(md, "## Per unit of output");
  body += "<h2>Time to train</h2>\n" + figure("time-to-train") + figure("step-time") + figure("collectives");
  if (!r.sensitivity.rows.empty())
    body += "<h2>What moves the verdict</h2>\n" + figure("tornado") + figure("tornado-time-adjusted");
  body += "<p class=\"note\">Every figure: <code>report.md</code>; every metric with its percentiles: "
          "<code>results.json</code>; daily series: <code>series-&lt;option&gt;.csv</code>.</p>\n";
  std::erase_if(data, [](const Dataset& d) { return d.rows.empty(); });
  return html_page("bvr report: " + r.scenario, body, charts, data, assets);
}

}  // namespace bvr
