#include "sim/job_speed.h"

#include <algorithm>

#include "models/plan_search.h"
#include "sim/collective_sim.h"
#include "sim/serving_sim.h"

namespace bvr {

namespace {

// One collective on blocks of `block` contiguous GPUs (every block of the fabric active at once),
// simulated and set against its closed form; nothing when the fabric cannot lay it out. Where
// models/collective_path.h lets it, evaluate_collective gives the closed form in the
// simulation's terms (line rate, hop latencies) instead of simulating: what the simulation gives
// there, within the agreement suite's tolerance.
std::optional<SimulatedCollective> simulated(const FabricSpec& fabric, const NetworkModel& net, const char* purpose,
                                             CollectiveKind sim_kind, CommKind kind, double bytes, int block) {
  if (bytes <= 0 || block < 2 || block > fabric.gpus) return std::nullopt;
  const int domain = fabric.nvlink_domain_gpus;
  if (block % domain != 0 && domain % block != 0) return std::nullopt;  // the collectives are laid out by domain
  FabricSpec whole = fabric;
  whole.gpus = fabric.gpus / block * block;  // whole blocks only
  const double closed = collective_time_s(net, kind, bytes, block, 1);
  if (closed <= 0) return std::nullopt;
  const CollectiveResult r = evaluate_collective(whole, CollectiveSpec{sim_kind, bytes, block});
  if (r.time_s <= 0) return std::nullopt;
  return SimulatedCollective{purpose, sim_kind, bytes, block, whole.gpus, r.time_s, r.algbw_bytes_per_s,
                             r.busbw_bytes_per_s, closed, r.time_s / closed};
}

// The ratio simulated / closed form that scales the step's collective (1 when nothing was
// simulated: the closed form stands), keeping the collective in `kept` for the reports.
double refinement(const std::optional<SimulatedCollective>& c, std::vector<SimulatedCollective>& kept) {
  if (!c) return 1;
  kept.push_back(*c);
  return c->ratio;
}

}  // namespace

SiteSpeed site_speed(const Scenario& sc, const Site& where, int full_gpus, bool simulate) {
  const std::optional<FabricSpec>& fabric = where.fabric;
  const SystemSpec& system = where.system;
  SiteSpeed site;
  site.full_gpus = std::min(full_gpus, sc.workload.max_job_gpus);
  if (fabric) site.full_gpus = std::min(site.full_gpus, fabric->gpus);
  site.system.gpu = system.gpu;
  site.system.network = fabric ? system_network(system, *fabric) : system_network(system);
  Workload w = sc.workload;
  w.max_job_gpus = site.full_gpus;
  for (const TrainingRun& run : sc.workload.runs) {
    RunSpeed rs;
    rs.plan = chosen_plan(w, run, site.system);
    if (rs.plan && fabric && simulate) {
      const ParallelPlan& p = *rs.plan;
      const StageParams sp = stage_params(*run.model, p);
      const bool sharded = p.sharding != Sharding::None;
      rs.refine.dp = refinement(simulated(*fabric, site.system.network, "data-parallel gradients",
                                          sharded ? CollectiveKind::ReduceScatter : CollectiveKind::AllReduceRing,
                                          sharded ? CommKind::ReduceScatter : CommKind::AllReduce, 4 * sp.dense,
                                          p.tp * p.cp * p.dp),
                                rs.collectives);
      if (p.ep > 1) {
        const double tokens = static_cast<double>(p.microbatch) * run.batch.seq_len / p.cp;
        const double a2a_bytes = 2 * tokens / p.tp * run.model->experts_per_token * run.model->hidden;
        // The block of TP x CP x EP GPUs holds TP x CP expert groups; simulated as one
        // all-to-all with the expert group's message size per peer.
        const int block = p.tp * p.cp * p.ep;
        rs.refine.ep = refinement(simulated(*fabric, site.system.network, "expert all-to-all",
                                            CollectiveKind::AllToAll, CommKind::AllToAll, a2a_bytes * block / p.ep, block),
                                  rs.collectives);
      }
    }
    site.runs.push_back(rs);
  }
  return site;
}

int site_full_gpus(const Scenario& sc, const Site& site) {
  return site.lease ? site.lease->max_gpus : sc.workload.max_job_gpus;
}

SiteSpeed final_site_speed(const Scenario& sc, const Option& option, bool simulate) {
  const Site& last = option.sites.back();
  return site_speed(sc, last, site_full_gpus(sc, last), simulate);
}

double run_flop_per_s(const Scenario& sc, const SiteSpeed& site, std::size_t run, int gpus) {
  const TrainingRun& r = sc.workload.runs[run];
  const RunSpeed& rs = site.runs[run];
  if (!r.model || !rs.plan) return job_flop_per_s(gpus, site.system.gpu, sc.workload.fixed_mfu);
  const auto p = resize_plan(*rs.plan, gpus, site.system.network.nvlink_domain_gpus);
  if (!p) return 0;
  const StepTime st = step_time(*r.model, r.batch, *p, site.system, rs.refine);
  return st.model_flop_per_step / st.step_s;
}

std::optional<StepTime> full_size_step(const Scenario& sc, const SiteSpeed& site, std::size_t run) {
  const TrainingRun& r = sc.workload.runs[run];
  const RunSpeed& rs = site.runs[run];
  if (!r.model || !rs.plan) return std::nullopt;
  return step_time(*r.model, r.batch, *rs.plan, site.system, rs.refine);
}

std::size_t headline_run(const Scenario& sc) {
  std::size_t best = 0;
  for (std::size_t r = 1; r < sc.workload.runs.size(); ++r)
    if (sc.workload.runs[r].compute_flop > sc.workload.runs[best].compute_flop) best = r;
  return best;
}

void prepare_job_speeds(const Scenario& sc) {
  for (const Option& o : sc.options)
    for (const Site& site : o.sites) {
      site_speed(sc, site, site_full_gpus(sc, site), true);
      if (sc.serves()) serving_rate_on_site(sc, site, true);  // its expert all-to-all, simulated once
    }
}

}  // namespace bvr
