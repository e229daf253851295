// The actors that bring a site's capacity online and keep its contract: one set per site, by
// contract (docs/architecture.md, "The campaign: actors per option"). Each is a plain function
// of the option's state and the site's index; each changes state only through OptionSim::update.
#include <algorithm>
#include <mutex>
#include <vector>

#include "models/lease_contract.h"
#include "models/time.h"
#include "sim/option_sim.h"

namespace sg4 = simgrid::s4u;

namespace bvr {

// A lease: at each delivery date and each power step of the provider's site, the shipped GPU
// count (the tranches so far) and the site's power for us.
void provider_deliveries(OptionSim& s, std::size_t k) {
  const LeaseOffer& lease = *s.sites[k].site.lease;
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
      SiteSim& site = s.sites[k];
      const int before = site.fleet();
      site.ramp_gpus = shipped;
      site.provider_power_w = step_level_w(lease.site_power, t);
      s.add_nodes(k, (site.fleet() - before) / site.node.gpus_per_server);
    });
  }
}

// A lease: billing starts, escalated prices change at each contract anniversary, the term ends.
void lease_term(OptionSim& s, std::size_t k) {
  const LeaseOffer& lease = *s.sites[k].site.lease;
  enum What { BillingStarts, PriceChanges, TermEnds };
  std::vector<std::pair<double, What>> events = {{std::max(0.0, lease.billing_start_s), BillingStarts},
                                                 {std::max(0.0, lease.contract_start_s + lease.term_s), TermEnds}};
  for (double t : price_change_times(lease, s.horizon())) events.push_back({std::max(0.0, t), PriceChanges});
  // A lease that follows the demand is resized at each renewal after the term: its anniversaries.
  if (lease.renewal_follows_demand)
    for (int year = 1; lease.contract_start_s + year * seconds_per_year < s.horizon(); ++year)
      if (const double t = lease.contract_start_s + year * seconds_per_year; t > lease.contract_start_s + lease.term_s)
        events.push_back({t, PriceChanges});
  std::sort(events.begin(), events.end());
  events.erase(std::unique(events.begin(), events.end()), events.end());
  for (const auto& [t, what] : events) {
    if (t > s.horizon()) return;
    sg4::this_actor::sleep_until(t);
    std::unique_lock lock(*s.mutex);
    s.update([&, what = what] {
      if (what == BillingStarts) s.sites[k].billing = true;
      if (what == TermEnds) s.sites[k].term_over = true;
      if (what != BillingStarts) s.sites[k].renewal_due = true;  // read only by a lease that follows the demand
    });  // a price change needs no other flag: recompute() reads the price at the current time
  }
}

// Owned systems: the vendor ships orders in order of arrival; with a supply cap, one rack's
// worth of GPUs at a time at the capped rate. Nodes (and their share of the network) are paid
// on delivery.
void gpu_deliveries(OptionSim& s, std::size_t k) {
  SiteSim& site = s.sites[k];
  const SystemPurchase& systems = *site.site.owned_systems();
  double next_ship_s = 0;  // when the capped vendor can ship again
  for (const auto& order : systems.orders) {
    int left = order.gpus;
    while (left > 0) {
      const int batch = systems.gpu_supply_per_s > 0 ? std::min(left, systems.gpus_per_rack) : left;
      const double ship_s = std::max({0.0, order.arrival_s, next_ship_s});
      if (ship_s > s.horizon()) return;
      sg4::this_actor::sleep_until(ship_s);
      if (systems.gpu_supply_per_s > 0) next_ship_s = ship_s + batch / systems.gpu_supply_per_s;
      left -= batch;
      std::unique_lock lock(*s.mutex);
      s.update([&] {
        site.delivered += batch;
        const double servers_usd = batch / site.node.gpus_per_server * order.server_price_usd;
        // The network is bought with the nodes it connects: from the fabric's parts, or a share.
        const double network_usd = systems.network_usd_per_gpu > 0 ? batch * systems.network_usd_per_gpu
                                                                   : servers_usd * systems.network_capex_fraction;
        const double t = sim_now();
        s.lump(k, t, servers_usd, CostCategory::GpuServers);
        s.lump(k, t, network_usd, CostCategory::Network);
        s.lump(k, t, servers_usd * systems.spares_share, CostCategory::Spares);
        site.it_purchases.push_back({t, servers_usd * (1 + systems.spares_share) + network_usd, batch});
      });
    }
  }
}

// A build: phases run in sequence; a phase that needs long-lead equipment waits for it. The
// facility is sized for the critical IT load of everything ordered and paid phase by phase; a
// phase that opens halls lets their share of the racks go in when it is done (without any, the
// last phase opens the whole site).
void construction(OptionSim& s, std::size_t k) {
  SiteSim& site = s.sites[k];
  const BuildPlan& build = *site.site.build;
  int gpus = 0;
  for (const auto& order : build.systems.orders) gpus += order.gpus;
  const double facility_usd = gpus * it_power_per_gpu_w(site.node) * build.facility_capex_usd_per_w;
  double t = std::max(0.0, build.construction_start_s);
  if (t > s.horizon()) return;
  sg4::this_actor::sleep_until(t);
  {
    std::unique_lock lock(*s.mutex);
    s.update([&] { site.site_open = true; });
  }
  const bool halls = std::any_of(build.phases.begin(), build.phases.end(), [](const auto& p) { return p.opens > 0; });
  for (std::size_t i = 0; i < build.phases.size(); ++i) {
    const ConstructionPhase& phase = build.phases[i];
    const double opens = halls ? phase.opens : i + 1 == build.phases.size() ? 1.0 : 0.0;
    if (phase.waits_for >= 0) t = std::max(t, build.long_lead[static_cast<std::size_t>(phase.waits_for)].ready_s);
    if (t > s.horizon()) return;
    sg4::this_actor::sleep_until(t);
    {
      std::unique_lock lock(*s.mutex);
      s.update([&] { s.lump(k, sim_now(), facility_usd * phase.cost_share, CostCategory::Facility); });
    }
    sg4::this_actor::sleep_for(phase.duration_s);
    t = sim_now();
    if (opens > 0) {
      if (sim_now() > s.horizon()) return;
      std::unique_lock lock(*s.mutex);
      s.update([&] { site.ready_share = std::min(1.0, site.ready_share + opens); });
    }
  }
}

// A colocation host: its halls take racks (and its staff and site costs run) from the ready date.
void host_ready(OptionSim& s, std::size_t k) {
  const double t = std::max(0.0, s.sites[k].site.hosted->host.ready_s);
  if (t > s.horizon()) return;
  sg4::this_actor::sleep_until(t);
  std::unique_lock lock(*s.mutex);
  s.update([&] {
    s.sites[k].site_open = true;
    s.sites[k].ready_share = 1;
  });
}

namespace {

void bring_up(OptionSim& s, std::size_t k) {
  sg4::this_actor::sleep_for(s.sites[k].site.owned_systems()->first_rack_to_training_s);
  std::unique_lock lock(*s.mutex);
  s.update([&] { s.sites[k].bring_up_done = true; });
}

}  // namespace

// Owned systems: racks go in one at a time at the installation rate, once the site is ready and
// GPUs are there. The first rack starts the bring-up.
void installation(OptionSim& s, std::size_t k) {
  SiteSim& site = s.sites[k];
  const SystemPurchase& systems = *site.site.owned_systems();
  int ordered = 0;
  for (const auto& order : systems.orders) ordered += order.gpus;
  const double rack_s = 1.0 / systems.install_racks_per_s;
  std::unique_lock lock(*s.mutex);
  while (site.installed < ordered) {
    if (site.installed >= std::min(site.delivered, site.ready_gpus())) {
      if (sim_now() >= s.horizon()) return;
      s.changed->wait_until(lock, s.horizon());
      continue;
    }
    lock.unlock();
    sg4::this_actor::sleep_for(rack_s);
    lock.lock();
    if (sim_now() > s.horizon()) return;
    const bool first_rack = site.installed == 0;
    s.update([&] {
      const int rack = std::min(systems.gpus_per_rack, site.delivered - site.installed);
      site.installed += rack;
      s.add_nodes(k, rack / site.node.gpus_per_server);
    });
    if (first_rack)
      sg4::Actor::create(s.opt.name + "/bring-up", sg4::this_actor::get_host(), bring_up, std::ref(s), k);
  }
}

// A build: at each grid step, turbine and battery date, the firm power (batteries change only
// what load swings fit); turbine and battery capex when a fleet comes online.
void power_supply(OptionSim& s, std::size_t k) {
  const PowerSupply& supply = s.sites[k].site.build->supply;
  std::vector<double> times = supply_change_times(supply);
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  for (double t : times) {
    if (t > s.horizon()) return;
    sg4::this_actor::sleep_until(t);
    std::unique_lock lock(*s.mutex);
    s.update([&] {
      s.sites[k].supply_w = firm_power_w(supply, t);
      // Power plant capex is paid when each fleet or grid step comes online. (A substation we
      // pay for passes to the utility, as xAI's did: it has no residual value.)
      for (const auto& step : supply.grid.steps)
        if (std::max(0.0, step.t_s) == t && step.capex_usd > 0) s.lump(k, t, step.capex_usd, CostCategory::PowerPlant);
      for (const auto& fleet : supply.turbines)
        if (std::max(0.0, fleet.t_s) == t)
          s.lump(k, t, fleet.units * fleet.unit_power_w * fleet.capex_usd_per_w, CostCategory::PowerPlant);
      for (const auto& battery : supply.batteries)
        if (std::max(0.0, battery.t_s) == t) s.lump(k, t, battery.units * battery.unit_price_usd, CostCategory::PowerPlant);
    });
  }
}

// A colocation host: its contracted power for us at each step (what runs, and what is billed).
void host_power(OptionSim& s, std::size_t k) {
  const auto& steps = s.sites[k].site.hosted->host.contracted_power;
  std::vector<double> times;
  for (const auto& step : steps) times.push_back(std::max(0.0, step.t_s));
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  for (double t : times) {
    if (t > s.horizon()) return;
    sg4::this_actor::sleep_until(t);
    std::unique_lock lock(*s.mutex);
    s.update([&] { s.sites[k].supply_w = step_level_w(steps, t); });
  }
}

// Failed nodes come back when their repair is done. One actor per option, not one per repair:
// a 100k-GPU campaign has thousands of failures.
void repairs(OptionSim& s) {
  std::unique_lock lock(*s.mutex);
  while (sim_now() < s.horizon()) {
    if (!s.repairs_due.empty() && s.repairs_due.begin()->first <= sim_now()) {
      s.update(
          [&] {
            while (!s.repairs_due.empty() && s.repairs_due.begin()->first <= sim_now()) {
              s.bring_back(s.repairs_due.begin()->second);
              s.repairs_due.erase(s.repairs_due.begin());
            }
          },
          false);
      // Most returns change nothing the job acts on (it grows only by the resize step): wake it
      // only when it is waiting for capacity or would now resize.
      if (s.job.gpus == 0 || s.should_resize(s.job.gpus, s.job.site)) s.changed->notify_all();
      continue;
    }
    const double next = s.repairs_due.empty() ? s.horizon() : std::min(s.horizon(), s.repairs_due.begin()->first);
    s.repair_added->wait_until(lock, next);
  }
}

}  // namespace bvr
