// The system description: what one GPU and one server are (Calculon's "system").
#pragma once
#include <string>

namespace bvr {

// One GPU model of the catalogue (models/gpu_catalogue.h): what the step-time model needs.
struct GpuSpec {
  std::string name;
  double peak_bf16_flop_per_s = 0;  // dense tensor-core peak (no sparsity)
  double peak_fp8_flop_per_s = 0;   // dense; 0 = no FP8 tensor cores
  double tdp_w = 0;
  double hbm_bytes = 0;
  double hbm_bytes_per_s = 0;
  double nvlink_bytes_per_s = 0;    // per GPU, each direction (half the quoted bidirectional figure)
};

struct ServerSpec {
  int gpus_per_server = 0;
  double it_power_w = 0;    // whole server training: GPUs at TDP plus the rest at full load
  double idle_power_w = 0;  // powered on, not computing: waiting, restarting, checkpointing
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
