#include "cli/serve.h"

#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>
#include <cstdio>
#include <iostream>

#include "cli/error_json.h"
#include "scenario/input_error.h"
#include "scenario/load.h"
#include "sim/serving_sim.h"

namespace bvr {

namespace po = boost::program_options;

namespace {

constexpr const char* usage =
    "Usage: bvr serve FILE [--option NAME] [--json] [--no-simulation] [--set key.path=value]...\n"
    "\n"
    "Serving the scenario's model (workload.serving) on each option's sites: the frontier of\n"
    "output tokens/s per GPU against tokens/s per user, the best layout (TP, EP, PP, batch) at the\n"
    "interactivity target, its expert all-to-all simulated on the site's fabric, the cost per\n"
    "million output tokens (from the site's GPU-hour: a lease's price, or what owning costs per\n"
    "hour), tokens/s per MW of facility power, and what the dated demand needs: GPUs and racks at\n"
    "its peak, tokens served and unmet by the site at full size, utilization, energy, cost per\n"
    "million tokens served (docs/serving.md).\n";

nlohmann::ordered_json point_json(const ServingPoint& p) {
  return {{"tokens_per_s_per_user", p.tokens_per_s_per_user},
          {"tokens_per_s_per_gpu", p.tokens_per_s_per_gpu},
          {"tp", p.layout.tp},
          {"ep", p.layout.ep},
          {"pp", p.layout.pp},
          {"gpus", p.layout.gpus()},
          {"batch", p.batch},
          {"step_s", p.step_s},
          {"ttft_s", p.ttft_s},
          {"prefill_gpus", p.prefill_gpus},
          {"memory_bound", p.memory_bound}};
}

nlohmann::ordered_json site_json(const SiteServing& s) {
  nlohmann::ordered_json frontier = nlohmann::ordered_json::array();
  for (const auto& p : s.frontier) frontier.push_back(point_json(p));
  const auto or_null = [&](double v) { return s.best ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr); };
  nlohmann::ordered_json a2a = nullptr;
  if (s.all_to_all)
    a2a = {{"group_gpus", s.all_to_all->group_gpus},
           {"fabric_gpus", s.all_to_all->fabric_gpus},
           {"bytes_per_gpu", s.all_to_all->bytes_per_gpu},
           {"time_s", s.all_to_all->time_s},
           {"closed_form_s", s.all_to_all->closed_form_s},
           {"ratio", s.all_to_all->ratio}};
  nlohmann::ordered_json served = nlohmann::ordered_json::array();
  for (const auto& d : s.served)
    served.push_back({{"from_day", d.from_s / 86400},
                      {"to_day", d.to_s / 86400},
                      {"demand_tokens_per_s", d.demand_tokens_per_s},
                      {"served_tokens_per_s", d.served_tokens_per_s},
                      {"unmet_tokens_per_s", d.unmet_tokens_per_s},
                      {"facility_power_mw", d.power_w / 1e6}});
  return {{"option", s.option},
          {"site", s.site},
          {"system", s.system},
          {"site_gpus", s.site_gpus},
          {"powered_gpus", s.powered_gpus},
          {"target_tokens_per_s_per_user", s.target_tokens_per_s_per_user},
          {"frontier", frontier},
          {"best", s.best ? point_json(*s.best) : nlohmann::ordered_json(nullptr)},
          {"expert_all_to_all", a2a},
          {"usd_per_gpu_hour", s.gpu_hour.usd_per_gpu_hour},
          {"cost_per_million_tokens_usd", or_null(s.cost_per_million_tokens_usd)},
          {"tokens_per_s_per_mw", or_null(s.tokens_per_s_per_mw)},
          {"capacity_tokens_per_s", s.capacity_tokens_per_s},
          {"demand",
           {{"peak_tokens_per_s", s.peak_demand_tokens_per_s},
            {"gpus_for_peak", s.gpus_for_peak},
            {"racks_for_peak", s.racks_for_peak},
            {"facility_mw_for_peak", s.facility_mw_for_peak},
            {"tokens_demanded", s.tokens_demanded},
            {"tokens_served", s.tokens_served},
            {"tokens_unmet", s.tokens_unmet},
            {"utilization", s.utilization},
            {"serving_energy_mwh", s.serving_energy_mwh},
            {"cost_usd", s.cost_usd},
            {"cost_per_million_served_usd", s.cost_per_million_served_usd},
            {"steps", served}}}};
}

void print_site(const SiteServing& s, const ServingWorkload& w) {
  const std::string where = s.site.empty() ? s.option : s.option + "/" + s.site;
  fmt::print("{} ({}, {} GPUs)\n", where, s.system, s.site_gpus);
  fmt::print("  frontier (tokens/s per user -> output tokens/s per GPU, layout, batch):\n");
  // At most a dozen points, evenly spread.
  const std::size_t n = s.frontier.size(), shown = std::min<std::size_t>(n, 12);
  for (std::size_t i = 0; i < shown; ++i) {
    const ServingPoint& p = s.frontier[shown == n ? i : i * (n - 1) / (shown - 1)];
    fmt::print("    {:>8.1f} -> {:>8.0f}  tp{} ep{} pp{}  batch {:.0f}{}\n", p.tokens_per_s_per_user, p.tokens_per_s_per_gpu,
               p.layout.tp, p.layout.ep, p.layout.pp, p.batch, p.memory_bound ? "  (HBM-bound)" : "");
  }
  if (!s.best) {
    fmt::print("  no layout reaches {:.4g} tokens/s per user\n", s.target_tokens_per_s_per_user);
    return;
  }
  const ServingPoint& b = *s.best;
  fmt::print("  best at {}: tp{} ep{} pp{} ({} GPUs{}), batch {:.0f}: {:.1f} tokens/s per user, {:.0f} output tokens/s per GPU\n",
             s.target_tokens_per_s_per_user > 0 ? fmt::format("{:.4g} tokens/s per user", s.target_tokens_per_s_per_user)
                                                : std::string("any interactivity"),
             b.layout.tp, b.layout.ep, b.layout.pp, b.layout.gpus(),
             b.prefill_gpus > 0 ? fmt::format(" + {:.1f} prefill", b.prefill_gpus) : std::string(), b.batch,
             b.tokens_per_s_per_user, b.tokens_per_s_per_gpu);
  if (s.all_to_all)
    fmt::print("  expert all-to-all on the fabric: {:.1f} us simulated against {:.1f} us in closed form (x{:.2f}), "
               "ep {} over {} GPUs\n",
               s.all_to_all->time_s * 1e6, s.all_to_all->closed_form_s * 1e6, s.all_to_all->ratio, s.all_to_all->group_gpus,
               s.all_to_all->fabric_gpus);
  fmt::print("  {:.2f} USD per GPU-hour -> {:.3f} USD per million output tokens; {:.3g} tokens/s per MW of facility power\n",
             s.gpu_hour.usd_per_gpu_hour, s.cost_per_million_tokens_usd, s.tokens_per_s_per_mw);
  fmt::print("  site capacity: {:.3g} output tokens/s{}\n", s.capacity_tokens_per_s,
             s.powered_gpus < s.site_gpus ? fmt::format(" (its power runs {} of its {} GPUs)", s.powered_gpus, s.site_gpus)
                                          : std::string());
  if (s.peak_demand_tokens_per_s > 0) {
    fmt::print("  demand peak {:.3g} tokens/s needs {} GPUs = {} racks of {} ({:.1f} MW facility)\n",
               s.peak_demand_tokens_per_s, s.gpus_for_peak, s.racks_for_peak, s.rack_gpus, s.facility_mw_for_peak);
    fmt::print("  over the horizon: {:.3g} tokens served, {:.3g} unmet ({:.1f} % of demand), utilization {:.1f} %, "
               "{:.0f} MWh, {:.3g} USD -> {:.3f} USD per million tokens served\n",
               s.tokens_served, s.tokens_unmet, s.tokens_demanded > 0 ? 100 * s.tokens_unmet / s.tokens_demanded : 0.0,
               100 * s.utilization, s.serving_energy_mwh, s.cost_usd, s.cost_per_million_served_usd);
  }
  (void)w;
}

}  // namespace

int command_serve(const std::vector<std::string>& args) {
  po::options_description visible("Options");
  visible.add_options()("help,h", "show this help")("option", po::value<std::string>(), "only this option's sites")(
      "json", "print a list, per option and site (system): frontier (points with tokens_per_s_per_user and "
              "tokens_per_s_per_gpu), best, cost_per_million_tokens_usd and tokens_per_s_per_mw at the target, demand")(
      "no-simulation", "keep the expert all-to-all in closed form (no fabric simulation)")(
      "set", po::value<std::vector<std::string>>()->composing(), "override a scenario value: --set key.path=value");
  po::options_description all(visible);
  all.add_options()("file", po::value<std::string>(), "scenario file");
  po::positional_options_description positional;
  positional.add("file", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    fmt::print(stderr, "bvr serve: {}\nTry 'bvr serve --help'.\n", e.what());
    return 2;
  }
  if (vm.count("help")) {
    std::cout << usage << "\n" << visible << "\nExample:\n  bvr serve scenarios/serving-gb300-2026.yaml\n";
    return 0;
  }
  if (!vm.count("file")) {
    fmt::print(stderr, "bvr serve: missing scenario FILE\nTry 'bvr serve --help'.\n");
    return 2;
  }
  const std::string file = vm["file"].as<std::string>();
  const bool json = vm.count("json") > 0;
  try {
    std::vector<Override> overrides;
    if (vm.count("set"))
      for (const auto& text : vm["set"].as<std::vector<std::string>>()) overrides.push_back(parse_override(text));
    const Scenario sc = load_scenario(file, overrides, false);
    if (!sc.workload.serving) {
      const std::string what = "the scenario serves nothing: add workload.serving (docs/serving.md)";
      throw InputError(fmt::format("{}: workload: {}", file, what), {file, 0, 0, "workload", "", what});
    }
    const std::string option_name = vm.count("option") ? vm["option"].as<std::string>() : "";
    bool found = option_name.empty();
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    const ServingWorkload& w = *sc.workload.serving;
    if (!json)
      fmt::print("{}: {} at {} (KV {}), {} input + {} output tokens, {}\n", sc.name,
                 w.model.name.empty() ? "the model" : w.model.name, to_string(w.precision), to_string(w.kv_precision),
                 w.input_tokens, w.output_tokens, to_string(w.mode));
    for (const Option& o : sc.options) {
      if (!option_name.empty() && o.name != option_name) continue;
      found = true;
      for (const Site& site : o.sites) {
        const SiteServing s = serve_on_site(sc, o, site, !vm.count("no-simulation"));
        if (json) list.push_back(site_json(s));
        else print_site(s, w);
      }
    }
    if (!found) {
      fmt::print(stderr, "bvr serve: no option named \"{}\" in {}\n", option_name, file);
      return 2;
    }
    if (json) fmt::print("{}\n", list.dump(2));
  } catch (const InputError& e) {
    fmt::print(stderr, "{}\n", e.what());
    if (json) fmt::print("{}\n", input_error_json(e, file).dump(2));
    return 2;
  }
  return 0;
}

}  // namespace bvr
