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

namespace {

// Whether `parts` stages (or chunks) hold `layers` in whole layers, the first and the last one
// layer fewer at most.
bool whole_chunks(int layers, int parts) {
  return layers % parts == 0 || (layers + 1) % parts == 0 || (layers + 2) % parts == 0;
}

struct Schedule {
  PipelineSchedule kind;
  int v;
};

// Every value of each choice the search varies (those the space leaves open).
struct SearchAxes {
  std::vector<int> tps, pps, cps, eps;
  std::vector<int> microbatches{1, 2, 4, 8};
  std::vector<Schedule> schedules{{PipelineSchedule::OneFOneB, 1}, {PipelineSchedule::Interleaved, 2},
                                  {PipelineSchedule::Interleaved, 4}};
  std::vector<Sharding> shardings;
  std::vector<Recompute> recomputes;
  std::vector<Precision> precisions;
};

SearchAxes search_axes(const TransformerModel& m, const SystemModel& sys, const SearchSpace& space) {
  SearchAxes a;
  a.recomputes = space.recompute ? std::vector<Recompute>{*space.recompute}
                                 : std::vector<Recompute>{Recompute::None, Recompute::Selective, Recompute::Full};
  a.shardings = space.sharding ? std::vector<Sharding>{*space.sharding}
                               : std::vector<Sharding>{Sharding::Zero1, Sharding::Zero2, Sharding::Fsdp};
  a.precisions = {space.precision.value_or(Precision::Bf16)};
  if (!space.precision && sys.gpu.peak_fp8_flop_per_s > 0) a.precisions.push_back(Precision::Fp8);
  for (int tp = 1; tp <= sys.network.nvlink_domain_gpus && tp <= m.heads; tp *= 2) a.tps.push_back(tp);
  // Stages that divide the layers, or the layers and two more (the first and the last stage one
  // fewer: Llama 3 405B's 126 layers on 16 stages), or one more.
  for (int pp = 1; pp <= std::min(m.layers, 128); ++pp)
    if (whole_chunks(m.layers, pp) || pp <= 2) a.pps.push_back(pp);
  for (int cp = 1; cp <= 16; cp *= 2) a.cps.push_back(cp);
  for (int ep = 1; ep <= m.experts; ++ep)
    if (m.experts % ep == 0) a.eps.push_back(ep);
  return a;
}

// Calls `visit(plan)` for every layout of the axes, each axis in its order (from its end when
// `reversed`), until it returns true.
template <typename Visit>
void for_each_layout(const SearchAxes& a, const SearchSpace& space, bool reversed, Visit visit) {
  const auto at = [reversed](const auto& values, std::size_t i) -> const auto& {
    return values[reversed ? values.size() - 1 - i : i];
  };
  for (std::size_t i_tp = 0; i_tp < a.tps.size(); ++i_tp)
    for (std::size_t i_pp = 0; i_pp < a.pps.size(); ++i_pp)
      for (std::size_t i_cp = 0; i_cp < a.cps.size(); ++i_cp)
        for (std::size_t i_ep = 0; i_ep < a.eps.size(); ++i_ep)
          for (std::size_t i_mb = 0; i_mb < a.microbatches.size(); ++i_mb)
            for (std::size_t i_s = 0; i_s < a.schedules.size(); ++i_s)
              for (std::size_t i_sh = 0; i_sh < a.shardings.size(); ++i_sh)
                for (std::size_t i_rc = 0; i_rc < a.recomputes.size(); ++i_rc)
                  for (std::size_t i_pr = 0; i_pr < a.precisions.size(); ++i_pr) {
                    ParallelPlan p;
                    p.tp = at(a.tps, i_tp), p.pp = at(a.pps, i_pp), p.cp = at(a.cps, i_cp), p.ep = at(a.eps, i_ep);
                    p.microbatch = at(a.microbatches, i_mb);
                    p.schedule = at(a.schedules, i_s).kind, p.virtual_stages = at(a.schedules, i_s).v;
                    p.sharding = at(a.shardings, i_sh), p.recompute = at(a.recomputes, i_rc);
                    p.precision = at(a.precisions, i_pr);
                    p.tp_comm_overlap = space.tp_overlap, p.ep_comm_overlap = space.ep_overlap;
                    p.attention = space.attention;
                    if (visit(p)) return;
                  }
}

// A layout sized to the GPUs, with its memory per GPU.
struct SizedPlan {
  ParallelPlan plan;
  MemoryPerGpu memory;
};

// `p` sized to `gpus` when it is valid there and fits in HBM.
std::optional<SizedPlan> sized_if_fits(const TransformerModel& m, const TrainingBatch& b, int gpus,
                                       const SystemModel& sys, const ParallelPlan& p) {
  if (p.model_parallel_gpus() > gpus) return std::nullopt;
  // Interleaving needs chunks of whole layers: PP x v chunks that divide the layers, or the layers
  // and one or two more (the first and the last chunk one layer fewer, as Llama 3 405B ran 126
  // layers on 16 stages x 4 chunks: Dubey et al. 2024, section 3.3.2), as the stages do.
  if (p.schedule == PipelineSchedule::Interleaved && !whole_chunks(m.layers, p.pp * p.virtual_stages))
    return std::nullopt;
  const auto sized = resize_plan(p, gpus, sys.network.nvlink_domain_gpus);
  if (!sized || plan_problem(m, b, *sized)) return std::nullopt;
  SizedPlan out{*sized, memory_per_gpu(m, b, *sized)};
  if (!fits_in_hbm(out.memory, sys.gpu)) return std::nullopt;
  return out;
}

}  // namespace

SearchResult search_plans(const TransformerModel& m, const TrainingBatch& b, int gpus, const SystemModel& sys,
                          const SearchSpace& space, int top) {
  SearchResult result;
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
  // Full recomputation runs the forward pass again (a quarter more compute or so): never within
  // the ranking's 0.5 % of the same layout with a lighter mode. Where a lighter one fits, its
  // step time is not computed (the layout still counts as valid).
  std::optional<ParallelPlan> lighter_fits[3];  // per precision: the last layout whose none or selective mode fitted
  auto same_but_recompute = [](const ParallelPlan& a, const ParallelPlan& c) {
    return a.tp == c.tp && a.pp == c.pp && a.cp == c.cp && a.ep == c.ep && a.microbatch == c.microbatch &&
           a.schedule == c.schedule && a.virtual_stages == c.virtual_stages && a.sharding == c.sharding &&
           a.precision == c.precision;
  };
  for_each_layout(search_axes(m, sys, space), space, false, [&](const ParallelPlan& p) {
    const auto sized = sized_if_fits(m, b, gpus, sys, p);
    if (!sized) return false;
    ++result.valid;
    auto& lighter = lighter_fits[static_cast<int>(p.precision)];
    if (p.recompute != Recompute::Full) {
      lighter = p;
    } else if (lighter && same_but_recompute(*lighter, p)) {
      return false;
    }
    ++result.evaluated;
    keep_if_fast(step_time(m, b, sized->plan, sys, {}, &sized->memory));
    return false;
  });
  result.best = std::move(best);
  return result;
}

bool any_layout_fits(const TransformerModel& m, const TrainingBatch& b, int gpus, const SystemModel& sys,
                     const SearchSpace& space) {
  bool found = false;
  // The leanest choices first (the widest model parallelism, full recomputation, FSDP): when a
  // layout fits, one of these usually does, and the walk stops there.
  for_each_layout(search_axes(m, sys, space), space, true, [&](const ParallelPlan& p) {
    found = sized_if_fits(m, b, gpus, sys, p).has_value();
    return found;
  });
  return found;
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
