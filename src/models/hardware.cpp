#include "models/hardware.h"

#include <cmath>

namespace bvr {

const char* to_string(Cooling cooling) { return cooling == Cooling::Liquid ? "liquid" : "air"; }
const char* to_string(FailureUnit unit) { return unit == FailureUnit::Domain ? "domain" : "node"; }

double it_power_per_gpu_w(const ServerSpec& server) {
  return server.it_power_w / server.gpus_per_server;
}

double facility_power_per_gpu_w(const ServerSpec& server, double pue) {
  return it_power_per_gpu_w(server) * pue;
}

int powerable_gpus(double supply_w, const ServerSpec& server, double pue) {
  if (supply_w <= 0) return 0;
  const double server_w = server.it_power_w * pue;
  // The small tolerance keeps 150 MW / 1.5 MW-per-100-servers from losing a server to rounding.
  const double servers = std::floor(supply_w / server_w * (1 + 1e-12));
  return static_cast<int>(servers) * server.gpus_per_server;
}

int whole_servers_gpus(int gpus, const ServerSpec& server) {
  return gpus / server.gpus_per_server * server.gpus_per_server;
}

}  // namespace bvr
