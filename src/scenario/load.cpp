#include "scenario/load.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cctype>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>

#include "models/facility.h"
#include "models/lease_contract.h"
#include "models/plan_search.h"
#include "models/step_time.h"
#include "scenario/bounds.h"
#include "scenario/input_error.h"
#include "scenario/load_fabric.h"
#include "scenario/load_market.h"
#include "scenario/load_serving.h"
#include "scenario/plain_name.h"
#include "scenario/sourced_ranges.h"
#include "scenario/load_system.h"
#include "scenario/suggest.h"
#include "scenario/yaml_reader.h"

namespace bvr {

namespace {

constexpr int max_gpus = 10'000'000;
constexpr double gib = 1024.0 * 1024 * 1024;  // far beyond any cluster announced; catches typos like 1e9

// Dates become seconds since the scenario start: the simulation clock. A dated event at or after
// the horizon never happens in the simulated time: a warning (scenario/input_warning.h).
struct Clock {
  std::int64_t start_day;
  double horizon_s = std::numeric_limits<double>::infinity();
  double at(const YamlValue& v) const {
    const double t = static_cast<double>(v.date() - start_day) * seconds_per_day;
    if (t >= horizon_s)
      v.warn(fmt::format("{} is at or after the horizon ({}): it never happens within the simulated time", v.text(),
                         format_date(start_day + static_cast<std::int64_t>(horizon_s / seconds_per_day))));
    return t;
  }
};

// Fails on the key a "key: reason" problem names (models' *_problem functions), else on `v`.
[[noreturn]] void fail_problem(const YamlValue& v, const std::string& problem) {
  const auto colon = problem.find(": ");
  if (colon != std::string::npos)
    if (auto key = v.node().IsMap() ? v.find(problem.substr(0, colon)) : std::nullopt)
      key->fail(problem.substr(colon + 2));
  v.fail(problem);
}

bool load_flag(const YamlValue& v) {
  const std::string t = v.choice({"true", "false", "yes", "no"});
  return t == "true" || t == "yes";
}

TransformerModel load_model(const YamlValue& v) {
  v.allow_keys({"layers", "hidden", "ffn", "heads", "kv_heads", "vocab", "experts", "experts_per_token", "gated_ffn",
                "tied_embeddings", "dropout", "max_nodes_per_token"});
  TransformerModel m;
  m.layers = v.at("layers").count(1, 10'000);
  m.hidden = v.at("hidden").count(1, 1'000'000);
  m.ffn = v.at("ffn").count(1, 10'000'000);
  m.heads = v.at("heads").count(1, 100'000);
  m.kv_heads = v.find("kv_heads") ? v.at("kv_heads").count(1, 100'000) : m.heads;
  m.vocab = v.at("vocab").count(1, 100'000'000);
  if (auto e = v.find("experts")) m.experts = e->count(1, 100'000);
  if (auto k = v.find("experts_per_token")) m.experts_per_token = k->count(1, 100'000);
  if (auto g = v.find("gated_ffn")) m.gated_ffn = load_flag(*g);
  if (auto t = v.find("tied_embeddings")) m.tied_embeddings = load_flag(*t);
  if (auto d = v.find("dropout")) m.dropout = load_flag(*d);
  if (auto n = v.find("max_nodes_per_token")) m.max_nodes_per_token = n->count(1, 100'000);
  if (auto problem = model_problem(m)) fail_problem(v, *problem);
  return m;
}

// A recompute mode, or "search" (nothing: the plan search tries all three).
std::optional<Recompute> load_recompute(const YamlValue& v) {
  const std::string r = v.choice({"none", "selective", "full", "search"});
  if (r == "search") return std::nullopt;
  return r == "none" ? Recompute::None : r == "full" ? Recompute::Full : Recompute::Selective;
}

Sharding load_sharding(const YamlValue& v) {
  const std::string r = v.choice({"none", "zero1", "zero2", "fsdp"});
  return r == "none"    ? Sharding::None
         : r == "fsdp"  ? Sharding::Fsdp
         : r == "zero2" ? Sharding::Zero2
                        : Sharding::Zero1;
}

// "search", or an explicit layout without DP (DP is what the job's GPU count leaves).
std::optional<ParallelPlan> load_parallelism(const YamlValue& v) {
  if (!v.node().IsMap()) {
    v.choice({"search"});
    return std::nullopt;
  }
  v.allow_keys({"tp", "pp", "cp", "ep", "microbatch", "schedule", "virtual_stages", "sharding"});
  ParallelPlan p;
  p.tp = v.at("tp").count(1, 1024);
  p.pp = v.at("pp").count(1, 10'000);
  if (auto cp = v.find("cp")) p.cp = cp->count(1, 1024);
  if (auto ep = v.find("ep")) p.ep = ep->count(1, 100'000);
  p.microbatch = v.at("microbatch").count(1, 100'000);
  if (auto sched = v.find("schedule"))
    p.schedule = sched->choice({"1f1b", "interleaved"}) == "interleaved" ? PipelineSchedule::Interleaved
                                                                           : PipelineSchedule::OneFOneB;
  if (auto vs = v.find("virtual_stages")) p.virtual_stages = vs->count(1, 1024);
  if (auto sh = v.find("sharding")) p.sharding = load_sharding(*sh);
  // One replica must fit in a cluster (and GPU counts in an int).
  const double replica = static_cast<double>(p.tp) * p.pp * p.cp * p.ep;
  if (replica > max_gpus)
    v.fail(fmt::format("tp x pp x cp x ep = {:.0f} GPUs is more than any cluster ({})", replica, max_gpus));
  return p;
}

// The layout and its memory at the full job size, checked against HBM on a site's system (plain
// network: the search in the campaign may pick differently per site's fabric, never an invalid
// layout). `where` names the site in messages.
void check_run_fits(const YamlValue& workload, const YamlValue& run_v, const Workload& w, const TrainingRun& run,
                    const SystemSpec& system, const YamlValue& site_v, const std::string& where) {
  const GpuSpec& gpu = system.gpu;
  const SystemModel sys{gpu, system_network(system)};
  if (peak_flop_per_s(gpu, w.precision) <= 0) {
    std::string precision = to_string(w.precision);
    std::transform(precision.begin(), precision.end(), precision.begin(), [](unsigned char c) { return std::toupper(c); });
    workload.at("precision").fail(
        fmt::format("the {} of {} ({}) has no {} tensor cores", gpu.name, where, system.name, precision));
  }
  const std::string on = fmt::format("{} GPUs ({}) of {}", system.name, gpu.name, where);
  if (!w.parallelism) {
    if (!any_layout_fits(*run.model, run.batch, w.max_job_gpus, sys, search_space(w)))
      run_v.at("model").fail(fmt::format(
          "no parallel layout of this model fits in {:.0f} GiB of HBM on {} {} (max_job_gpus) with recompute {}",
          gpu.hbm_bytes / gib, w.max_job_gpus, on, w.recompute ? to_string(*w.recompute) : "searched"));
    return;
  }
  const YamlValue par = workload.at("parallelism");
  ParallelPlan p = *w.parallelism;
  p.recompute = w.recompute.value_or(Recompute::Full);  // searched: the mode that needs the least
  p.precision = w.precision;
  p.tp_comm_overlap = w.tp_overlap, p.ep_comm_overlap = w.ep_overlap;
  if (static_cast<long>(p.model_parallel_gpus()) * p.ep / std::gcd(p.ep, p.cp) > w.min_job_gpus)
    workload.at("min_job_gpus").fail(fmt::format(
        "{} GPUs cannot hold one replica of the layout (tp {} x pp {} x cp {}, with ep {} carved out of dp x cp)",
        w.min_job_gpus, p.tp, p.pp, p.cp, p.ep));
  if (p.tp > system.domain_gpus)
    par.at("tp").fail(fmt::format("tensor parallelism must stay inside the NVLink domain: tp {} > {} GPUs per domain "
                                  "of {}", p.tp, system.domain_gpus, on));
  const auto sized = resize_plan(p, w.max_job_gpus, system.domain_gpus);
  if (!sized) par.fail(fmt::format("max_job_gpus {} cannot hold one replica of the layout", w.max_job_gpus));
  if (auto problem = plan_problem(*run.model, run.batch, *sized))
    fail_problem(par, fmt::format("{} (run \"{}\")", *problem, run.name));
  const MemoryPerGpu mem = memory_per_gpu(*run.model, run.batch, *sized);
  if (!fits_in_hbm(mem, gpu))
    par.fail(fmt::format("run \"{}\" needs {:.1f} GiB per GPU on pipeline stage {} (weights {:.1f}, gradients {:.1f}, "
                         "optimizer {:.1f}, activations {:.1f}, context, buffers and fragmentation {:.1f}) but {} have "
                         "{:.0f} GiB; shard more, recompute more or use more pipeline/tensor parallelism",
                         run.name, mem.total_bytes() / gib, mem.stage, mem.weights_bytes / gib, mem.gradients_bytes / gib,
                         mem.optimizer_bytes / gib, mem.activations_bytes / gib, mem.overhead_bytes / gib, on,
                         gpu.hbm_bytes / gib));
  (void)site_v;
}

Workload load_workload(const YamlValue& v) {
  v.allow_keys({"parallelism", "recompute", "precision", "tp_overlap", "ep_overlap", "max_job_gpus", "min_job_gpus",
                "resize_step", "runs", "serving"});
  Workload w;
  // A workload that only serves (docs/serving.md, "Serving only") has no runs: the training keys
  // are then optional, and the job's size limits default to no limit. load_scenario() checks
  // that it serves a demand.
  const bool trains = v.find_set("runs").has_value() || !v.find_set("serving");
  auto key = [&](std::string_view name) { return trains ? std::optional<YamlValue>(v.at(name)) : v.find_set(name); };
  if (auto p = key("parallelism")) w.parallelism = load_parallelism(*p);
  if (w.parallelism) w.sharding = w.parallelism->sharding;
  if (auto r = key("recompute")) w.recompute = load_recompute(*r);
  if (auto o = v.find("tp_overlap")) w.tp_overlap = load_flag(*o);
  if (auto o = v.find("ep_overlap")) w.ep_overlap = load_flag(*o);
  if (auto p = key("precision")) {
    const std::string precision = p->choice({"bf16", "fp8", "fp4"});
    w.precision = precision == "fp4" ? Precision::Fp4 : precision == "fp8" ? Precision::Fp8 : Precision::Bf16;
  }
  w.max_job_gpus = max_gpus;
  w.min_job_gpus = 1;
  if (auto m = key("max_job_gpus")) w.max_job_gpus = m->count(1, max_gpus);
  if (auto min_gpus = key("min_job_gpus")) {
    w.min_job_gpus = min_gpus->count(1, max_gpus);
    if (w.min_job_gpus > w.max_job_gpus)
      min_gpus->fail(fmt::format("must not exceed max_job_gpus ({})", w.max_job_gpus));
  }
  if (auto r = key("resize_step")) w.resize_step = r->fraction(0.0, 10.0);
  if (!trains) return w;
  for (const YamlValue& item : v.at("runs").items(1)) {
    item.allow_keys({"name", "model", "compute", "tokens", "sequence_length", "global_batch_tokens"});
    TrainingRun run;
    run.name = item.at("name").text();
    run.model = load_model(item.at("model"));
    run.parameters = run.model->total_params();
    run.batch.seq_len = item.at("sequence_length").count(1, 100'000'000);
    const YamlValue batch = item.at("global_batch_tokens");
    const double batch_tokens = batch.positive(Dimension::Count);
    const double seqs = std::floor(batch_tokens / run.batch.seq_len);
    if (seqs < 1 || seqs * run.batch.seq_len != batch_tokens)
      batch.fail(fmt::format("expected a whole number of sequences of {} tokens, got {}", run.batch.seq_len,
                             batch.text()));
    if (seqs > 1e9) batch.fail("expected at most 1e9 sequences per step");
    run.batch.global_batch_seqs = static_cast<long>(seqs);
    // The run's size: model FLOPs, or tokens (converted with the model's FLOPs per token).
    auto compute = item.find("compute"), tokens = item.find("tokens");
    if (compute && compute->node().IsNull()) compute.reset();  // --set workload.runs.N.compute=~
    if (tokens && tokens->node().IsNull()) tokens.reset();
    if (compute && tokens) tokens->fail("give either compute or tokens, not both");
    const double per_token = model_flop_per_token(*run.model, run.batch.seq_len);
    if (tokens) run.compute_flop = tokens->positive(Dimension::Count) * per_token;
    else if (compute) run.compute_flop = compute->positive(Dimension::Compute);
    else item.fail("missing key \"compute\" (or \"tokens\")");
    w.runs.push_back(run);
  }
  return w;
}

CheckpointPolicy load_checkpoint(const YamlValue& v) {
  v.allow_keys({"interval", "bytes_per_parameter", "blocking_overhead", "host_copy_bandwidth",
                "storage_write_bandwidth", "storage_read_bandwidth"});
  CheckpointPolicy p;
  // "young" or "daly" ask for that optimum at the current job size; a duration fixes it.
  const YamlValue interval = v.at("interval");
  const std::string rule = interval.text();
  if (rule == "young") {
    p.rule = CheckpointIntervalRule::Young;
  } else if (rule == "daly") {
    p.rule = CheckpointIntervalRule::Daly;
  } else {
    p.rule = CheckpointIntervalRule::Fixed;
    p.fixed_interval_s = interval.positive(Dimension::Duration);
  }
  p.bytes_per_parameter = v.at("bytes_per_parameter").positive(Dimension::Count);
  p.blocking_overhead_s = v.at("blocking_overhead").non_negative(Dimension::Duration);
  constexpr double bits_per_byte = 8;  // bandwidths are read in bit/s, used in bytes/s
  p.host_copy_bytes_per_s_per_gpu = v.at("host_copy_bandwidth").positive(Dimension::Bandwidth) / bits_per_byte;
  p.storage_write_bytes_per_s = v.at("storage_write_bandwidth").positive(Dimension::Bandwidth) / bits_per_byte;
  p.storage_read_bytes_per_s = v.at("storage_read_bandwidth").positive(Dimension::Bandwidth) / bits_per_byte;
  return p;
}

// Fleets as fleets see them (models/fleet.h): all optional; without them nodes are alike, every
// repair works, nothing is retired, nothing straggles.
void load_fleet(const YamlValue& v, ReliabilityPolicy& r) {
  FleetPolicy& f = r.fleet;
  if (auto bad = v.find_set("bad_nodes")) {
    f.bad_nodes = load_bad_nodes(*bad);
    r.bad_nodes_given = true;
  }
  if (auto repairs = v.find_set("repairs")) {
    repairs->allow_keys({"ladder", "misdiagnosis"});
    for (const YamlValue& item : repairs->at("ladder").items(1)) {
      item.allow_keys({"step", "duration", "success"});
      // repairs_<step> is a results.json metric: it must not be repairs_misdiagnosed, nor listed twice.
      const std::string step = item.at("step").text();
      if (step == "misdiagnosed")
        item.at("step").fail("\"misdiagnosed\" is taken: repairs_misdiagnosed counts the wrong repairs; name the rung otherwise");
      for (const RepairStep& earlier : f.repairs.ladder)
        if (earlier.name == step) item.at("step").fail(fmt::format("rung \"{}\" is listed twice", step));
      f.repairs.ladder.push_back(RepairStep{item.at("step").text(), item.at("duration").non_negative(Dimension::Duration),
                                            item.at("success").fraction(0.0, 1.0)});
    }
    if (auto mis = repairs->find_set("misdiagnosis")) f.repairs.misdiagnosis = mis->fraction(0.0, 1.0);
  }
  if (auto retire = v.find_set("retirement")) {
    retire->allow_keys({"failures", "window", "replacement_lead_time"});
    f.retirement.failures = retire->at("failures").count(1, 1000);
    f.retirement.window_s = retire->at("window").positive(Dimension::Duration);
    f.retirement.replacement_lead_s = retire->at("replacement_lead_time").non_negative(Dimension::Duration);
  }
  if (auto cold = v.find_set("cold_spares")) {
    cold->allow_keys({"nodes", "swap_time"});
    f.cold_spares = cold->at("nodes").count(0, 1'000'000);
    f.swap_s = cold->at("swap_time").non_negative(Dimension::Duration);
  }
  if (auto stragglers = v.find_set("stragglers")) {
    std::vector<std::string> names;
    for (const YamlValue& item : stragglers->items()) {
      item.allow_keys({"name", "rate", "slowdown", "detection", "repair_time"});
      StragglerClass c{item.at("name").text(), item.at("rate").non_negative(Dimension::RatePerNodeTime),
                       item.at("slowdown").fraction(0.0, 0.99), item.at("detection").non_negative(Dimension::Duration),
                       item.at("repair_time").non_negative(Dimension::Duration)};
      if (std::find(names.begin(), names.end(), c.name) != names.end())
        item.at("name").fail(fmt::format("straggler class \"{}\" is listed twice", c.name));
      names.push_back(c.name);
      f.stragglers.push_back(c);
    }
  }
  if (auto classes = v.find_set("failure_classes"))
    for (std::size_t i = 0; i < r.classes.size(); ++i)
      if (r.classes[i].ladder_repair && f.repairs.ladder.empty())
        classes->items()[i].at("repair_time").fail("\"ladder\" needs reliability.repairs.ladder");
}

ReliabilityPolicy load_reliability(const YamlValue& v) {
  v.allow_keys({"failure_classes", "restart_time", "planned_maintenance", "spare_servers", "when_out_of_spares",
                "checkpoint", "bad_nodes", "repairs", "retirement", "cold_spares", "stragglers"});
  ReliabilityPolicy r;
  // Optional: without it, each site runs with its system's classes (or its own).
  if (auto classes = v.find("failure_classes")) r.classes = load_failure_classes(*classes);
  r.restart_s = v.at("restart_time").non_negative(Dimension::Duration);
  warn_outside_sourced_range(v.at("restart_time"), r.restart_s, "reliability.restart_time");
  if (auto planned = v.find("planned_maintenance")) {
    planned->allow_keys({"interval", "downtime"});
    r.planned_interval_s = planned->at("interval").positive(Dimension::Duration);
    r.planned_downtime_s = planned->at("downtime").non_negative(Dimension::Duration);
    if (auto problem = planned_maintenance_problem(r.planned_interval_s, r.planned_downtime_s))
      planned->at("downtime").fail(*problem);
  }
  r.spare_servers = v.at("spare_servers").count(0, 1'000'000);
  r.out_of_spares = v.at("when_out_of_spares").choice({"shrink", "wait"}) == "shrink" ? OutOfSpares::Shrink
                                                                                       : OutOfSpares::Wait;
  r.checkpoint = load_checkpoint(v.at("checkpoint"));
  load_fleet(v, r);
  return r;
}

// Items of a dated list must come in time order: a shuffled ramp is almost always a typo.
template <typename T, typename TimeOf>
void require_time_order(const std::vector<T>& list, const std::vector<YamlValue>& items, const char* key,
                        TimeOf time_of) {
  for (std::size_t i = 1; i < list.size(); ++i)
    if (time_of(list[i]) < time_of(list[i - 1]))
      items[i].at(key).fail(fmt::format("dates must not go backwards (item {} is earlier than item {})", i, i - 1));
}

// `with_capex`: our own grid connection, whose steps may carry what we pay for them.
std::vector<PowerStep> load_power_steps(const YamlValue& v, const Clock& clock, bool with_capex) {
  std::vector<PowerStep> steps;
  const auto items = v.items(1);
  for (const YamlValue& item : items) {
    if (with_capex) item.allow_keys({"from", "power", "capex"});
    else item.allow_keys({"from", "power"});
    PowerStep step{clock.at(item.at("from")), item.at("power").non_negative(Dimension::Power), 0};
    if (auto capex = item.find("capex")) step.capex_usd = capex->non_negative(Dimension::Money);
    steps.push_back(step);
  }
  require_time_order(steps, items, "from", [](const PowerStep& s) { return s.t_s; });
  // A step 100x or more below the largest of its siblings ("150 kW" among steps of hundreds of
  // MW) is a prefix slip far more often than a plan: warn, naming the siblings' scale.
  double largest_w = 0;
  for (const PowerStep& s : steps) largest_w = std::max(largest_w, s.power_w);
  constexpr double sibling_ratio = 100;
  for (std::size_t i = 0; i < steps.size(); ++i)
    if (steps[i].power_w > 0 && steps[i].power_w * sibling_ratio <= largest_w)
      items[i].at("power").warn(fmt::format("{} is {:.0f}x below the largest step of this list ({:g} MW): {} meant?",
                                            items[i].at("power").text(), largest_w / steps[i].power_w, largest_w / 1e6,
                                            fmt::format("{:g} MW", steps[i].power_w / 1e3)));
  return steps;
}

// A single discount ("45 %") or one by term ([{term: 1 year, discount: 37 %}, ...]), read for
// a contract of `term_s`.
double load_commitment_discount(const YamlValue& v, double term_s) {
  auto discount = [](const YamlValue& d) {
    const double fraction = d.fraction(0.0, 0.99);
    warn_outside_sourced_range(d, fraction, "options.{lease}.commitment_discount");
    return fraction;
  };
  if (!v.node().IsSequence()) return discount(v);
  std::vector<TermDiscount> schedule;
  const auto items = v.items(1);
  for (const YamlValue& item : items) {
    item.allow_keys({"term", "discount"});
    schedule.push_back(TermDiscount{item.at("term").positive(Dimension::Duration), discount(item.at("discount"))});
  }
  require_time_order(schedule, items, "term", [](const TermDiscount& d) { return d.term_s; });
  return discount_for_term(schedule, term_s);
}

// Storage held at the provider (capacity x price per stored amount and time) and data moved out
// (volume per time x price per amount), both billed while the lease runs.
void load_lease_charges(const YamlValue& v, LeaseOffer& lease) {
  if (auto storage = v.find("storage")) {
    storage->allow_keys({"capacity", "price"});
    lease.storage_usd_per_s = storage->at("capacity").non_negative(Dimension::Data) *
                              storage->at("price").non_negative(Dimension::PricePerDataTime);
  }
  if (auto egress = v.find("egress")) {
    egress->allow_keys({"volume", "price"});
    constexpr double bits_per_byte = 8;
    lease.egress_usd_per_s = egress->at("volume").non_negative(Dimension::Bandwidth) / bits_per_byte *
                             egress->at("price").non_negative(Dimension::PricePerData);
  }
}

// Keys every site may have, whatever its contract.
#define BVR_SITE_KEYS "contract", "system", "fabric", "failure_classes", "failure_rate_scale", "spare_servers", "like", "sublet"

LeaseOffer load_lease(const YamlValue& v, const Clock& clock, const std::vector<PricePath>& market) {
  v.allow_keys({BVR_SITE_KEYS, "pricing", "contract_start", "billing_start", "term", "committed_gpus", "list_price",
                "commitment_discount", "escalation", "renewal_price", "unavailable_credit", "early_termination_fee",
                "storage", "egress", "pue", "deliveries", "site_power", "index", "spot_availability", "renewal_gpus",
                "renewal_min_gpus", "renewal_max_gpus", "sublet_allowed"});
  LeaseOffer lease;
  if (auto pricing = v.find("pricing")) {
    const std::string p = pricing->choice({"committed", "on_demand", "indexed", "spot"});
    lease.pricing = p == "on_demand" ? LeasePricing::OnDemand
                    : p == "indexed" ? LeasePricing::Indexed
                    : p == "spot"    ? LeasePricing::Spot
                                     : LeasePricing::Committed;
  }
  const bool follows_index = lease.pricing == LeasePricing::Indexed || lease.pricing == LeasePricing::Spot;
  lease.contract_start_s = clock.at(v.at("contract_start"));
  if (lease.contract_start_s < 0)
    v.at("contract_start").warn(fmt::format(
        "{} is before the scenario start ({}): bvr counts nothing before day 0, so what this contract cost until "
        "then is left out, and its term runs from {}",
        v.at("contract_start").text(), format_date(clock.start_day), v.at("contract_start").text()));
  const YamlValue billing = v.at("billing_start");
  lease.billing_start_s = clock.at(billing);
  if (lease.billing_start_s < lease.contract_start_s) billing.fail("must not be before contract_start");
  lease.max_gpus = v.at("committed_gpus").count(1, max_gpus);
  // An index-linked lease is priced by its index; a list price, if given, is only for reference.
  if (auto list = follows_index ? v.find_set("list_price") : std::optional<YamlValue>(v.at("list_price"))) {
    lease.list_price_usd_per_gpu_s = list->positive(Dimension::PricePerGpuTime);
    warn_outside_sourced_range(*list, lease.list_price_usd_per_gpu_s, "options.{lease}.list_price");
  }
  if (auto index = v.find_set("index")) lease.index = load_index_terms(*index, market);
  if (follows_index && !lease.index)
    v.fail(fmt::format("pricing: {} needs index: {{path: <a GPU rental price path of market>}}",
                       lease.pricing == LeasePricing::Spot ? "spot" : "indexed"));
  if (auto escalation = v.find("escalation")) {
    lease.escalation_per_year = escalation->fraction(-0.5, 1.0);
    if (follows_index && lease.escalation_per_year != 0)
      escalation->fail("an index-linked lease follows its index; escalation applies to fixed prices");
  }
  if (auto availability = v.find_set("spot_availability")) {
    if (lease.pricing != LeasePricing::Spot) availability->fail("applies to pricing: spot only");
    lease.spot_availability = availability->fraction(0.0, 1.0);
  }
  if (lease.pricing == LeasePricing::OnDemand || lease.pricing == LeasePricing::Spot) {
    // No term: what a commitment means has no place in an on-demand or spot lease.
    for (const char* key : {"term", "commitment_discount", "renewal_price", "unavailable_credit", "early_termination_fee",
                            "renewal_gpus", "renewal_min_gpus", "renewal_max_gpus"})
      if (auto extra = v.find(key); extra && !extra->node().IsNull())  // "~" clears a key from --set
        extra->fail(fmt::format("applies to committed or indexed pricing only; this lease has pricing: {}",
                                lease.pricing == LeasePricing::Spot ? "spot" : "on_demand"));
    lease.price_usd_per_gpu_s = lease.list_price_usd_per_gpu_s;
    lease.renewal_price_usd_per_gpu_s = lease.list_price_usd_per_gpu_s;
  } else {
    lease.term_s = v.at("term").positive(Dimension::Duration);
    if (lease.pricing == LeasePricing::Committed) {
      lease.price_usd_per_gpu_s =
          lease.list_price_usd_per_gpu_s * (1.0 - load_commitment_discount(v.at("commitment_discount"), lease.term_s));
    } else if (auto discount = v.find_set("commitment_discount")) {
      discount->fail("an indexed lease is priced at its index (with its spread); a commitment discount applies to list prices");
    }
    // The renewal: a price, or "index" (each renewal year at the index, with the lease's index terms).
    const YamlValue renewal = v.at("renewal_price");
    if (renewal.node().IsScalar() && renewal.text() == "index") {
      if (!lease.index) renewal.fail("renewal_price: index needs the lease's index: {path: ...}");
      lease.renewal_at_index = true;
    } else {
      lease.renewal_price_usd_per_gpu_s = renewal.positive(Dimension::PricePerGpuTime);
      warn_outside_sourced_range(renewal, lease.renewal_price_usd_per_gpu_s, "options.{lease}.renewal_price");
    }
    // The size of each renewal: the committed count (what the work needs), or what the demand
    // beyond the runs wants of this lease, within a floor and a ceiling (docs/market.md).
    if (auto size = v.find_set("renewal_gpus")) lease.renewal_follows_demand = size->choice({"committed", "demand"}) == "demand";
    lease.renewal_max_gpus = lease.max_gpus;
    for (const char* key : {"renewal_min_gpus", "renewal_max_gpus"})
      if (auto bound = v.find_set(key)) {
        if (!lease.renewal_follows_demand)
          bound->fail(fmt::format("{} bounds a renewal that follows the demand: it needs renewal_gpus: demand", key));
        (std::string(key) == "renewal_min_gpus" ? lease.renewal_min_gpus : lease.renewal_max_gpus) = bound->count(0, max_gpus);
      }
    if (lease.renewal_min_gpus > lease.renewal_max_gpus)
      v.at("renewal_min_gpus").fail(fmt::format("the floor is above renewal_max_gpus ({})", lease.renewal_max_gpus));
    if (auto credit = v.find("unavailable_credit")) lease.unavailable_credit = credit->fraction(0.0, 1.0);
    if (auto fee = v.find("early_termination_fee")) lease.early_termination_fee_share = fee->fraction(0.0, 1.0);
  }
  if (auto allowed = v.find_set("sublet_allowed")) lease.sublet_allowed = allowed->choice({"yes", "no"}) == "yes";
  load_lease_charges(v, lease);
  lease.pue = v.at("pue").fraction(1.0, 3.0);
  warn_outside_sourced_range(v.at("pue"), lease.pue, "options.{lease}.pue");
  const auto items = v.at("deliveries").items(1);
  for (const YamlValue& item : items) {
    item.allow_keys({"date", "gpus"});
    lease.ramp.push_back(DeliveryTranche{clock.at(item.at("date")), item.at("gpus").count(1, max_gpus)});
  }
  require_time_order(lease.ramp, items, "date", [](const DeliveryTranche& d) { return d.t_s; });
  lease.site_power = load_power_steps(v.at("site_power"), clock, false);
  return lease;
}

PowerSupply load_supply(const YamlValue& v, const Clock& clock, const std::vector<PricePath>& market) {
  v.allow_keys({"grid", "turbines", "batteries", "load_swings"});
  PowerSupply supply;
  if (auto swings = v.find("load_swings")) {
    swings->allow_keys({"policy", "step_limit", "replica_gpus"});
    const std::string policy = swings->at("policy").choice({"ignore", "fewer_replicas", "wait"});
    supply.swings.kind = policy == "ignore"           ? LoadSwingPolicy::Kind::Ignore
                         : policy == "fewer_replicas" ? LoadSwingPolicy::Kind::FewerReplicas
                                                      : LoadSwingPolicy::Kind::Wait;
    supply.swings.step_limit_w = swings->at("step_limit").non_negative(Dimension::Power);
    supply.swings.replica_gpus = swings->at("replica_gpus").count(1, max_gpus);
  }
  const YamlValue grid = v.at("grid");
  grid.allow_keys({"price", "price_index", "steps"});
  // A price as written, or an energy price path of the market it follows (docs/market.md).
  if (auto index = grid.find_set("price_index")) {
    if (auto price = grid.find_set("price")) price->fail("give either price or price_index, not both");
    supply.grid.price_path = static_cast<int>(market_path_ref(*index, market, PriceKind::Energy));
  } else {
    supply.grid.price_usd_per_j = grid.at("price").non_negative(Dimension::PricePerEnergy);
    warn_outside_sourced_range(grid.at("price"), supply.grid.price_usd_per_j, "options.{build}.power.grid.price");
  }
  supply.grid.steps = load_power_steps(grid.at("steps"), clock, true);
  if (auto turbines = v.find("turbines")) {
    for (const YamlValue& item : turbines->items()) {
      item.allow_keys({"from", "units", "unit_power", "availability", "fuel_cost", "fuel_cost_index", "capex"});
      const auto fuel_index = item.find_set("fuel_cost_index");
      if (fuel_index)
        if (auto fuel = item.find_set("fuel_cost")) fuel->fail("give either fuel_cost or fuel_cost_index, not both");
      supply.turbines.push_back(TurbineFleet{clock.at(item.at("from")), item.at("units").count(1, 10'000),
                                             item.at("unit_power").positive(Dimension::Power),
                                             item.at("availability").fraction(0.0, 1.0),
                                             fuel_index ? 0.0 : item.at("fuel_cost").non_negative(Dimension::PricePerEnergy),
                                             item.at("capex").non_negative(Dimension::PricePerPower)});
      if (fuel_index) supply.turbines.back().fuel_path = static_cast<int>(market_path_ref(*fuel_index, market, PriceKind::Energy));
      else warn_outside_sourced_range(item.at("fuel_cost"), supply.turbines.back().fuel_usd_per_j, "options.{build}.power.turbines.N.fuel_cost");
      warn_outside_sourced_range(item.at("capex"), supply.turbines.back().capex_usd_per_w, "options.{build}.power.turbines.N.capex");
    }
  }
  if (auto batteries = v.find("batteries")) {
    for (const YamlValue& item : batteries->items()) {
      item.allow_keys({"from", "units", "unit_power", "unit_energy", "unit_price"});
      supply.batteries.push_back(BatteryFleet{clock.at(item.at("from")), item.at("units").count(1, 100'000),
                                              item.at("unit_power").positive(Dimension::Power),
                                              item.at("unit_energy").positive(Dimension::Energy),
                                              item.at("unit_price").non_negative(Dimension::Money)});
      const BatteryFleet& fleet = supply.batteries.back();
      warn_outside_sourced_range(item.at("unit_price"), fleet.unit_price_usd / (fleet.unit_energy_j / joules_per_mwh),
                                 "options.{build}.power.batteries.N.unit_price");
    }
  }
  return supply;
}

// GPUs in one of the things a rate counts ("25 racks/day", "60000 GPUs/month", "500 servers/week").
double gpus_per_counted(const YamlValue& rate, const SystemSpec& system, int gpus_per_rack) {
  const std::string text = rate.text();
  if (text.find("rack") != std::string::npos) return gpus_per_rack;
  if (text.find("server") != std::string::npos || text.find("node") != std::string::npos)
    return system.node.gpus_per_server;
  if (text.find("GPU") != std::string::npos) return 1;
  rate.fail("say what is counted: racks, servers, nodes or GPUs per unit of time (e.g. 25 racks/day)");
}

// Every opex key is optional: an absent one costs nothing.
BuildOpex load_opex(const YamlValue& v) {
  v.allow_keys({"maintenance", "insurance_and_property", "staff", "network_and_storage"});
  BuildOpex opex;
  if (auto m = v.find("maintenance")) opex.maintenance_per_year = m->fraction(0.0, 1.0);
  if (auto i = v.find("insurance_and_property")) opex.insurance_property_per_year = i->fraction(0.0, 1.0);
  if (auto staff = v.find("staff")) opex.staff_usd_per_s = staff->non_negative(Dimension::MoneyPerTime);
  if (auto n = v.find("network_and_storage")) opex.network_storage_usd_per_s = n->non_negative(Dimension::MoneyPerTime);
  return opex;
}

ResidualPolicy load_residual(const YamlValue& v, const std::vector<PricePath>& market) {
  ResidualPolicy r;
  const std::string method = v.at("method").choice({"straight_line", "resale", "rental", "index"});
  if (method == "straight_line") {
    v.allow_keys({"method"});
  } else if (method == "index") {
    // Sold at the horizon at a used-hardware price path's value per GPU (docs/market.md).
    v.allow_keys({"method", "index"});
    r.method = ResidualMethod::Index;
    r.index_path = market_path_ref(v.at("index"), market, PriceKind::Hardware);
  } else if (method == "resale") {
    v.allow_keys({"method", "curve"});
    r.method = ResidualMethod::Resale;
    const auto items = v.at("curve").items(1);
    for (const YamlValue& item : items) {
      item.allow_keys({"age", "value"});
      r.resale.push_back(ResalePoint{item.at("age").positive(Dimension::Duration), item.at("value").fraction(0.0, 1.0)});
    }
    require_time_order(r.resale, items, "age", [](const ResalePoint& p) { return p.age_s; });
  } else {
    v.allow_keys({"method", "price", "utilization", "price_decline"});
    r.method = ResidualMethod::Rental;
    r.rental.price_usd_per_gpu_s = v.at("price").non_negative(Dimension::PricePerGpuTime);
    r.rental.utilization = v.at("utilization").fraction(0.0, 1.0);
    r.rental.decline_per_year = v.at("price_decline").fraction(0.0, 0.95);
  }
  return r;
}

// The keys of owned systems, shared by a build and a hosted purchase.
#define BVR_PURCHASE_KEYS                                                                                          \
  "first_rack_to_training", "installation_rate", "gpus_per_rack", "network_cost_share", "network_prices",        \
      "spares_share", "it_life", "opex", "residual_value", "gpu_supply_cap", "gpu_orders"

// Owned systems of `system`: what is ordered at what price, shipped, racked and brought up, and
// what their network, spares and upkeep cost. `fabric`: the site's, for network_prices.
SystemPurchase load_purchase(const YamlValue& v, const Clock& clock, const SystemSpec& system,
                             const std::optional<FabricSpec>& fabric, const std::vector<PricePath>& market) {
  SystemPurchase b;
  const int node_gpus = system.node.gpus_per_server;
  b.first_rack_to_training_s = v.at("first_rack_to_training").non_negative(Dimension::Duration);
  b.gpus_per_rack = system.rack_gpus;
  if (auto per_rack = v.find_set("gpus_per_rack")) {
    b.gpus_per_rack = per_rack->count(1, 10'000);
    if (b.gpus_per_rack % node_gpus != 0)
      per_rack->fail(fmt::format("must be a whole number of nodes ({} GPUs each in {})", node_gpus, system.name));
  }
  // Racks per day, or GPUs per day converted to racks.
  const YamlValue rate = v.at("installation_rate");
  b.install_racks_per_s = rate.positive(Dimension::RatePerTime) * gpus_per_counted(rate, system, b.gpus_per_rack) /
                          b.gpus_per_rack;
  // The network's capex: a share of server cost, or the fabric's parts at unit prices (one of them).
  // An empty value counts as absent, so --set can switch methods: --set ...network_prices=
  auto share = v.find("network_cost_share");
  auto prices = v.find("network_prices");
  if (share && share->node().IsNull()) share.reset();
  if (prices && prices->node().IsNull()) prices.reset();
  if (share && prices) prices->fail("give network_cost_share or network_prices, not both");
  if (!share && !prices) v.fail("missing key \"network_cost_share\" (or \"network_prices\" with a fabric)");
  if (share) b.network_capex_fraction = share->fraction(0.0, 10.0);
  if (prices) {
    if (!fabric) prices->fail("needs the site's fabric (its switch, transceiver and cable counts)");
    prices->allow_keys({"switch", "transceiver", "cable", "nic"});
    const NetworkPrices unit{prices->at("switch").non_negative(Dimension::Money),
                             prices->at("transceiver").non_negative(Dimension::Money),
                             prices->at("cable").non_negative(Dimension::Money),
                             prices->at("nic").non_negative(Dimension::Money)};
    b.network_usd_per_gpu = network_capex_usd(fabric_counts(*fabric), fabric->gpus, unit) / fabric->gpus;
  }
  if (auto spares = v.find("spares_share")) b.spares_share = spares->fraction(0.0, 1.0);
  b.it_life_s = v.at("it_life").positive(Dimension::Duration);
  warn_outside_sourced_range(v.at("it_life"), b.it_life_s, "options.{build}.it_life");
  if (auto opex = v.find("opex")) b.opex = load_opex(*opex);
  if (auto residual = v.find("residual_value")) b.residual = load_residual(*residual, market);
  if (auto cap = v.find("gpu_supply_cap"))
    b.gpu_supply_per_s = cap->positive(Dimension::RatePerTime) * gpus_per_counted(*cap, system, b.gpus_per_rack);
  const auto items = v.at("gpu_orders").items(1);
  for (const YamlValue& item : items) {
    item.allow_keys({"ordered", "lead_time", "gpus", "server_price", "gpu_price"});
    const YamlValue gpus = item.at("gpus");
    GpuOrder order{clock.at(item.at("ordered")) + item.at("lead_time").non_negative(Dimension::Duration),
                   gpus.count(1, max_gpus), system.price_usd_per_gpu * node_gpus};
    // Per node (a server, a compute tray) or per GPU; without either, the system's list price.
    auto server_price = item.find_set("server_price"), gpu_price = item.find_set("gpu_price");
    if (server_price && gpu_price) gpu_price->fail("give server_price or gpu_price, not both");
    if (server_price) order.server_price_usd = server_price->non_negative(Dimension::Money);
    if (gpu_price) order.server_price_usd = gpu_price->non_negative(Dimension::Money) * node_gpus;
    if (server_price || gpu_price)
      warn_outside_sourced_range(server_price ? *server_price : *gpu_price, order.server_price_usd / node_gpus,
                                 "options.{build}.gpu_orders.N.server_price");
    if (order.gpus % node_gpus != 0)
      gpus.fail(fmt::format("must be a whole number of nodes ({} GPUs each in {})", node_gpus, system.name));
    b.orders.push_back(order);
  }
  require_time_order(b.orders, items, "ordered", [](const GpuOrder& o) { return o.arrival_s; });
  return b;
}

// Air removes the heat of racks up to about 60 kW (models/facility.h): denser air-cooled racks
// are refused where their size is set.
void check_rack_cooling(const YamlValue& v, const SystemSpec& system, int gpus_per_rack, Cooling cooling) {
  const double rack_w = rack_power_w(system.node, gpus_per_rack);
  if (cooling != Cooling::Air || rack_w <= air_cooled_rack_limit_w) return;
  const auto per_rack = v.find("gpus_per_rack");
  const std::string text = fmt::format(
      "racks of {} GPUs of {} draw {:.1f} kW each: air cools at most about {:.0f} kW a rack; say cooling: liquid, or "
      "rack fewer GPUs",
      gpus_per_rack, system.name, rack_w / 1e3, air_cooled_rack_limit_w / 1e3);
  if (auto cooling_key = v.find("cooling")) cooling_key->fail(text);
  (per_rack ? *per_rack : v).fail(text);
}

BuildPlan load_build(const YamlValue& v, const Clock& clock, const SystemSpec& system,
                     const std::optional<FabricSpec>& fabric, const std::vector<PricePath>& market) {
  v.allow_keys({BVR_SITE_KEYS, BVR_PURCHASE_KEYS, "construction_start", "construction", "long_lead_equipment", "cooling",
                "pue", "facility_cost", "facility_life", "power"});
  BuildPlan b;
  b.systems = load_purchase(v, clock, system, fabric, market);
  b.construction_start_s = clock.at(v.at("construction_start"));
  std::vector<std::string> item_names;
  if (auto items = v.find("long_lead_equipment")) {
    for (const YamlValue& item : items->items()) {
      item.allow_keys({"item", "ordered", "lead_time"});
      const double lead_s = item.at("lead_time").non_negative(Dimension::Duration);
      warn_outside_sourced_range(item.at("lead_time"), lead_s, "options.{build}.long_lead_equipment.N.lead_time");
      b.long_lead.push_back(LongLeadItem{item.at("item").text(), clock.at(item.at("ordered")) + lead_s});
      item_names.push_back(b.long_lead.back().name);
    }
  }
  const YamlValue phases = v.at("construction");
  double shares = 0, opened = 0;
  bool any_opens = false;
  for (const YamlValue& item : phases.items(1)) {
    item.allow_keys({"phase", "duration", "cost_share", "waits_for", "opens"});
    ConstructionPhase phase{item.at("phase").text(), item.at("duration").non_negative(Dimension::Duration),
                            item.at("cost_share").fraction(0.0, 1.0), -1, 0};
    if (auto opens = item.find_set("opens")) {
      phase.opens = opens->fraction(0.0, 1.0);
      opened += phase.opens;
      any_opens = true;
    }
    if (auto wait = item.find("waits_for")) {
      const std::string name = wait->text();
      const auto found = std::find(item_names.begin(), item_names.end(), name);
      if (found == item_names.end()) {
        const std::string guess = closest_match(name, item_names);
        wait->fail(fmt::format("no long_lead_equipment item named \"{}\"{}", name,
                               guess.empty() ? "" : fmt::format(" (did you mean \"{}\"?)", guess)));
      }
      phase.waits_for = static_cast<int>(found - item_names.begin());
    }
    shares += phase.cost_share;
    b.phases.push_back(phase);
  }
  if (std::fabs(shares - 1.0) > 1e-9)
    phases.fail(fmt::format("the phases' cost_share must add up to 100 %, got {:.4g} %", shares * 100));
  double construction_s = 0;
  for (const ConstructionPhase& phase : b.phases) construction_s += phase.duration_s;
  warn_outside_sourced_range(phases, construction_s, "options.{build}.construction",
                             fmt::format("{:.4g} days of phases", construction_s / seconds_per_day));
  // Halls that open one by one, or the whole site when the last phase is done.
  if (any_opens && std::fabs(opened - 1.0) > 1e-9)
    phases.fail(fmt::format("the halls the phases open must add up to 100 % of the site, got {:.4g} %", opened * 100));
  // The halls are cooled as the system is, unless the build says (HGX servers come air- or
  // liquid-cooled); PUE and construction cost per W default by cooling (models/facility.h).
  b.cooling = system.cooling;
  if (auto cooling = v.find_set("cooling")) b.cooling = cooling->choice({"air", "liquid"}) == "liquid" ? Cooling::Liquid : Cooling::Air;
  check_rack_cooling(v, system, b.systems.gpus_per_rack, b.cooling);
  const FacilityDefaults defaults = facility_defaults(b.cooling);
  b.pue = defaults.pue;
  if (auto pue = v.find_set("pue")) {
    b.pue = pue->fraction(1.0, 3.0);
    warn_outside_sourced_range(*pue, b.pue, "options.{lease}.pue");
  }
  b.facility_capex_usd_per_w = defaults.capex_usd_per_w;
  if (auto cost = v.find_set("facility_cost")) {
    b.facility_capex_usd_per_w = cost->non_negative(Dimension::PricePerPower);
    warn_outside_sourced_range(*cost, b.facility_capex_usd_per_w, "options.{build}.facility_cost");
  }
  b.facility_life_s = v.at("facility_life").positive(Dimension::Duration);
  b.supply = load_supply(v.at("power"), clock, market);
  return b;
}

// Owned systems at a colocation host (new) or bought used and hosted there.
HostedPurchase load_hosted(const YamlValue& v, const Clock& clock, const SystemSpec& system,
                           const std::optional<FabricSpec>& fabric, const std::vector<PricePath>& market) {
  v.allow_keys({BVR_SITE_KEYS, BVR_PURCHASE_KEYS, "host"});
  HostedPurchase h;
  h.systems = load_purchase(v, clock, system, fabric, market);
  const YamlValue host = v.at("host");
  host.allow_keys({"ready", "power", "price", "energy_price", "energy_price_index", "pue"});
  h.host.ready_s = clock.at(host.at("ready"));
  h.host.contracted_power = load_power_steps(host.at("power"), clock, false);
  h.host.usd_per_w_s = host.at("price").non_negative(Dimension::PricePerPowerTime);
  if (auto index = host.find_set("energy_price_index")) {
    if (auto price = host.find_set("energy_price")) price->fail("give either energy_price or energy_price_index, not both");
    h.host.energy_price_path = static_cast<int>(market_path_ref(*index, market, PriceKind::Energy));
  } else {
    h.host.energy_usd_per_j = host.at("energy_price").non_negative(Dimension::PricePerEnergy);
    warn_outside_sourced_range(host.at("energy_price"), h.host.energy_usd_per_j, "options.{build}.power.grid.price");
  }
  check_rack_cooling(v, system, h.systems.gpus_per_rack, system.cooling);
  // Without its own PUE, the host's halls at the default of the system's cooling.
  h.host.pue = facility_defaults(system.cooling).pue;
  if (auto pue = host.find_set("pue")) {
    h.host.pue = pue->fraction(1.0, 3.0);
    warn_outside_sourced_range(*pue, h.host.pue, "options.{lease}.pue");
  }
  return h;
}

// Names become file names (series-<name>.csv) and --set paths: keep them plain.
void require_plain_name(const YamlValue& where, const std::string& name, const char* what) {
  if (!is_plain_name(name)) where.fail(fmt::format("{} name \"{}\" {}", what, name, plain_name_rule()));
}

// The failure classes a site runs with: its own list, else the scenario's, else its system's;
// each class's servers_out made concrete for the site (its failure unit, or the servers behind a
// leaf switch of its fabric). `failure_rate_scale` multiplies every rate (used hardware).
// GPUs per rack at the site: an owned site's racking, else the system's rack.
int site_rack_gpus(const Site& site) {
  if (const SystemPurchase* systems = site.owned_systems()) return systems->gpus_per_rack;
  return site.system.rack_gpus;
}

std::vector<FailureClass> site_failure_classes(const YamlValue& body, const Scenario& s,
                                               const std::optional<YamlValue>& scenario_classes, const Site& site,
                                               const std::string& where) {
  std::vector<FailureClass> classes;
  std::optional<YamlValue> list;  // where the classes are written, to blame a "leaf" that cannot apply
  if (auto own = body.find_set("failure_classes")) {
    classes = load_failure_classes(*own);
    list = own;
  } else if (scenario_classes) {
    classes = s.reliability.classes;
    list = scenario_classes;
  } else {
    classes = site.system.failure_classes;
    if (classes.empty())
      body.at("system").fail(fmt::format(
          "the system {} lists no failure classes: give reliability.failure_classes, or failure_classes on {}",
          site.system.name, where));
  }
  double scale = 1;
  if (auto f = body.find_set("failure_rate_scale")) scale = f->fraction(0.0, 100.0);
  for (std::size_t i = 0; i < classes.size(); ++i) {
    FailureClass& c = classes[i];
    c.rate_per_node_s *= scale;
    if (c.servers_out == servers_in_failure_unit) c.servers_out = site.system.failure_unit_nodes();
    if (c.servers_out == servers_in_rack) c.servers_out = std::max(1, site_rack_gpus(site) / site.system.node.gpus_per_server);
    if (c.servers_out == servers_in_domain) c.servers_out = std::max(1, site.system.domain_gpus / site.system.node.gpus_per_server);
    if (c.ladder_repair && s.reliability.fleet.repairs.ladder.empty()) {
      const std::string text = fmt::format("\"ladder\" needs reliability.repairs.ladder ({} uses it)", where);
      if (list) list->items()[i].at("repair_time").fail(text);
      body.fail(text);
    }
    // A system's own leaf-switch class on a site without a fabric: its top-of-rack switch.
    if (c.servers_out == servers_behind_leaf_switch && !site.fabric && !list)
      c.servers_out = std::max(1, site_rack_gpus(site) / site.system.node.gpus_per_server);
    if (c.servers_out == servers_behind_leaf_switch) {
      if (!site.fabric) {
        const std::string text =
            fmt::format("\"leaf\" needs the fabric of every site; {} has none (add its fabric block)", where);
        if (list) list->items()[i].at("servers_out").fail(text);
        body.fail(text);
      }
      c.servers_out = servers_behind_leaf(*site.fabric);
    }
  }
  return classes;
}

// What the sites are loaded against: the scenario so far (workload, reliability), its
// workload section (to blame a run that does not fit) and whether it lists failure classes.
struct SiteContext {
  const Scenario& s;
  const YamlValue& root;
  const YamlValue& workload;
  std::optional<YamlValue> scenario_classes;  // reliability.failure_classes, when given
  Clock clock;
};

// The campaign stays bounded (scenario/bounds.h): the events this site's job could make in one
// replication, blamed on the key that makes the most of them.
// "150 kW" where MW was meant, also on a lone step (a step far below its siblings is warned
// where the steps are read): a site whose largest firm supply runs under 1 % of its GPUs at full
// load is warned about at its power key. Against facility power (IT x PUE) for a build's grid and
// turbines and a provider's site_power; against IT power for a host's contracted power.
void warn_supply_far_below_load(const YamlValue& body, const Site& site) {
  const std::vector<PowerStep>* steps = nullptr;
  double pue = 1, turbines_w = 0;
  std::string key;
  if (site.lease) {
    steps = &site.lease->site_power;
    pue = site.lease->pue;
    key = "site_power";
  } else if (site.build) {
    steps = &site.build->supply.grid.steps;
    pue = site.build->pue;
    for (const TurbineFleet& t : site.build->supply.turbines) turbines_w += t.units * t.unit_power_w * t.availability;
    key = "power";
  } else if (site.hosted) {
    steps = &site.hosted->host.contracted_power;
    key = "host.power";
  } else {
    return;
  }
  double supply_w = turbines_w, largest_step_w = 0;
  for (const PowerStep& step : *steps) largest_step_w = std::max(largest_step_w, step.power_w);
  supply_w += largest_step_w;
  const double load_w = site.nominal_gpus() * site.system.node.it_power_w / site.system.node.gpus_per_server * pue;
  constexpr double far_below = 100;
  if (supply_w <= 0 || supply_w * far_below >= load_w) return;
  body.at_path(key).warn(fmt::format(
      "the largest firm supply, {:.4g} MW, runs {:.2g} % of the site's {} GPUs at full load ({:.4g} MW{}): kW where MW "
      "was meant?",
      supply_w / 1e6, 100 * supply_w / load_w, site.nominal_gpus(), load_w / 1e6, site.hosted ? " of IT" : ", IT x PUE"));
}

void check_event_count(const YamlValue& body, const Scenario& s, const SiteContext& ctx, const Site& site) {
  CampaignEventInputs in;
  in.horizon_s = s.horizon_s;
  in.planned_interval_s = s.reliability.planned_interval_s;
  for (const FailureClass& c : site.failure_classes) in.failure_rates_per_node_s.push_back(c.rate_per_node_s);
  for (const StragglerClass& c : site.fleet.stragglers) in.failure_rates_per_node_s.push_back(c.rate_per_node_s);
  in.nodes = static_cast<double>(std::min(site.nominal_gpus(), s.workload.max_job_gpus)) / site.system.node.gpus_per_server;
  if (const SystemPurchase* systems = site.owned_systems())
    in.racks = std::ceil(static_cast<double>(site.nominal_gpus()) / systems->gpus_per_rack);
  const auto problem = event_count_problem(in);
  if (!problem) return;
  const bool scenario_classes = ctx.scenario_classes && !body.find_set("failure_classes");
  if (problem->key.starts_with("reliability.failure_classes") && !scenario_classes) body.fail(problem->message);
  if (problem->key.starts_with("reliability.")) ctx.root.at_path(problem->key).fail(problem->message);
  body.fail(problem->message);
}

// Runs that will take long, with the estimate: the campaign's events (scenario/bounds.h) at about
// 6 us each, over every option and replication. Below the bound of one replication, but worth a
// word before minutes or hours of simulation: 100,000 replications of the default scenario are
// about 3 x 107,000 x 100,000 events, ~53 CPU-hours; a planned stop every minute is 1.6 million
// events and ~9.5 s per replication of each option.
constexpr double seconds_per_event = 6e-6;          // bounds.h
constexpr double long_run_cpu_s = 600;              // warn above 10 CPU-minutes in all
constexpr double long_replication_s = 5;            // or above 5 s for one replication of one option

void warn_long_run(const YamlValue& root, const Scenario& s) {
  double events_per_replication = 0, largest = 0;
  std::string largest_key, largest_what;
  for (const Option& o : s.options)
    for (const Site& site : o.sites) {
      CampaignEventInputs in;
      in.horizon_s = s.horizon_s;
      in.planned_interval_s = s.reliability.planned_interval_s;
      for (const FailureClass& c : site.failure_classes) in.failure_rates_per_node_s.push_back(c.rate_per_node_s);
      for (const StragglerClass& c : site.fleet.stragglers) in.failure_rates_per_node_s.push_back(c.rate_per_node_s);
      in.nodes = static_cast<double>(std::min(site.nominal_gpus(), s.workload.max_job_gpus)) /
                 site.system.node.gpus_per_server;
      if (const SystemPurchase* systems = site.owned_systems())
        in.racks = std::ceil(static_cast<double>(site.nominal_gpus()) / systems->gpus_per_rack);
      for (const EventSource& e : campaign_event_sources(in)) {
        events_per_replication += e.count;
        if (e.count > largest) largest = e.count, largest_key = e.key, largest_what = e.what;
      }
    }
  const double replication_s = events_per_replication * seconds_per_event;
  const double total_s = replication_s * s.replications;
  auto duration = [](double seconds) {
    return seconds < 120 ? fmt::format("{:.0f} s", seconds)
           : seconds < 7200 ? fmt::format("{:.0f} min", seconds / 60)
                            : fmt::format("{:.1f} h", seconds / 3600);
  };
  const std::string estimate = fmt::format(
      "about {:.3g} simulated events per replication of all {} options ({} at ~6 us an event, scenario/bounds.h), "
      "{} in all for {} replication{} (CPU time; -j spreads replications over cores; the breakevens and the tornado "
      "add more)",
      events_per_replication, s.options.size(), duration(replication_s), duration(total_s), s.replications,
      s.replications == 1 ? "" : "s");
  if (replication_s / static_cast<double>(std::max<std::size_t>(1, s.options.size())) > long_replication_s &&
      !largest_key.empty()) {
    try {
      root.at_path(largest_key).warn(fmt::format("this run will take long: {} ({}); {}", largest_what,
                                                 fmt::format("{:.3g} events per replication", largest), estimate));
    } catch (const InputError&) {
      root.at("scenario").warn(fmt::format("this run will take long: {}; {}", largest_what, estimate));
    }
  } else if (total_s > long_run_cpu_s) {
    root.at("scenario").at("replications").warn(fmt::format("this run will take long: {}", estimate));
  }
}

Site load_site(const YamlValue& body, const std::string& site_name, const std::string& where, const SiteContext& ctx) {
  const Scenario& s = ctx.s;
  const Clock& clock = ctx.clock;
  body.expect_map();
  if (auto legacy = body.find("kind"))
    legacy->fail("\"kind\" is now \"contract\" (lease, build, colocation or used); an option of several sites lists "
                 "them under \"sites\" (docs/scenario-reference.md)");
  Site site;
  site.name = site_name;
  const std::string contract = body.at("contract").choice({"lease", "build", "colocation", "used"});
  site.contract = contract == "lease"        ? ContractKind::Lease
                  : contract == "build"      ? ContractKind::Build
                  : contract == "colocation" ? ContractKind::Colocation
                                             : ContractKind::Used;
  site.system = load_system_ref(body.at("system"), s.file);
  if (auto fabric = body.find_set("fabric")) site.fabric = load_fabric(*fabric, &site.system);
  switch (site.contract) {
    case ContractKind::Lease: site.lease = load_lease(body, clock, s.market); break;
    case ContractKind::Build: site.build = load_build(body, clock, site.system, site.fabric, s.market); break;
    case ContractKind::Colocation:
    case ContractKind::Used: site.hosted = load_hosted(body, clock, site.system, site.fabric, s.market); break;
  }
  if (site.lease && site.lease->renewal_follows_demand && !s.demand)
    body.at("renewal_gpus").fail("renewal_gpus: demand needs a demand section (demand: {gpu_hours: ..., value_index: ...})");
  // Owned capacity the runs no longer need can be rented out (docs/market.md).
  if (auto sublet = body.find_set("sublet")) {
    if (site.lease && !site.lease->sublet_allowed)
      sublet->fail("this lease does not allow subletting: cloud terms of service forbid reselling the service without "
                   "the provider's consent; say sublet_allowed: yes if the contract allows it");
    site.sublet = load_sublet(*sublet, s.market);
  }
  site.failure_classes = site_failure_classes(body, s, ctx.scenario_classes, site, where);
  warn_supply_far_below_load(body, site);
  check_event_count(body, s, ctx, site);
  // The fleet's rules are the scenario's; its bad nodes the scenario's when given, else the system's.
  site.fleet = s.reliability.fleet;
  if (!s.reliability.bad_nodes_given) site.fleet.bad_nodes = site.system.bad_nodes;
  // Hot spares in this site's nodes (a 4-GPU tray is not an 8-GPU server).
  if (auto spares = body.find_set("spare_servers")) site.spare_nodes = spares->count(0, 1'000'000);
  // Every run must have a layout that fits this site's GPUs.
  const auto runs = s.workload.runs.empty() ? std::vector<YamlValue>{} : ctx.workload.at("runs").items(1);
  for (std::size_t r = 0; r < s.workload.runs.size(); ++r)
    check_run_fits(ctx.workload, runs[r], s.workload, s.workload.runs[r], site.system, body, where);
  return site;
}

std::vector<Option> load_options(const YamlValue& v, const SiteContext& ctx) {
  std::vector<Option> options;
  const auto entries = v.entries();
  if (entries.empty()) v.fail("expected at least one option");
  std::vector<std::string> names;
  for (const auto& [name, body] : entries) names.push_back(name);
  auto single_site_body = [&](const YamlValue& ref) -> YamlValue {
    const std::string target = ref.text();
    for (const auto& [name, body] : entries)
      if (name == target) {
        if (body.node().IsMap() && body.find("sites"))
          ref.fail(fmt::format("option \"{}\" has several sites; like: names an option of one site", target));
        return body;
      }
    const std::string guess = closest_match(target, names);
    ref.fail(fmt::format("no option named \"{}\"{}", target,
                         guess.empty() ? "" : fmt::format(" (did you mean \"{}\"?)", guess)));
  };
  // Options of one site first: their errors are found where they are written, before a site
  // that is `like` one of them repeats them.
  for (int pass = 0; pass < 2; ++pass) {
    for (const auto& [name, body] : entries) {
      require_plain_name(body, name, "option");
      body.expect_map();
      const auto sites = body.find("sites");
      if ((pass == 0) == static_cast<bool>(sites)) continue;
      Option option;
      option.name = name;
      if (!sites) {
        if (auto like = body.find("like")) like->fail("like: belongs to a site under sites:");
        option.sites.push_back(load_site(body, "", fmt::format("option \"{}\"", name), ctx));
      } else {
        body.allow_keys({"sites", "placement"});
        if (auto placement = body.find("placement"))
          option.placement = placement->choice({"move_when_larger", "move_when_faster"}) == "move_when_faster"
                                 ? Placement::MoveWhenFaster
                                 : Placement::MoveWhenLarger;
        const auto site_entries = sites->entries();
        if (site_entries.empty()) sites->fail("expected at least one site");
        for (const auto& [site_name, site_body] : site_entries) {
          require_plain_name(site_body, site_name, "site");
          site_body.expect_map();
          YamlValue merged = site_body;
          if (auto like = site_body.find("like")) {
            merged = site_body.overlaid_on(single_site_body(*like), "like");
            option.based_on.push_back(like->text());
          }
          option.sites.push_back(
              load_site(merged, site_name, fmt::format("site \"{}\" of option \"{}\"", site_name, name), ctx));
        }
      }
      options.push_back(std::move(option));
    }
  }
  // In file order, whatever the loading order.
  std::stable_sort(options.begin(), options.end(), [&](const Option& a, const Option& b) {
    return std::find(names.begin(), names.end(), a.name) < std::find(names.begin(), names.end(), b.name);
  });
  return options;
}

}  // namespace

namespace {

// The --set key path of `option`'s first leased site's list price, or "".
std::string lease_price_key(const Option& option) {
  for (const Site& site : option.sites)
    if (site.lease)
      return site.name.empty() ? fmt::format("options.{}.list_price", option.name)
                               : fmt::format("options.{}.sites.{}.list_price", option.name, site.name);
  return "";
}

// The scalar at a --set key path of the tree, or nothing.
// "8 USD/GPU/h" -> {8, "USD/GPU/h"}; "45 %" -> {45, "%"}; "0.4" -> {0.4, ""}; a date
// (YYYY-MM-DD) counts as a number without a unit of this kind. Nothing for text ("ecmp").
std::optional<std::pair<double, std::string>> split_quantity(const std::string& text) {
  const bool date = text.size() == 10 && text[4] == '-' && text[7] == '-' &&
                    std::all_of(text.begin(), text.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) || c == '-'; });
  if (date) return std::pair{0.0, std::string("date")};
  double number = 0;
  const char* first = text.data();
  if (!text.empty() && text.front() == '+') ++first;
  const auto [end, ec] = std::from_chars(first, text.data() + text.size(), number);
  if (ec != std::errc() || !std::isfinite(number)) return std::nullopt;
  std::string unit(end, text.data() + text.size());
  if (!unit.empty() && unit.front() != ' ') return std::nullopt;
  unit.erase(0, unit.find_first_not_of(' '));
  return std::pair{number, unit};
}

// The tornado's range [low, high] moved with a --set of its parameter from `was` to `now`: each
// end times now / was. Nothing when a value is not a number, the units differ (or are dates), or
// `was` is zero.
std::optional<std::pair<std::string, std::string>> follow_range(const std::string& was, const std::string& now,
                                                                const std::string& low, const std::string& high) {
  const auto w = split_quantity(was), n = split_quantity(now), l = split_quantity(low), h = split_quantity(high);
  if (!w || !n || !l || !h || w->second == "date" || w->first == 0) return std::nullopt;
  if (n->second != w->second || l->second != w->second || h->second != w->second) return std::nullopt;
  const double ratio = n->first / w->first;
  auto text = [&](double x) { return w->second.empty() ? fmt::format("{:.6g}", x) : fmt::format("{:.6g} {}", x, w->second); };
  return std::pair{text(l->first * ratio), text(h->first * ratio)};
}

std::optional<YamlValue> value_at(const YamlValue& root, const std::string& path) {
  YamlValue at = root;
  std::size_t begin = 0;
  while (begin <= path.size()) {
    const std::size_t dot = std::min(path.find('.', begin), path.size());
    const std::string part = path.substr(begin, dot - begin);
    if (at.node().IsMap()) {
      auto next = at.find(part);
      if (!next) return std::nullopt;
      at = *next;
    } else if (at.node().IsSequence()) {
      const auto items = at.items();
      std::size_t index = 0;
      const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), index);
      if (ec != std::errc() || end != part.data() + part.size() || index >= items.size()) return std::nullopt;
      at = items[index];
    } else {
      return std::nullopt;
    }
    begin = dot + 1;
  }
  return at;
}

}  // namespace

// The two options compared: named by `compare`, else the first option that only rents and the
// first that owns, else the first two. The price breakeven solves for `breakeven` (a key path
// whose value is a number with a unit), else for the list price of the first compared option's
// lease (or the second's). Each sensitivity value is checked by loading the scenario with it.
Analysis load_analysis(const std::optional<YamlValue>& v, const YamlValue& root, const Scenario& s) {
  Analysis a;
  auto owns = [](const Option& o) {
    return std::any_of(o.sites.begin(), o.sites.end(), [](const Site& site) { return site.owned(); });
  };
  const Option* renter = nullptr;
  const Option* owner = nullptr;
  for (const Option& o : s.options) {
    if (!renter && o.sites.size() == 1 && !owns(o)) renter = &o;
    if (!owner && o.sites.size() == 1 && owns(o)) owner = &o;
  }
  if (renter && owner) {
    a.first_option = renter->name;
    a.second_option = owner->name;
  } else if (s.options.size() >= 2) {
    a.first_option = s.options[0].name;
    a.second_option = s.options[1].name;
  }
  auto option_named = [&](const std::string& name) -> const Option* {
    for (const Option& o : s.options)
      if (o.name == name) return &o;
    return nullptr;
  };
  if (v) {
    v->allow_keys({"compare", "breakeven", "sensitivity"});
    if (auto compare = v->find("compare")) {
      const auto items = compare->items(2);
      if (items.size() != 2) compare->fail("expected two option names: [first, second] (the gap is second minus first)");
      std::vector<std::string> names;
      for (const auto& o : s.options) names.push_back(o.name);
      for (const YamlValue& item : items) {
        const std::string name = item.text();
        if (!option_named(name)) {
          const std::string guess = closest_match(name, names);
          item.fail(fmt::format("no option named \"{}\"{}", name,
                                guess.empty() ? "" : fmt::format(" (did you mean \"{}\"?)", guess)));
        }
      }
      a.first_option = items[0].text();
      a.second_option = items[1].text();
      if (a.first_option == a.second_option) items[1].fail("compare two different options");
    }
  }
  // By default the list price of the first compared option's lease (else the second's).
  for (const std::string& name : {a.first_option, a.second_option}) {
    if (name.empty() || !a.breakeven_parameter.empty()) continue;
    const Option& option = *option_named(name);
    a.breakeven_parameter = lease_price_key(option);
    for (const Site& site : option.sites)
      if (site.lease && !a.breakeven_parameter.empty() && a.breakeven_unit.empty()) {
        a.breakeven_scenario_value = site.lease->list_price_usd_per_gpu_s * seconds_per_hour;
        a.breakeven_unit = "USD/GPU/h";
      }
  }
  if (!v) return a;
  if (auto key = v->find("breakeven"); key && !key->node().IsNull()) {
    const std::string path = key->text();
    const auto value = value_at(root, path);
    if (!value || !value->node().IsScalar())
      key->fail(fmt::format("no value at {} in the scenario: name a key such as options.<option>.list_price", path));
    const std::string text = value->text();
    double number = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    std::string unit(end, text.data() + text.size());
    unit.erase(0, unit.find_first_not_of(' '));
    if (ec != std::errc() || unit.empty())
      key->fail(fmt::format("{} is \"{}\": the breakeven needs a number with a unit, such as 10 USD/GPU/h", path, text));
    a.breakeven_parameter = path;
    a.breakeven_scenario_value = number;
    a.breakeven_unit = unit;
    // A signed parameter: a price path's slope or an index spread, searched down to just inside
    // what the loader accepts for it (-95 %, load_market.cpp; -94.9 % so that the bound itself,
    // read back from its text, is never a hair below it), in the unit written.
    if ((path.starts_with("market.") && path.ends_with(".forward_change_per_year")) || path.ends_with(".index.spread")) {
      a.breakeven_signed = true;
      a.breakeven_lowest_value = unit.starts_with('%') ? -94.9 : -0.949;
    }
  }
  if (auto sens = v->find("sensitivity")) {
    sens->allow_keys({"replications", "parameters"});
    a.sensitivity_replications = sens->at("replications").count(1, 100'000);
    std::optional<YamlValue> as_written;  // the file without --set, read when a parameter was set
    for (const YamlValue& item : sens->at("parameters").items()) {
      item.allow_keys({"key", "low", "high"});
      SensitivityParameter p{item.at("key").text(), item.at("low").text(), item.at("high").text()};
      // The tornado varies a number: a text key (a choice between words) is a sweep axis.
      const auto current = value_at(root, p.key);
      if (current && current->node().IsScalar() && !split_quantity(current->text()))
        item.at("key").fail(fmt::format("{} is \"{}\", a text value: the tornado varies numbers (a value with its "
                                        "unit, such as 8 USD/GPU/h); compare choices between words with bvr sweep",
                                        p.key, current->text()));
      for (const char* end : {"low", "high"})
        if (!split_quantity(item.at(end).text()))
          item.at(end).fail(fmt::format("\"{}\" is text: the tornado varies numbers (a value with its unit, such as "
                                        "8 USD/GPU/h); compare choices between words with bvr sweep",
                                        item.at(end).text()));
      // A --set of the parameter moves its range with it, in the same proportion to the value as
      // in the file: the bars stay around the value the run used.
      const bool set_here = std::any_of(s.overrides.begin(), s.overrides.end(),
                                        [&p](const Override& o) { return o.path == p.key; });
      if (set_here && current && current->node().IsScalar()) {
        if (!as_written) try {
            as_written = load_yaml_file(s.file);
          } catch (const InputError&) {
          }
        const auto before = as_written ? value_at(*as_written, p.key) : std::nullopt;
        if (before && before->node().IsScalar() && before->text() != current->text()) {
          const auto moved = follow_range(before->text(), current->text(), p.low, p.high);
          auto loads = [&](const std::string& value) {
            try {
              load_scenario(root.with_override(parse_override(p.key + "=" + value)), {}, false);
              return true;
            } catch (const InputError&) {
              return false;
            }
          };
          if (moved && loads(moved->first) && loads(moved->second)) {
            item.warn(fmt::format("the tornado's range of {} follows --set {}={}: {} to {} in the file becomes {} to "
                                  "{} (the same proportion to the value)",
                                  p.key, p.key, current->text(), p.low, p.high, moved->first, moved->second));
            p.low = moved->first;
            p.high = moved->second;
          } else if (moved) {
            item.warn(fmt::format("--set {}={} moves the value, but the tornado's range stays {} to {} as written: "
                                  "moved in proportion ({} to {}) it leaves the values the key allows",
                                  p.key, current->text(), p.low, p.high, moved->first, moved->second));
          } else {
            item.warn(fmt::format("--set {}={} moves the value, but the tornado's range ({} to {}) stays as written: "
                                  "the file's value ({}) is zero or in other units",
                                  p.key, current->text(), p.low, p.high, before->text()));
          }
        }
      }
      for (const char* end : {"low", "high"}) {
        const YamlValue value = item.at(end);
        const Override change = parse_override(p.key + "=" + (std::string_view(end) == "low" ? p.low : p.high));
        try {
          load_scenario(root.with_override(change), {}, false);
        } catch (const InputError& e) {
          value.fail(fmt::format("this value of {} does not load (fix it, or run with --no-analysis): {}", p.key, e.what()));
        }
      }
      a.sensitivity.push_back(p);
    }
  }
  return a;
}

Scenario load_scenario(const std::string& file, const std::vector<Override>& overrides, bool with_analysis) {
  return load_scenario(load_yaml_file(file, overrides), overrides, with_analysis);
}

Scenario load_scenario_text(const std::string& text, const std::string& file) {
  return load_scenario(parse_yaml(text, file));
}

Scenario load_scenario(const YamlValue& root, const std::vector<Override>& overrides, bool with_analysis) {
  const std::string& file = root.source_file();
  if (root.node().IsNull()) root.fail("the file is empty; expected a scenario with keys scenario, workload, reliability, options");
  if (auto hardware = root.find("hardware"))
    hardware->fail("the scenario-wide hardware section is gone: each option (or site) names its system, e.g. "
                   "system: h100-hgx (bvr systems lists them; docs/hardware.md)");
  root.allow_keys({"scenario", "workload", "reliability", "options", "analysis", "market", "demand"});

  Scenario s;
  WarningSink warnings(&s.warnings);
  s.file = file;
  s.overrides = overrides;
  const YamlValue head = root.at("scenario");
  head.allow_keys({"name", "start", "horizon", "seed", "replications", "discount_rate", "financing",
                   "value_per_day_earlier"});
  s.name = head.at("name").text();
  // The name is the default output folder, out/<name>: keep it plain, as option names are.
  if (!is_plain_name(s.name)) head.at("name").fail(fmt::format("scenario name \"{}\" {}", s.name, plain_name_rule()));
  s.start_day = head.at("start").date();
  s.horizon_s = head.at("horizon").positive(Dimension::Duration);
  s.seed = static_cast<std::uint64_t>(head.at("seed").count(0, std::numeric_limits<int>::max()));
  s.replications = head.at("replications").count(1, 100'000);
  // Cash flows are discounted at the scenario's rate, or at the WACC of its financing: one, not both.
  if (auto financing = head.find("financing"); financing && !financing->node().IsNull()) {
    if (auto rate = head.find("discount_rate"); rate && !rate->node().IsNull())
      rate->fail("give either discount_rate or financing (whose WACC is the discount rate), not both");
    financing->allow_keys({"debt_share", "debt_rate", "equity_rate"});
    s.financing = Financing{financing->at("debt_share").fraction(0.0, 1.0), financing->at("debt_rate").fraction(0.0, 1.0),
                            financing->at("equity_rate").fraction(0.0, 1.0)};
    s.discount_rate = weighted_average_cost_of_capital(*s.financing);
  } else {
    s.discount_rate = head.at("discount_rate").fraction(0.0, 1.0);
    warn_outside_sourced_range(head.at("discount_rate"), s.discount_rate, "scenario.discount_rate");
  }
  s.value_of_time_usd_per_day = head.at("value_per_day_earlier").non_negative(Dimension::Money);

  // The market first: contracts, sublets and energy prices refer to its paths by name.
  if (auto market = root.find_set("market")) s.market = load_market(*market, s.start_day);
  if (auto demand = root.find_set("demand")) s.demand = load_demand(*demand, s.start_day, s.market);
  const YamlValue workload = root.at("workload");
  s.workload = load_workload(workload);
  const YamlValue reliability = root.at("reliability");
  s.reliability = load_reliability(reliability);
  s.options = load_options(root.at("options"), SiteContext{s, root, workload, reliability.find("failure_classes"),
                                                           Clock{s.start_day, s.horizon_s}});
  warn_long_run(root, s);
  // Serving (docs/serving.md): the model must fit, and reach the target, on every site.
  if (auto serving = workload.find_set("serving")) {
    s.workload.serving = load_serving(*serving, s.start_day);
    for (const Option& o : s.options)
      for (const Site& site : o.sites)
        check_serving_on_site(*serving, *s.workload.serving, site, site.name.empty() ? o.name : o.name + "/" + site.name);
  }
  if (s.workload.runs.empty() && !s.serves())
    workload.at("serving").fail("a workload without training runs must serve a dated demand: add workload.serving.demand "
                                "(or workload.runs)");
  if (with_analysis) {
    auto analysis = root.find("analysis");
    if (analysis && analysis->node().IsNull()) analysis.reset();  // "analysis: ~" or --set analysis=~
    s.analysis = load_analysis(analysis, root, s);
  }
  return s;
}

ParallelPlan parse_layout(const std::string& text, const std::string& where) {
  // "tp=8,pp=16,schedule=interleaved" as the YAML map {tp: 8, pp: 16, schedule: interleaved}.
  std::string yaml = "{";
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    const std::string item = text.substr(start, comma - start);
    const std::size_t eq = item.find('=');
    if (item.empty() || eq == std::string::npos || eq == 0 || eq + 1 == item.size())
      throw InputError(fmt::format("{}: expected key=value pairs separated by commas (keys as in workload.parallelism: "
                                   "tp, pp, cp, ep, microbatch, schedule, virtual_stages, sharding), got \"{}\"",
                                   where, item));
    yaml += (yaml.size() > 1 ? ", " : "") + item.substr(0, eq) + ": " + item.substr(eq + 1);
    start = comma + 1;
  }
  yaml += "}";
  const YamlValue v = parse_yaml(yaml, where);
  if (!v.node().IsMap()) v.fail("expected key=value pairs");
  return *load_parallelism(v);
}

}  // namespace bvr
