#include "models/options.h"

namespace bvr {

const char* to_string(ContractKind kind) {
  switch (kind) {
    case ContractKind::Lease: return "lease";
    case ContractKind::Build: return "build";
    case ContractKind::Colocation: return "colocation";
    case ContractKind::Used: return "used";
  }
  return "unknown";
}

int Site::nominal_gpus() const {
  if (lease) return lease->max_gpus;
  int total = 0;
  if (const SystemPurchase* systems = owned_systems())
    for (const auto& order : systems->orders) total += order.gpus;
  return total;
}

std::string Option::kind() const { return sites.size() == 1 ? to_string(sites.front().contract) : "hybrid"; }

}  // namespace bvr
