// One site of an option during a campaign: the capacity it has reached (deliveries, racks,
// repairs, power), the state of its contract, and the rates its meters run at. The actors that
// move it are in sim/site_actors.cpp; OptionSim (sim/option_sim.h) holds the sites of an option.
#pragma once
#include <algorithm>
#include <array>
#include <vector>

#include "models/capacity.h"
#include "models/finance.h"
#include "models/hardware.h"
#include "models/options.h"
#include "sim/job_speed.h"

namespace bvr {

struct ItPurchase {
  double t_s = 0, usd = 0;  // servers, their network and spares
  int gpus = 0;
};

struct SiteSim {
  SiteSim(const Site& s, SiteSpeed job_speed) : site(s), node(s.system.node), speed(std::move(job_speed)) {}

  const Site& site;
  const ServerSpec& node;
  SiteSpeed speed;  // the job's speed here (sim/job_speed.h)

  // A lease.
  int ramp_gpus = 0;             // shipped by the provider so far
  double provider_power_w = 0;   // the provider site's power for us
  bool term_over = false;
  bool billing = false;          // billing has started
  bool ended = false;
  // Owned systems (build, colocation, used).
  int delivered = 0;
  std::vector<ItPurchase> it_purchases;
  bool site_open = false;        // construction has started (a host: ready): staff and site opex run
  bool site_ready = false;       // racks can go in
  int installed = 0;
  bool bring_up_done = false;
  double supply_w = 0;           // firm power of our build, or the host's contracted power (IT)
  int in_repair = 0;             // GPUs of failed nodes
  // What this site has spent, by category (the option's ledger holds the same flows): the
  // capex its opex is a share of, and its facility's residual value.
  CashLedger ledger{0};
  // Rates in force since the option's meter time (set by OptionSim::recompute()).
  OpexRates opex;
  double billed_usd_per_s = 0, charges_usd_per_s = 0, host_fee_usd_per_s = 0;
  double power_w = 0;            // facility power drawn here
  double grid_w = 0, turbine_w = 0;  // our build: drawn from each source

  bool is_lease() const { return site.lease.has_value(); }
  double pue() const {
    return site.lease ? site.lease->pue : site.build ? site.build->pue : site.hosted ? site.hosted->host.pue : 1.0;
  }
  double idle_power_per_gpu_w() const { return node.idle_power_w / node.gpus_per_server; }
  int whole_nodes(int gpus) const { return whole_servers_gpus(gpus, node); }

  // What the site can train on, and which stage binds. `count_repair` = false asks what it could
  // run with every node healthy, so that reaching full capacity does not flicker with failures.
  // `nominal`: what the option is meant to reach; `job_limit`: the job's largest size.
  CapacityState state(double t, int nominal, int job_limit, bool count_repair = true) const {
    if (site.lease) {
      if (ended) return {0, CapacityLimit::ContractEnded};
      CapacityStages stages;
      stages.nominal = nominal;
      stages.delivered = std::min(ramp_gpus, site.lease->max_gpus);
      if (count_repair) stages.healthy = std::max(0, stages.delivered - in_repair);
      stages.powerable = powerable_gpus(provider_power_w, node, site.lease->pue);
      return capacity_state(stages);
    }
    CapacityStages stages;
    stages.nominal = nominal;
    stages.delivered = delivered;
    stages.site_ready = site_ready ? unlimited : 0;
    stages.installed = installed;
    if (count_repair) stages.healthy = healthy();
    stages.powerable = powerable();
    if (site.build) {
      // Only the job's GPUs swing: idle servers beyond the job's size do not.
      const int otherwise = std::min({delivered, installed, stages.healthy, stages.powerable, job_limit});
      const double swing_per_gpu_w = (it_power_per_gpu_w(node) - idle_power_per_gpu_w()) * site.build->pue;
      const int fits = swing_limited_gpus(site.build->supply, t, otherwise, swing_per_gpu_w);
      stages.swing_fits = fits < otherwise ? fits : unlimited;
    }
    stages.brought_up = bring_up_done ? unlimited : 0;
    return capacity_state(stages);
  }
  // GPUs the supply can run: our build's firm power (facility, PUE included), or the host's
  // contracted IT power.
  int powerable() const {
    if (site.build) return powerable_gpus(supply_w, node, site.build->pue);
    return powerable_gpus(supply_w, node, 1.0);
  }
  // Installed nodes that are not in repair.
  int healthy() const { return std::max(0, installed - in_repair); }
  // Installed, healthy nodes the supply can run: powered on, idle unless training.
  int powered() const { return site.lease ? 0 : std::min(healthy(), powerable()); }
  // The GPUs the job can hold here before spares: all delivered (a lease) or installed.
  int fleet() const { return site.lease ? (ended ? 0 : std::min(ramp_gpus, site.lease->max_gpus)) : installed; }
};

}  // namespace bvr
