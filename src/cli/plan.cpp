#include "cli/plan.h"

#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <algorithm>
#include <optional>

#include <nlohmann/json.hpp>

#include "cli/error_json.h"
#include "models/plan_search.h"
#include "scenario/input_error.h"
#include "scenario/load.h"
#include "scenario/load_system.h"
#include "scenario/yaml_reader.h"

namespace bvr {

namespace {

constexpr const char* usage =
    "Usage: bvr plan FILE [--gpus N] [--top K] [--run NAME] [--option NAME] [--system NAME|PATH]\n"
    "                [--layout tp=8,pp=16,...] [--search] [--json] [--set key.path=value]...\n"
    "\n"
    "Searches the parallel layouts (TP and EP inside the NVLink domain, PP, CP, micro-batch,\n"
    "schedule, sharding, recompute; recompute and precision where the scenario's workload fixes\n"
    "them) of each training run and prints the K best (default 5: by step time, then memory\n"
    "headroom) with their step-time breakdown, memory per GPU and MFU. When the workload fixes\n"
    "its layout (workload.parallelism), or --layout gives one, that layout is evaluated instead. It plans on every site of every option (--option: that option's sites): the\n"
    "site's system and fabric (without a fabric, a non-blocking network at the system's NIC speed),\n"
    "on N GPUs (default: the site's job size, workload.max_job_gpus or a lease's commitment).\n"
    "--system plans on a system of the library (bvr systems) or a system file instead.\n"
    "Communication is in closed form here; `bvr run` refines the chosen layout's scale-out\n"
    "collectives on the simulated fabric.\n"
    "\n"
    "Options:\n"
    "  --gpus N             plan on N GPUs instead of the site's job size\n"
    "  --top K              the K fastest layouts (default 5)\n"
    "  --run NAME           only this training run\n"
    "  --option NAME        only this option's sites\n"
    "  --system NAME|PATH   plan on a system of the library or a system file instead of the sites\n"
    "  --layout L           evaluate this layout: key=value pairs as in workload.parallelism\n"
    "                       (tp, pp, cp, ep, microbatch, schedule, virtual_stages, sharding);\n"
    "                       DP is what the GPUs leave\n"
    "  --search             search even when the workload fixes its layout\n"
    "  --json               print the plans as JSON (per run and site: each layout's parallelism,\n"
    "                       schedule, step time and its breakdown, tokens/s, MFU, memory per GPU)\n"
    "  --set key.path=value override a scenario value (repeatable)\n"
    "  -h, --help           show this help\n"
    "\n"
    "Example:\n"
    "  bvr plan scenarios/xai-oracle-2024.yaml --top 3\n"
    "  bvr plan scenarios/xai-oracle-2024.yaml --layout tp=8,pp=8,ep=8,microbatch=1\n";

constexpr double gib = 1024.0 * 1024 * 1024;

int bad_usage(const std::string& what) {
  std::fprintf(stderr, "bvr plan: %s\n%s", what.c_str(), usage);
  return 2;
}

std::optional<int> positive_int(const std::string& text) {
  try {
    std::size_t used = 0;
    const long v = std::stol(text, &used);
    if (used != text.size() || v < 1 || v > 100'000'000) return std::nullopt;
    return static_cast<int>(v);
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

void print_step(int rank, const StepTime& st) {
  const ParallelPlan& p = st.plan;
  const StepBreakdown& b = st.breakdown;
  std::printf("%2d. TP%d PP%d DP%d CP%d EP%d mb%d %s%s %s %s %s: %d GPUs\n", rank, p.tp, p.pp, p.dp, p.cp, p.ep,
              p.microbatch, to_string(p.schedule),
              p.schedule == PipelineSchedule::Interleaved ? fmt::format("x{}", p.virtual_stages).c_str() : "",
              to_string(p.sharding), to_string(p.recompute), to_string(p.precision), p.gpus());
  std::printf("    step %.3f s = compute %.3f + TP %.3f + PP %.3f + DP %.3f + CP %.3f + EP %.3f + bubble %.3f\n",
              st.step_s, b.compute_s, b.tp_comm_s, b.pp_comm_s, b.dp_comm_s, b.cp_comm_s, b.ep_comm_s, b.bubble_s);
  std::printf("    %.3g tokens/s, %.0f TFLOP/s per GPU (model FLOPs), MFU %.1f %%\n", st.tokens_per_s,
              st.model_flop_per_s_per_gpu / 1e12, 100 * st.mfu);
  const MemoryPerGpu& m = st.memory;
  std::printf("    memory %.1f of %.0f GiB%s: weights %.1f, gradients %.1f, optimizer %.1f, activations %.1f, "
              "context/buffers/fragmentation %.1f (pipeline stage %d)\n",
              m.total_bytes() / gib, st.hbm_bytes / gib, m.total_bytes() > st.hbm_bytes ? " (DOES NOT FIT)" : "",
              m.weights_bytes / gib, m.gradients_bytes / gib, m.optimizer_bytes / gib, m.activations_bytes / gib,
              m.overhead_bytes / gib, m.stage);
}

nlohmann::ordered_json step_json(int rank, const StepTime& st) {
  const ParallelPlan& p = st.plan;
  const StepBreakdown& b = st.breakdown;
  const MemoryPerGpu& m = st.memory;
  return {{"rank", rank},
          {"tp", p.tp},
          {"pp", p.pp},
          {"dp", p.dp},
          {"cp", p.cp},
          {"ep", p.ep},
          {"microbatch", p.microbatch},
          {"schedule", to_string(p.schedule)},
          {"virtual_stages", p.schedule == PipelineSchedule::Interleaved ? p.virtual_stages : 1},
          {"sharding", to_string(p.sharding)},
          {"recompute", to_string(p.recompute)},
          {"precision", to_string(p.precision)},
          {"gpus", p.gpus()},
          {"step_s", st.step_s},
          {"breakdown_s",
           {{"compute", b.compute_s},
            {"tp_comm", b.tp_comm_s},
            {"pp_comm", b.pp_comm_s},
            {"dp_comm", b.dp_comm_s},
            {"cp_comm", b.cp_comm_s},
            {"ep_comm", b.ep_comm_s},
            {"bubble", b.bubble_s}}},
          {"tokens_per_s", st.tokens_per_s},
          {"model_tflop_per_s_per_gpu", st.model_flop_per_s_per_gpu / 1e12},
          {"mfu", st.mfu},
          {"memory_per_gpu_bytes",
           {{"total", m.total_bytes()},
            {"weights", m.weights_bytes},
            {"gradients", m.gradients_bytes},
            {"optimizer", m.optimizer_bytes},
            {"activations", m.activations_bytes},
            {"overhead", m.overhead_bytes},
            {"hbm", st.hbm_bytes}}},
          {"pipeline_stage", m.stage},
          {"fits", m.total_bytes() <= st.hbm_bytes}};
}

}  // namespace

int command_plan(const std::vector<std::string>& args) {
  std::string file, run_name, option_name, system_name, layout_text;
  std::optional<int> gpus;
  bool force_search = false;
  int top = 5;
  bool json = false;
  std::vector<Override> overrides;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    auto value = [&]() -> std::optional<std::string> {
      if (i + 1 >= args.size()) return std::nullopt;
      return args[++i];
    };
    if (a == "-h" || a == "--help") {
      std::printf("%s", usage);
      return 0;
    }
    if (a == "--gpus" || a == "--top") {
      const auto v = value();
      const auto n = v ? positive_int(*v) : std::nullopt;
      if (!n) return bad_usage(fmt::format("{} needs a whole number from 1 to 100000000{}", a, v ? ", got \"" + *v + "\"" : ""));
      if (a == "--gpus") gpus = n;
      else top = *n;
    } else if (a == "--run" || a == "--option" || a == "--system") {
      const auto v = value();
      if (!v) return bad_usage(a + " needs a name");
      (a == "--run" ? run_name : a == "--option" ? option_name : system_name) = *v;
    } else if (a == "--layout") {
      const auto v = value();
      if (!v) return bad_usage("--layout needs key=value pairs, e.g. tp=8,pp=16,microbatch=1");
      layout_text = *v;
    } else if (a == "--search") {
      force_search = true;
    } else if (a == "--json") {
      json = true;
    } else if (a == "--set") {
      const auto v = value();
      if (!v) return bad_usage("--set needs key.path=value");
      try {
        overrides.push_back(parse_override(*v));
      } catch (const InputError& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 2;
      }
    } else if (!a.starts_with("-") && file.empty()) {
      file = a;
    } else {
      return bad_usage(fmt::format("unexpected argument \"{}\"", a));
    }
  }
  if (file.empty()) return bad_usage("missing FILE");
  if (force_search && !layout_text.empty()) return bad_usage("--layout and --search exclude each other");
  try {
    std::optional<ParallelPlan> layout;
    if (!layout_text.empty()) layout = parse_layout(layout_text, "--layout");
    const Scenario sc = load_scenario(file, overrides, false);
    for (const auto& w : sc.warnings) std::fprintf(stderr, "%s\n", format_warning(w).c_str());
    // A given layout: --layout, or the workload's own unless --search.
    if (!layout && !force_search && sc.workload.parallelism) layout = *sc.workload.parallelism;
    if (layout) {
      layout->precision = sc.workload.precision;
      layout->tp_comm_overlap = sc.workload.tp_overlap, layout->ep_comm_overlap = sc.workload.ep_overlap;
    }
    // Where to plan: each site (of --option), or the --system given.
    struct Target {
      std::string label;
      SystemModel system;
      int gpus = 0;
    };
    std::vector<Target> targets;
    if (!system_name.empty()) {
      const YamlValue ref = parse_yaml(system_name, "--system");
      const SystemSpec system = load_system_ref(ref, file);
      targets.push_back({fmt::format("system {}, non-blocking {:.0f} Gb/s per GPU", system.name,
                                     system.nic_bytes_per_s * 8 / 1e9),
                         SystemModel{system.gpu, system_network(system)},
                         sc.workload.max_job_gpus});
    } else {
      bool found_option = option_name.empty();
      for (const Option& o : sc.options) {
        if (!option_name.empty() && o.name != option_name) continue;
        found_option = true;
        for (const Site& site : o.sites) {
          const std::string where = site.name.empty() ? o.name : o.name + "/" + site.name;
          int site_gpus = std::min(site.lease ? site.lease->max_gpus : sc.workload.max_job_gpus, sc.workload.max_job_gpus);
          SystemModel sys{site.system.gpu, system_network(site.system)};
          std::string network = fmt::format("non-blocking {:.0f} Gb/s per GPU", site.system.nic_bytes_per_s * 8 / 1e9);
          if (site.fabric) {
            sys.network = system_network(site.system, *site.fabric);
            network = fmt::format("fabric {}", site.fabric->name);
            site_gpus = std::min(site_gpus, site.fabric->gpus);
          }
          targets.push_back({fmt::format("{} ({}, {})", where, site.system.name, network), sys, site_gpus});
        }
      }
      if (!found_option) return bad_usage(fmt::format("no option named \"{}\" in {}", option_name, file));
    }
    bool found_run = run_name.empty();
    nlohmann::ordered_json plans = nlohmann::ordered_json::array();
    for (const Target& target : targets) {
      const int n = gpus.value_or(target.gpus);
      for (const TrainingRun& run : sc.workload.runs) {
        if (!run_name.empty() && run.name != run_name) continue;
        found_run = true;
        const auto start = std::chrono::steady_clock::now();
        SearchResult r;
        if (layout) {
          const auto st = evaluate_layout(*run.model, run.batch, *layout, n, target.system, sc.workload.recompute);
          if (!st) {
            ParallelPlan p = *layout;
            const auto sized = resize_plan(p, n, target.system.network.nvlink_domain_gpus);
            const std::string why = !sized ? fmt::format("{} GPUs cannot hold one replica", n)
                                           : plan_problem(*run.model, run.batch, *sized).value_or("invalid");
            const std::string what = fmt::format("run \"{}\": the layout {} cannot run on {} GPUs of {}: {}", run.name,
                                                 layout_text.empty() ? "of workload.parallelism" : layout_text, n,
                                                 target.label, why);
            throw InputError(fmt::format("{}: {}", layout_text.empty() ? file : "--layout", what),
                             {layout_text.empty() ? file : "--layout", 0, 0, "", "", what});
          }
          r.best.push_back(*st);
          r.evaluated = r.valid = 1;
        } else {
          r = search_plans(*run.model, run.batch, n, target.system, search_space(sc.workload), top);
        }
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        if (r.best.empty()) {
          const std::string what = fmt::format("run \"{}\": no parallel layout fits in {:.0f} GiB of HBM on {} GPUs of {}",
                                               run.name, target.system.gpu.hbm_bytes / gib, n, target.label);
          throw InputError(fmt::format("{}: {}", file, what), {file, 0, 0, "", "", what});
        }
        if (json) {
          nlohmann::ordered_json layouts = nlohmann::ordered_json::array();
          for (std::size_t i = 0; i < r.best.size(); ++i) layouts.push_back(step_json(static_cast<int>(i + 1), r.best[i]));
          plans.push_back({{"run", run.name},
                           {"where", target.label},
                           {"parameters", run.model->total_params()},
                           {"active_parameters", run.model->active_params()},
                           {"global_batch_seqs", run.batch.global_batch_seqs},
                           {"seq_len", run.batch.seq_len},
                           {"gpus", n},
                           {"valid_layouts", r.valid},
                           {"given_layout", layout.has_value()},
                           {"layouts", layouts}});
          continue;
        }
        std::printf("%s: %.3g parameters (%.3g active), %s on %d GPUs of %s\n", run.name.c_str(),
                    run.model->total_params(), run.model->active_params(),
                    fmt::format("{} x {} tokens per step", run.batch.global_batch_seqs, run.batch.seq_len).c_str(), n,
                    target.label.c_str());
        if (layout)
          std::printf("  the layout %s, evaluated\n",
                      layout_text.empty() ? "of workload.parallelism (--search searches instead)" : layout_text.c_str());
        else
          std::printf("  %ld valid layouts that fit, searched in %.0f ms\n", r.valid, ms);
        for (std::size_t i = 0; i < r.best.size(); ++i) print_step(static_cast<int>(i + 1), r.best[i]);
      }
    }
    if (!found_run) return bad_usage(fmt::format("no training run named \"{}\" in {}", run_name, file));
    if (json) {
      const nlohmann::ordered_json out = {{"file", file}, {"ok", true}, {"plans", plans}};
      std::printf("%s\n", out.dump(2).c_str());
    }
  } catch (const InputError& e) {
    std::fprintf(stderr, "%s\n", e.what());
    if (json) std::printf("%s\n", input_error_json(e, file).dump(2).c_str());
    return 2;
  }
  return 0;
}

}  // namespace bvr
