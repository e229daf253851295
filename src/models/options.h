// The options being compared: what each one offers and what it costs (Calculon's "system" plus
// the contract around it). Times are seconds since the scenario start.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "models/build_tco.h"
#include "models/capacity_value.h"
#include "models/hardware.h"
#include "models/reliability.h"
#include "models/fabric.h"
#include "models/power_supply.h"

namespace bvr {

struct DeliveryTranche {
  double t_s = 0;
  int gpus = 0;  // added at t_s
};

// How a lease prices its GPUs (docs/finance.md, "Lease contracts").
enum class LeasePricing {
  Committed,  // a term and a committed GPU count at a discount, take-or-pay
  OnDemand,   // list price for what is available, no term, stop when the work is done
  Indexed,    // a committed term repriced at each contract year at a market index (docs/market.md)
  Spot,       // the index's price for what is available, repriced monthly; capacity not guaranteed
};

// A price that follows a market path (models/market.h): the path's value times (1 + spread),
// within the floor and the cap when given.
struct IndexTerms {
  std::size_t path = 0;  // index into Scenario::market
  double spread = 0;     // over (+) or under (-) the index
  std::optional<double> floor_usd_per_gpu_s, cap_usd_per_gpu_s;
};

// Capacity rented from a cloud provider.
struct LeaseOffer {
  std::vector<DeliveryTranche> ramp;   // what the provider can ship, before power limits
  std::vector<PowerStep> site_power;   // the provider site's power available to this customer
  double pue = 1;
  LeasePricing pricing = LeasePricing::Committed;
  int max_gpus = 0;                    // the contract's committed GPU count; caps deliveries
  double list_price_usd_per_gpu_s = 0;     // on-demand price
  double price_usd_per_gpu_s = 0;          // committed price in the first contract year
  double escalation_per_year = 0;          // prices change by this share at each contract anniversary
  double renewal_price_usd_per_gpu_s = 0;  // after the term, while the work is not done
  // Indexed and Spot: the index; with renewal_at_index, also the price of each renewal year.
  std::optional<IndexTerms> index;
  bool renewal_at_index = false;           // after the term: the index at each renewal year's start
  double spot_availability = 1;            // Spot: share of the delivered GPUs the provider lets us have
  // Take-or-pay bills the committed count; this share of the price is credited back for each
  // committed GPU the provider cannot make available (not shipped, not powered; servers in
  // repair are billed).
  double unavailable_credit = 1;
  // Share of the commitment left that ending early costs; absent: the term is paid to its end.
  std::optional<double> early_termination_fee_share;
  // After the term (committed or indexed): false, the lease keeps what the work needs and ends
  // when the work is done; true, it renews each contract year at the size the GPU-hour demand
  // beyond the runs wants of it, within [renewal_min_gpus, renewal_max_gpus] and what the
  // provider ships, and only while the demand's value is at least the renewal price
  // (docs/market.md, "A lease that follows the demand").
  bool renewal_follows_demand = false;
  int renewal_min_gpus = 0;
  int renewal_max_gpus = 0;
  // Whether the contract lets us rent idle leased GPUs out (Site::sublet). Default no: cloud
  // terms of service forbid reselling the service without the provider's consent.
  bool sublet_allowed = false;
  double storage_usd_per_s = 0;  // data kept at the provider, billed while the lease runs
  double egress_usd_per_s = 0;   // data moved out, billed while the lease runs
  double contract_start_s = 0;
  double billing_start_s = 0;  // nothing is billed before it
  double term_s = 0;           // 0 for on-demand
};

struct GpuOrder {
  double arrival_s = 0;  // ordered + the vendor's lead time: shipping can start
  int gpus = 0;
  double server_price_usd = 0;  // per server, paid on delivery
};

// Equipment with long lead times (switchgear, transformers) that a construction phase waits for.
struct LongLeadItem {
  std::string name;
  double ready_s = 0;  // ordered + lead time
};

struct ConstructionPhase {
  std::string name;
  double duration_s = 0;
  double cost_share = 0;  // of the facility cost, paid when the phase starts
  int waits_for = -1;     // index into BuildPlan::long_lead, or -1
  double opens = 0;       // share of the ordered GPUs whose racks can go in once it is done (halls)
};

// Systems we own: bought (new or used), shipped, racked and brought up; their network, spares,
// running costs and what they are worth at the horizon. On our own site (BuildPlan) or at a host
// (HostedPurchase).
struct SystemPurchase {
  std::vector<GpuOrder> orders;
  double gpu_supply_per_s = 0;            // the vendor ships at most this many GPUs per second; 0 = no cap
  double first_rack_to_training_s = 0;    // bring-up of the first racks before any training
  double install_racks_per_s = 0;
  int gpus_per_rack = 0;
  double network_capex_fraction = 0;      // network cost as a share of GPU server cost, or
  double network_usd_per_gpu = 0;         // from the fabric's counts and unit prices (when > 0)
  double spares_share = 0;                // spare servers, as a share of each delivery's server cost
  double it_life_s = 0;                   // depreciation life of servers and network
  BuildOpex opex;                         // maintenance and insurance on capex, staff, WAN and storage
  ResidualPolicy residual;                // of servers, network and spares
};

// Our own supercomputer: the systems, and the site we build for them with its power.
struct BuildPlan {
  SystemPurchase systems;
  double construction_start_s = 0;
  std::vector<ConstructionPhase> phases;  // in sequence; racks go in once all are done
  std::vector<LongLeadItem> long_lead;
  Cooling cooling = Cooling::Air;         // the halls' (the system's, unless the build says)
  double pue = 1;
  double facility_capex_usd_per_w = 0;    // per W of critical IT load
  double facility_life_s = 0;             // depreciation life of the building and power plant (straight-line)
  PowerSupply supply;
};

// How capacity is held (docs/finance.md): rented from a provider, built on our own site, or owned
// systems hosted by a colocation provider who supplies power and space per kW-month, bought new
// or used.
enum class ContractKind { Lease, Build, Colocation, Used };
const char* to_string(ContractKind kind);

// A colocation host: power and space for our systems, paid per kW of contracted power and month,
// with the energy passed through at a price per MWh. The host's contracted power caps what runs.
struct HostTerms {
  double ready_s = 0;                      // racks can go in from this date
  std::vector<PowerStep> contracted_power;  // the host's power for us (IT load, before PUE), over time
  double usd_per_w_s = 0;                  // per W of contracted power per second (quoted per kW-month)
  double energy_usd_per_j = 0;             // energy passed through, on the facility power drawn
  double pue = 1;                          // the host's facility power / IT power
  int energy_price_path = -1;              // an energy market path the energy price follows instead, or -1
};

// Owned systems hosted at a colocation provider: bought (new or used), shipped, installed at
// the host, paid for per kW-month.
struct HostedPurchase {
  SystemPurchase systems;
  HostTerms host;
};

// One place the option's work can run: a system under a contract (design.md, "The next shape").
struct Site {
  std::string name;  // unique within the option; "" for a one-site option
  ContractKind contract = ContractKind::Lease;
  SystemSpec system;
  std::optional<LeaseOffer> lease;         // Lease
  std::optional<BuildPlan> build;          // Build
  std::optional<HostedPurchase> hosted;    // Colocation, Used
  std::optional<FabricSpec> fabric;        // the site's cluster network, if described
  std::vector<FailureClass> failure_classes;  // resolved: servers_out concrete for this site
  FleetPolicy fleet;                          // resolved: the scenario's, bad nodes from the system unless given
  int spare_nodes = -1;                       // hot spares held out of the job here; -1: reliability.spare_servers
  std::optional<Sublet> sublet;               // owned: idle capacity rented out after the runs
  int nominal_gpus() const;                // what the site is meant to reach: committed, or ordered
  bool owned() const { return contract != ContractKind::Lease; }
  const SystemPurchase* owned_systems() const { return build ? &build->systems : hosted ? &hosted->systems : nullptr; }
};

// Where the training runs go when an option has several sites.
enum class Placement {
  // On the first site; to the next once it can train on at least as many GPUs as the current
  // one has delivered, never back (the 2024 hybrid: lease until the build is online).
  MoveWhenLarger,
  // The same, once the next site trains the current run at least as fast (model FLOP/s) as the
  // current one can with all it delivers: newer GPUs move sooner.
  MoveWhenFaster,
};

struct Option {
  std::string name;
  std::vector<Site> sites;  // at least one
  Placement placement = Placement::MoveWhenLarger;
  std::vector<std::string> based_on;  // options its sites are `like`: a change to one of them changes this one
  // "lease", "build", "colocation", "used" for one site; "hybrid" for several.
  std::string kind() const;
};

}  // namespace bvr
