#include "scenario/load_serving.h"

#include <cmath>

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "models/memory_per_gpu.h"
#include "scenario/yaml_reader.h"

namespace bvr {

namespace {

constexpr double gib = 1024.0 * 1024 * 1024;

[[noreturn]] void fail_problem(const YamlValue& v, const std::string& problem) {
  const auto colon = problem.find(": ");
  if (colon != std::string::npos)
    if (auto key = v.node().IsMap() ? v.find(problem.substr(0, colon)) : std::nullopt) key->fail(problem.substr(colon + 2));
  v.fail(problem);
}

bool flag(const YamlValue& v) {
  const std::string t = v.choice({"true", "false", "yes", "no"});
  return t == "true" || t == "yes";
}

Precision precision(const YamlValue& v) {
  const std::string p = v.choice({"bf16", "fp8", "fp4"});
  return p == "fp4" ? Precision::Fp4 : p == "fp8" ? Precision::Fp8 : Precision::Bf16;
}

std::string upper(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return s;
}

ServingModel load_serving_model(const YamlValue& v) {
  v.allow_keys({"name", "layers", "hidden", "ffn", "heads", "kv_heads", "vocab", "experts", "experts_per_token",
                "gated_ffn", "tied_embeddings", "shared_experts", "dense_layers", "dense_ffn", "attention",
                "kv_lora_rank", "rope_head_dim", "parameters"});
  ServingModel m;
  if (auto n = v.find("name")) m.name = n->text();
  TransformerModel& s = m.shape;
  s.layers = v.at("layers").count(1, 10'000);
  s.hidden = v.at("hidden").count(1, 1'000'000);
  s.ffn = v.at("ffn").count(1, 10'000'000);
  s.heads = v.at("heads").count(1, 100'000);
  s.kv_heads = v.find("kv_heads") ? v.at("kv_heads").count(1, 100'000) : s.heads;
  s.vocab = v.at("vocab").count(1, 100'000'000);
  if (auto e = v.find("experts")) s.experts = e->count(1, 100'000);
  if (auto k = v.find("experts_per_token")) s.experts_per_token = k->count(1, 100'000);
  if (auto g = v.find("gated_ffn")) s.gated_ffn = flag(*g);
  if (auto t = v.find("tied_embeddings")) s.tied_embeddings = flag(*t);
  if (auto e = v.find("shared_experts")) m.shared_experts = e->count(0, 1'000);
  if (auto d = v.find("dense_layers")) m.dense_layers = d->count(0, 10'000);
  if (auto f = v.find("dense_ffn")) m.dense_ffn = f->count(1, 10'000'000);
  if (auto a = v.find("attention")) m.attention = a->choice({"gqa", "mla"}) == "mla" ? Attention::Mla : Attention::Gqa;
  if (auto r = v.find("kv_lora_rank")) m.kv_lora_rank = r->count(1, 1'000'000);
  if (auto r = v.find("rope_head_dim")) m.rope_head_dim = r->count(0, 1'000'000);
  if (m.attention == Attention::Gqa && (v.find("kv_lora_rank") || v.find("rope_head_dim")))
    (v.find("kv_lora_rank") ? *v.find("kv_lora_rank") : *v.find("rope_head_dim"))
        .fail("only MLA attention has a latent; say attention: mla");
  if (auto p = v.find("parameters")) m.parameters = p->positive(Dimension::Count);
  else if (m.attention == Attention::Mla)
    v.fail("missing key \"parameters\": the shape does not hold MLA's low-rank projections; give the published "
           "total (DeepSeek-V3: 671e9)");
  else m.parameters = derived_parameters(m);
  if (auto problem = serving_model_problem(m)) fail_problem(v, *problem);
  return m;
}

ServingLayout load_layout(const YamlValue& v, const ServingModel& m) {
  v.allow_keys({"tp", "ep", "pp"});
  ServingLayout l;
  l.tp = v.at("tp").count(1, 1024);
  if (auto ep = v.find("ep")) l.ep = ep->count(1, 100'000);
  if (auto pp = v.find("pp")) l.pp = pp->count(1, 1024);
  if (!m.shape.moe() && l.ep > 1) v.at("ep").fail("a dense model has no experts to spread: ep must be 1");
  if (m.shape.moe() && l.ep > 1 && l.ep % l.tp != 0)
    v.at("ep").fail(fmt::format("ep {} must be a multiple of tp {} (attention runs in ep / tp data-parallel groups)", l.ep, l.tp));
  if (l.pp > m.shape.layers) v.at("pp").fail(fmt::format("{} stages for {} layers", l.pp, m.shape.layers));
  return l;
}

}  // namespace

ServingWorkload load_serving(const YamlValue& v, std::int64_t start_day, bool with_system) {
  if (with_system)
    v.allow_keys({"model", "precision", "dense_precision", "kv_precision", "input_tokens", "output_tokens", "target", "mode", "layout",
                  "max_batch", "system"});
  else
    v.allow_keys({"model", "precision", "dense_precision", "kv_precision", "input_tokens", "output_tokens", "target", "mode", "layout",
                  "max_batch", "demand", "priority"});
  ServingWorkload w;
  w.model = load_serving_model(v.at("model"));
  w.precision = precision(v.at("precision"));
  w.kv_precision = v.find("kv_precision") ? precision(*v.find("kv_precision")) : w.precision;
  w.dense_precision = v.find("dense_precision") ? precision(*v.find("dense_precision")) : w.precision;
  if (w.kv_precision == Precision::Fp4 && w.precision != Precision::Fp4)
    v.at("kv_precision").fail("an FP4 KV cache needs FP4 tensor cores for attention: use fp8, or precision: fp4");
  w.input_tokens = v.at("input_tokens").count(1, 10'000'000);
  w.output_tokens = v.at("output_tokens").count(1, 10'000'000);
  if (auto t = v.find_set("target")) w.target_tokens_per_s_per_user = t->positive(Dimension::RatePerTime);
  if (auto mode = v.find("mode"))
    w.mode = mode->choice({"aggregated", "disaggregated"}) == "disaggregated" ? ServingMode::Disaggregated
                                                                             : ServingMode::Aggregated;
  if (auto layout = v.find("layout")) {
    if (layout->node().IsMap()) w.layout = load_layout(*layout, w.model);
    else layout->choice({"search"});
  }
  if (auto b = v.find("max_batch")) w.max_batch = b->count(1, 100'000'000);
  // Who gets the GPUs first in `bvr run` (docs/serving.md, "Serving in the campaign").
  if (auto p = v.find("priority"))
    w.priority = p->choice({"training", "serving"}) == "serving" ? ServingPriority::Serving : ServingPriority::Training;
  if (auto demand = v.find_set("demand")) {
    const auto items = demand->items(1);
    for (const YamlValue& item : items) {
      item.allow_keys({"from", "output_tokens", "requests"});
      ServingDemandStep step;
      step.t_s = static_cast<double>(item.at("from").date() - start_day) * seconds_per_day;
      // Output tokens per second, or requests per second of the workload's mean lengths.
      auto tokens = item.find_set("output_tokens"), requests = item.find_set("requests");
      if (tokens && requests) requests->fail("give either output_tokens or requests, not both");
      if (requests) step.output_tokens_per_s = requests->non_negative(Dimension::RatePerTime) * w.output_tokens;
      else step.output_tokens_per_s = item.at("output_tokens").non_negative(Dimension::RatePerTime);
      if (!std::isfinite(step.output_tokens_per_s))
        (requests ? *requests : item.at("output_tokens")).fail("expected a finite rate");
      if (!w.demand.empty() && step.t_s <= w.demand.back().t_s)
        item.at("from").fail("demand steps must be in time order, each after the one before");
      w.demand.push_back(step);
    }
  }
  return w;
}

ServingSystem serving_system(const Site& site) {
  ServingSystem s;
  s.system.gpu = site.system.gpu;
  s.system.network = site.fabric ? network_from_fabric(*site.fabric, site.system.gpu)
                                 : plain_network(site.system.gpu, site.system.domain_gpus, site.system.nic_bytes_per_s);
  return s;
}

void check_serving_on_site(const YamlValue& v, const ServingWorkload& w, const Site& site, const std::string& where) {
  const GpuSpec& gpu = site.system.gpu;
  const std::string on = fmt::format("the {} GPUs of {} ({})", site.system.name, where, gpu.name);
  for (const auto& [key, p] : {std::pair{"precision", w.precision}, std::pair{"dense_precision", w.dense_precision},
                               std::pair{"kv_precision", w.kv_precision}})
    if (peak_flop_per_s(gpu, p) <= 0)
      (v.find(key) ? *v.find(key) : v.at("precision"))
          .fail(fmt::format("{} have no {} tensor cores", on, upper(to_string(p))));
  const ServingSystem sys = serving_system(site);
  const std::vector<ServingLayout> layouts = serving_layouts(w, site.system.domain_gpus);
  if (w.layout && w.layout->tp > site.system.domain_gpus)
    v.at("layout").at("tp").fail(fmt::format("tensor parallelism stays inside the NVLink domain: tp {} > {} GPUs per "
                                             "domain of {}", w.layout->tp, site.system.domain_gpus, on));
  const std::vector<ServingPoint> points = serving_points(w, sys, layouts);
  if (points.empty()) {
    // The layout that comes closest: the most KV room.
    ServingMemory best;
    ServingLayout best_layout;
    bool first = true;
    for (const ServingLayout& l : layouts) {
      const ServingMemory m = serving_memory(w, l, gpu);
      if (first || m.kv_room_bytes_per_gpu - m.kv_bytes_per_sequence_per_gpu >
                       best.kv_room_bytes_per_gpu - best.kv_bytes_per_sequence_per_gpu) {
        best = m;
        best_layout = l;
        first = false;
      }
    }
    v.at("model").fail(fmt::format(
        "the model does not fit on {}: with tp {} ep {} pp {} ({} GPUs) the weights take {:.1f} GiB per GPU of the "
        "{:.1f} GiB usable ({:.0f} % of {:.0f} GiB), leaving {:.1f} GiB for a KV cache that needs {:.2f} GiB per "
        "sequence of {} + {} tokens{}", on, best_layout.tp, best_layout.ep, best_layout.pp, best_layout.gpus(),
        best.weight_bytes_per_gpu / gib, serving_hbm_share * gpu.hbm_bytes / gib, 100 * serving_hbm_share,
        gpu.hbm_bytes / gib, std::max(0.0, best.kv_room_bytes_per_gpu) / gib,
        best.kv_bytes_per_sequence_per_gpu / gib, w.input_tokens, w.output_tokens,
        w.layout ? " (layout fixed by workload.serving.layout)" : ""));
  }
  if (w.target_tokens_per_s_per_user > 0 && !best_at(points, w.target_tokens_per_s_per_user)) {
    double fastest = 0;
    for (const ServingPoint& p : points) fastest = std::max(fastest, p.tokens_per_s_per_user);
    v.at("target").fail(fmt::format("no layout reaches {:.4g} tokens/s per user on {}: the fastest, at one sequence, "
                                    "gives {:.4g}", w.target_tokens_per_s_per_user, on, fastest));
  }
}

}  // namespace bvr
