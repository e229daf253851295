#include "sim/validation.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>

#include "models/public_runs.h"
#include "scenario/load_serving.h"
#include "scenario/input_error.h"
#include "scenario/load.h"
#include "scenario/load_system.h"
#include "scenario/yaml_reader.h"
#include "sim/outcome.h"
#include "sim/replications.h"
#include "sim/results.h"

namespace bvr {

namespace {

// Days from the option's own start (construction start for a build, the scenario start for a
// lease) to the first day of the first replication's series where `reached` holds; -1 if never.
using DayPredicate = std::function<bool(const DailyRow&)>;

double first_day_from_start(const std::vector<DailyRow>& series, std::int64_t start_day, const DayPredicate& reached) {
  for (const auto& row : series)
    if (reached(row)) return static_cast<double>(row.day - start_day);
  return -1;
}

struct TimelineQuantity {
  std::string name;
  std::function<double(const std::vector<DailyRow>&, std::int64_t start_day, int nominal_gpus)> value;
};

// The public record states timelines ("122 days to 100k GPUs, 19 days from first rack to
// training"), which the series holds day by day.
const std::vector<TimelineQuantity>& timeline() {
  static const std::vector<TimelineQuantity> quantities = {
      {"days_to_all_gpus_installed",
       [](const auto& s, std::int64_t start, int gpus) {
         return first_day_from_start(s, start, [gpus](const DailyRow& r) { return r.gpus_installed >= gpus; });
       }},
      {"days_first_rack_to_training",
       [](const auto& s, std::int64_t start, int) {
         const double rack = first_day_from_start(s, start, [](const DailyRow& r) { return r.gpus_installed > 0; });
         const double train = first_day_from_start(s, start, [](const DailyRow& r) { return r.gpus_training > 0; });
         return rack < 0 || train < 0 ? -1.0 : train - rack;
       }},
  };
  return quantities;
}

const TimelineQuantity* find_timeline(const std::string& name) {
  for (const auto& q : timeline())
    if (q.name == name) return &q;
  return nullptr;
}

// A build's timeline counts from its construction start (its first site that builds).
std::int64_t option_start_day(const Scenario& s, const Option& o) {
  for (const Site& site : o.sites)
    if (site.build) return s.start_day + static_cast<std::int64_t>(site.build->construction_start_s / 86400);
  return s.start_day;
}

int nominal_gpus(const Option& o) {
  int gpus = 0;
  for (const Site& site : o.sites) gpus += site.nominal_gpus();
  return gpus;
}

std::vector<std::string> metric_names() {
  std::vector<std::string> names;
  for (std::size_t m = 0; m < metric_count; ++m) names.emplace_back(metric_name(static_cast<Metric>(m)));
  return names;
}

// The GPUs of the public runs, from the shipped system files.
const calibration::RunGpus& run_gpus() {
  static const calibration::RunGpus gpus{load_system_file(systems_dir() + "/a100-hgx.yaml").gpu,
                                         load_system_file(systems_dir() + "/h100-hgx.yaml").gpu};
  return gpus;
}

std::optional<calibration::PublicRun> find_public_run(const std::string& name) {
  for (const auto& r : calibration::public_runs(run_gpus()))
    if (r.name == name) return r;
  return std::nullopt;
}

// The step-time and memory models alone, on the run's published shape, batch, layout and network.
double public_run_quantity(const ValidationCase& c) {
  const calibration::PublicRun run = *find_public_run(c.public_run);
  const StepTime st = step_time(run.model, run.batch, run.plan, run.system);
  constexpr double gib = 1024.0 * 1024 * 1024;
  if (c.quantity == "mfu") return calibration::predicted_mfu(run);
  if (c.quantity == "model_tflops_per_gpu") return st.model_flop_per_s_per_gpu / 1e12;
  if (c.quantity == "step_time_s") return st.step_s;
  if (c.quantity == "activations_gib") return st.memory.activations_bytes / gib;
  if (c.quantity == "weights_gradients_optimizer_gib")
    return (st.memory.weights_bytes + st.memory.gradients_bytes + st.memory.optimizer_bytes) / gib;
  if (c.quantity == "loads") return fits_in_hbm(st.memory, run.system.gpu) ? 1 : 0;
  if (c.quantity == "step_time_vs_search_best") return calibration::published_vs_search_best(run);
  if (c.quantity == "gpu_hours_per_trillion_tokens") return run.plan.gpus() * st.step_s / run.batch.tokens() * 1e12 / 3600;
  return calibration::predicted_tflops_per_gpu(run);
}

// The serving model alone (closed-form collectives) at the case's target, or its best anywhere.
double serving_quantity(const ValidationCase& c) {
  const ServingCase& sc = *c.serving;
  const ServingWorkload& w = sc.workload;
  const GpuSpec& gpu = sc.system.gpu;
  const ServingSystem sys{SystemModel{gpu, plain_network(gpu, sc.system.domain_gpus, sc.system.nic_bytes_per_s)}, {}};
  const auto best = best_layout_at(w, sys, serving_layouts(w, sc.system.domain_gpus), w.target_tokens_per_s_per_user);
  if (!best) return 0;
  if (c.quantity == "decode_tokens_per_s_per_gpu") return best->batch / best->step_s / best->layout.gpus();
  return best->tokens_per_s_per_gpu;
}

// What a public-run case may compare.
const std::vector<std::string>& public_run_quantities() {
  static const std::vector<std::string> names{"tflops_per_gpu", "model_tflops_per_gpu", "mfu", "step_time_s",
                                              "activations_gib", "weights_gradients_optimizer_gib", "loads",
                                              "gpu_hours_per_trillion_tokens", "step_time_vs_search_best"};
  return names;
}

// nccl-tests' bus bandwidth of the closed-form collective, GB/s.
double collective_busbw(const CollectiveCase& c) {
  const NetworkModel net = system_network(c.system);
  const double t = collective_time_s(net, c.kind, c.bytes, c.gpus, 1);
  const double n = c.gpus;
  const double factor = c.kind == CommKind::AllReduce                                      ? 2 * (n - 1) / n
                        : c.kind == CommKind::SendRecv                                     ? 1
                                                                                           : (n - 1) / n;
  return t > 0 ? factor * c.bytes / t / 1e9 : 0;
}

ValidationResult compare(const ValidationCase& c, double predicted) {
  ValidationResult r{c};
  r.predicted = predicted;
  r.error = (predicted - c.published) / c.published;
  r.within = std::isfinite(r.error) && std::abs(r.error) <= c.tolerance;
  return r;
}

bool known_quantity(const std::string& name) {
  if (find_timeline(name)) return true;
  for (const auto& m : metric_names())
    if (m == name) return true;
  // Per-scenario names (cost categories, failure classes) are checked when the case runs.
  return name.starts_with("cost_") || name.starts_with("lost_gpu_hours_") || name.starts_with("interruptions_");
}

}  // namespace

const std::vector<std::string>& timeline_quantities() {
  static const std::vector<std::string> names = [] {
    std::vector<std::string> out;
    for (const auto& q : timeline()) out.push_back(q.name);
    return out;
  }();
  return names;
}

std::vector<ValidationCase> load_validation_cases(const std::string& file) {
  const YamlValue root = load_yaml_file(file);
  root.allow_keys({"cases"});
  const std::filesystem::path folder = std::filesystem::path(file).parent_path();
  std::vector<ValidationCase> cases;
  for (const YamlValue& item : root.at("cases").items(1)) {
    item.allow_keys({"name", "scenario", "option", "public_run", "serving", "collective", "quantity", "unit", "published",
                     "tolerance", "asserted", "role", "source", "note"});
    ValidationCase c;
    c.name = item.at("name").text();
    c.quantity = item.at("quantity").text();
    if (auto coll = item.find("collective")) {
      coll->allow_keys({"system", "kind", "gpus", "bytes"});
      CollectiveCase cc;
      const YamlValue sys = coll->at("system");
      const std::string path = systems_dir() + "/" + sys.text() + ".yaml";
      if (!std::filesystem::exists(path)) sys.fail(fmt::format("no system \"{}\" in {}", sys.text(), systems_dir()));
      cc.system = load_system_file(path);
      const std::string kind =
          coll->at("kind").choice({"all-reduce", "reduce-scatter", "all-gather", "all-to-all", "send-recv"});
      cc.kind = kind == "all-reduce"       ? CommKind::AllReduce
                : kind == "reduce-scatter" ? CommKind::ReduceScatter
                : kind == "all-gather"     ? CommKind::AllGather
                : kind == "all-to-all"     ? CommKind::AllToAll
                                           : CommKind::SendRecv;
      cc.gpus = coll->at("gpus").count(2, 10'000'000);
      cc.bytes = coll->at("bytes").positive(Dimension::Data);
      c.collective = cc;
      if (c.quantity != "busbw_gb_per_s") item.at("quantity").fail("a collective's quantity is busbw_gb_per_s");
    } else if (auto run = item.find("public_run")) {
      c.public_run = run->text();
      if (!find_public_run(c.public_run)) {
        std::vector<std::string> names;
        for (const auto& r : calibration::public_runs(run_gpus())) names.emplace_back(r.name);
        run->fail(fmt::format("unknown public run \"{}\"; expected one of: {}", c.public_run, fmt::join(names, ", ")));
      }
      const auto& allowed = public_run_quantities();
      if (std::find(allowed.begin(), allowed.end(), c.quantity) == allowed.end())
        item.at("quantity").fail(fmt::format("a public run's quantity is one of: {} (tflops_per_gpu and mfu counted "
                                             "as the run's paper counts them)",
                                             fmt::join(allowed, ", ")));
    } else if (auto serving = item.find("serving")) {
      // The workload's keys (workload.serving) and the system it ran on.
      ServingCase sc{load_serving(*serving, 0, true), load_system_ref(serving->at("system"), file)};
      c.serving = sc;
      if (c.quantity != "tokens_per_s_per_gpu" && c.quantity != "decode_tokens_per_s_per_gpu")
        item.at("quantity").fail("a serving case's quantity is tokens_per_s_per_gpu (every GPU, a prefill pool too) or "
                                 "decode_tokens_per_s_per_gpu (the decode GPUs alone)");
      if (!best_layout_at(sc.workload,
                          ServingSystem{SystemModel{sc.system.gpu, plain_network(sc.system.gpu, sc.system.domain_gpus,
                                                                                  sc.system.nic_bytes_per_s)}, {}},
                          serving_layouts(sc.workload, sc.system.domain_gpus), sc.workload.target_tokens_per_s_per_user))
        serving->fail(fmt::format("the model does not fit, or no layout reaches the target, on {}", sc.system.name));
    } else {
      c.scenario_file = (folder / item.at("scenario").text()).lexically_normal().string();
      c.option = item.at("option").text();
    }
    if (c.public_run.empty() && !c.serving && !c.collective && !known_quantity(c.quantity))
      item.at("quantity").fail(fmt::format("unknown quantity \"{}\"; expected a results.json metric ({}, cost_<category>_usd, "
                                           "lost_gpu_hours_<cause>, interruptions_<class>) or one of: {}",
                                           c.quantity, fmt::join(metric_names(), ", "), fmt::join(timeline_quantities(), ", ")));
    c.unit = item.at("unit").text();
    c.published = item.at("published").positive(Dimension::Count);
    c.tolerance = item.at("tolerance").fraction(0.0, 1.0);
    if (auto a = item.find("asserted")) c.asserted = a->choice({"true", "false"}) == "true";
    c.role = item.at("role").choice({"calibration", "held-out"});
    c.source = item.at("source").text();
    if (auto n = item.find("note")) c.note = n->text();
    for (const auto& earlier : cases)
      if (earlier.name == c.name) item.at("name").fail(fmt::format("case \"{}\" is defined twice", c.name));
    cases.push_back(std::move(c));
  }
  return cases;
}

std::vector<ValidationResult> run_validation(const std::vector<ValidationCase>& cases, int jobs) {
  // One run per scenario file, holding only the options some case compares.
  std::map<std::string, Results> runs;
  std::map<std::string, Scenario> scenarios;
  for (const auto& c : cases) {
    if (!c.public_run.empty() || c.serving || c.collective || runs.count(c.scenario_file)) continue;
    Scenario s = load_scenario(c.scenario_file, {}, false);
    std::vector<std::string> wanted;
    for (const auto& other : cases)
      if (other.public_run.empty() && !other.serving && !other.collective && other.scenario_file == c.scenario_file)
        wanted.push_back(other.option);
    for (const auto& name : wanted)
      if (std::none_of(s.options.begin(), s.options.end(), [&](const Option& o) { return o.name == name; }))
        throw InputError(fmt::format("{}: validation case \"{}\" names option \"{}\", which the scenario does not have",
                                     c.scenario_file, c.name, name));
    std::erase_if(s.options, [&](const Option& o) { return std::find(wanted.begin(), wanted.end(), o.name) == wanted.end(); });
    const auto outcomes = run_replications(s, jobs);
    runs.emplace(c.scenario_file, make_results(s, outcomes));
    scenarios.emplace(c.scenario_file, std::move(s));
  }

  std::vector<ValidationResult> out;
  for (const auto& c : cases) {
    if (!c.public_run.empty()) {
      out.push_back(compare(c, public_run_quantity(c)));
      continue;
    }
    if (c.serving) {
      out.push_back(compare(c, serving_quantity(c)));
      continue;
    }
    if (c.collective) {
      out.push_back(compare(c, collective_busbw(*c.collective)));
      continue;
    }
    const Results& results = runs.at(c.scenario_file);
    const Scenario& s = scenarios.at(c.scenario_file);
    const auto option = std::find_if(s.options.begin(), s.options.end(), [&](const Option& o) { return o.name == c.option; });
    const auto& result = results.options[static_cast<std::size_t>(option - s.options.begin())];
    double predicted = 0;
    if (const TimelineQuantity* q = find_timeline(c.quantity)) {
      predicted = q->value(result.series, option_start_day(s, *option), nominal_gpus(*option));
    } else {
      const auto metric = std::find_if(result.metrics.begin(), result.metrics.end(),
                                       [&](const NamedSummary& m) { return m.name == c.quantity; });
      if (metric == result.metrics.end())
        throw InputError(fmt::format("validation case \"{}\": option \"{}\" of {} has no metric \"{}\"", c.name, c.option,
                                     c.scenario_file, c.quantity));
      predicted = metric->summary.mean;
    }
    out.push_back(compare(c, predicted));
  }
  return out;
}

}  // namespace bvr
