// What a facility costs and how much power it adds, by how it cools its racks (docs/power.md,
// "Facility by cooling"): an air-cooled hall of ~40 kW HGX racks is not a liquid-cooled hall of
// 120-140 kW NVL72 racks. The defaults of a build (or a colocation host) that does not give its
// own PUE and facility cost; every figure cited there.
#pragma once
#include "models/hardware.h"

namespace bvr {

struct FacilityDefaults {
  double pue = 1;                 // facility power / IT power
  double capex_usd_per_w = 0;     // construction cost per W of critical IT load
};

FacilityDefaults facility_defaults(Cooling cooling);

// The densest rack air removes heat from, with containment and rear-door heat exchangers:
// 40-60 kW (Chatsworth Products 2026; operators' guides) [S]. Denser air-cooled racks are
// refused: say cooling: liquid, or rack fewer GPUs.
inline constexpr double air_cooled_rack_limit_w = 60e3;

// IT power of a rack of `gpus_per_rack` GPUs of `node`.
inline double rack_power_w(const ServerSpec& node, int gpus_per_rack) {
  return node.it_power_w / node.gpus_per_server * gpus_per_rack;
}

}  // namespace bvr
