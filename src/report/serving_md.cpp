#include "report/serving_md.h"

#include <fmt/format.h>

#include <algorithm>

#include "report/format.h"
#include "scenario/units.h"

namespace bvr {

namespace {

// Millions of tokens per second, as the demand is usually stated.
std::string mtok_per_s(double tokens_per_s) { return fmt::format("{:.2f}M", tokens_per_s / 1e6); }

std::string tokens(double count) {
  if (count >= 1e15) return fmt::format("{:.2f}e15", count / 1e15);
  if (count >= 1e12) return fmt::format("{:.2f}e12", count / 1e12);
  return fmt::format("{:.3g}", count);
}

}  // namespace

std::string serving_section_md(const Results& r) {
  std::string md;
  if (!r.serving) return md;
  auto line = [&md](const std::string& text = "") { md += text + "\n"; };
  const ServingSummary& sv = *r.serving;
  line(serving_heading);
  line();
  const std::string target = sv.target_tokens_per_s_per_user > 0
                                 ? fmt::format("{:.0f} output tokens/s per user", sv.target_tokens_per_s_per_user)
                                 : std::string("no interactivity target");
  line(fmt::format("{} at {} ({} tokens in, {} out), priority **{}**: {}. Serving cost is the option's nominal cost "
                   "(credits beyond the runs aside) shared by the GPU-hours each workload held; tokens per MW count "
                   "the facility power of the serving GPUs (docs/serving.md, \"Serving in the campaign\").",
                   sv.model, target, sv.input_tokens, sv.output_tokens, sv.priority,
                   sv.priority == "serving" ? "serving takes the GPUs its demand needs first, training runs on the rest"
                                            : "serving takes the GPUs the training job and its spares leave, and all of "
                                              "them once the runs are done"));
  line();
  line("| option | tokens demanded | served | unmet | serving GPU-hours | utilization | energy (MWh) | mean power (MW) "
       "| tokens/s per MW | serving cost | per million tokens | failures |");
  line("|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const auto& o : r.options) {
    auto mean = [&o](const char* name) { return o.metric(name).mean; };
    // Each cell names the results.json value it shows (format.h, sourced).
    auto key = [&o](const char* name) { return "options." + o.name + ".metrics." + name + ".mean"; };
    line(fmt::format("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |", o.name,
                     sourced(tokens(mean("serving_tokens_demanded")), key("serving_tokens_demanded")),
                     sourced(tokens(mean("serving_tokens_served")), key("serving_tokens_served")),
                     sourced(fmt::format("{} ({})", tokens(mean("serving_tokens_unmet")),
                                         format_percent(mean("serving_unmet_share"))),
                             key("serving_tokens_unmet") + " " + key("serving_unmet_share")),
                     sourced(fmt::format("{:.3g}", mean("serving_gpu_hours")), key("serving_gpu_hours")),
                     sourced(format_percent(mean("serving_utilization")), key("serving_utilization")),
                     sourced(fmt::format("{:.0f}", mean("serving_energy_mwh")), key("serving_energy_mwh")),
                     sourced(fmt::format("{:.2f}", mean("serving_mean_power_mw")), key("serving_mean_power_mw")),
                     sourced(fmt::format("{:.3g}", mean("serving_tokens_per_s_per_mw")), key("serving_tokens_per_s_per_mw")),
                     sourced(format_usd(mean("serving_cost_usd")), key("serving_cost_usd")),
                     sourced(fmt::format("${:.3f}", mean("serving_cost_per_million_tokens_usd")),
                             key("serving_cost_per_million_tokens_usd")),
                     sourced(fmt::format("{:.1f}", mean("serving_failures")), key("serving_failures"))));
  }
  line();
  line("Means over the replications. Utilization: tokens served over what the GPUs open to serving could have "
       "served at the target.");
  line();
  line("| option | site | system | layout at the target | GPUs per instance | output tokens/s per GPU |");
  line("|---|---|---|---|---|---|");
  for (std::size_t k = 0; k < sv.sites.size(); ++k) {
    const ServingSiteRate& s = sv.sites[k];
    const std::string site = fmt::format("serving.sites.{}.", k);
    line(fmt::format("| {} | {} | {} | {} | {} | {} |", s.option, s.site.empty() ? "—" : s.site, s.system,
                     s.layout.empty() ? "none reaches the target" : sourced(s.layout, site + "layout"),
                     sourced(fmt::format("{:.1f}", s.instance_gpus), site + "instance_gpus"),
                     sourced(fmt::format("{:.0f}", s.tokens_per_s_per_gpu), site + "tokens_per_s_per_gpu")));
  }
  line();
  // Demand against served, first replication, on the first day of each quarter and the last day.
  line("Demand and served, output tokens/s (first replication, first day of each quarter):");
  line();
  std::string header = "| date | demand |", rule = "|---|---|";
  for (const auto& o : r.options) {
    header += fmt::format(" {} |", o.name);
    rule += "---|";
  }
  line(header);
  line(rule);
  const std::size_t days = r.options.front().series.size();
  for (std::size_t d = 0; d < days; ++d) {
    const std::string date = format_date(r.options.front().series[d].day);
    const bool quarter = date.substr(8, 2) == "01" && (date.substr(5, 2) == "01" || date.substr(5, 2) == "04" ||
                                                      date.substr(5, 2) == "07" || date.substr(5, 2) == "10");
    if (!quarter && d + 1 != days) continue;
    // Each cell names the day of series-<option>.csv it shows (series.<option>.<row>.<column>).
    const std::string first = fmt::format("series.{}.{}.", r.options.front().name, d);
    std::string row = fmt::format("| {} | {} |", sourced(date, first + "date"),
                                  sourced(mtok_per_s(r.options.front().series[d].serving_demand_tokens_per_s),
                                          first + "serving_demand_tokens_per_s"));
    for (const auto& o : r.options)
      row += fmt::format(" {} |", d < o.series.size()
                                      ? sourced(mtok_per_s(o.series[d].serving_served_tokens_per_s),
                                                fmt::format("series.{}.{}.serving_served_tokens_per_s", o.name, d))
                                      : "");
    line(row);
  }
  line();
  return md;
}

}  // namespace bvr
