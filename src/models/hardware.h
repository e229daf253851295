// The system description (Calculon's "system"): what one GPU is, how GPUs are grouped (the
// NVLink domain, the node that fails and is allocated whole, the rack that is installed and
// powered), and what the system costs. Systems are data: one YAML file each in systems/
// (scenario/load_system.h reads them; docs/hardware.md lists them with their sources).
#pragma once
#include <algorithm>
#include <string>
#include <vector>

#include "models/reliability.h"

namespace bvr {

// What the step-time model needs of one GPU.
struct GpuSpec {
  std::string name;
  double peak_bf16_flop_per_s = 0;  // dense tensor-core peak (no sparsity)
  double peak_fp8_flop_per_s = 0;   // dense; 0 = no FP8 tensor cores
  double tdp_w = 0;
  double hbm_bytes = 0;
  double hbm_bytes_per_s = 0;
  double nvlink_bytes_per_s = 0;    // per GPU, each direction (half the quoted bidirectional figure)
  double peak_fp4_flop_per_s = 0;   // dense; 0 = no FP4 tensor cores
  // The best share of the dense peak a large GEMM reaches at each precision (the "maximum
  // achievable matmul FLOPS" of the system file; 0 = not measured: step_time.cpp's defaults).
  double matmul_share_bf16 = 0, matmul_share_fp8 = 0, matmul_share_fp4 = 0;
};

// The node: what failure rates count ("per 1000 node-days"), what a job allocates whole, what a
// failure of one GPU takes out by default. An HGX server of 8 GPUs, or an NVL72 compute tray of 4.
struct ServerSpec {
  int gpus_per_server = 0;
  double it_power_w = 0;    // whole node training: GPUs at TDP plus its share of CPUs, switches, NICs, fans
  double idle_power_w = 0;  // powered on, not computing: waiting, restarting, checkpointing
};

enum class Cooling { Air, Liquid };
// What one GPU failure takes out: its node (an HGX board, an NVL72 compute tray), or the whole
// NVLink domain.
enum class FailureUnit { Node, Domain };
const char* to_string(Cooling cooling);
const char* to_string(FailureUnit unit);

struct SystemSpec {
  std::string id;    // the file's stem ("gb200-nvl72"), or "inline"
  std::string name;  // as printed ("GB200 NVL72")
  std::string file;  // where it was read from ("" for one built in code: tests)
  GpuSpec gpu;
  int domain_gpus = 8;                // GPUs per NVLink / NVSwitch domain
  bool in_network_reduction = false;  // the domain's switches reduce (NVLink SHARP)
  int nics_per_gpu = 1;
  double nic_bytes_per_s = 0;         // scale-out bandwidth per GPU, each direction (all its NICs)
  ServerSpec node;
  int rack_gpus = 0;                  // GPUs per rack as usually deployed; a build may rack differently
  Cooling cooling = Cooling::Air;
  FailureUnit failure_unit = FailureUnit::Node;
  double price_usd_per_gpu = 0;       // list price of the system, per GPU (node and rack shares included)
  std::vector<FailureClass> failure_classes;  // the system's own interruption causes; may be empty
  BadNodes bad_nodes;                         // the system's share of bad nodes (none: uniform)

  int failure_unit_nodes() const {
    return failure_unit == FailureUnit::Domain ? std::max(1, domain_gpus / node.gpus_per_server) : 1;
  }
  double rack_power_w() const { return node.it_power_w / node.gpus_per_server * rack_gpus; }
};

// Facility power per GPU while training: the server's share times PUE (power usage
// effectiveness = facility power / IT power, so cooling and conversion losses are included).
double facility_power_per_gpu_w(const ServerSpec& server, double pue);

// Critical IT load per GPU (no PUE): what facility construction cost is sized by.
double it_power_per_gpu_w(const ServerSpec& server);

// The largest GPU count that `supply_w` can run, in whole servers.
int powerable_gpus(double supply_w, const ServerSpec& server, double pue);

// Rounds a GPU count down to whole servers.
int whole_servers_gpus(int gpus, const ServerSpec& server);

}  // namespace bvr
