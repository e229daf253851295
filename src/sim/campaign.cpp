#include "sim/campaign.h"

#include <simgrid/s4u.hpp>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <random>
#include <tuple>

#include "models/capacity.h"
#include "models/hardware.h"
#include "models/lease_contract.h"
#include "models/time.h"
#include "sim/job_speed.h"

namespace sg4 = simgrid::s4u;

namespace bvr {

namespace {

constexpr double never = std::numeric_limits<double>::infinity();

double now() { return sg4::Engine::get_clock(); }

// Everything the actors of one option share. Actors change it only through update(), which
// first brings the meters up to now at the old rates, so every integral is exact.
class OptionSim {
 public:
  OptionSim(const Scenario& scenario, const Option& option, std::uint64_t seed)
      : sc(scenario),
        opt(option),
        interruptions_by_class(scenario.reliability.classes.size(), 0.0),
        ledger(scenario.discount_rate),
        rng(seed) {
    if (option.lease) lease_speed = site_speed(scenario, option.lease->fabric, option.lease->max_gpus, true);
    if (option.build) build_speed = site_speed(scenario, option.build->fabric, scenario.workload.max_job_gpus, true);
    const auto step = full_size_step(scenario, option.build ? build_speed : lease_speed, headline_run(scenario));
    full_size_mfu = step ? step->mfu : scenario.workload.fixed_mfu;
  }

  const Scenario& sc;
  const Option& opt;
  // The job's speed per site (sim/job_speed.h) and its model FLOP rate per (run, site, GPUs).
  SiteSpeed lease_speed, build_speed;
  std::map<std::tuple<std::size_t, bool, int>, double> flop_rate_cache;
  double full_size_mfu = 0;  // of the headline run on the final site, at full size
  double job_flop_rate(std::size_t run, bool on_build, int gpus) {
    const auto key = std::make_tuple(run, on_build, gpus);
    if (auto it = flop_rate_cache.find(key); it != flop_rate_cache.end()) return it->second;
    return flop_rate_cache[key] = run_flop_per_s(sc, on_build ? build_speed : lease_speed, run, gpus);
  }
  sg4::MutexPtr mutex = sg4::Mutex::create();
  sg4::ConditionVariablePtr changed = sg4::ConditionVariable::create();
  sg4::ConditionVariablePtr repair_added = sg4::ConditionVariable::create();  // wakes the repairs actor only

  // Lease side.
  int lease_ramp_gpus = 0;
  double lease_power_w = 0;
  bool lease_term_over = false;
  bool lease_billing = false;  // billing has started
  bool lease_ended = false;
  // Build side.
  int build_delivered = 0;
  struct ItPurchase {
    double t_s, usd;  // servers, their network and spares
    int gpus;
  };
  std::vector<ItPurchase> it_purchases;
  bool site_open = false;  // construction has started: staff and site opex run
  int build_installed = 0;
  int build_in_repair = 0, lease_in_repair = 0;  // GPUs of failed servers, per site
  std::multimap<double, std::pair<bool, int>> repairs_due;  // time -> (on the build site, GPUs)
  bool site_ready = false;
  bool bring_up_done = false;
  double build_supply_w = 0;
  // The job.
  bool moved_to_build = false;  // hybrid only
  bool workload_done = false;
  int job_gpus = 0;             // held by the running job (restarting counts), 0 while waiting
  bool job_training = false;    // past the restart: training and checkpointing
  double done_flop = 0;         // kept progress of finished segments
  double segment_run_start = 0, segment_flop_per_s = 0;
  CheckpointCycle segment_cycle;
  double useful_work_s = 0;
  double useful_gpu_s = 0;
  int interruptions = 0, planned_stops = 0;
  std::vector<double> interruptions_by_class;
  std::array<double, lost_cause_count> lost_gpu_s{};
  double finish_s = never;
  double full_capacity_s = never;
  std::vector<double> run_finish_s;
  // Meters.
  CashLedger ledger;
  double meter_t = 0;
  double energy_j = 0, grid_energy_j = 0, turbine_energy_j = 0;
  double peak_power_w = 0, gpu_seconds = 0, available_s = 0;
  double sampled_energy_j = 0, sampled_energy_cost_usd = 0;  // at the previous daily sample
  // Rates in force since meter_t (set by recompute()).
  OpexRates opex;
  double billed_usd_per_s = 0, lease_charges_usd_per_s = 0, grid_w = 0, turbine_w = 0, power_w = 0;
  bool capacity_available = false;
  std::mt19937_64 rng;

  double horizon() const { return sc.horizon_s; }

  int nominal_capacity() const {
    int total = 0;
    if (opt.build) {
      for (const auto& order : opt.build->orders) total += order.gpus;
    } else {
      total = opt.lease->max_gpus;
    }
    return whole_servers_gpus(std::min(total, sc.workload.max_job_gpus), sc.server);
  }

  // `count_repair` = false asks what the site could run with every server healthy: whether it
  // has reached full capacity does not flicker with each failure.
  CapacityState lease_state(bool count_repair = true) const {
    if (!opt.lease) return {0, CapacityLimit::Delivery};
    if (lease_ended) return {0, CapacityLimit::ContractEnded};
    CapacityStages stages;
    stages.nominal = nominal_capacity();
    stages.delivered = std::min(lease_ramp_gpus, opt.lease->max_gpus);
    if (count_repair) stages.healthy = std::max(0, stages.delivered - lease_in_repair);
    stages.powerable = powerable_gpus(lease_power_w, sc.server, opt.lease->pue);
    return capacity_state(stages);
  }
  CapacityState build_state(bool count_repair = true) const {
    if (!opt.build) return {0, CapacityLimit::Delivery};
    CapacityStages stages;
    stages.nominal = nominal_capacity();
    stages.delivered = build_delivered;
    stages.site_ready = site_ready ? unlimited : 0;
    stages.installed = build_installed;
    if (count_repair) stages.healthy = std::max(0, build_installed - build_in_repair);
    stages.powerable = powerable_gpus(build_supply_w, sc.server, opt.build->pue);
    // Only the job's GPUs swing: idle servers beyond the job's size do not.
    const int otherwise =
        std::min({build_delivered, build_installed, stages.healthy, stages.powerable, sc.workload.max_job_gpus});
    const double swing_per_gpu_w = (it_power_per_gpu_w(sc.server) - idle_power_per_gpu_w()) * opt.build->pue;
    const int fits = swing_limited_gpus(opt.build->supply, now(), otherwise, swing_per_gpu_w);
    stages.swing_fits = fits < otherwise ? fits : unlimited;
    stages.brought_up = bring_up_done ? unlimited : 0;
    return capacity_state(stages);
  }
  // The lease delivers only what the provider's site can power, and bills what it delivers,
  // servers in repair included: the provider's repairs are its business, not a credit.
  int lease_delivered() const { return lease_state(false).online; }
  int lease_online() const { return lease_state().online; }
  // Installed servers that the supply can run: powered on, idle unless training.
  int build_healthy() const { return std::max(0, build_installed - build_in_repair); }
  int build_powered() const {
    return opt.build ? std::min(build_healthy(), powerable_gpus(build_supply_w, sc.server, opt.build->pue)) : 0;
  }
  int build_trainable() const { return build_state().online; }
  bool job_on_build() const { return opt.kind == OptionKind::Build || moved_to_build; }

  // Whether the running job (on `gpus` GPUs, on the build site or not) should stop and restart
  // at another size: always when it lost GPUs or its site changed; when it could grow, only by
  // at least the resize step or to the full allocation, since every restart costs time.
  bool should_resize(int gpus, bool on_build) const {
    const int now_available = available_gpus();
    if (now_available < gpus || on_build != job_on_build()) return true;
    const int full = std::min(nominal_capacity(), sc.workload.max_job_gpus);
    return now_available > gpus && (now_available >= full || now_available >= gpus * (1 + sc.workload.resize_step));
  }

  // GPUs the job may use now. Hot spares are healthy servers held out of the job to stand in for
  // failed ones: the job gets at most the site's servers less max(spares, servers in repair),
  // within every other limit of the site and the job's size limits. With more servers in repair
  // than spares the job shrinks or waits, as the scenario says.
  int available_gpus() const {
    const bool on_build = job_on_build();
    const int per_server = sc.server.gpus_per_server;
    const int in_repair = (on_build ? build_in_repair : lease_in_repair) / per_server;
    const int spares = sc.reliability.spare_servers;
    if (in_repair > spares && sc.reliability.out_of_spares == OutOfSpares::Wait) return 0;
    const int fleet = on_build ? build_installed : (lease_ended ? 0 : std::min(lease_ramp_gpus, opt.lease->max_gpus));
    const int site_limit = on_build ? build_state(false).online : lease_state(false).online;
    const int usable = std::min(site_limit, fleet - std::max(spares, in_repair) * per_server);
    const int gpus = whole_servers_gpus(std::min(std::max(0, usable), sc.workload.max_job_gpus), sc.server);
    return gpus >= sc.workload.min_job_gpus ? gpus : 0;
  }

  // Integrates every meter from meter_t to t at the rates in force. The job's servers switch from
  // restart (idle) power to training power at the segment's run start without an event of its
  // own: the meter splits the interval there.
  void advance(double t) {
    t = std::min(t, horizon());
    if (job_gpus > 0 && !job_training && segment_run_start <= t) {
      integrate(std::max(meter_t, segment_run_start));
      job_training = true;
      compute_power(std::max(meter_t, segment_run_start));
    }
    integrate(t);
  }

  void integrate(double t) {
    const double dt = t - meter_t;
    if (dt <= 0) return;
    ledger.flow(meter_t, t, billed_usd_per_s, CostCategory::LeaseBilling);
    ledger.flow(meter_t, t, lease_charges_usd_per_s, CostCategory::LeaseStorageEgress);
    if (opt.build) {
      ledger.flow(meter_t, t, grid_w * opt.build->supply.grid.price_usd_per_j, CostCategory::Electricity);
      ledger.flow(meter_t, t, turbine_w * turbine_fuel_usd_per_j(), CostCategory::Fuel);
      ledger.flow(meter_t, t, opex.maintenance_usd_per_s, CostCategory::Maintenance);
      ledger.flow(meter_t, t, opex.insurance_property_usd_per_s, CostCategory::InsuranceProperty);
      ledger.flow(meter_t, t, opex.staff_usd_per_s, CostCategory::Staff);
      ledger.flow(meter_t, t, opex.network_storage_usd_per_s, CostCategory::NetworkStorageOpex);
    }
    energy_j += power_w * dt;
    grid_energy_j += grid_w * dt;
    turbine_energy_j += turbine_w * dt;
    gpu_seconds += job_gpus * dt;
    if (capacity_available) available_s += dt;
    meter_t = t;
  }

  double idle_power_per_gpu_w() const { return sc.server.idle_power_w / sc.server.gpus_per_server; }
  // Average over the checkpoint cycle: training at full power, blocking checkpoints at idle.
  double training_power_per_gpu_w() const {
    const double full_w = it_power_per_gpu_w(sc.server);
    const double cycle_s = segment_cycle.work_s + segment_cycle.blocking_s;
    if (!std::isfinite(segment_cycle.work_s) || cycle_s <= 0) return full_w;
    return (full_w * segment_cycle.work_s + idle_power_per_gpu_w() * segment_cycle.blocking_s) / cycle_s;
  }

  double turbine_fuel_usd_per_j() const {
    // Fleets are dispatched together; the fuel price is the output-weighted mean of those online.
    double watts = 0, usd_per_s = 0;
    for (const auto& fleet : opt.build->supply.turbines) {
      if (fleet.t_s > meter_t) continue;
      const double w = fleet.units * fleet.unit_power_w * fleet.availability;
      watts += w;
      usd_per_s += w * fleet.fuel_usd_per_j;
    }
    return watts > 0 ? usd_per_s / watts : 0;
  }

  // Applies a change of state at the current time and wakes the actors waiting for one. The
  // job's own bookkeeping wakes nobody (`notify` false): nothing waits for it, and every
  // notification is a simcall.
  template <typename Change>
  void update(Change&& change, bool notify = true) {
    advance(now());
    change();
    recompute();
    if (notify) changed->notify_all();
  }

  void recompute() {
    const double t = now();
    if (opt.kind == OptionKind::Hybrid && !moved_to_build && build_trainable() > 0 &&
        build_trainable() >= std::max(lease_delivered(), sc.workload.min_job_gpus))
      moved_to_build = true;
    // A lease runs for its term (take-or-pay); after it, only as long as the work needs it.
    // Within the term, a contract with a termination fee ends early when that is cheaper.
    if (opt.lease && !lease_ended && (workload_done || moved_to_build)) {
      if (lease_term_over) {
        lease_ended = true;
      } else if (opt.lease->early_termination_fee_share && ending_early_is_cheaper(t)) {
        ledger.lump(t, early_termination_fee_usd(*opt.lease, t), CostCategory::LeaseTermination);
        lease_ended = true;
      }
    }
    const bool lease_runs = opt.lease && lease_billing && !lease_ended;
    billed_usd_per_s = lease_runs ? billed_gpus(*opt.lease, lease_term_over, lease_delivered()) *
                                        lease_price_usd_per_gpu_s(*opt.lease, t, lease_term_over)
                                  : 0;
    lease_charges_usd_per_s = lease_runs ? opt.lease->storage_usd_per_s + opt.lease->egress_usd_per_s : 0;
    if (opt.build) opex = opex_rates(opt.build->opex, capex_paid_usd(), site_open);

    compute_power(t);
    capacity_available = !workload_done && available_gpus() > 0;
    if (full_capacity_s == never && nominal_capacity() > 0) {
      const int site = job_on_build() ? build_state(false).online : lease_state(false).online;
      if (std::min(site, sc.workload.max_job_gpus) >= nominal_capacity()) full_capacity_s = t;
    }
  }

  // Facility power by server state (docs/power.md): the job's servers train (with checkpoint
  // pauses at idle power) or restart at idle power; other powered servers of our own site idle.
  void compute_power(double t) {
    const double train_w = job_training ? training_power_per_gpu_w() : idle_power_per_gpu_w();
    const double job_w = job_gpus * train_w;
    double build_it_w = 0, lease_it_w = 0;
    if (workload_done) {
      // Done: the servers go on to other work, whose energy is not this workload's.
    } else if (job_on_build()) {
      build_it_w = job_w + std::max(0, build_powered() - job_gpus) * idle_power_per_gpu_w();
    } else {
      lease_it_w = job_w;  // the provider's idle servers are the provider's business
      if (opt.build) build_it_w = build_powered() * idle_power_per_gpu_w();
    }
    const double build_w = opt.build ? build_it_w * opt.build->pue : 0;
    power_w = build_w + (opt.lease ? lease_it_w * opt.lease->pue : 0);
    grid_w = turbine_w = 0;
    if (build_w > 0) {
      const Dispatch d = dispatch(opt.build->supply, t, build_w);
      grid_w = d.grid_w;
      turbine_w = d.turbine_w;
    }
    if (t <= horizon()) peak_power_w = std::max(peak_power_w, power_w);
  }

  // A failure of class `c`: counted, and the servers it takes out leave their site's healthy
  // pool until repaired (the repairs actor brings them back).
  void record_failure(std::size_t c, bool on_build) {
    const FailureClass& failure = sc.reliability.classes[c];
    ++interruptions;
    ++interruptions_by_class[c];
    const int servers = failure.servers_out != servers_behind_leaf_switch
                            ? failure.servers_out
                            : servers_behind_leaf(on_build ? *opt.build->fabric : *opt.lease->fabric);
    const int gpus = servers * sc.server.gpus_per_server;
    if (failure.repair_s <= 0 || gpus == 0) return;
    update(
        [&] {
          (on_build ? build_in_repair : lease_in_repair) += gpus;
          repairs_due.emplace(now() + failure.repair_s, std::pair(on_build, gpus));
        },
        false);  // called by the job itself, which is the one that cares about capacity
    repair_added->notify_all();
  }

  // Time of the next interruption at this size and its class: each class draws its own time and
  // the earliest wins. Exponential failures are memoryless, so drawing afresh at every segment
  // is exact; for Weibull classes it is an approximation (docs/reliability.md). The classes
  // draw in a fixed order from one stream, so options see the same random numbers.
  std::pair<double, std::size_t> draw_next_failure(int nodes) {
    double first = never;
    std::size_t which = 0;
    for (std::size_t c = 0; c < sc.reliability.classes.size(); ++c) {
      const FailureClass& failure = sc.reliability.classes[c];
      const double u = static_cast<double>(rng() >> 11) * 0x1.0p-53;  // uniform in [0, 1)
      const double t = now() + draw_interval_s(nodes * failure.rate_per_node_s, failure.weibull_shape, u);
      if (t < first) {
        first = t;
        which = c;
      }
    }
    return {first, which};
  }

  double capex_paid_usd() const {
    double usd = 0;
    for (auto c : {CostCategory::GpuServers, CostCategory::Network, CostCategory::Spares, CostCategory::Facility,
                   CostCategory::PowerPlant})
      usd += ledger.nominal_usd(c);
    return usd;
  }

  // Nominal comparison at the current rates: the fee against billing and charges to the term's end.
  bool ending_early_is_cheaper(double t) const {
    const LeaseOffer& lease = *opt.lease;
    const double end = lease.contract_start_s + lease.term_s;
    const double billed_share = billed_gpus(lease, false, lease_delivered()) / lease.max_gpus;
    const double keep_usd = billed_share * remaining_commitment_usd(lease, t) +
                            (lease.storage_usd_per_s + lease.egress_usd_per_s) * std::max(0.0, end - std::max(t, lease.billing_start_s));
    return early_termination_fee_usd(lease, t) < keep_usd;
  }

  double progress_flop() const {
    if (job_gpus == 0) return done_flop;
    return done_flop + work_done_s(segment_cycle, now() - segment_run_start) * segment_flop_per_s;
  }
};

// --- capacity actors -------------------------------------------------------------------------

void provider_deliveries(OptionSim& s) {
  const LeaseOffer& lease = *s.opt.lease;
  std::vector<double> times;
  for (const auto& tranche : lease.ramp) times.push_back(std::max(0.0, tranche.t_s));
  for (const auto& step : lease.site_power) times.push_back(std::max(0.0, step.t_s));
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  for (double t : times) {
    if (t > s.horizon()) return;
    sg4::this_actor::sleep_until(t);
    std::unique_lock lock(*s.mutex);
    s.update([&] {
      int shipped = 0;
      for (const auto& tranche : lease.ramp)
        if (tranche.t_s <= t) shipped += tranche.gpus;
      s.lease_ramp_gpus = shipped;
      s.lease_power_w = step_level_w(lease.site_power, t);
    });
  }
}

// Billing starts, escalated prices change at each contract anniversary, the term ends.
void lease_term(OptionSim& s) {
  const LeaseOffer& lease = *s.opt.lease;
  enum What { BillingStarts, PriceChanges, TermEnds };
  std::vector<std::pair<double, What>> events = {{std::max(0.0, lease.billing_start_s), BillingStarts},
                                                 {std::max(0.0, lease.contract_start_s + lease.term_s), TermEnds}};
  for (double t : price_change_times(lease, s.horizon())) events.push_back({std::max(0.0, t), PriceChanges});
  std::sort(events.begin(), events.end());
  for (const auto& [t, what] : events) {
    if (t > s.horizon()) return;
    sg4::this_actor::sleep_until(t);
    std::unique_lock lock(*s.mutex);
    s.update([&, what = what] {
      if (what == BillingStarts) s.lease_billing = true;
      if (what == TermEnds) s.lease_term_over = true;
    });  // a price change needs no flag: recompute() reads the price at the current time
  }
}

// The vendor ships orders in order of arrival; with a supply cap, one rack's worth of GPUs at a
// time at the capped rate. Servers (and their share of the network) are paid on delivery.
void gpu_deliveries(OptionSim& s) {
  const BuildPlan& build = *s.opt.build;
  double next_ship_s = 0;  // when the capped vendor can ship again
  for (const auto& order : build.orders) {
    int left = order.gpus;
    while (left > 0) {
      const int batch = build.gpu_supply_per_s > 0 ? std::min(left, build.gpus_per_rack) : left;
      const double ship_s = std::max({0.0, order.arrival_s, next_ship_s});
      if (ship_s > s.horizon()) return;
      sg4::this_actor::sleep_until(ship_s);
      if (build.gpu_supply_per_s > 0) next_ship_s = ship_s + batch / build.gpu_supply_per_s;
      left -= batch;
      std::unique_lock lock(*s.mutex);
      s.update([&] {
        s.build_delivered += batch;
        const double servers_usd = batch / s.sc.server.gpus_per_server * order.server_price_usd;
        // The network is bought with the servers it connects: from the fabric's parts, or a share.
        const double network_usd = build.network_usd_per_gpu > 0 ? batch * build.network_usd_per_gpu
                                                                 : servers_usd * build.network_capex_fraction;
        s.ledger.lump(now(), servers_usd, CostCategory::GpuServers);
        s.ledger.lump(now(), network_usd, CostCategory::Network);
        s.ledger.lump(now(), servers_usd * build.spares_share, CostCategory::Spares);
        s.it_purchases.push_back({now(), servers_usd * (1 + build.spares_share) + network_usd, batch});
      });
    }
  }
}

// Phases run in sequence; a phase that needs long-lead equipment waits for it. The facility is
// sized for the critical IT load of everything ordered and paid phase by phase.
void construction(OptionSim& s) {
  const BuildPlan& build = *s.opt.build;
  int gpus = 0;
  for (const auto& order : build.orders) gpus += order.gpus;
  const double facility_usd = gpus * it_power_per_gpu_w(s.sc.server) * build.facility_capex_usd_per_w;
  double t = std::max(0.0, build.construction_start_s);
  if (t > s.horizon()) return;
  sg4::this_actor::sleep_until(t);
  {
    std::unique_lock lock(*s.mutex);
    s.update([&] { s.site_open = true; });
  }
  for (const auto& phase : build.phases) {
    if (phase.waits_for >= 0) t = std::max(t, build.long_lead[static_cast<std::size_t>(phase.waits_for)].ready_s);
    if (t > s.horizon()) return;
    sg4::this_actor::sleep_until(t);
    {
      std::unique_lock lock(*s.mutex);
      s.update([&] { s.ledger.lump(now(), facility_usd * phase.cost_share, CostCategory::Facility); });
    }
    sg4::this_actor::sleep_for(phase.duration_s);
    t = now();
  }
  if (now() > s.horizon()) return;
  std::unique_lock lock(*s.mutex);
  s.update([&] { s.site_ready = true; });
}

void bring_up(OptionSim& s) {
  sg4::this_actor::sleep_for(s.opt.build->first_rack_to_training_s);
  std::unique_lock lock(*s.mutex);
  s.update([&] { s.bring_up_done = true; });
}

// Racks go in one at a time at the installation rate, once the site is ready and GPUs are there.
void installation(OptionSim& s) {
  const BuildPlan& build = *s.opt.build;
  int ordered = 0;
  for (const auto& order : build.orders) ordered += order.gpus;
  const double rack_s = 1.0 / build.install_racks_per_s;
  std::unique_lock lock(*s.mutex);
  while (s.build_installed < ordered) {
    if (!s.site_ready || s.build_installed >= s.build_delivered) {
      if (now() >= s.horizon()) return;
      s.changed->wait_until(lock, s.horizon());
      continue;
    }
    lock.unlock();
    sg4::this_actor::sleep_for(rack_s);
    lock.lock();
    if (now() > s.horizon()) return;
    const bool first_rack = s.build_installed == 0;
    s.update([&] { s.build_installed += std::min(build.gpus_per_rack, s.build_delivered - s.build_installed); });
    if (first_rack) sg4::Actor::create("bring-up", sg4::this_actor::get_host(), bring_up, std::ref(s));
  }
}

void power_supply(OptionSim& s) {
  const PowerSupply& supply = s.opt.build->supply;
  std::vector<double> times = supply_change_times(supply);
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  for (double t : times) {
    if (t > s.horizon()) return;
    sg4::this_actor::sleep_until(t);
    std::unique_lock lock(*s.mutex);
    s.update([&] {
      s.build_supply_w = firm_power_w(supply, t);
      // Power plant capex is paid when each fleet or grid step comes online. (A substation we
      // pay for passes to the utility, as xAI's did: it has no residual value.)
      for (const auto& step : supply.grid.steps)
        if (std::max(0.0, step.t_s) == t && step.capex_usd > 0)
          s.ledger.lump(t, step.capex_usd, CostCategory::PowerPlant);
      for (const auto& fleet : supply.turbines)
        if (std::max(0.0, fleet.t_s) == t)
          s.ledger.lump(t, fleet.units * fleet.unit_power_w * fleet.capex_usd_per_w, CostCategory::PowerPlant);
      for (const auto& battery : supply.batteries)
        if (std::max(0.0, battery.t_s) == t)
          s.ledger.lump(t, battery.units * battery.unit_price_usd, CostCategory::PowerPlant);
    });
  }
}

// Failed servers come back when their repair is done. One actor per option, not one per
// repair: a 100k-GPU campaign has thousands of failures.
void repairs(OptionSim& s) {
  std::unique_lock lock(*s.mutex);
  while (now() < s.horizon()) {
    if (!s.repairs_due.empty() && s.repairs_due.begin()->first <= now()) {
      s.update(
          [&] {
            while (!s.repairs_due.empty() && s.repairs_due.begin()->first <= now()) {
              const auto [on_build, gpus] = s.repairs_due.begin()->second;
              (on_build ? s.build_in_repair : s.lease_in_repair) -= gpus;
              s.repairs_due.erase(s.repairs_due.begin());
            }
          },
          false);
      // Most returns change nothing the job acts on (it grows only by the resize step): wake it
      // only when it is waiting for capacity or would now resize.
      if (s.job_gpus == 0 || s.should_resize(s.job_gpus, s.job_on_build())) s.changed->notify_all();
      continue;
    }
    const double next = s.repairs_due.empty() ? s.horizon() : std::min(s.horizon(), s.repairs_due.begin()->first);
    s.repair_added->wait_until(lock, next);
  }
}

// --- the training job ------------------------------------------------------------------------

// One segment of a training run: enough to tell what was saved at any time during it.
struct SegmentRecord {
  double segment_start = 0, run_start = 0;
  CheckpointCycle cycle;
  double flop_per_s = 0;
  double progress_before_flop = 0;  // the run's kept progress when the segment started
};

// The run's progress saved by the last checkpoint completed before `t`.
double progress_at(const std::vector<SegmentRecord>& history, double t) {
  for (std::size_t k = history.size(); k-- > 0;) {
    const SegmentRecord& seg = history[k];
    if (seg.segment_start > t && k > 0) continue;
    double saved = seg.progress_before_flop + committed_work_s(seg.cycle, t - seg.run_start) * seg.flop_per_s;
    // A segment that ended before t saved no more than what the next one started from.
    if (k + 1 < history.size()) saved = std::min(saved, history[k + 1].progress_before_flop);
    return seg.segment_start > t ? seg.progress_before_flop : saved;
  }
  return 0;
}

// Why the job (re)starts a segment: the downtime before training and where it is booked.
enum class Restart { Launch, Failure, Maintenance, Resize };

void training_job(OptionSim& s) {
  const Scenario& sc = s.sc;
  const ReliabilityPolicy& rel = sc.reliability;
  std::unique_lock lock(*s.mutex);
  Restart reason = Restart::Launch;
  for (std::size_t run_index = 0; run_index < sc.workload.runs.size(); ++run_index) {
    const TrainingRun& run = sc.workload.runs[run_index];
    double remaining_flop = run.compute_flop;
    const double state_bytes = checkpoint_bytes(run.parameters, rel.checkpoint);
    std::vector<SegmentRecord> history;  // this run's segments, for rolling back past corruption
    while (remaining_flop > 0 && now() < s.horizon()) {
      const int gpus = s.available_gpus();
      if (gpus == 0) {
        s.changed->wait_until(lock, s.horizon());
        continue;
      }
      // (Re)start a segment at this size: downtime (relaunch, and a reload unless the run is
      // fresh), then training with checkpoints every `interval` of work.
      const int nodes = gpus / sc.server.gpus_per_server;
      const double flop_per_s = s.job_flop_rate(run_index, s.job_on_build(), gpus);
      if (flop_per_s <= 0) {  // fewer GPUs than one replica of the layout: wait for more
        s.changed->wait_until(lock, s.horizon());
        continue;
      }
      const double blocking_s = checkpoint_blocking_s(state_bytes, gpus, rel.checkpoint);
      const CheckpointCycle cycle{
          checkpoint_interval_s(rel, nodes, blocking_s, checkpoint_async_s(state_bytes, rel.checkpoint)), blocking_s};
      const bool fresh_run = remaining_flop == run.compute_flop;
      const double downtime_s = (reason == Restart::Maintenance ? rel.planned_downtime_s : rel.restart_s) +
                                (fresh_run ? 0.0 : checkpoint_reload_s(state_bytes, rel.checkpoint));
      const double segment_start = now();
      const double run_start = segment_start + downtime_s;
      const double finish = run_start + wall_time_for_work_s(cycle, remaining_flop / flop_per_s);
      const auto [failure, failed_class] = s.draw_next_failure(nodes);
      const double maintenance =
          rel.planned_interval_s > 0 ? (std::floor(segment_start / rel.planned_interval_s) + 1) * rel.planned_interval_s
                                     : never;
      const double wake = std::min({finish, failure, maintenance, s.horizon()});
      s.update(
          [&] {
            s.job_gpus = gpus;
            s.job_training = false;
            s.segment_run_start = run_start;
            s.segment_flop_per_s = flop_per_s;
            s.segment_cycle = cycle;
          },
          false);
      const bool on_build = s.job_on_build();
      history.push_back({segment_start, run_start, cycle, flop_per_s, run.compute_flop - remaining_flop});
      while (now() < wake && !s.should_resize(gpus, on_build)) s.changed->wait_until(lock, wake);

      const double t = now();
      const double elapsed = std::max(0.0, t - run_start);
      const bool finished = t >= wake && wake == finish;
      double kept_work_s;  // negative when a corruption rolls back into earlier segments
      if (finished) {
        kept_work_s = remaining_flop / flop_per_s;
      } else if (t >= wake && wake == failure) {
        // Work since the last checkpoint is lost; a corruption found late rolls back to the last
        // checkpoint before it happened, which may lie in an earlier segment.
        const FailureClass& c = rel.classes[failed_class];
        const double progress = progress_at(history, t - c.detection_delay_s);
        kept_work_s = (progress - history.back().progress_before_flop) / flop_per_s;
        s.record_failure(failed_class, on_build);
      } else {
        // A planned stop (maintenance, resize, move, horizon): the job checkpoints what it has done.
        kept_work_s = work_done_s(cycle, elapsed);
      }
      // Where the GPU time of this segment went (docs/reliability.md).
      const double downtime_spent_s = std::min(t, run_start) - segment_start;
      const double done_s = finished ? kept_work_s : work_done_s(cycle, elapsed);
      const double blocking_spent_s = std::max(0.0, (finished ? wall_time_for_work_s(cycle, kept_work_s) : elapsed) - done_s);
      const Restart previous = reason;
      reason = finished ? Restart::Launch
               : (t >= wake && wake == failure)      ? Restart::Failure
               : (t >= wake && wake == maintenance)  ? Restart::Maintenance
                                                     : Restart::Resize;
      if (reason == Restart::Maintenance) ++s.planned_stops;
      // A finished run is done exactly: subtracting rounded products could leave a remainder
      // of a few FLOPs that no segment could ever finish.
      remaining_flop = finished ? 0.0 : std::max(0.0, remaining_flop - kept_work_s * flop_per_s);
      s.update(
          [&] {
        s.useful_work_s += kept_work_s;
        s.useful_gpu_s += kept_work_s * gpus;
        s.done_flop += kept_work_s * flop_per_s;
        s.lost_gpu_s[static_cast<std::size_t>(previous == Restart::Launch    ? Lost::Launch
                                              : previous == Restart::Failure ? Lost::Restarts
                                              : previous == Restart::Maintenance ? Lost::Maintenance
                                                                                 : Lost::Resizes)] +=
            gpus * downtime_spent_s;
        s.lost_gpu_s[static_cast<std::size_t>(Lost::Checkpoints)] += gpus * blocking_spent_s;
        s.lost_gpu_s[static_cast<std::size_t>(Lost::FailedWork)] += gpus * (done_s - kept_work_s);
        s.job_gpus = 0;
        s.job_training = false;
          },
          false);
    }
    if (remaining_flop > 0) return;  // out of time: the run and those after it are unfinished
    s.run_finish_s.push_back(now());
  }
  s.update([&] {
    s.workload_done = true;
    s.finish_s = now();
  });
}

// --- meters ----------------------------------------------------------------------------------

DailyRow sample(OptionSim& s) {
  DailyRow row;
  row.day = s.sc.start_day + static_cast<std::int64_t>(std::llround(now() / seconds_per_day));
  const int lease = s.lease_delivered(), lease_online = s.lease_online();
  row.gpus_delivered = lease + s.build_delivered;
  row.gpus_installed = lease + s.build_installed;
  row.gpus_healthy = lease_online + s.build_healthy();
  row.gpus_powered = lease_online + s.build_powered();
  row.gpus_online = lease_online + s.build_trainable();
  row.gpus_training = s.job_gpus;
  row.training_progress = s.workload_done ? 1.0 : s.progress_flop() / s.sc.workload.total_compute_flop();
  row.cumulative_cost_usd = s.ledger.nominal_usd();
  row.facility_power_mw = s.power_w / 1e6;
  row.grid_mw = s.grid_w / 1e6;
  row.turbine_mw = s.turbine_w / 1e6;
  // Supply and binding limit of the site the job is on (a hybrid: the lease, then the build).
  // Supply available to the option: its own site and, while the lease runs, the provider's cap
  // (drawn power counts both sites too).
  const bool build_site = s.opt.build && (s.job_on_build() || s.lease_ended);
  row.power_supply_mw = (((s.opt.lease && !s.lease_ended) ? s.lease_power_w : 0) + s.build_supply_w) / 1e6;
  if (s.opt.build) {
    row.grid_supply_mw = grid_power_w(s.opt.build->supply, now()) / 1e6;
    row.turbine_supply_mw = turbine_power_w(s.opt.build->supply, now()) / 1e6;
  }
  row.binding = (build_site ? s.build_state() : s.lease_state()).limit;
  // Energy and its cost since the previous sample: differences of the meters.
  const double energy_cost_usd =
      s.ledger.nominal_usd(CostCategory::Electricity) + s.ledger.nominal_usd(CostCategory::Fuel);
  row.energy_mwh = (s.energy_j - s.sampled_energy_j) / joules_per_mwh;
  row.energy_cost_usd = energy_cost_usd - s.sampled_energy_cost_usd;
  s.sampled_energy_j = s.energy_j;
  s.sampled_energy_cost_usd = energy_cost_usd;
  return row;
}

// What owned equipment is still worth at the horizon, credited as a negative cost.
void credit_residual_value(OptionSim& s) {
  if (!s.opt.build) return;
  const BuildPlan& build = *s.opt.build;
  const double end = s.horizon();
  double residual = 0;
  for (const auto& p : s.it_purchases) {
    const double age_s = end - p.t_s;
    switch (build.residual.method) {
      case ResidualMethod::StraightLine: residual += straight_line_residual_usd(p.usd, age_s, build.it_life_s); break;
      case ResidualMethod::Resale: residual += resale_residual_usd(p.usd, age_s, build.residual.resale); break;
      case ResidualMethod::Rental:
        residual += rental_residual_usd(p.gpus, age_s, build.it_life_s, build.residual.rental, s.sc.discount_rate);
        break;
    }
  }
  residual += straight_line_residual_usd(s.ledger.nominal_usd(CostCategory::Facility),
                                        end - std::max(0.0, build.construction_start_s), build.facility_life_s);
  // Power plant ages from the day each fleet came online.
  for (const auto& fleet : build.supply.turbines)
    if (fleet.t_s <= end)
      residual += straight_line_residual_usd(fleet.units * fleet.unit_power_w * fleet.capex_usd_per_w,
                                            end - std::max(0.0, fleet.t_s), build.facility_life_s);
  for (const auto& battery : build.supply.batteries)
    if (battery.t_s <= end)
      residual += straight_line_residual_usd(battery.units * battery.unit_price_usd, end - std::max(0.0, battery.t_s),
                                            build.facility_life_s);
  s.ledger.lump(end, -residual, CostCategory::ResidualValue);
}

void daily_meter(OptionSim& s, std::vector<DailyRow>* series) {
  for (std::int64_t day = 0; static_cast<double>(day) * seconds_per_day <= s.horizon(); ++day) {
    sg4::this_actor::sleep_until(static_cast<double>(day) * seconds_per_day);
    std::unique_lock lock(*s.mutex);
    s.advance(now());
    if (series) series->push_back(sample(s));
  }
  sg4::this_actor::sleep_until(s.horizon());
  std::unique_lock lock(*s.mutex);
  s.advance(s.horizon());
  credit_residual_value(s);
}

OptionOutcome collect(const OptionSim& s) {
  const Scenario& sc = s.sc;
  OptionOutcome out;
  const double end_s = std::min(s.finish_s, sc.horizon_s);
  out[Metric::TimeToTrainDays] = end_s / seconds_per_day;
  out[Metric::TotalCostUsd] = s.ledger.nominal_usd();
  out[Metric::NpvCostUsd] = s.ledger.present_value_usd();
  out[Metric::TimeAdjustedCostUsd] = out[Metric::NpvCostUsd] + sc.value_of_time_usd_per_day * out[Metric::TimeToTrainDays];
  out[Metric::GpuHours] = s.gpu_seconds / seconds_per_hour;
  out[Metric::EffectiveTrainingTimeRatio] = s.available_s > 0 ? s.useful_work_s / s.available_s : 0;
  out[Metric::Mfu] = s.full_size_mfu;
  out[Metric::EnergyMwh] = s.energy_j / joules_per_mwh;
  out[Metric::EnergyGridMwh] = s.grid_energy_j / joules_per_mwh;
  out[Metric::EnergyTurbineMwh] = s.turbine_energy_j / joules_per_mwh;
  out[Metric::PeakFacilityPowerMw] = s.peak_power_w / 1e6;
  out[Metric::Interruptions] = s.interruptions;
  out[Metric::PlannedInterruptions] = s.planned_stops;
  out[Metric::UsefulGpuHours] = s.useful_gpu_s / seconds_per_hour;
  for (std::size_t c = 0; c < lost_cause_count; ++c) out.lost_gpu_hours[c] = s.lost_gpu_s[c] / seconds_per_hour;
  out.interruptions_by_class = s.interruptions_by_class;
  out[Metric::CompletedFraction] = s.workload_done ? 1.0 : std::min(1.0, s.done_flop / sc.workload.total_compute_flop());
  // Comparison per unit of output (docs/finance.md). With nothing trained, the whole cost is
  // the cost of the one model it was spent on; with no useful work, there is no price per hour.
  out[Metric::TrainedModels] = static_cast<double>(s.run_finish_s.size());
  out[Metric::NpvCostPerTrainedModelUsd] = out[Metric::NpvCostUsd] / std::max(1.0, out[Metric::TrainedModels]);
  out[Metric::UsdPerUsefulGpuHour] = s.useful_gpu_s > 0 ? out[Metric::TotalCostUsd] / out[Metric::UsefulGpuHours] : 0;
  out[Metric::FullCapacityDays] = std::min(s.full_capacity_s, sc.horizon_s) / seconds_per_day;
  for (std::size_t c = 0; c < cost_category_count; ++c)
    out.cost_usd[c] = s.ledger.nominal_usd(static_cast<CostCategory>(c));
  for (std::size_t r = 0; r < sc.workload.runs.size(); ++r)
    out.run_finish_days.push_back((r < s.run_finish_s.size() ? s.run_finish_s[r] : sc.horizon_s) / seconds_per_day);
  return out;
}

}  // namespace

std::uint64_t replication_seed(std::uint64_t scenario_seed, int replication) {
  // splitmix64 of (seed, replication): well-spread, and the same on every platform.
  std::uint64_t z = scenario_seed * 0x9E3779B97F4A7C15ull + static_cast<std::uint64_t>(replication) + 1;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

ReplicationOutcome simulate_replication(const Scenario& scenario, int replication, bool keep_series) {
  char arg0[] = "bvr";
  char quiet[] = "--log=root.thresh:critical";
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer cannot follow SimGrid's hand-made stack switches; threads it can.
  char contexts[] = "--cfg=contexts/factory:thread";
  int argc = 3;
  char* argv[] = {arg0, quiet, contexts, nullptr};
#else
  int argc = 2;
  char* argv[] = {arg0, quiet, nullptr};
#endif
  sg4::Engine engine(&argc, argv);
  sg4::NetZone* zone = sg4::create_full_zone("campaign");
  sg4::Host* host = zone->create_host("control", 1e9);
  zone->seal();

  const std::uint64_t seed = replication_seed(scenario.seed, replication);
  std::vector<std::unique_ptr<OptionSim>> sims;
  ReplicationOutcome outcome;
  outcome.options.resize(scenario.options.size());
  for (std::size_t i = 0; i < scenario.options.size(); ++i) {
    const Option& option = scenario.options[i];
    sims.push_back(std::make_unique<OptionSim>(scenario, option, seed));
    OptionSim& s = *sims.back();
    const std::string prefix = option.name + "/";
    if (option.lease) {
      sg4::Actor::create(prefix + "provider-deliveries", host, provider_deliveries, std::ref(s));
      sg4::Actor::create(prefix + "lease-term", host, lease_term, std::ref(s));
    }
    if (option.build) {
      sg4::Actor::create(prefix + "gpu-deliveries", host, gpu_deliveries, std::ref(s));
      sg4::Actor::create(prefix + "construction", host, construction, std::ref(s));
      sg4::Actor::create(prefix + "installation", host, installation, std::ref(s));
      sg4::Actor::create(prefix + "power-supply", host, power_supply, std::ref(s));
    }
    sg4::Actor::create(prefix + "training-job", host, training_job, std::ref(s));
    sg4::Actor::create(prefix + "repairs", host, repairs, std::ref(s));
    sg4::Actor::create(prefix + "daily-meter", host, daily_meter, std::ref(s),
                       keep_series ? &outcome.options[i].series : nullptr);
  }
  engine.run();
  for (std::size_t i = 0; i < sims.size(); ++i) {
    auto series = std::move(outcome.options[i].series);
    outcome.options[i] = collect(*sims[i]);
    outcome.options[i].series = std::move(series);
  }
  return outcome;
}

std::string_view lost_cause_name(Lost cause) {
  switch (cause) {
    case Lost::Launch: return "launch";
    case Lost::Restarts: return "restarts";
    case Lost::FailedWork: return "failed_work";
    case Lost::Checkpoints: return "checkpoints";
    case Lost::Maintenance: return "maintenance";
    case Lost::Resizes: return "resizes";
  }
  return "unknown";
}

std::string_view metric_name(Metric metric) {
  switch (metric) {
    case Metric::TimeToTrainDays: return "time_to_train_days";
    case Metric::TotalCostUsd: return "total_cost_usd";
    case Metric::NpvCostUsd: return "npv_cost_usd";
    case Metric::TimeAdjustedCostUsd: return "time_adjusted_cost_usd";
    case Metric::GpuHours: return "gpu_hours";
    case Metric::EffectiveTrainingTimeRatio: return "effective_training_time_ratio";
    case Metric::Mfu: return "mfu";
    case Metric::EnergyMwh: return "energy_mwh";
    case Metric::PeakFacilityPowerMw: return "peak_facility_power_mw";
    case Metric::Interruptions: return "interruptions";
    case Metric::CompletedFraction: return "completed_fraction";
    case Metric::FullCapacityDays: return "full_capacity_days";
    case Metric::EnergyGridMwh: return "energy_grid_mwh";
    case Metric::EnergyTurbineMwh: return "energy_turbine_mwh";
    case Metric::PlannedInterruptions: return "planned_interruptions";
    case Metric::UsefulGpuHours: return "useful_gpu_hours";
    case Metric::TrainedModels: return "trained_models";
    case Metric::NpvCostPerTrainedModelUsd: return "npv_cost_per_trained_model_usd";
    case Metric::UsdPerUsefulGpuHour: return "usd_per_useful_gpu_hour";
  }
  return "unknown";
}

}  // namespace bvr
