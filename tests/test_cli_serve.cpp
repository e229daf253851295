// `bvr serve` as a user runs it (docs/serving.md): the JSON shape the issue names, and refusals.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "cli_harness.h"

namespace {
const std::string serving_scenario = std::string(BVR_SOURCE_DIR) + "/scenarios/serving-gb300-2026.yaml";
bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
}  // namespace

TEST_CASE("cli: serve --json gives per option and system the frontier, cost per million tokens and tokens per MW") {
  const Ran ran = run("serve " + serving_scenario + " --json --no-simulation");
  INFO(ran.err);
  REQUIRE(ran.exit_code == 0);
  const auto list = nlohmann::json::parse(ran.out);
  REQUIRE(list.is_array());
  REQUIRE(list.size() == 2);
  for (const auto& site : list) {
    CHECK(site["system"] == "GB300 NVL72");
    REQUIRE(site["frontier"].size() > 3);
    double user = 1e300, gpu = -1;
    for (const auto& p : site["frontier"]) {
      // Pareto: less interactive, more tokens per GPU.
      CHECK(p["tokens_per_s_per_user"].get<double>() < user);
      CHECK(p["tokens_per_s_per_gpu"].get<double>() > gpu);
      user = p["tokens_per_s_per_user"];
      gpu = p["tokens_per_s_per_gpu"];
    }
    CHECK(site["best"]["tokens_per_s_per_user"].get<double>() >= 50);
    CHECK(site["cost_per_million_tokens_usd"].get<double>() > 0);
    CHECK(site["tokens_per_s_per_mw"].get<double>() > 0);
    CHECK(site["demand"]["racks_for_peak"].get<long>() > 0);
  }
  CHECK(list[0]["option"] == "lease-neocloud");
  // A lease's GPU-hour is its price.
  CHECK(list[0]["usd_per_gpu_hour"].get<double>() == doctest::Approx(3.0));
}

TEST_CASE("cli: serve refuses a scenario without serving, an unknown option, and names the place") {
  const Ran none = run("serve " + default_scenario);
  CHECK(none.exit_code == 2);
  CHECK(has(none.err, "workload.serving"));
  const Ran option = run("serve " + serving_scenario + " --option lease-nowhere --no-simulation");
  CHECK(option.exit_code == 2);
  CHECK(has(option.err, "lease-nowhere"));
  const Ran target = run("serve " + serving_scenario + " --set \"workload.serving.target=5000 tokens/s\" --json");
  CHECK(target.exit_code == 2);
  CHECK(has(target.err, "workload.serving.target"));
  CHECK(nlohmann::json::parse(target.out)["ok"] == false);
}

TEST_CASE("cli: validate takes serving cases and refuses a serving case with a wrong quantity, located") {
  const fs::path dir = scratch_dir("serve-validate");
  fs::create_directories(dir);
  const std::string item = R"(cases:
  - name: llama
    serving:
      system: h100-hgx
      model: {layers: 80, hidden: 8192, ffn: 28672, heads: 64, kv_heads: 8, vocab: 32000, gated_ffn: yes}
      precision: fp8
      input_tokens: 300
      output_tokens: 300
    quantity: QUANTITY
    unit: tokens/s/GPU
    published: 2675
    tolerance: 15 %
    role: held-out
    source: test
)";
  auto write = [&](const std::string& name, const std::string& quantity) {
    std::string text = item;
    text.replace(text.find("QUANTITY"), 8, quantity);
    std::ofstream(dir / name) << text;
    return (dir / name).string();
  };
  const Ran ok = run("validate " + write("ok.yaml", "tokens_per_s_per_gpu"));
  INFO(ok.err);
  CHECK(ok.exit_code == 0);
  CHECK(has(ok.out, "llama"));
  const Ran bad = run("validate " + write("bad.yaml", "mfu"));
  CHECK(bad.exit_code == 2);
  CHECK(has(bad.err, "bad.yaml:9:15: cases.0.quantity"));
}
