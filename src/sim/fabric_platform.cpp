#include "sim/fabric_platform.h"

#include <fmt/format.h>

#include <string>
#include <unordered_map>

namespace sg4 = simgrid::s4u;

namespace bvr {

std::vector<std::string> fabric_engine_args() {
  return {"bvr-fabric", "--log=root.thresh:critical", "--cfg=network/model:CM02", "--cfg=network/crosstraffic:0",
          "--cfg=contexts/stack-size:128"};
}

FabricPlatform build_fabric_platform(const FabricSpec& spec, int gpus, const std::vector<StepRun>& plan) {
  FabricRouter router(spec);
  // Pair -> path, chosen the first time the pair talks.
  std::unordered_map<std::uint64_t, std::vector<int>> paths;
  auto key = [](int src, int dst) { return static_cast<std::uint64_t>(src) << 32 | static_cast<std::uint32_t>(dst); };
  for (const StepRun& run : plan) {
    router.reset_load();
    for (const Flow& f : run.flows) {
      auto [it, fresh] = paths.try_emplace(key(f.src, f.dst));
      if (fresh) it->second = router.route(f.src, f.dst);
      else router.add_load(it->second);
    }
  }
  FabricPlatform platform;
  auto* zone = sg4::create_full_zone("fabric");
  for (int g = 0; g < gpus; ++g) platform.hosts.push_back(zone->create_host(fmt::format("g{}", g), 1e9));
  std::unordered_map<int, sg4::Link*> links;
  auto link = [&](int id) {
    auto [it, fresh] = links.try_emplace(id, nullptr);
    if (fresh) {
      it->second = zone->create_link(fmt::format("l{}", id), router.link_bw_bytes_per_s(id))
                       ->set_latency(spec.hop_latency_s)
                       ->seal();
    }
    return it->second;
  };
  for (const auto& [pair, path] : paths) {
    std::vector<sg4::LinkInRoute> hops;
    hops.reserve(path.size());
    for (int id : path) hops.emplace_back(link(id));
    const auto src = static_cast<std::size_t>(pair >> 32), dst = static_cast<std::size_t>(pair & 0xffffffffu);
    zone->add_route(platform.hosts[src]->get_netpoint(), platform.hosts[dst]->get_netpoint(), nullptr, nullptr, hops,
                    false);
  }
  zone->seal();
  platform.links = static_cast<long>(links.size());
  platform.routes = static_cast<long>(paths.size());
  return platform;
}

}  // namespace bvr
