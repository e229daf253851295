#include "sim/option_sim.h"

#include <algorithm>
#include <cmath>

#include "models/lease_contract.h"

namespace bvr {

OptionSim::OptionSim(const Scenario& scenario, const Option& option, std::uint64_t seed)
    : sc(scenario), opt(option), meters(scenario.discount_rate), rng(seed) {
  const std::vector<std::string> names = failure_class_names(scenario);
  job.interruptions_by_class.assign(names.size(), 0.0);
  for (const Site& site : option.sites) {
    sites.emplace_back(site, site_speed(scenario, site, site_full_gpus(scenario, site), true));
    std::vector<std::size_t> slots;
    for (const FailureClass& c : site.failure_classes)
      slots.push_back(static_cast<std::size_t>(std::find(names.begin(), names.end(), c.name) - names.begin()));
    class_slot_.push_back(slots);
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
  const int spares = sc.reliability.spare_servers;
  if (in_repair > spares && sc.reliability.out_of_spares == OutOfSpares::Wait) return 0;
  const int site_limit = site_delivered(job.site);
  const int usable = std::min(site_limit, site.fleet() - std::max(spares, in_repair) * per_node);
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
        flow(s.grid_w * s.site.build->supply.grid.price_usd_per_j, CostCategory::Electricity);
        flow(s.turbine_w * turbine_fuel_usd_per_j(s), CostCategory::Fuel);
      } else {
        flow(s.power_w * s.site.hosted->host.energy_usd_per_j, CostCategory::Electricity);
        flow(s.host_fee_usd_per_s, CostCategory::Colocation);
      }
      flow(s.opex.maintenance_usd_per_s, CostCategory::Maintenance);
      flow(s.opex.insurance_property_usd_per_s, CostCategory::InsuranceProperty);
      flow(s.opex.staff_usd_per_s, CostCategory::Staff);
      flow(s.opex.network_storage_usd_per_s, CostCategory::NetworkStorageOpex);
    }
    power_w += s.power_w;
    grid_w += s.grid_w;
    turbine_w += s.turbine_w;
  }
  meters.energy_j += power_w * dt;
  meters.grid_energy_j += grid_w * dt;
  meters.turbine_energy_j += turbine_w * dt;
  meters.gpu_seconds += job.gpus * dt;
  if (capacity_available) meters.available_s += dt;
  meters.t = t;
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
    usd_per_s += w * fleet.fuel_usd_per_j;
  }
  return watts > 0 ? usd_per_s / watts : 0;
}

// Nominal comparison at the current rates: the fee against billing and charges to the term's end.
bool OptionSim::ending_early_is_cheaper(const SiteSim& s, double t) const {
  const LeaseOffer& lease = *s.site.lease;
  const double end = lease.contract_start_s + lease.term_s;
  const std::size_t k = static_cast<std::size_t>(&s - sites.data());
  const double billed_share = billed_gpus(lease, false, site_delivered(k)) / lease.max_gpus;
  const double keep_usd = billed_share * remaining_commitment_usd(lease, t) +
                          (lease.storage_usd_per_s + lease.egress_usd_per_s) * std::max(0.0, end - std::max(t, lease.billing_start_s));
  return early_termination_fee_usd(lease, t) < keep_usd;
}

void OptionSim::recompute() {
  const double t = sim_now();
  // Placement (Placement::MoveWhenLarger): on to the next site once it can train on at least
  // as many GPUs as the current one delivers, never back.
  while (job.site + 1 < sites.size()) {
    const int next = site_online(job.site + 1);
    if (next > 0 && next >= std::max(site_delivered(job.site), sc.workload.min_job_gpus)) ++job.site;
    else break;
  }
  for (std::size_t k = 0; k < sites.size(); ++k) {
    SiteSim& s = sites[k];
    if (s.site.lease) {
      const LeaseOffer& lease = *s.site.lease;
      // A lease runs for its term (take-or-pay); after it, only as long as the work needs it.
      // Within the term, a contract with a termination fee ends early when that is cheaper.
      if (!s.ended && (job.workload_done || job.site > k)) {
        if (s.term_over) {
          s.ended = true;
        } else if (lease.early_termination_fee_share && ending_early_is_cheaper(s, t)) {
          lump(k, t, early_termination_fee_usd(lease, t), CostCategory::LeaseTermination);
          s.ended = true;
        }
      }
      const bool runs = s.billing && !s.ended;
      s.billed_usd_per_s =
          runs ? billed_gpus(lease, s.term_over, site_delivered(k)) * lease_price_usd_per_gpu_s(lease, t, s.term_over) : 0;
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
  compute_power(t);
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
    if (!job.workload_done) {
      if (k == job.site) it_w = s.site.lease ? job_w : job_w + std::max(0, s.powered() - job.gpus) * s.idle_power_per_gpu_w();
      else if (!s.site.lease) it_w = s.powered() * s.idle_power_per_gpu_w();
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

void OptionSim::record_failure(std::size_t k, std::size_t c) {
  SiteSim& site = sites[k];
  const FailureClass& failure = site.site.failure_classes[c];
  ++job.interruptions;
  ++job.interruptions_by_class[class_slot_[k][c]];
  const int gpus = failure.servers_out * site.node.gpus_per_server;
  if (failure.repair_s <= 0 || gpus == 0) return;
  update(
      [&] {
        site.in_repair += gpus;
        repairs_due.emplace(sim_now() + failure.repair_s, std::pair(k, gpus));
      },
      false);  // called by the job itself, which is the one that cares about capacity
  repair_added->notify_all();
}

// Each class draws its own time and the earliest wins. Exponential failures are memoryless, so
// drawing afresh at every segment is exact; for Weibull classes it is an approximation
// (docs/reliability.md). The classes draw in a fixed order from one stream, so options with the
// same classes see the same random numbers.
std::pair<double, std::size_t> OptionSim::draw_next_failure(int nodes) {
  double first = never;
  std::size_t which = 0;
  const auto& classes = job_site().site.failure_classes;
  for (std::size_t c = 0; c < classes.size(); ++c) {
    const FailureClass& failure = classes[c];
    const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53;  // uniform in [0, 1)
    const double t = sim_now() + draw_interval_s(nodes * failure.rate_per_node_s, failure.weibull_shape, u);
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
