#include "models/capacity.h"

#include <algorithm>
#include <utility>

namespace bvr {

std::string_view capacity_limit_name(CapacityLimit limit) {
  switch (limit) {
    case CapacityLimit::None: return "none";
    case CapacityLimit::Delivery: return "delivery";
    case CapacityLimit::Construction: return "construction";
    case CapacityLimit::Installation: return "installation";
    case CapacityLimit::Repair: return "repair";
    case CapacityLimit::Power: return "power";
    case CapacityLimit::PowerSwings: return "power swings";
    case CapacityLimit::BringUp: return "bring-up";
    case CapacityLimit::ContractEnded: return "contract ended";
  }
  return "unknown";
}

CapacityState capacity_state(const CapacityStages& s) {
  // Servers in repair are a small, permanent loss once failures start: they bind only when no
  // other stage does, or an 8-GPU repair would hide a 76,000-GPU delivery gap.
  const std::pair<int, CapacityLimit> stages[] = {
      {s.delivered, CapacityLimit::Delivery},     {s.site_ready, CapacityLimit::Construction},
      {s.installed, CapacityLimit::Installation}, {s.powerable, CapacityLimit::Power},
      {s.swing_fits, CapacityLimit::PowerSwings}, {s.brought_up, CapacityLimit::BringUp},
  };
  CapacityState state{unlimited, CapacityLimit::None};
  for (const auto& [gpus, limit] : stages)
    if (gpus < state.online) state = {gpus, limit};
  if (state.online >= s.nominal) state.limit = CapacityLimit::None;
  if (s.healthy < state.online) {
    state.online = s.healthy;
    if (state.limit == CapacityLimit::None && s.healthy < s.nominal) state.limit = CapacityLimit::Repair;
  }
  return state;
}

}  // namespace bvr
