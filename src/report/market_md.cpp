#include "report/market_md.h"

#include <fmt/format.h>

#include "report/format.h"
#include "scenario/units.h"

namespace bvr {

namespace {

double mean_or_zero(const OptionResult& o, const std::string& name) {
  const MetricSummary* m = o.find_metric(name);
  return m ? m->mean : 0.0;
}

}  // namespace

std::string market_section_md(const Results& r) {
  std::string md;
  auto line = [&md](const std::string& text = "") { md += text + "\n"; };
  const bool net = !r.options.empty() && r.options.front().find_metric("net_npv_cost_usd");
  if (r.market.empty() && !net) return md;
  line("## The market and the value of capacity beyond the runs");
  line();
  if (!r.market.empty()) {
    line("Price paths as the run used them (docs/market.md): each January and the horizon's month; mean over the "
         "replications, with P10-P90 where the path is uncertain.");
    line();
    line("| path | unit | given points |");
    line("|---|---|---|");
    for (const auto& m : r.market) {
      std::string points;
      std::string keys;
      for (std::size_t i = 0; i < m.points.size(); ++i) {
        points += fmt::format("{}{} {:.4g}", points.empty() ? "" : ", ", format_date(m.points[i].first), m.points[i].second);
        keys += fmt::format("{}market.{}.points.{}.date market.{}.points.{}.value", keys.empty() ? "" : " ", m.name, i, m.name, i);
      }
      line(fmt::format("| {} | {} | {} |", m.name, m.unit, sourced(points, keys)));
    }
    line();
    std::string header = "| month |", rule = "|---|";
    for (const auto& m : r.market) {
      header += fmt::format(" {} ({}) |", m.name, m.unit);
      rule += "---|";
    }
    line(header);
    line(rule);
    const std::size_t months = r.market.front().monthly.size();
    for (std::size_t k = 0; k < months; ++k) {
      const std::string date = format_date(r.market.front().monthly[k].day);
      if (k != 0 && k + 1 != months && date.substr(5, 2) != "01") continue;
      std::string row =
          fmt::format("| {} |", sourced(date.substr(0, 7), fmt::format("market.{}.monthly.{}.date", r.market.front().name, k)));
      for (const auto& m : r.market) {
        if (k >= m.monthly.size()) {
          row += " |";
          continue;
        }
        const MetricSummary& v = m.monthly[k].value;
        const std::string key = fmt::format("market.{}.monthly.{}.", m.name, k);
        row += fmt::format(" {} |", m.uncertain ? sourced(fmt::format("{:.4g} ({:.4g}-{:.4g})", v.mean, v.p10, v.p90),
                                                          fmt::format("{0}mean {0}p10 {0}p90", key))
                                                : sourced(fmt::format("{:.4g}", v.mean), key + "mean"));
      }
      line(row);
    }
    line();
  }
  if (net) {
    line(fmt::format("The comparison ranks by **{}**: the NPV cost less the value of the demand served beyond the "
                     "runs and the sublet income (the resale is in both, as residual_value).",
                     r.comparison.ranked_by));
    line();
    line("| option | NPV cost (gross) | resale / residual (NPV) | value beyond the runs (NPV) | sublet income (NPV) | "
         "net NPV cost |");
    line("|---|---|---|---|---|---|");
    for (const auto& o : r.options) {
      auto cell = [&o](const std::string& metric) {
        return sourced(format_usd(mean_or_zero(o, metric)), fmt::format("options.{}.metrics.{}.mean", o.name, metric));
      };
      line(fmt::format("| {} | {} | {} | {} | {} | {} |", o.name, cell("npv_cost_usd"), cell("npv_cost_residual_value_usd"),
                       cell("npv_cost_value_beyond_runs_usd"), cell("npv_cost_sublet_income_usd"),
                       cell("net_npv_cost_usd")));
    }
    line();
  }
  return md;
}

}  // namespace bvr
