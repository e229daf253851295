#include "models/plan_search.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace bvr {

namespace {
// Step times within this share of each other rank by memory headroom (plan_search.h).
constexpr double ranking_step_share = 0.005;
}  // namespace

int usable_gpus(const ParallelPlan& p, int gpus, int domain_gpus) {
  if (domain_gpus <= 1) return gpus;
  const long expert_block = static_cast<long>(p.tp) * p.cp * p.ep;
  const int block = expert_block <= domain_gpus ? static_cast<int>(expert_block) : p.tp;
  if (block <= 1 || block > domain_gpus) return gpus;
  const int per_domain = domain_gpus / block * block;
  return gpus / domain_gpus * per_domain + gpus % domain_gpus / block * block;
}

std::optional<ParallelPlan> resize_plan(const ParallelPlan& plan, int gpus, int domain_gpus) {
  ParallelPlan p = plan;
  p.dp = usable_gpus(p, gpus, domain_gpus) / p.model_parallel_gpus();
  // EP is carved out of DP x CP: keep DP x CP a multiple of EP.
  while (p.dp > 0 && (p.dp * p.cp) % p.ep != 0) --p.dp;
  if (p.dp < 1) return std::nullopt;
  return p;
}

SearchResult search_plans(const TransformerModel& m, const TrainingBatch& b, int gpus, const SystemModel& sys,
                          const SearchSpace& space, int top) {
  SearchResult result;
  const std::vector<Recompute> recomputes =
      space.recompute ? std::vector<Recompute>{*space.recompute}
                      : std::vector<Recompute>{Recompute::None, Recompute::Selective, Recompute::Full};
  const std::vector<Sharding> shardings =
      space.sharding ? std::vector<Sharding>{*space.sharding}
                     : std::vector<Sharding>{Sharding::Zero1, Sharding::Zero2, Sharding::Fsdp};
  std::vector<Precision> precisions{space.precision.value_or(Precision::Bf16)};
  if (!space.precision && sys.gpu.peak_fp8_flop_per_s > 0) precisions.push_back(Precision::Fp8);

  std::vector<int> tps, pps, cps, eps;
  for (int tp = 1; tp <= sys.network.nvlink_domain_gpus && tp <= m.heads; tp *= 2) tps.push_back(tp);
  // Stages that divide the layers, or the layers and two more (the first and the last stage one
  // fewer: Llama 3 405B's 126 layers on 16 stages), or one more.
  for (int pp = 1; pp <= std::min(m.layers, 128); ++pp)
    if (m.layers % pp == 0 || (m.layers + 1) % pp == 0 || (m.layers + 2) % pp == 0 || pp <= 2) pps.push_back(pp);
  for (int cp = 1; cp <= 16; cp *= 2) cps.push_back(cp);
  for (int ep = 1; ep <= m.experts; ++ep)
    if (m.experts % ep == 0) eps.push_back(ep);
  struct Schedule {
    PipelineSchedule kind;
    int v;
  };
  const Schedule schedules[] = {{PipelineSchedule::OneFOneB, 1}, {PipelineSchedule::Interleaved, 2},
                                {PipelineSchedule::Interleaved, 4}};

  // The `top` best so far, best first: by step time in steps of 0.5 %, then by memory headroom
  // (a layout with room to spare beats one a hair faster that barely loads); ties: the layout
  // found first stays ahead.
  std::vector<StepTime> best;
  std::vector<std::pair<long, double>> keys;  // parallel to `best`
  const std::size_t keep = static_cast<std::size_t>(std::max(top, 0));
  auto rank_key = [&](const StepTime& st) {
    return std::pair<long, double>{std::lround(std::floor(std::log(st.step_s) / std::log(1 + ranking_step_share))),
                                   -hbm_headroom(st.memory, sys.gpu)};
  };
  auto keep_if_fast = [&](StepTime st) {
    const auto key = rank_key(st);
    if (keep == 0 || (best.size() == keep && !(key < keys.back()))) return;
    const auto at = std::upper_bound(keys.begin(), keys.end(), key);
    const auto i = at - keys.begin();
    keys.insert(at, key);
    best.insert(best.begin() + i, std::move(st));
    if (best.size() > keep) best.pop_back(), keys.pop_back();
  };
  for (int tp : tps)
    for (int pp : pps)
      for (int cp : cps)
        for (int ep : eps)
          for (int mb : {1, 2, 4, 8})
            for (const Schedule& s : schedules)
              for (Sharding sh : shardings)
                for (Recompute rc : recomputes)
                  for (Precision pr : precisions) {
                    ParallelPlan p;
                    p.tp = tp, p.pp = pp, p.cp = cp, p.ep = ep, p.microbatch = mb;
                    p.schedule = s.kind, p.virtual_stages = s.v, p.sharding = sh, p.recompute = rc, p.precision = pr;
                    p.tp_comm_overlap = space.tp_overlap, p.ep_comm_overlap = space.ep_overlap;
                    if (p.model_parallel_gpus() > gpus) continue;
                    const auto sized = resize_plan(p, gpus, sys.network.nvlink_domain_gpus);
                    if (!sized || plan_problem(m, b, *sized)) continue;
                    // Interleaving needs whole chunks; uneven splits are for explicit layouts.
                    if (s.kind == PipelineSchedule::Interleaved && m.layers % (pp * s.v) != 0) continue;
                    if (!fits_in_hbm(memory_per_gpu(m, b, *sized), sys.gpu)) continue;
                    ++result.evaluated;
                    keep_if_fast(step_time(m, b, *sized, sys));
                  }
  result.valid = result.evaluated;
  result.best = std::move(best);
  return result;
}

SearchSpace search_space(const Workload& w) {
  return SearchSpace{w.recompute, w.precision, w.sharding, w.tp_overlap, w.ep_overlap};
}

std::optional<StepTime> evaluate_layout(const TransformerModel& m, const TrainingBatch& b, const ParallelPlan& layout,
                                        int gpus, const SystemModel& sys, std::optional<Recompute> recompute) {
  std::optional<StepTime> best;
  const std::vector<Recompute> modes = recompute ? std::vector<Recompute>{*recompute}
                                                 : std::vector<Recompute>{Recompute::None, Recompute::Selective,
                                                                          Recompute::Full};
  for (Recompute r : modes) {
    ParallelPlan p = layout;
    p.recompute = r;
    const auto sized = resize_plan(p, gpus, sys.network.nvlink_domain_gpus);
    if (!sized || plan_problem(m, b, *sized)) continue;
    StepTime st = step_time(m, b, *sized, sys);
    const bool fits = fits_in_hbm(st.memory, sys.gpu);
    // The fastest mode that fits; when none fits, the one that needs the least (the last).
    if (!best || (fits && (!fits_in_hbm(best->memory, sys.gpu) || st.step_s < best->step_s)) ||
        (!fits && !fits_in_hbm(best->memory, sys.gpu)))
      best = std::move(st);
  }
  return best;
}

std::optional<ParallelPlan> chosen_plan(const Workload& w, const TrainingRun& run, const SystemModel& sys) {
  if (!run.model) return std::nullopt;
  if (!w.parallelism) {
    const SearchResult r = search_plans(*run.model, run.batch, w.max_job_gpus, sys, search_space(w), 1);
    if (r.best.empty()) return std::nullopt;
    return r.best.front().plan;
  }
  ParallelPlan p = *w.parallelism;
  p.precision = w.precision;
  p.tp_comm_overlap = w.tp_overlap, p.ep_comm_overlap = w.ep_overlap;
  if (!w.recompute) {
    const auto st = evaluate_layout(*run.model, run.batch, p, w.max_job_gpus, sys, std::nullopt);
    if (st) return st->plan;
  }
  p.recompute = w.recompute.value_or(Recompute::Full);
  return resize_plan(p, w.max_job_gpus, sys.network.nvlink_domain_gpus);
}

}  // namespace bvr
