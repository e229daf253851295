// One site of an option during a campaign: the capacity it has reached (deliveries, racks,
// repairs, power), the state of its contract, and the rates its meters run at. The actors that
// move it are in sim/site_actors.cpp; OptionSim (sim/option_sim.h) holds the sites of an option.
#pragma once
#include <algorithm>
#include <array>
#include <cmath>
#include <vector>

#include "models/capacity.h"
#include "models/finance.h"
#include "models/hardware.h"
#include "models/options.h"
#include "sim/job_speed.h"
#include "sim/serving_sim.h"

namespace bvr {

struct ItPurchase {
  double t_s = 0, usd = 0;  // servers, their network and spares
  int gpus = 0;
};

// A node the fleet model follows by name (models/fleet.h): bad from the start, or failed once.
// Nodes that are good and have never failed are only counted.
struct TrackedNode {
  bool bad = false;     // fails at the bad nodes' rate for good
  bool faulty = false;  // came back from a wrong repair: fails at the bad nodes' rate until fixed
  bool out = false;     // in repair, on the shelf, or retired
  bool retired = false;
  std::vector<double> failure_times_s;
  bool fails_often() const { return bad || faulty; }
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
  // After the term, a lease that follows the demand holds this many GPUs for the renewal year
  // (OptionSim::renewal_gpus); -1: the committed count.
  int renewed_gpus = -1;
  bool renewal_due = false;      // a renewal date (the term's end, an anniversary) came: resize then
  // Owned systems (build, colocation, used).
  int delivered = 0;
  std::vector<ItPurchase> it_purchases;
  bool site_open = false;        // construction has started (a host: ready): staff and site opex run
  double ready_share = 0;        // share of the ordered GPUs whose racks can go in (halls opened)
  int installed = 0;
  bool bring_up_done = false;
  double supply_w = 0;           // firm power of our build, or the host's contracted power (IT)
  int in_repair = 0;             // GPUs of failed nodes
  // The fleet, when bad nodes, wrong repairs or retirement are modelled (FleetPolicy).
  int fresh_nodes = 0;                // healthy, good, never failed: only counted
  std::vector<TrackedNode> tracked;   // every other node
  int often_failing_healthy = 0;      // tracked, healthy, bad or faulty
  int tracked_healthy_good = 0;       // tracked, healthy, neither
  std::vector<int> shelf;             // cold spares on the shelf: tracked index, or -1 for a fresh node
  int bad_assigned = 0;               // nodes made bad so far (BadNodes::count)
  // What this site has spent, by category (the option's ledger holds the same flows): the
  // capex its opex is a share of, and its facility's residual value.
  CashLedger ledger{0};
  // Rates in force since the option's meter time (set by OptionSim::recompute()).
  OpexRates opex;
  double billed_usd_per_s = 0, charges_usd_per_s = 0, host_fee_usd_per_s = 0;
  // Beyond the runs (docs/market.md): the demand this site serves and what it sublets, per second.
  double demand_value_usd_per_s = 0, sublet_usd_per_s = 0;
  double demand_gpus = 0, sublet_gpus = 0;  // GPUs serving the GPU-hour demand, and offered for sublet
  // Serving (docs/serving.md, "Serving in the campaign"): what a GPU here serves, and the
  // instances serving holds now (set by OptionSim::recompute()).
  std::optional<ServingRate> serving_rate;
  int serving_gpus = 0;
  double serving_tokens_per_s = 0;
  double power_w = 0;            // facility power drawn here
  double grid_w = 0, turbine_w = 0;  // our build: drawn from each source

  bool is_lease() const { return site.lease.has_value(); }
  // Share of the healthy nodes (the job's, taken at random from them) that fail often.
  double often_failing_share() const {
    const int healthy_nodes = often_failing_healthy + tracked_healthy_good + fresh_nodes;
    return healthy_nodes > 0 ? static_cast<double>(often_failing_healthy) / healthy_nodes : 0.0;
  }
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
      stages.delivered = lease_gpus();
      if (count_repair) stages.healthy = std::max(0, stages.delivered - in_repair);
      stages.powerable = powerable_gpus(provider_power_w, node, site.lease->pue);
      return capacity_state(stages);
    }
    CapacityStages stages;
    stages.nominal = nominal;
    stages.delivered = delivered;
    stages.site_ready = ready_share >= 1 ? unlimited : ready_gpus();
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
  // GPUs whose racks the halls opened so far can take, in whole racks.
  int ready_gpus() const {
    const SystemPurchase* systems = site.owned_systems();
    if (!systems || ready_share >= 1) return unlimited;
    int ordered = 0;
    for (const auto& order : systems->orders) ordered += order.gpus;
    const int racks = static_cast<int>(ready_share * ordered / systems->gpus_per_rack + 1e-9);
    return racks * systems->gpus_per_rack;
  }
  // Installed nodes that are not in repair.
  int healthy() const { return std::max(0, installed - in_repair); }
  // Installed, healthy nodes the supply can run: powered on, idle unless training.
  int powered() const { return site.lease ? 0 : std::min(healthy(), powerable()); }
  // The GPUs the job can hold here before spares: all delivered (a lease) or installed.
  int fleet() const { return site.lease ? (ended ? 0 : lease_gpus()) : installed; }
  // A lease's GPUs shipped within the contract; on spot, the share the provider lets us have.
  int lease_gpus() const {
    const int shipped = std::min(ramp_gpus, renewed_gpus >= 0 ? renewed_gpus : site.lease->max_gpus);
    if (site.lease->pricing != LeasePricing::Spot) return shipped;
    return whole_nodes(static_cast<int>(std::floor(site.lease->spot_availability * shipped)));
  }
};

}  // namespace bvr
