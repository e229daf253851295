#include "sim/collective_sim.h"

#include <fmt/format.h>
#include <simgrid/s4u.hpp>
#include <simgrid/version.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <map>
#include <memory>
#include <stdexcept>
#include <type_traits>
#include <vector>

#include "models/collective_path.h"
#include "models/fabric_routes.h"
#include "sim/fabric_platform.h"
#include "sim/fork_call.h"

namespace sg4 = simgrid::s4u;

namespace bvr {

namespace {

std::map<std::string, CollectiveResult>& cache() {
  static std::map<std::string, CollectiveResult> results;
  return results;
}

// The folder of the file cache: $BVR_COLLECTIVE_CACHE when set ("off" or "" turns it off), else
// the user's cache folder ($XDG_CACHE_HOME/bvr/collectives, or ~/.cache/bvr/collectives): each
// distinct collective is simulated once per machine, not once per run.
std::string default_cache_dir() {
  if (const char* env = std::getenv("BVR_COLLECTIVE_CACHE")) {
    const std::string dir = env;
    return dir == "off" ? std::string() : dir;
  }
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return std::string(xdg) + "/bvr/collectives";
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.cache/bvr/collectives";
  return {};
}

std::string& cache_dir() {
  static std::string dir = [] {
    std::string d = default_cache_dir();
    std::error_code error;
    if (!d.empty()) std::filesystem::create_directories(d, error);
    return error ? std::string() : d;  // a folder that cannot be made only costs time
  }();
  return dir;
}

// What a cached result depends on besides its key: the collective model's version and
// SimGrid's (its sharing model gives the times). A file written under another is a miss.
const std::string& build_stamp() {
  static const std::string stamp = fmt::format("bvr collectives v{}, SimGrid {}.{}.{}", collective_model_version,
                                               SIMGRID_VERSION_MAJOR, SIMGRID_VERSION_MINOR, SIMGRID_VERSION_PATCH);
  return stamp;
}

// FNV-1a: a stable file name for a key (std::hash may differ between builds).
std::string key_file(const std::string& key) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char ch : key) h = (h ^ ch) * 1099511628211ull;
  return fmt::format("{}/{:016x}.bin", cache_dir(), h);
}

static_assert(std::is_trivially_copyable_v<CollectiveResult>);

std::string to_bytes(const CollectiveResult& r) { return std::string(reinterpret_cast<const char*>(&r), sizeof r); }

CollectiveResult from_bytes(const std::string& bytes) {
  if (bytes.size() != sizeof(CollectiveResult)) throw std::runtime_error("collective result is truncated");
  CollectiveResult r;
  std::memcpy(&r, bytes.data(), sizeof r);
  return r;
}

// One engine for this process, configured for RDMA fabrics.
std::unique_ptr<sg4::Engine> make_engine() {
  std::vector<std::string> args = fabric_engine_args();
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  int argc = static_cast<int>(args.size());
  return std::make_unique<sg4::Engine>(&argc, argv.data());
}

std::uint64_t payload(double bytes) { return static_cast<std::uint64_t>(std::llround(std::max(1.0, bytes))); }

CollectiveResult finish(const CollectiveSpec& c, int group_gpus, double time_s) {
  CollectiveResult r;
  r.time_s = time_s;
  r.algbw_bytes_per_s = time_s > 0 ? c.bytes / time_s : 0;
  r.busbw_bytes_per_s = r.algbw_bytes_per_s * bus_bandwidth_factor(c.kind, group_gpus);
  return r;
}

int group_of(const FabricSpec& f, const CollectiveSpec& c) { return c.group_gpus > 0 ? c.group_gpus : f.gpus; }

// Most flows sharing one network link in a step when its flows are routed on `spec`.
int hottest_link_load(const FabricSpec& spec, const StepRun& run) {
  FabricRouter router(spec);
  std::vector<int> path;  // reused: routing a 100k-GPU step allocates nothing per flow
  for (const Flow& f : run.flows) router.route_into(f.src, f.dst, path);
  int worst = 0;
  for (int l = 0; l < router.directed_links(); ++l)
    if (!router.is_nvlink(l)) worst = std::max(worst, router.load(l));
  return worst;
}

// Static ECMP: the worst collision grows with the number of flows hashed (an extreme value), so
// a slice sees fewer than the whole fabric. The full step's flows are routed (cheap: no
// simulation) and the slice's step time grows by the extra flows on the hottest link, each
// flow of the step being slowed to 1/load of the link's bandwidth.
std::vector<double> ecmp_extra_s(const FabricSpec& fabric, const FabricSpec& slice, const CollectiveSpec& c,
                                 const std::vector<StepRun>& sliced, const PlanOptions& plan_options) {
  std::vector<double> extra(sliced.size(), 0.0);
  if (fabric.routing != FabricRouting::StaticEcmp || slice.gpus == fabric.gpus) return extra;
  const std::vector<StepRun> full = plan_collective(c, fabric.gpus, fabric.gpus, fabric.nvlink_domain_gpus, plan_options);
  for (std::size_t r = 0; r < sliced.size() && r < full.size(); ++r) {
    const int more = hottest_link_load(fabric, full[r]) - hottest_link_load(slice, sliced[r]);
    double bytes = 0;
    for (const Flow& f : sliced[r].flows) bytes = std::max(bytes, f.bytes);
    if (more > 0) extra[r] = bytes * more / fabric.nic_bw_bytes_per_s;
  }
  return extra;
}

// The two ways a plan is played. SimGrid 3.32 costs shaped them: a communication posted with
// Comm::sendto_async (no actor at either end) is dropped, when it finishes, from a list by linear
// search, so one controller posting a step of n flows pays O(n^2) (a 4,096-GPU tree step, 16k
// flows: ~3 s); an actor costs ~30 us to create (its stack and guard page), so an actor per GPU
// costs ~40 ms for a 1,024-GPU slice before it moves a byte. The scaled evaluation plays a few
// steps of at most a slice's flows: one controller. The full simulation plays every repeat on
// the whole fabric: an actor per GPU. (Activity::add_successor is no way out: it is not released
// for communications nobody waits on.)

struct PlayedRun {
  double time_s = 0;
  double flows = 0;
};

// Posts every flow of `run` at once from the calling actor and waits for them: the step's time.
double play_step(const FabricPlatform& platform, const StepRun& run) {
  const double start = sg4::Engine::get_clock();
  std::vector<sg4::CommPtr> comms;
  comms.reserve(run.flows.size());
  for (const Flow& f : run.flows)
    comms.push_back(sg4::Comm::sendto_async(platform.hosts[static_cast<std::size_t>(f.src)],
                                            platform.hosts[static_cast<std::size_t>(f.dst)], payload(f.bytes)));
  sg4::Comm::wait_all(comms);
  return sg4::Engine::get_clock() - start;
}

// Each step once, every flow started at once by one controller; its time, plus `extra_s` (the
// ECMP correction), multiplied by its repeat count (symmetry). The stages of a pipeline
// (StepRun::pipeline) are played at once, one actor each (they share no link: NVLink stages use
// the GPUs' NVLink ports, network stages their NICs), and combined by pipelined_time_s.
PlayedRun play_each_step_once(const FabricPlatform& platform, const std::vector<StepRun>& plan,
                              const std::vector<double>& extra_s) {
  PlayedRun out;
  sg4::Actor::create("controller", platform.hosts[0], [&] {
    for (std::size_t r = 0; r < plan.size();) {
      if (plan[r].pipeline == 0) {
        out.time_s += (play_step(platform, plan[r]) + extra_s[r]) * static_cast<double>(plan[r].repeat);
        out.flows += static_cast<double>(plan[r].flows.size());
        ++r;
        continue;
      }
      std::size_t end = r;
      while (end < plan.size() && plan[end].pipeline == plan[r].pipeline) ++end;
      std::vector<double> stage_s(end - r, 0.0);
      std::vector<sg4::ActorPtr> stages;
      for (std::size_t k = r; k < end; ++k) {
        stages.push_back(sg4::Actor::create(fmt::format("stage{}", k), platform.hosts[0], [&, k] {
          stage_s[k - r] = (play_step(platform, plan[k]) + extra_s[k]) * static_cast<double>(plan[k].repeat);
        }));
        out.flows += static_cast<double>(plan[k].flows.size());
      }
      for (const sg4::ActorPtr& a : stages) a->join();
      out.time_s += pipelined_time_s(stage_s, plan[r].chunks);
      r = end;
    }
  });
  sg4::Engine::get_instance()->run();
  return out;
}

// Every repeat of every step, one actor per GPU posting its sends and receives of a step (one
// mailbox per ordered pair, so a message always meets the receive meant for it even when its
// sender runs steps ahead) and waiting for them. With `barrier`, every GPU then waits for all
// the others, so every flow of a step starts at once; without, each GPU moves on as soon as its
// own part is done (steps overlap where the data allows, as NCCL runs).
PlayedRun play_every_repeat(const FabricPlatform& platform, int gpus, const std::vector<StepRun>& plan, bool barrier) {
  const auto n = static_cast<std::size_t>(gpus);
  struct Part {
    std::vector<std::pair<int, std::uint64_t>> sends;
    std::vector<int> sources;
  };
  std::vector<std::vector<Part>> parts(n, std::vector<Part>(plan.size()));
  PlayedRun out;
  for (std::size_t r = 0; r < plan.size(); ++r) {
    for (const Flow& f : plan[r].flows) {
      parts[static_cast<std::size_t>(f.src)][r].sends.emplace_back(f.dst, payload(f.bytes));
      parts[static_cast<std::size_t>(f.dst)][r].sources.push_back(f.src);
    }
    out.flows += static_cast<double>(plan[r].flows.size()) * static_cast<double>(plan[r].repeat);
  }
  auto mailbox = [](int src, std::size_t dst) { return sg4::Mailbox::by_name(fmt::format("{}>{}", src, dst)); };
  static int token = 0;  // payloads carry no data: only their simulated size matters
  const sg4::BarrierPtr step_done = barrier ? sg4::Barrier::create(static_cast<unsigned>(n)) : nullptr;
  for (std::size_t g = 0; g < n; ++g) {
    sg4::Actor::create(fmt::format("gpu{}", g), platform.hosts[g], [&, g] {
      for (std::size_t r = 0; r < plan.size(); ++r) {
        const Part& part = parts[g][r];
        std::vector<sg4::Mailbox*> out_boxes, in_boxes;
        for (const auto& send : part.sends) out_boxes.push_back(mailbox(static_cast<int>(g), static_cast<std::size_t>(send.first)));
        for (int src : part.sources) in_boxes.push_back(mailbox(src, g));
        std::vector<int*> received(in_boxes.size());
        for (long step = 0; step < plan[r].repeat; ++step) {
          std::vector<sg4::CommPtr> comms;
          for (std::size_t k = 0; k < out_boxes.size(); ++k)
            comms.push_back(out_boxes[k]->put_async(&token, part.sends[k].second));
          for (std::size_t k = 0; k < in_boxes.size(); ++k) comms.push_back(in_boxes[k]->get_async<int>(&received[k]));
          sg4::Comm::wait_all(comms);
          if (step_done) step_done->wait();
        }
      }
    });
  }
  sg4::Engine::get_instance()->run();
  out.time_s = sg4::Engine::get_clock();
  return out;
}

// In this process: each distinct step once, on the slice, scaled by its repeat count.
CollectiveResult scaled_here(const FabricSpec& fabric, const CollectiveSpec& c, const CollectiveEvalOptions& o) {
  const int G = group_of(fabric, c);
  const FabricSpec slice = fabric_slice(fabric, o.slice_gpus, G, c.kind == CollectiveKind::AllToAll);
  PlanOptions plan_options;
  plan_options.pipelined = o.pipelined;
  plan_options.in_network_reduction = fabric.in_network_reduction;
  plan_options.max_distinct_steps =
      o.max_distinct_steps > 0 ? o.max_distinct_steps : (fabric.routing == FabricRouting::StaticEcmp ? 64 : 8);
  const std::vector<StepRun> plan = plan_collective(c, fabric.gpus, slice.gpus, fabric.nvlink_domain_gpus, plan_options);
  const std::vector<double> extra_s = ecmp_extra_s(fabric, slice, c, plan, plan_options);
  auto engine = make_engine();
  const FabricPlatform platform = build_fabric_platform(slice, slice.gpus, plan);
  const PlayedRun run = play_each_step_once(platform, plan, extra_s);
  CollectiveResult r = finish(c, G, run.time_s);
  r.simulated_gpus = slice.gpus;
  r.simulated_flows = run.flows;
  return r;
}

// In this process: every repeat of every step on the whole fabric, the reference
// (docs/fabric.md): each GPU moving on by itself (PerGpu) or every GPU at once (Barrier).
CollectiveResult full_here(const FabricSpec& fabric, const CollectiveSpec& c, FullSync sync) {
  PlanOptions plan_options;
  plan_options.pipelined = false;  // every repeat played in turn: the phases one after the other
  plan_options.in_network_reduction = fabric.in_network_reduction;
  const std::vector<StepRun> plan =
      plan_collective(c, fabric.gpus, fabric.gpus, fabric.nvlink_domain_gpus, plan_options);
  auto engine = make_engine();
  const FabricPlatform platform = build_fabric_platform(fabric, fabric.gpus, plan);
  const PlayedRun run = play_every_repeat(platform, fabric.gpus, plan, sync == FullSync::Barrier);
  CollectiveResult r = finish(c, group_of(fabric, c), run.time_s);
  r.simulated_gpus = fabric.gpus;
  r.simulated_flows = run.flows;
  return r;
}

std::string spec_key(const FabricSpec& f) {
  std::string over;
  for (double o : f.oversubscription) over += fmt::format("{}/", o);
  return fmt::format("{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}", f.in_network_reduction, f.gpus, f.gpus_per_server, f.nvlink_domain_gpus,
                     f.nvlink_bw_bytes_per_s, f.nic_bw_bytes_per_s, f.rail_optimized, f.switch_ports,
                     f.switch_port_bw_bytes_per_s, f.tiers, over, f.pod_gpus, static_cast<int>(f.technology),
                     static_cast<int>(f.routing), f.hop_latency_s);
}

}  // namespace

std::string collective_cache_key(const FabricSpec& f, const CollectiveSpec& c, const CollectiveEvalOptions& o) {
  return fmt::format("v{}#{}#{}|{}|{}#{}|{}|{}", collective_model_version, spec_key(f), to_string(c.kind), c.bytes,
                     c.group_gpus, o.slice_gpus, o.max_distinct_steps, o.pipelined);
}

std::size_t collective_cache_size() { return cache().size(); }
void clear_collective_cache() { cache().clear(); }

std::string collective_cache_dir() { return cache_dir(); }

void set_collective_cache_dir(const std::string& dir) {
  cache_dir() = dir == "off" ? std::string() : dir;
  if (!cache_dir().empty()) std::filesystem::create_directories(cache_dir());
}

namespace {

std::uint64_t checksum(const std::string& bytes) {
  std::uint64_t h = 14695981039346656037ull;
  for (unsigned char ch : bytes) h = (h ^ ch) * 1099511628211ull;
  return h;
}

// A file: the stamp and key on one line, the result's bytes, their checksum. Anything else (a
// truncated or damaged file, another key, another model version) is a miss, and the fresh result
// then replaces it.
std::optional<CollectiveResult> read_cached(const std::string& key) {
  if (cache_dir().empty()) return std::nullopt;
  std::ifstream in(key_file(key), std::ios::binary);
  std::string stored_key;
  if (!in || !std::getline(in, stored_key) || stored_key != build_stamp() + "#" + key) return std::nullopt;
  std::string bytes(sizeof(CollectiveResult), '\0');
  std::uint64_t sum = 0;
  if (!in.read(bytes.data(), static_cast<std::streamsize>(bytes.size())) ||
      !in.read(reinterpret_cast<char*>(&sum), sizeof sum) || sum != checksum(bytes) || in.peek() != EOF)
    return std::nullopt;
  const CollectiveResult r = from_bytes(bytes);
  if (!(std::isfinite(r.time_s) && r.time_s > 0)) return std::nullopt;
  return r;
}

// Written to a temporary name of its own (process id and a counter) and renamed over the entry:
// a reader in another process sees the whole file or none, and two writers of one key leave one
// whole file (both hold the same result).
void write_cached(const std::string& key, const CollectiveResult& r) {
  if (cache_dir().empty()) return;
  static int written = 0;
  const std::string path = key_file(key);
  const std::string temp = fmt::format("{}.{}-{}.tmp", path, getpid(), ++written);
  {
    const std::string bytes = to_bytes(r);
    const std::uint64_t sum = checksum(bytes);
    std::ofstream out(temp, std::ios::binary | std::ios::trunc);
    out << build_stamp() << '#' << key << '\n' << bytes;
    out.write(reinterpret_cast<const char*>(&sum), sizeof sum);
    if (!out) {  // a cache that cannot be written only costs time
      std::error_code ignored;
      std::filesystem::remove(temp, ignored);
      return;
    }
  }
  std::error_code error;
  std::filesystem::rename(temp, path, error);
  if (error) std::filesystem::remove(temp, error);
}

}  // namespace

CollectiveResult evaluate_collective(const FabricSpec& fabric, const CollectiveSpec& c, const CollectiveEvalOptions& o) {
  // Where the rule lets it (models/collective_path.h), the closed form at line rate stands for
  // the simulation: no engine, no child, microseconds.
  if (o.closed_form && o.pipelined && collective_path(fabric, c.kind).path == CollectivePath::ClosedForm) {
    const double t = closed_form_time_s(fabric, c);
    if (t > 0) {
      CollectiveResult r = finish(c, group_of(fabric, c), t);
      r.closed_form = 1;
      return r;
    }
  }
  const std::string key = collective_cache_key(fabric, c, o);
  if (auto it = cache().find(key); it != cache().end()) return it->second;
  if (auto stored = read_cached(key)) return cache().emplace(key, *stored).first->second;
  const CollectiveResult r = from_bytes(run_in_child([&] { return to_bytes(scaled_here(fabric, c, o)); },
                                                     fmt::format("{} evaluation", to_string(c.kind))));
  cache().emplace(key, r);
  write_cached(key, r);
  return r;
}

CollectiveResult simulate_collective_full(const FabricSpec& fabric, const CollectiveSpec& c, FullSync sync) {
  return from_bytes(run_in_child(
      [&] { return to_bytes(full_here(fabric, c, sync)); },
      fmt::format("{} full simulation", to_string(c.kind))));
}

}  // namespace bvr
