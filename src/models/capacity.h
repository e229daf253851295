// GPUs that can train = min(delivered, installed, powered, brought up, job size): each stage
// of the capacity pipeline can be the one that binds, and the report names it.
#pragma once
#include <cstdint>
#include <limits>
#include <string_view>

namespace bvr {

enum class CapacityLimit : std::uint8_t {
  None,          // at nominal capacity
  Delivery,      // GPUs not shipped yet (vendor lead time and supply, or the provider's ramp)
  Construction,  // the site is not ready for racks
  Installation,  // delivered GPUs waiting to be racked
  Repair,        // failed servers out for diagnosis and repair
  Power,         // installed GPUs the supply cannot run
  PowerSwings,   // the supply could run them, but not follow their synchronous load swings
  BringUp,       // first racks in, network and software not yet training
  ContractEnded, // a lease after its end: nothing left to train on
};
std::string_view capacity_limit_name(CapacityLimit limit);

constexpr int unlimited = std::numeric_limits<int>::max();

// The stages of one site, in pipeline order. A stage that does not apply is `unlimited`.
struct CapacityStages {
  int nominal = 0;  // what the option is meant to reach
  int delivered = unlimited;
  int site_ready = unlimited;  // 0 before the site can take racks
  int installed = unlimited;
  int healthy = unlimited;     // installed (or delivered, for a lease) minus servers in repair
  int powerable = unlimited;   // GPUs the power supply can run
  int swing_fits = unlimited;  // GPUs whose load swings the site can follow
  int brought_up = unlimited;  // 0 before bring-up is done
};

struct CapacityState {
  int online = 0;  // able to train: the minimum over the stages
  CapacityLimit limit = CapacityLimit::None;
};

// The binding stage is the earliest one at the minimum; None once nominal capacity is online.
// Repair binds only when no other stage does (see capacity.cpp).
CapacityState capacity_state(const CapacityStages& stages);

}  // namespace bvr
