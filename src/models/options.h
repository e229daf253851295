// The options being compared: what each one offers and what it costs (Calculon's "system" plus
// the contract around it). Times are seconds since the scenario start.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "models/build_tco.h"
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
  // Take-or-pay bills the committed count; this share of the price is credited back for each
  // committed GPU the provider cannot make available (not shipped, not powered; servers in
  // repair are billed).
  double unavailable_credit = 1;
  // Share of the commitment left that ending early costs; absent: the term is paid to its end.
  std::optional<double> early_termination_fee_share;
  double storage_usd_per_s = 0;  // data kept at the provider, billed while the lease runs
  double egress_usd_per_s = 0;   // data moved out, billed while the lease runs
  std::optional<FabricSpec> fabric;   // the provider's cluster network, if described
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
};

// Our own supercomputer.
struct BuildPlan {
  std::vector<GpuOrder> orders;
  double gpu_supply_per_s = 0;            // the vendor ships at most this many GPUs per second; 0 = no cap
  double construction_start_s = 0;
  std::vector<ConstructionPhase> phases;  // in sequence; racks go in once all are done
  std::vector<LongLeadItem> long_lead;
  double first_rack_to_training_s = 0;    // bring-up of the first racks before any training
  double install_racks_per_s = 0;
  int gpus_per_rack = 0;
  double pue = 1;
  double facility_capex_usd_per_w = 0;    // per W of critical IT load
  double network_capex_fraction = 0;      // network cost as a share of GPU server cost, or
  double network_usd_per_gpu = 0;         // from the fabric's counts and unit prices (when > 0)
  double spares_share = 0;                // spare servers, as a share of each delivery's server cost
  double it_life_s = 0;                   // depreciation life of servers and network
  double facility_life_s = 0;             // depreciation life of the building and power plant
  BuildOpex opex;
  ResidualPolicy residual;                // of servers, network and spares; the facility is straight-line
  PowerSupply supply;
  std::optional<FabricSpec> fabric;  // our cluster network, if described
};

enum class OptionKind { Lease, Build, Hybrid };
const char* option_kind_name(OptionKind kind);

struct Option {
  std::string name;
  OptionKind kind = OptionKind::Lease;
  std::optional<LeaseOffer> lease;  // set for lease and hybrid
  std::optional<BuildPlan> build;   // set for build and hybrid
};

}  // namespace bvr
