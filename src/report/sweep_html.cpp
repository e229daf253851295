#include "report/sweep_html.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

#include "report/format.h"
#include "report/html_page.h"

namespace bvr {

namespace {

using Json = nlohmann::ordered_json;

std::string json_string(const std::string& text) { return nlohmann::json(text).dump(); }

// Axes with few distinct values (grids) are grouped by value; sampled axes (random, Latin
// hypercube) into equal-width bins, so averages over the other axes have several points each.
constexpr std::size_t max_distinct_values = 12;
constexpr int bins = 8;
constexpr std::size_t max_axes_charted = 6;
constexpr std::size_t max_pairs = 10;
constexpr const char* none_finished = "none finished";

struct Grouping {
  std::vector<double> values;  // distinct, sorted (when not binned)
  std::vector<std::string> labels;  // a text axis: the label of each value (its index)
  bool binned = false;
  double lo = 0, hi = 0;
  int index(double v) const {
    if (!binned) return static_cast<int>(std::lower_bound(values.begin(), values.end(), v) - values.begin());
    if (hi <= lo) return 0;
    return std::clamp(static_cast<int>((v - lo) / (hi - lo) * bins), 0, bins - 1);
  }
  double center(int i) const { return binned ? lo + (hi - lo) * (i + 0.5) / bins : values[static_cast<std::size_t>(i)]; }
  std::string label(int i) const {
    if (!labels.empty()) return labels[static_cast<std::size_t>(i)];
    if (!binned) return fmt::format("{:g}", values[static_cast<std::size_t>(i)]);
    const double w = (hi - lo) / bins;
    return fmt::format("{:.4g}–{:.4g}", lo + w * i, lo + w * (i + 1));
  }
};

Grouping grouping(const SweepTable& t, std::size_t axis) {
  Grouping g;
  std::set<double> distinct;
  for (const auto& row : t.rows) distinct.insert(row.axis_values[axis]);
  g.values.assign(distinct.begin(), distinct.end());
  g.lo = g.values.front();
  g.hi = g.values.back();
  g.labels = t.axes[axis].labels;  // a text axis is never binned: its values are 0..n-1
  g.binned = g.labels.empty() && g.values.size() > max_distinct_values;
  return g;
}

// A text axis's values sit at 0..n-1 on the x axis; its ticks show the words.
std::string text_axis(const Grouping& g) {
  if (g.labels.empty()) return "";
  return fmt::format(R"VL(, "axis": {{"values": {}, "labelExpr": {}}})VL", Json(g.values).dump(),
                     json_string(Json(g.labels).dump() + "[datum.value]"));
}

// A reader's name for the axis: "rent: list price (USD/GPU/h)" for options.rent.list_price [USD/GPU/h].
std::string axis_title(const SweepTableAxis& a) { return parameter_label(a.key, a.unit.empty() ? "" : "0 " + a.unit); }

std::vector<std::string> headline_metrics(const SweepTable& t) {
  std::vector<std::string> out;
  for (const char* name : {"npv_cost_usd", "time_to_train_days", "time_adjusted_cost_usd"})
    if (t.metric_index(name) >= 0) out.push_back(name);
  for (std::size_t m = 0; out.empty() && m < std::min<std::size_t>(2, t.metrics.size()); ++m) out.push_back(t.metrics[m]);
  return out;
}

// The headline metrics as a reader names them; others by their results.json name.
std::string metric_label(const std::string& metric) {
  if (metric == "npv_cost_usd") return "NPV cost";
  if (metric == "time_to_train_days") return "time to train";
  if (metric == "time_adjusted_cost_usd") return "time-adjusted cost";
  return metric;
}

// Money in billions, days as they are.
double display_scale(const std::string& metric) { return metric.ends_with("_usd") ? 1e-9 : 1; }
std::string display_unit(const std::string& metric) {
  if (metric.ends_with("_usd")) return "USD billions";
  if (metric.ends_with("_days")) return "days";
  return "";
}

}  // namespace

std::string sweep_report_html(const SweepTable& t, const std::string& title, const ReportAssets& assets) {
  const std::size_t axes = std::min(t.axes.size(), max_axes_charted);
  std::vector<Grouping> groups;
  for (std::size_t a = 0; a < axes; ++a) groups.push_back(grouping(t, a));
  const auto metrics = headline_metrics(t);

  // points: one row per point and option.
  Dataset points{"points", {"point", "option"}, {}};
  for (std::size_t a = 0; a < axes; ++a) {
    points.fields.push_back(fmt::format("a{}", a));
    points.fields.push_back(fmt::format("g{}", a));
  }
  for (std::size_t m = 0; m < metrics.size(); ++m)
    for (const char* stat : {"mean", "p10", "p50", "p90"}) points.fields.push_back(fmt::format("m{}_{}", m, stat));
  for (const auto& row : t.rows) {
    std::string r = fmt::format("[{},{}", row.point, json_string(row.option));
    for (std::size_t a = 0; a < axes; ++a)
      r += fmt::format(",{},{}", Json(row.axis_values[a]).dump(),
                       Json(groups[a].center(groups[a].index(row.axis_values[a]))).dump());
    for (std::size_t m = 0; m < metrics.size(); ++m) {
      const MetricSummary& s = row.metrics[static_cast<std::size_t>(t.metric_index(metrics[m]))];
      const double k = display_scale(metrics[m]);
      r += fmt::format(",{},{},{},{}", Json(s.mean * k).dump(), Json(s.p10 * k).dump(), Json(s.p50 * k).dump(),
                       Json(s.p90 * k).dump());
    }
    points.rows.push_back(r + "]");
  }

  // Per point: the cheapest option (lowest mean NPV) and the NPV gap of the second option minus
  // the first.
  const int npv = t.metric_index("npv_cost_usd");
  // Only options that finished every run in every replication are ranked.
  struct PointVerdict {
    std::vector<double> axis_values;
    std::string cheapest = none_finished;
    double best = 0;
    std::map<std::string, double> npv_by_option;
  };
  std::map<long, PointVerdict> verdicts;
  std::map<std::string, int> unfinished_count;
  if (npv >= 0)
    for (const auto& row : t.rows) {
      PointVerdict& v = verdicts[row.point];
      const double value = row.metrics[static_cast<std::size_t>(npv)].mean;
      if (!row.finished_all_runs) ++unfinished_count[row.option];
      if (row.finished_all_runs && (v.cheapest == none_finished || value < v.best)) {
        v.cheapest = row.option;
        v.best = value;
      }
      v.axis_values = row.axis_values;
      v.npv_by_option[row.option] = value;
    }
  const bool gap = npv >= 0 && t.options.size() >= 2;
  std::map<std::string, int> cheapest_count;
  for (const auto& [point, v] : verdicts) ++cheapest_count[v.cheapest];

  // cells: per pair of axes and cell, the mean gap and the option cheapest most often.
  Dataset cells{"cells", {"pair", "xi", "x", "yi", "y", "gap_busd", "cheapest", "share", "points"}, {}};
  std::vector<std::pair<std::size_t, std::size_t>> pairs;
  for (std::size_t i = 0; i < axes; ++i)
    for (std::size_t j = i + 1; j < axes && pairs.size() < max_pairs; ++j) pairs.emplace_back(i, j);
  if (npv >= 0)
    for (std::size_t p = 0; p < pairs.size(); ++p) {
      const auto [i, j] = pairs[p];
      struct Acc {
        double gap_sum = 0;
        int n = 0, n_gap = 0;
        std::map<std::string, int> cheapest;
      };
      std::map<std::pair<int, int>, Acc> acc;
      for (const auto& [point, v] : verdicts) {
        Acc& c = acc[{groups[i].index(v.axis_values[i]), groups[j].index(v.axis_values[j])}];
        ++c.n;
        ++c.cheapest[v.cheapest];
        if (gap && v.npv_by_option.count(t.options[0]) && v.npv_by_option.count(t.options[1])) {
          c.gap_sum += v.npv_by_option.at(t.options[1]) - v.npv_by_option.at(t.options[0]);
          ++c.n_gap;
        }
      }
      for (const auto& [cell, c] : acc) {
        std::string most;
        int most_n = 0;
        std::vector<std::string> candidates = t.options;
        candidates.emplace_back(none_finished);
        for (const auto& o : candidates)  // ties go to the option listed first
          if (c.cheapest.count(o) && c.cheapest.at(o) > most_n) {
            most = o;
            most_n = c.cheapest.at(o);
          }
        cells.rows.push_back(fmt::format("[{},{},{},{},{},{},{},{},{}]", p, cell.first, json_string(groups[i].label(cell.first)),
                                         cell.second, json_string(groups[j].label(cell.second)),
                                         c.n_gap ? Json(c.gap_sum / c.n_gap * 1e-9).dump() : "null", json_string(most),
                                         Json(static_cast<double>(most_n) / c.n).dump(), c.n));
      }
    }

  std::vector<Chart> charts;
  std::string body = fmt::format("<h1>bvr sweep report: {}</h1>\n", escape_html(title));
  body += fmt::format("<p class=\"meta\">{} points × {} option{} ({} rows of <code>sweep.csv</code>), {} swept "
                      "axis{}.</p>\n",
                      verdicts.empty() ? t.rows.size() / std::max<std::size_t>(1, t.options.size()) : verdicts.size(),
                      t.options.size(), t.options.size() == 1 ? "" : "s", t.rows.size(), t.axes.size(),
                      t.axes.size() == 1 ? "" : "es");
  body += "<h2>Axes</h2>\n<table>\n<tr><th>axis</th><th>unit</th><th>from</th><th>to</th><th>distinct values</th></tr>\n";
  for (std::size_t a = 0; a < t.axes.size(); ++a) {
    const Grouping g = a < axes ? groups[a] : grouping(t, a);
    const bool text = !g.labels.empty();
    // Each number named by its source, sweep.csv's axis column (the browser test recomputes it).
    body += fmt::format("<tr><td><code>{}</code></td><td data-key=\"sweep.axes.{}.unit\">{}</td><td data-key=\"sweep.axes.{}.from\">{}</td>"
                        "<td data-key=\"sweep.axes.{}.to\">{}</td><td data-key=\"sweep.axes.{}.distinct\">{}</td></tr>\n",
                        escape_html(t.axes[a].key), a, escape_html(t.axes[a].unit), a,
                        escape_html(text ? g.labels.front() : fmt::format("{:g}", g.lo)), a,
                        escape_html(text ? g.labels.back() : fmt::format("{:g}", g.hi)), a, g.values.size());
  }
  body += "</table>\n";
  if (t.axes.size() > axes)
    body += fmt::format("<p class=\"note\">Charts show the first {} axes.</p>\n", axes);
  if (!cheapest_count.empty()) {
    body += "<h2>Verdict across the sweep</h2>\n<p class=\"note\">Among the options that finished every training run "
            "in every replication at a point: an option that did not is never ranked there.</p>\n<ul>\n";
    for (const auto& o : t.options) {
      const int unfinished = unfinished_count.count(o) ? unfinished_count.at(o) : 0;
      body += fmt::format("<li><strong>{}</strong> is cheapest (lowest mean NPV cost) at {} of {} points{}.</li>\n",
                          escape_html(o), cheapest_count.count(o) ? cheapest_count.at(o) : 0, verdicts.size(),
                          unfinished ? fmt::format("; <strong>not finished</strong> at {} points", unfinished) : "");
    }
    if (cheapest_count.count(none_finished))
      body += fmt::format("<li><em>No option finished</em> at {} of {} points.</li>\n", cheapest_count.at(none_finished),
                          verdicts.size());
    body += "</ul>\n";
    if (!t.has_finished)
      body += "<p class=\"note\">This sweep.csv has no finished_all_runs column (written by an older bvr): every option "
              "is ranked as if it finished.</p>\n";
  }

  body += "<h2>Metrics over each swept axis</h2>\n<p class=\"note\">Per option: the mean over replications, "
          "averaged over the other axes' values (line), with the averaged P10–P90 band.</p>\n";
  for (std::size_t a = 0; a < axes; ++a)
    for (std::size_t m = 0; m < metrics.size(); ++m) {
      const std::string unit = display_unit(metrics[m]);
      const std::string y_title = unit.empty() ? metric_label(metrics[m]) : fmt::format("{} ({})", metric_label(metrics[m]), unit);
      Chart c{fmt::format("axis-{}-metric-{}", a, m), fmt::format("{} over {}", metric_label(metrics[m]), axis_title(t.axes[a])),
              groups[a].binned ? "Sampled axis: points grouped into equal-width bins (x at each bin's center)." : "",
              vega_lite_spec(fmt::format(R"VL({{"height": 240, "data": {{"name": "points"}},
        "transform": [{{"aggregate": [{{"op": "mean", "field": "m{1}_mean", "as": "mean"}}, {{"op": "mean", "field": "m{1}_p10", "as": "p10"}},
                                      {{"op": "mean", "field": "m{1}_p90", "as": "p90"}}, {{"op": "count", "as": "points"}}],
                       "groupby": ["option", "g{0}"]}}],
        "encoding": {{"x": {{"field": "g{0}", "type": "quantitative", "title": {2}, "scale": {{"zero": false}}{5}}},
                      "color": {{"field": "option", "type": "nominal", "sort": {3}}}}},
        "layer": [
          {{"mark": {{"type": "area", "opacity": 0.18}}, "encoding": {{"y": {{"field": "p10", "type": "quantitative", "title": {4}, "scale": {{"zero": false}}}}, "y2": {{"field": "p90"}}}}}},
          {{"mark": {{"type": "line", "point": true}}, "encoding": {{"y": {{"field": "mean", "type": "quantitative"}},
            "tooltip": [{{"field": "option"}}, {{"field": "g{0}", "title": {2}, "format": ".4g"}}, {{"field": "mean", "format": ".4g"}},
                        {{"field": "p10", "format": ".4g", "title": "P10"}}, {{"field": "p90", "format": ".4g", "title": "P90"}},
                        {{"field": "points", "format": "d", "title": "points averaged"}}]}}}}]}})VL",
                                         a, m, json_string(axis_title(t.axes[a])), Json(t.options).dump(), json_string(y_title),
                                         text_axis(groups[a])),
                             640),
              {"points"}};
      body += chart_figure(c);
      charts.push_back(std::move(c));
    }

  if (!cells.rows.empty()) {
    body += "<h2>Pairs of axes</h2>\n";
    for (std::size_t p = 0; p < pairs.size(); ++p) {
      const auto [i, j] = pairs[p];
      const std::string pair_title = fmt::format("{} × {}", axis_title(t.axes[i]), axis_title(t.axes[j]));
      auto heatmap = [&](const std::string& id, const std::string& name, const std::string& caption,
                         const std::string& color) {
        Chart c{id, name + ": " + pair_title, caption,
                vega_lite_spec(fmt::format(R"VL({{"height": {{"step": 34}}, "width": {{"step": 56}}, "data": {{"name": "cells"}},
          "transform": [{{"filter": "datum.pair == {0}"}}],
          "mark": {{"type": "rect"}},
          "encoding": {{"x": {{"field": "x", "type": "ordinal", "title": {1}, "sort": {{"field": "xi"}},
                              "axis": {{"labelAngle": -45, "labelAlign": "right", "labelOverlap": false}}}},
                        "y": {{"field": "y", "type": "ordinal", "title": {2}, "sort": {{"field": "yi", "order": "descending"}}}},
                        "color": {3},
                        "tooltip": [{{"field": "x", "title": {1}}}, {{"field": "y", "title": {2}}},
                                    {{"field": "gap_busd", "format": "$.3f", "title": "NPV gap ($B)"}},
                                    {{"field": "cheapest", "title": "cheapest most often"}},
                                    {{"field": "share", "format": ".0%", "title": "of the cell's points"}},
                                    {{"field": "points", "format": "d"}}]}}}})VL",
                                           p, json_string(axis_title(t.axes[i])), json_string(axis_title(t.axes[j])), color),
                               0),
                {"cells"}};
        body += chart_figure(c);
        charts.push_back(std::move(c));
      };
      if (gap)
        heatmap(fmt::format("pair-{}-gap", p), "NPV gap",
                escape_html(fmt::format("Mean NPV cost of {} minus that of {} over the cell's points (negative: {} is "
                                        "cheaper).",
                                        t.options[1], t.options[0], t.options[1])),
                R"VL({"field": "gap_busd", "type": "quantitative", "title": "gap ($B)", "scale": {"scheme": "redblue", "domainMid": 0, "reverse": true}})VL");
      heatmap(fmt::format("pair-{}-cheapest", p), "Cheapest option",
              "The option with the lowest mean NPV cost at most of the cell's points.",
              fmt::format(R"VL({{"field": "cheapest", "type": "nominal", "title": "cheapest", "scale": {{"domain": {}}}}})VL",
                          [&t] {
                            Json domain = t.options;
                            domain.push_back(none_finished);
                            return domain.dump();
                          }()));
    }
  }
  body += "<p class=\"note\">Every point, option and metric: <code>sweep.csv</code>.</p>\n";
  std::vector<Dataset> data = {points};
  if (!cells.rows.empty()) data.push_back(cells);
  return html_page("bvr sweep report: " + title, body, charts, data, assets);
}

}  // namespace bvr
