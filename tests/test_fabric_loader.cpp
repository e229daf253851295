// The fabric block: the shipped fabric files load, and bad input names file:line:column and key.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "scenario/input_error.h"
#include "scenario/load_fabric.h"

using namespace bvr;

namespace {

const std::string colossus = std::string(BVR_SOURCE_DIR) + "/scenarios/fabrics/colossus.yaml";

std::string read(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

std::string scratch(const std::string& name, const std::string& text) {
  const auto dir = std::filesystem::temp_directory_path() / "bvr-fabric-loader-tests";
  std::filesystem::create_directories(dir);
  const std::string path = (dir / (name + ".yaml")).string();
  std::ofstream(path) << text;
  return path;
}

// The Colossus file with one piece of text replaced; returns the loader's error.
std::string error_of(const std::string& name, const std::string& from, const std::string& to) {
  std::string text = read(colossus);
  const auto at = text.find(from);
  REQUIRE_MESSAGE(at != std::string::npos, from);
  const std::string path = scratch("colossus", text.replace(at, from.size(), to));
  (void)name;
  try {
    load_fabrics_from_file(path);
  } catch (const InputError& e) {
    return e.what();
  }
  FAIL("expected an InputError");
  return "";
}

}  // namespace

TEST_CASE("the shipped fabric files load") {
  const auto fabrics = load_fabrics_from_file(colossus);
  REQUIRE(fabrics.size() == 1);
  const FabricSpec& s = fabrics[0];
  CHECK(s.name == "colossus");
  CHECK(s.gpus == 100000);
  CHECK(s.nic_bw_bytes_per_s == doctest::Approx(50e9));
  CHECK(s.nvlink_bw_bytes_per_s == doctest::Approx(450e9));
  CHECK(s.switch_port_bw_bytes_per_s == doctest::Approx(100e9));
  CHECK(s.hop_latency_s == doctest::Approx(350e-9));
  CHECK(s.technology == FabricTechnology::SpectrumXEthernet);
  CHECK(s.routing == FabricRouting::Adaptive);
  const FabricShape f = fabric_shape(s);
  CHECK(f.radix == 128);
  CHECK(f.leaves_per_pod * f.gpus_per_leaf == 4096);
  const auto oci = load_fabrics_from_file(std::string(BVR_SOURCE_DIR) + "/scenarios/fabrics/oci-supercluster.yaml");
  CHECK(oci.at(0).routing == FabricRouting::StaticEcmp);
}

TEST_CASE("a scenario-style file gives one fabric per option that has one") {
  const std::string path = scratch("options", "options:\n  a:\n    kind: lease\n  b:\n    fabric:\n" +
                                                  [] {
                                                    std::string body = read(colossus);
                                                    body = body.substr(body.find("fabric:\n") + 8);
                                                    std::string indented;
                                                    for (std::size_t i = 0; i < body.size(); ++i) {
                                                      if (i == 0 || body[i - 1] == '\n') indented += "    ";
                                                      indented += body[i];
                                                    }
                                                    return indented;
                                                  }());
  const auto fabrics = load_fabrics_from_file(path);
  REQUIRE(fabrics.size() == 1);
  CHECK(fabrics[0].name == "b");
}

TEST_CASE("fabric errors name the file, line, column and key path") {
  CHECK(error_of("unit", "nic_bandwidth: 400 Gb/s", "nic_bandwidth: 400 GW").find("colossus.yaml:10:22: fabric.nic_bandwidth: expected a bandwidth") != std::string::npos);
  CHECK(error_of("unit2", "nic_bandwidth: 400 Gb/s", "nic_bandwidth: 400 GW").find("fabric.nic_bandwidth") !=
        std::string::npos);
  CHECK(error_of("key", "tiers: 3", "teirs: 3").find("did you mean \"tiers\"") != std::string::npos);
  const std::string too_big = error_of("size", "gpus: 100000 ", "gpus: 600000 ");
  CHECK(too_big.find("fabric.gpus") != std::string::npos);
  CHECK(too_big.find("exceed") != std::string::npos);
  CHECK(error_of("ratio", "[1, 1]", "[1, \"1:2\"]").find("fabric.oversubscription") != std::string::npos);
  CHECK(error_of("list", "[1, 1]", "[1]").find("fabric.oversubscription: expected 2 value(s)") != std::string::npos);
  CHECK(error_of("latency", "hop_latency: 350 ns", "hop_latency: 350 parsecs").find("fabric.hop_latency") != std::string::npos);
  CHECK(error_of("tech", "technology: spectrum-x", "technology: myrinet").find("fabric.technology") !=
        std::string::npos);
}
