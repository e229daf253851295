// The fabric on which the scaled collective evaluation is checked against the full simulation
// (tests/test_fabric_sim.cpp and tools/fabric_agreement.cpp): small switches, so that a few
// thousand GPUs already span many pods and every tier carries traffic. Rail-optimized, 3 tiers,
// 8-GPU servers, 16 x 800G switches split to 32 x 400G ports: leaf groups of 128 GPUs, pods of
// 256, so 4,096 GPUs span 16 pods. NVLink 450 GB/s and 400G NICs as in an H100 server; 350 ns
// per hop (docs/fabric.md).
#pragma once
#include "models/fabric.h"

namespace bvr {

inline FabricSpec agreement_fabric(int gpus, FabricRouting routing) {
  FabricSpec s;
  s.gpus = gpus;
  s.gpus_per_server = 8;
  s.nvlink_domain_gpus = 8;
  s.nvlink_bw_bytes_per_s = 450e9;
  s.nic_bw_bytes_per_s = 50e9;
  s.rail_optimized = true;
  s.switch_ports = 16;
  s.switch_port_bw_bytes_per_s = 100e9;
  s.tiers = 3;
  s.oversubscription = {1, 1};
  s.hop_latency_s = 350e-9;
  s.routing = routing;
  return s;
}

}  // namespace bvr
