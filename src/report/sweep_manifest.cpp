#include "report/sweep_manifest.h"

#include <fmt/format.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "scenario/input_error.h"

namespace bvr {

namespace {
constexpr const char* format_tag = "bvr-sweep-manifest/1";
}

std::string sweep_manifest_json(const SweepManifest& m) {
  nlohmann::ordered_json j;
  j["format"] = format_tag;
  j["sweep_file"] = m.sweep_file;
  j["base"] = m.base_file;
  j["hash"] = m.hash;
  j["mode"] = m.mode;
  j["seed"] = m.seed;
  j["replications"] = m.replications;
  j["common_random_numbers"] = m.common_random_numbers;
  j["point_count"] = m.points.size();
  j["shard"] = {{"k", m.shard}, {"n", m.shards}};
  j["axes"] = nlohmann::ordered_json::array();
  for (const auto& axis : m.axes) j["axes"].push_back({{"key", axis.key}, {"unit", axis.unit}});
  j["points"] = nlohmann::ordered_json::array();
  for (const auto& p : m.points) j["points"].push_back({{"point", p.index}, {"values", p.values}});
  return j.dump(2) + "\n";
}

SweepManifest read_sweep_manifest(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot open the sweep manifest (is this a bvr sweep folder?)", path));
  try {
    const auto j = nlohmann::json::parse(in);
    if (j.at("format").get<std::string>() != format_tag)
      throw InputError(fmt::format("{}: not a {} file", path, format_tag));
    SweepManifest m;
    m.sweep_file = j.at("sweep_file").get<std::string>();
    m.base_file = j.at("base").get<std::string>();
    m.hash = j.at("hash").get<std::string>();
    m.mode = j.at("mode").get<std::string>();
    m.seed = j.at("seed").get<std::uint64_t>();
    m.replications = j.at("replications").get<int>();
    m.common_random_numbers = j.at("common_random_numbers").get<bool>();
    m.shard = j.at("shard").at("k").get<int>();
    m.shards = j.at("shard").at("n").get<int>();
    for (const auto& axis : j.at("axes")) m.axes.push_back({axis.at("key").get<std::string>(), axis.at("unit").get<std::string>()});
    for (const auto& p : j.at("points"))
      m.points.push_back({p.at("point").get<int>(), p.at("values").get<std::vector<std::string>>()});
    if (m.shards < 1 || m.shard < 1 || m.shard > m.shards || m.points.size() != j.at("point_count").get<std::size_t>())
      throw InputError(fmt::format("{}: inconsistent shard or point count", path));
    return m;
  } catch (const nlohmann::json::exception& e) {
    throw InputError(fmt::format("{}: not a readable sweep manifest: {}", path, e.what()));
  }
}

}  // namespace bvr
