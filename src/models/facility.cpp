#include "models/facility.h"

namespace bvr {

FacilityDefaults facility_defaults(Cooling cooling) {
  // Construction cost per MW of critical IT, US average $11.7M (range $9.3-15.0M by market;
  // Cushman & Wakefield Data Center Development Cost Guide 2025) [P]. AI halls that are liquid
  // cooled at high density cost 7-10 % more than traditional ones of the same IT capacity
  // (Turner & Townsend Data Centre Construction Cost Index 2025-2026) [P]: +8.5 %, the middle.
  constexpr double air_usd_per_w = 11.7;
  constexpr double liquid_premium = 0.085;
  // PUE: industry average 1.56 (Uptime Institute 2024) [P], AI designs 1.1-1.3 (Uptime;
  // SemiAnalysis via Epoch AI) [P/E]. Air-cooled AI halls: 1.35, between the two (ASSUMPTION;
  // sweep 1.25-1.56). Direct liquid cooling: 1.15, the value SemiAnalysis models new liquid
  // builds at [E] (sweep 1.08-1.3). Liquid's larger gain is in IT power (no server fans), which
  // the system files' rack power already holds (NVIDIA + Vertiv, ASME: PUE -3.3 % only) [P].
  if (cooling == Cooling::Liquid) return {1.15, air_usd_per_w * (1 + liquid_premium)};
  return {1.35, air_usd_per_w};
}

}  // namespace bvr
