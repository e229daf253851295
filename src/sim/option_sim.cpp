#include "sim/option_sim.h"

#include <algorithm>
#include <cmath>

#include "models/capacity_value.h"
#include "models/fleet.h"
#include "models/lease_contract.h"
#include "models/hardware.h"

namespace bvr {

namespace {

// Streams of their own for the fleet and the stragglers, derived from the replication's seed:
// drawing them leaves the failure times of every option where they were.
std::uint64_t derived_seed(std::uint64_t seed, std::uint64_t stream) {
  std::uint64_t z = seed + stream * 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

template <typename T>
std::size_t slot_of(const std::vector<T>& names, const T& name) {
  return static_cast<std::size_t>(std::find(names.begin(), names.end(), name) - names.begin());
}

}  // namespace

OptionSim::OptionSim(const Scenario& scenario, const Option& option, std::uint64_t seed)
    : sc(scenario),
      opt(option),
      meters(scenario.discount_rate),
      rng(seed),
      fleet_rng(derived_seed(seed, 1)),
      straggler_rng(derived_seed(seed, 2)),
      serving_rng(derived_seed(seed, 3)),
      market(realize_market(scenario.market, scenario.horizon_s, seed)),
      values_idle_(scenario.has_credits_beyond_runs()),
      serves_(scenario.serves()) {
  const std::vector<std::string> names = failure_class_names(scenario), steps = repair_step_names(scenario);
  job.interruptions_by_class.assign(names.size(), 0.0);
  job.repairs_by_step.assign(steps.size(), 0.0);
  for (const Site& site : option.sites) {
    sites.emplace_back(site, site_speed(scenario, site, site_full_gpus(scenario, site), true));
    std::vector<std::size_t> slots, rungs;
    for (const FailureClass& c : site.failure_classes) slots.push_back(slot_of(names, c.name));
    for (const RepairStep& r : site.fleet.repairs.ladder) rungs.push_back(slot_of(steps, r.name));
    class_slot_.push_back(slots);
    rung_slot_.push_back(rungs);
    const FleetPolicy& f = site.fleet;
    tracks_fleet_.push_back(f.bad_nodes.any() || f.retirement.failures > 0 || f.repairs.misdiagnosis > 0);
    sites.back().shelf.assign(static_cast<std::size_t>(f.cold_spares), -1);
    if (serves_) sites.back().serving_rate = serving_rate_on_site(scenario, site, true);
  }
  if (scenario.workload.runs.empty()) {  // serving only: no run, nothing to train
    job.workload_done = true;
    job.finish_s = 0;
    return;
  }
  const auto step = full_size_step(scenario, sites.back().speed, headline_run(scenario));
  full_size_mfu = step ? step->mfu : scenario.workload.fixed_mfu;
}

int OptionSim::nominal_capacity() const {
  const SiteSim& last = sites.back();
  return last.whole_nodes(std::min(last.site.nominal_gpus(), sc.workload.max_job_gpus));
}

CapacityState OptionSim::site_state(std::size_t k, bool count_repair) const {
  return sites[k].state(sim_now(), nominal_capacity(), sc.workload.max_job_gpus, count_repair);
}

double OptionSim::job_flop_rate(std::size_t run, std::size_t site, int gpus) {
  const auto key = std::make_tuple(run, site, gpus);
  if (auto it = flop_rate_cache_.find(key); it != flop_rate_cache_.end()) return it->second;
  return flop_rate_cache_[key] = run_flop_per_s(sc, sites[site].speed, run, gpus);
}

// Hot spares are healthy nodes held out of the job to stand in for failed ones: the job gets at
// most the site's nodes less max(spares, nodes in repair), within every other limit of the site
// and the job's size limits. With more nodes in repair than spares the job shrinks or waits, as
// the scenario says.
int OptionSim::available_gpus() const {
  const SiteSim& site = job_site();
  const int per_node = site.node.gpus_per_server;
  const int in_repair = site.in_repair / per_node;
  const int spares = site.site.spare_nodes >= 0 ? site.site.spare_nodes : sc.reliability.spare_servers;
  if (in_repair > spares && sc.reliability.out_of_spares == OutOfSpares::Wait) return 0;
  // Serving first (workload.serving.priority: serving): the job runs on what serving leaves.
  const int serving_first = serves_ && sc.workload.serving->priority == ServingPriority::Serving ? site.serving_gpus : 0;
  const int site_limit = site_delivered(job.site) - serving_first;
  const int usable = std::min(site_limit, site.fleet() - std::max(spares, in_repair) * per_node - serving_first);
  const int gpus = site.whole_nodes(std::min(std::max(0, usable), sc.workload.max_job_gpus));
  return gpus >= sc.workload.min_job_gpus ? gpus : 0;
}

// Always when the job lost GPUs or its site changed; when it could grow, only by at least the
// resize step or to the full allocation, since every restart costs time.
bool OptionSim::should_resize(int gpus, std::size_t site) const {
  const int now_available = available_gpus();
  if (now_available < gpus || site != job.site) return true;
  const int full = std::min(nominal_capacity(), sc.workload.max_job_gpus);
  return now_available > gpus && (now_available >= full || now_available >= gpus * (1 + sc.workload.resize_step));
}

// The job's nodes switch from restart (idle) power to training power at the segment's run start
// without an event of its own: the meter splits the interval there.
void OptionSim::advance(double t) {
  t = std::min(t, horizon());
  if (job.gpus > 0 && !job.training && job.segment_run_start <= t) {
    integrate(std::max(meters.t, job.segment_run_start));
    job.training = true;
    compute_power(std::max(meters.t, job.segment_run_start));
  }
  integrate(t);
}

void OptionSim::lump(std::size_t site, double t, double usd, CostCategory category) {
  meters.ledger.lump(t, usd, category);
  sites[site].ledger.lump(t, usd, category);
}

void OptionSim::integrate(double t) {
  const double t0 = meters.t;
  const double dt = t - t0;
  if (dt <= 0) return;
  CashLedger& ledger = meters.ledger;
  double power_w = 0, grid_w = 0, turbine_w = 0;
  for (SiteSim& s : sites) {
    auto flow = [&](double usd_per_s, CostCategory category) {
      ledger.flow(t0, t, usd_per_s, category);
      s.ledger.flow(t0, t, usd_per_s, category);
    };
    if (s.site.lease) {
      flow(s.billed_usd_per_s, CostCategory::LeaseBilling);
      flow(s.charges_usd_per_s, CostCategory::LeaseStorageEgress);
    } else {
      if (s.site.build) {
        flow(s.grid_w * grid_price_usd_per_j(s), CostCategory::Electricity);
        flow(s.turbine_w * turbine_fuel_usd_per_j(s), CostCategory::Fuel);
      } else {
        flow(s.power_w * host_energy_usd_per_j(s), CostCategory::Electricity);
        flow(s.host_fee_usd_per_s, CostCategory::Colocation);
      }
      flow(s.opex.maintenance_usd_per_s, CostCategory::Maintenance);
      flow(s.opex.insurance_property_usd_per_s, CostCategory::InsuranceProperty);
      flow(s.opex.staff_usd_per_s, CostCategory::Staff);
      flow(s.opex.network_storage_usd_per_s, CostCategory::NetworkStorageOpex);
    }
    flow(-s.demand_value_usd_per_s, CostCategory::ValueBeyondRuns);
    flow(-s.sublet_usd_per_s, CostCategory::SubletIncome);
    power_w += s.power_w;
    grid_w += s.grid_w;
    turbine_w += s.turbine_w;
  }
  meters.energy_j += power_w * dt;
  meters.grid_energy_j += grid_w * dt;
  meters.turbine_energy_j += turbine_w * dt;
  meters.gpu_seconds += job.gpus * dt;
  if (capacity_available) meters.available_s += dt;
  if (serves_) {
    const int gpus = serving_gpus();
    meters.tokens_demanded += serving.demand_tokens_per_s * dt;
    meters.tokens_served += served_tokens_per_s() * dt;
    meters.serving_capacity_tokens += serving.capacity_tokens_per_s * dt;
    meters.serving_gpu_seconds += gpus * dt;
    meters.serving_energy_j += serving_power_w() * dt;
    if (gpus > 0) meters.serving_held_s += dt;
  }
  meters.t = t;
}

int OptionSim::serving_gpus() const {
  int gpus = 0;
  for (const SiteSim& s : sites) gpus += s.serving_gpus;
  return gpus;
}

double OptionSim::served_tokens_per_s() const {
  double served = 0;
  for (const SiteSim& s : sites) served += s.serving_tokens_per_s;
  return served;
}

// Serving GPUs run at full load, as training's do (docs/power.md), times the site's PUE.
double OptionSim::serving_power_w() const {
  double w = 0;
  for (const SiteSim& s : sites) w += s.serving_gpus * it_power_per_gpu_w(s.node) * s.pue();
  return w;
}

// Where the demand in force is served (docs/serving.md, "Serving in the campaign"): site by site
// in the option's order, in whole instances of the site's best layout at the target, on the GPUs
// able to work there (delivered, installed, healthy, powered, brought up: CapacityState.online;
// a lease while it is billed). With priority `training`, the training job's GPUs and its hot
// spares are not open to serving on the job's site; with `serving`, serving takes first and the
// job runs on the rest (available_gpus()).
void OptionSim::allocate_serving() {
  double remaining = serving.demand_tokens_per_s;
  serving.capacity_tokens_per_s = 0;
  const bool training_first = sc.workload.serving->priority == ServingPriority::Training;
  for (std::size_t k = 0; k < sites.size(); ++k) {
    SiteSim& s = sites[k];
    s.serving_gpus = 0;
    s.serving_tokens_per_s = 0;
    if (!s.serving_rate || (s.site.lease && (!s.billing || s.ended))) continue;
    int open = site_online(k);
    if (training_first && !job.workload_done && k == job.site) {
      const int spares = s.site.spare_nodes >= 0 ? s.site.spare_nodes : sc.reliability.spare_servers;
      open -= job.gpus + spares * s.node.gpus_per_server;
    }
    const ServingRate& rate = *s.serving_rate;
    const double instances = std::floor(std::max(0, open) / rate.instance_gpus + 1e-9);
    serving.capacity_tokens_per_s += instances * rate.instance_tokens_per_s();
    if (remaining <= 0) continue;
    const double used = std::min(instances, std::ceil(remaining / rate.instance_tokens_per_s() - 1e-9));
    s.serving_gpus = static_cast<int>(std::ceil(used * rate.instance_gpus - 1e-9));
    s.serving_tokens_per_s = std::min(remaining, used * rate.instance_tokens_per_s());
    remaining -= s.serving_tokens_per_s;
  }
}

// Average over the checkpoint cycle: training at full power, blocking checkpoints at idle.
double OptionSim::training_power_per_gpu_w() const {
  const SiteSim& site = job_site();
  const double full_w = it_power_per_gpu_w(site.node);
  const CheckpointCycle& cycle = job.segment_cycle;
  const double cycle_s = cycle.work_s + cycle.blocking_s;
  if (!std::isfinite(cycle.work_s) || cycle_s <= 0) return full_w;
  return (full_w * cycle.work_s + site.idle_power_per_gpu_w() * cycle.blocking_s) / cycle_s;
}

double OptionSim::turbine_fuel_usd_per_j(const SiteSim& s) const {
  // Fleets are dispatched together; the fuel price is the output-weighted mean of those online.
  double watts = 0, usd_per_s = 0;
  for (const auto& fleet : s.site.build->supply.turbines) {
    if (fleet.t_s > meters.t) continue;
    const double w = fleet.units * fleet.unit_power_w * fleet.availability;
    watts += w;
    usd_per_s += w * (fleet.fuel_path >= 0 ? market[static_cast<std::size_t>(fleet.fuel_path)].stepped(meters.t)
                                           : fleet.fuel_usd_per_j);
  }
  return watts > 0 ? usd_per_s / watts : 0;
}

// An energy price as written, or its market path's value for the month (docs/market.md).
double OptionSim::grid_price_usd_per_j(const SiteSim& s) const {
  const GridConnection& grid = s.site.build->supply.grid;
  return grid.price_path >= 0 ? market[static_cast<std::size_t>(grid.price_path)].stepped(meters.t) : grid.price_usd_per_j;
}

double OptionSim::host_energy_usd_per_j(const SiteSim& s) const {
  const HostTerms& host = s.site.hosted->host;
  return host.energy_price_path >= 0 ? market[static_cast<std::size_t>(host.energy_price_path)].stepped(meters.t)
                                     : host.energy_usd_per_j;
}

// Capacity the training runs do not use serves the GPU-hour demand, site by site in order,
// valued at the demand's price or index; what owned sites have left is sublet at their index less
// the fee (docs/market.md). Idle: all a site delivers where the job is not (before it arrives,
// after it has moved on or finished); on the job's site while it trains, what lies beyond the
// job's largest size and the hot spares (fixed, so the credit does not flicker with failures).
// A lease's capacity counts while it is billed; it is not sublet.
std::vector<double> OptionSim::idle_gpus() const {
  std::vector<double> idle(sites.size(), 0.0);
  for (std::size_t k = 0; k < sites.size(); ++k) {
    const SiteSim& s = sites[k];
    if (s.site.lease && (!s.billing || s.ended)) continue;
    const int delivered = site_delivered(k);
    if (!job.workload_done && k == job.site) {
      const int spares = s.site.spare_nodes >= 0 ? s.site.spare_nodes : sc.reliability.spare_servers;
      idle[k] = std::max(0, delivered - sc.workload.max_job_gpus - spares * s.node.gpus_per_server);
      // A GPU-hour that serves tokens is not also demand or sublet: at most what neither the job
      // (and its spares) nor serving holds.
      if (serves_)
        idle[k] = std::min(idle[k], static_cast<double>(std::max(0, delivered - job.gpus - s.serving_gpus -
                                                                     spares * s.node.gpus_per_server)));
    } else {
      idle[k] = serves_ ? std::max(0, delivered - s.serving_gpus) : delivered;
    }
  }
  return idle;
}

double OptionSim::demand_value_usd_per_gpu_s(double t) const {
  if (!sc.demand) return 0;
  return sc.demand->value_path >= 0 ? market[static_cast<std::size_t>(sc.demand->value_path)].stepped(t)
                                    : sc.demand->value_usd_per_gpu_s;
}

void OptionSim::value_idle_capacity(double t) {
  if (!values_idle_) return;
  const std::vector<double> idle = idle_gpus();
  // Nobody sublets at or below the marketplace's fee: those GPUs stay idle.
  std::vector<bool> may_sublet(sites.size(), false);
  for (std::size_t k = 0; k < sites.size(); ++k) {
    const auto& sublet = sites[k].site.sublet;
    may_sublet[k] = idle[k] > 0 && sublet && market[sublet->path].stepped(t) > sublet->fee_usd_per_gpu_s;
  }
  const double wanted = sc.demand ? demand_gpus_at(*sc.demand, t) : 0;
  const IdleUse use = split_idle(idle, may_sublet, wanted);
  const double value_usd_per_gpu_s = demand_value_usd_per_gpu_s(t);
  for (std::size_t k = 0; k < sites.size(); ++k) {
    SiteSim& s = sites[k];
    s.demand_gpus = use.serves_demand[k];
    s.sublet_gpus = use.sublet[k];
    s.demand_value_usd_per_s = use.serves_demand[k] * value_usd_per_gpu_s;
    s.sublet_usd_per_s =
        s.site.sublet ? sublet_income_usd_per_s(use.sublet[k], market[s.site.sublet->path].stepped(t), *s.site.sublet) : 0;
  }
}

// The energy price an owned site pays now: its grid and turbines' output-weighted, or its host's.
double OptionSim::site_energy_usd_per_j(const SiteSim& s) const {
  if (s.site.hosted) return host_energy_usd_per_j(s);
  if (!s.site.build) return 0;
  const double drawn_w = s.grid_w + s.turbine_w;
  if (drawn_w <= 0) return grid_price_usd_per_j(s);
  return (s.grid_w * grid_price_usd_per_j(s) + s.turbine_w * turbine_fuel_usd_per_j(s)) / drawn_w;
}

// After its term, a lease that follows the demand renews for the GPUs the demand wants beyond
// what the option's other sites leave idle, in whole servers, within the contract's floor and
// ceiling; none (the lease ends) when the demand wants none of it, or when renting at the renewal
// price costs more than the demand's GPU-hour is worth (docs/market.md).
int OptionSim::renewal_gpus(std::size_t k, double t) const {
  const SiteSim& s = sites[k];
  const LeaseOffer& lease = *s.site.lease;
  const std::vector<double> idle = idle_gpus();
  double wanted = sc.demand ? demand_gpus_at(*sc.demand, t) : 0;
  for (std::size_t j = 0; j < sites.size(); ++j)
    if (j != k) wanted -= idle[j];
  if (wanted <= 0 || demand_value_usd_per_gpu_s(t) < lease_price_usd_per_gpu_s(lease, t, true, &market)) return 0;
  const int per_server = s.node.gpus_per_server;
  const int servers_up = static_cast<int>(std::ceil(std::min(wanted, 1.0 * lease.renewal_max_gpus) / per_server - 1e-9));
  return std::clamp(servers_up * per_server, lease.renewal_min_gpus, lease.renewal_max_gpus);
}

// Nominal comparison at the current rates: the fee against billing and charges to the term's end.
bool OptionSim::ending_early_is_cheaper(const SiteSim& s, double t) const {
  const LeaseOffer& lease = *s.site.lease;
  const double end = lease.contract_start_s + lease.term_s;
  const std::size_t k = static_cast<std::size_t>(&s - sites.data());
  const double billed_share = billed_gpus(lease, false, site_delivered(k)) / lease.max_gpus;
  const double keep_usd = billed_share * remaining_commitment_usd(lease, t, &market) +
                          (lease.storage_usd_per_s + lease.egress_usd_per_s) * std::max(0.0, end - std::max(t, lease.billing_start_s));
  return early_termination_fee_usd(lease, t, &market) < keep_usd;
}

void OptionSim::recompute() {
  const double t = sim_now();
  // Placement: on to the next site once it can train on at least as many GPUs as the current
  // one delivers (or, MoveWhenFaster, at least as fast), never back.
  while (job.site + 1 < sites.size()) {
    const std::size_t k = job.site;
    const int next = site_online(k + 1);
    if (next <= 0 || next < sc.workload.min_job_gpus) break;
    if (opt.placement == Placement::MoveWhenFaster) {
      const auto gpus_at = [&](std::size_t site, int online) {
        return sites[site].whole_nodes(std::min(online, sc.workload.max_job_gpus));
      };
      const double here = job_flop_rate(job.run, k, gpus_at(k, site_delivered(k)));
      if (job_flop_rate(job.run, k + 1, gpus_at(k + 1, next)) < here) break;
    } else if (next < site_delivered(k)) {
      break;
    }
    ++job.site;
  }
  for (std::size_t k = 0; k < sites.size(); ++k) {
    SiteSim& s = sites[k];
    if (s.site.lease) {
      const LeaseOffer& lease = *s.site.lease;
      // A lease runs for its term (take-or-pay); after it, only as long as the work needs it.
      // Within the term, a contract with a termination fee ends early when that is cheaper.
      // Serving counts as work: a lease serving tokens runs on past its term (at its renewal
      // price) and is not ended early.
      const bool serving_here = serves_ && s.serving_gpus > 0;
      const bool released = (job.workload_done || job.site > k) && !serving_here;
      // A lease that follows the demand: sized at each renewal once the runs no longer need it.
      if (lease.renewal_follows_demand && s.term_over && released && !s.ended && (s.renewed_gpus < 0 || s.renewal_due))
        s.renewed_gpus = renewal_gpus(k, t);
      s.renewal_due = false;
      if (!s.ended && released) {
        if (s.term_over) {
          if (!lease.renewal_follows_demand || s.renewed_gpus == 0) s.ended = true;
        } else if (lease.early_termination_fee_share && ending_early_is_cheaper(s, t)) {
          lump(k, t, early_termination_fee_usd(lease, t, &market), CostCategory::LeaseTermination);
          s.ended = true;
        }
      }
      const bool runs = s.billing && !s.ended;
      s.billed_usd_per_s =
          runs ? billed_gpus(lease, s.term_over, site_delivered(k)) * lease_price_usd_per_gpu_s(lease, t, s.term_over, &market) : 0;
      s.charges_usd_per_s = runs ? lease.storage_usd_per_s + lease.egress_usd_per_s : 0;
    } else {
      double capex_usd = 0;
      for (auto c : {CostCategory::GpuServers, CostCategory::Network, CostCategory::Spares, CostCategory::Facility,
                     CostCategory::PowerPlant})
        capex_usd += s.ledger.nominal_usd(c);
      s.opex = opex_rates(s.site.owned_systems()->opex, capex_usd, s.site_open);
      // The host bills the contracted power from each step's date, used or not.
      if (s.site.hosted) s.host_fee_usd_per_s = s.supply_w * s.site.hosted->host.usd_per_w_s;
    }
  }
  // Serving first (the GPU-hour demand and sublet get what it leaves), then the idle capacity's
  // use, then the power all of them draw.
  if (serves_) allocate_serving();
  value_idle_capacity(t);
  compute_power(t);
  // A tenant that pays its energy pays back the rented GPU-hours' share at the site's price.
  if (values_idle_)
    for (SiteSim& s : sites)
      if (s.site.sublet && s.site.sublet->tenant_pays_energy && s.site.owned() && s.sublet_gpus > 0)
        s.sublet_usd_per_s += beyond_runs_extra_it_w(0, s.sublet_gpus, s.site.sublet->utilization, it_power_per_gpu_w(s.node), 0) *
                              s.pue() * site_energy_usd_per_j(s);
  capacity_available = !job.workload_done && available_gpus() > 0;
  if (job.full_capacity_s == never && nominal_capacity() > 0) {
    if (std::min(site_delivered(job.site), sc.workload.max_job_gpus) >= nominal_capacity()) job.full_capacity_s = t;
  }
}

// Facility power by node state (docs/power.md): the job's nodes train (with checkpoint pauses at
// idle power) or restart at idle power; other powered nodes of sites we own idle; a provider's
// idle servers are the provider's business. Done, the nodes go on to other work, whose energy is
// not this workload's.
void OptionSim::compute_power(double t) {
  const double job_w =
      job.gpus * (job.training ? training_power_per_gpu_w() : job_site().idle_power_per_gpu_w());
  double total_w = 0;
  for (std::size_t k = 0; k < sites.size(); ++k) {
    SiteSim& s = sites[k];
    double it_w = 0;
    if (serves_) {
      // Serving is work of the scenario to the horizon: its GPUs at full load, training's as
      // above, a site we own idles the rest it powers (a provider's idle servers are its own).
      const bool trains_here = !job.workload_done && k == job.site;
      const int training_gpus = trains_here ? job.gpus : 0;
      it_w = (trains_here ? job_w : 0.0) + s.serving_gpus * it_power_per_gpu_w(s.node);
      if (!s.site.lease) it_w += std::max(0, s.powered() - training_gpus - s.serving_gpus) * s.idle_power_per_gpu_w();
    } else if (!job.workload_done) {
      if (k == job.site) it_w = s.site.lease ? job_w : job_w + std::max(0, s.powered() - job.gpus) * s.idle_power_per_gpu_w();
      else if (!s.site.lease) it_w = s.powered() * s.idle_power_per_gpu_w();
    }
    // Beyond the runs (docs/market.md): an owned site's nodes are on, idle unless they serve the
    // demand or are rented out (a lease's energy is the provider's, in its price).
    if (values_idle_ && !s.site.lease) {
      // Serving tokens (above) holds its GPUs first; the rest is the demand's and the sublet's.
      const double powered = s.powered() - (serves_ ? s.serving_gpus : 0);
      if (job.workload_done && !serves_) it_w = powered * s.idle_power_per_gpu_w();
      const double serving = std::min(s.demand_gpus, powered);
      const double sublet = std::min(s.sublet_gpus, powered - serving);
      it_w += beyond_runs_extra_it_w(serving, sublet, s.site.sublet ? s.site.sublet->utilization : 0,
                                     it_power_per_gpu_w(s.node), s.idle_power_per_gpu_w());
    }
    s.power_w = it_w * s.pue();
    s.grid_w = s.turbine_w = 0;
    if (s.site.build && s.power_w > 0) {
      const Dispatch d = dispatch(s.site.build->supply, t, s.power_w);
      s.grid_w = d.grid_w;
      s.turbine_w = d.turbine_w;
    }
    total_w += s.power_w;
  }
  if (t <= horizon()) meters.peak_power_w = std::max(meters.peak_power_w, total_w);
}

void OptionSim::add_nodes(std::size_t k, int nodes) {
  SiteSim& site = sites[k];
  if (!tracks_fleet_[k] || nodes <= 0) return;
  const BadNodes& bad = site.site.fleet.bad_nodes;
  for (int i = 0; i < nodes; ++i) {
    const bool by_count = site.bad_assigned < bad.count;
    if (by_count || (bad.share > 0 && uniform(fleet_rng) < bad.share)) {
      ++site.bad_assigned;
      site.tracked.push_back(TrackedNode{true, false, false, false, {}});
      ++site.often_failing_healthy;
    } else {
      ++site.fresh_nodes;
    }
  }
}

int OptionSim::strike_node(std::size_t k) {
  SiteSim& site = sites[k];
  const double multiple = site.site.fleet.bad_nodes.rate_multiple;
  const bool often = site.often_failing_healthy > 0 &&
                     uniform(fleet_rng) < bad_node_probability(site.often_failing_share(), multiple);
  // The j-th healthy node of the kind struck, at random.
  auto nth = [&](bool want_often, int count) {
    int j = std::min(count - 1, static_cast<int>(uniform(fleet_rng) * count));
    for (std::size_t i = 0; i < site.tracked.size(); ++i) {
      const TrackedNode& n = site.tracked[i];
      if (n.out || n.fails_often() != want_often) continue;
      if (j-- == 0) return static_cast<int>(i);
    }
    return -1;
  };
  int node = -1;
  if (often) {
    node = nth(true, site.often_failing_healthy);
    --site.often_failing_healthy;
  } else {
    const int good = site.fresh_nodes + site.tracked_healthy_good;
    if (good <= 0) return -1;
    if (uniform(fleet_rng) * good < site.fresh_nodes) {
      --site.fresh_nodes;
      site.tracked.push_back(TrackedNode{});
      node = static_cast<int>(site.tracked.size()) - 1;
    } else {
      node = nth(false, site.tracked_healthy_good);
      --site.tracked_healthy_good;
    }
  }
  if (node >= 0) site.tracked[static_cast<std::size_t>(node)].out = true;
  return node;
}

// A node fault goes through the fleet's rules (models/fleet.h): the struck node (a bad one more
// likely than its share), the rung of the repair ladder that fixes it, a wrong repair, retirement
// after too many failures (an owned site buys a replacement), a cold spare swapped in meanwhile.
// Nodes taken down with it (a switch, a rack) come back after the class's repair time.
void OptionSim::record_failure(std::size_t k, std::size_t c) {
  SiteSim& site = sites[k];
  const FailureClass& failure = site.site.failure_classes[c];
  const FleetPolicy& fleet = site.site.fleet;
  ++job.interruptions;
  ++job.interruptions_by_class[class_slot_[k][c]];
  const int node_gpus = site.node.gpus_per_server;
  const int gpus = failure.servers_out * node_gpus;
  if (!failure.node_fault() || gpus == 0) return;
  const double t = sim_now();
  double repair_s = failure.repair_s;
  if (failure.ladder_repair) {
    const std::size_t rung = repair_rung(fleet.repairs, uniform(fleet_rng));
    repair_s = repair_duration_s(fleet.repairs, rung);
    ++job.repairs_by_step[rung_slot_[k][rung]];
  }
  ++job.node_repairs;
  const bool wrong = fleet.repairs.misdiagnosis > 0 && uniform(fleet_rng) < fleet.repairs.misdiagnosis;
  if (wrong) ++job.repairs_misdiagnosed;
  int node = -1;
  bool retire = false;
  if (tracks_fleet_[k]) {
    node = strike_node(k);
    if (node >= 0) {
      TrackedNode& n = site.tracked[static_cast<std::size_t>(node)];
      n.failure_times_s.push_back(t);
      const RetirementPolicy& r = fleet.retirement;
      if (r.failures > 0 && site.site.owned()) {
        const auto recent = std::count_if(n.failure_times_s.begin(), n.failure_times_s.end(),
                                          [&](double f) { return f > t - r.window_s; });
        retire = recent >= r.failures;
      }
    }
  }
  update(
      [&] {
        site.in_repair += gpus;
        // The others a group failure took down are not broken: back when the group is repaired.
        if (gpus > node_gpus)
          repairs_due.emplace(t + failure.repair_s, RepairEvent{k, gpus - node_gpus, -1, RepairEvent::Kind::Return});
        if (retire) {
          TrackedNode& n = site.tracked[static_cast<std::size_t>(node)];
          n.retired = true;
          ++job.nodes_retired;
          lump(k, t, site.site.system.price_usd_per_gpu * node_gpus, CostCategory::GpuServers);
          repairs_due.emplace(t + fleet.retirement.replacement_lead_s,
                              RepairEvent{k, node_gpus, -1, RepairEvent::Kind::Return, true});
          return;
        }
        if (!site.shelf.empty()) {
          const int spare = site.shelf.back();
          site.shelf.pop_back();
          repairs_due.emplace(t + fleet.swap_s, RepairEvent{k, node_gpus, spare, RepairEvent::Kind::SwapIn, spare < 0});
          repairs_due.emplace(t + repair_s, RepairEvent{k, 0, node, RepairEvent::Kind::ToShelf, false, wrong});
          return;
        }
        repairs_due.emplace(t + repair_s, RepairEvent{k, node_gpus, node, RepairEvent::Kind::Return, node < 0, wrong});
      },
      false);  // called by the job itself, which is the one that cares about capacity
  repair_added->notify_all();
}

void OptionSim::bring_back(const RepairEvent& e) {
  SiteSim& site = sites[e.site];
  if (e.kind == RepairEvent::Kind::ToShelf) {
    if (e.node >= 0) site.tracked[static_cast<std::size_t>(e.node)].faulty = e.faulty;
    site.shelf.push_back(e.node);
    return;
  }
  site.in_repair -= e.gpus;
  if (!tracks_fleet_[e.site]) return;
  if (e.node < 0) {
    if (e.fresh) ++site.fresh_nodes;
    return;
  }
  TrackedNode& n = site.tracked[static_cast<std::size_t>(e.node)];
  n.out = false;
  if (e.kind == RepairEvent::Kind::Return) n.faulty = e.faulty;
  if (n.fails_often()) ++site.often_failing_healthy;
  else ++site.tracked_healthy_good;
}

// Fleet policies (bad nodes, the repair ladder, retirement, cold spares) follow the training job's
// nodes only; a serving node is repaired in the class's time (docs/serving.md).
void OptionSim::record_serving_failure(std::size_t k, std::size_t c) {
  SiteSim& site = sites[k];
  const FailureClass& failure = site.site.failure_classes[c];
  const int gpus = failure.servers_out * site.node.gpus_per_server;
  const double t = sim_now();
  const double repair_s = failure.ladder_repair
                              ? repair_duration_s(site.site.fleet.repairs, repair_rung(site.site.fleet.repairs, uniform(serving_rng)))
                              : failure.repair_s;
  update([&] {
    serving.failures += 1;
    if (!failure.node_fault() || gpus == 0) return;
    site.in_repair += gpus;
    repairs_due.emplace(t + repair_s, RepairEvent{k, gpus, -1, RepairEvent::Kind::Return});
  });
  repair_added->notify_all();
}

void OptionSim::take_out_straggler(std::size_t k, double repair_s) {
  SiteSim& site = sites[k];
  const int node_gpus = site.node.gpus_per_server;
  const double t = sim_now();
  update(
      [&] {
        site.in_repair += node_gpus;
        repairs_due.emplace(t + repair_s, RepairEvent{k, node_gpus, -1, RepairEvent::Kind::Return});
      },
      false);
  repair_added->notify_all();
}

// Each class draws its own time and the earliest wins. Exponential failures are memoryless, so
// drawing afresh at every segment is exact; for Weibull classes it is an approximation
// (docs/reliability.md). The classes draw in a fixed order from one stream, so options with the
// same classes see the same random numbers.
std::pair<double, std::size_t> OptionSim::draw_next_failure(int nodes) {
  double first = never;
  std::size_t which = 0;
  const SiteSim& site = job_site();
  const auto& classes = site.site.failure_classes;
  // Bad (and wrongly repaired) nodes among the job's fail more often at what needs a repair.
  const bool uneven = tracks_fleet_[job.site] && site.often_failing_healthy > 0;
  const double uneven_nodes =
      uneven ? effective_nodes(nodes, site.often_failing_share(), site.site.fleet.bad_nodes.rate_multiple) : nodes;
  for (std::size_t c = 0; c < classes.size(); ++c) {
    const FailureClass& failure = classes[c];
    const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53;  // uniform in [0, 1)
    const double n = failure.node_fault() ? uneven_nodes : nodes;
    const double t = sim_now() + draw_interval_s(n * failure.rate_per_node_s, failure.weibull_shape, u);
    if (t < first) {
      first = t;
      which = c;
    }
  }
  return {first, which};
}

double OptionSim::progress_flop() const {
  if (job.gpus == 0) return job.done_flop;
  return job.done_flop + work_done_s(job.segment_cycle, sim_now() - job.segment_run_start) * job.segment_flop_per_s;
}

}  // namespace bvr
