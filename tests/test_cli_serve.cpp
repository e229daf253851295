// `bvr serve` as a user runs it (docs/serving.md): the JSON shape the issue names, and refusals.
#include <doctest/doctest.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <string>

#include "cli_harness.h"

namespace {
const std::string serving_scenario = std::string(BVR_SOURCE_DIR) + "/scenarios/serving-gb300-2026.yaml";
bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
// Stand-in charting libraries, as test_cli.cpp's: report.html's frame without Vega.
fs::path stand_in_assets_dir() {
  const fs::path dir = scratch_root() / "serve-assets";
  fs::create_directories(dir);
  for (const char* name : {"vega.min.js", "vega-lite.min.js", "vega-embed.min.js", "THIRD-PARTY-NOTICES.txt"})
    std::ofstream(dir / name) << "/* " << name << " */\n";
  return dir;
}
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

TEST_CASE("cli: run serves the shipped serving-only scenario, reports its serving view and reads it back the same") {
  // No training run: the comparison, the breakeven and the tornado compare what serving costs
  // (docs/serving.md, "Serving only"); bvr report redraws the serving view from the files.
  // The stand-in libraries for this test only: the variable is put back as it was at the end.
  struct AssetsDir {
    std::optional<std::string> before;
    AssetsDir() {
      if (const char* v = std::getenv("BVR_ASSETS_DIR")) before = v;
      setenv("BVR_ASSETS_DIR", stand_in_assets_dir().c_str(), 1);
    }
    ~AssetsDir() { before ? setenv("BVR_ASSETS_DIR", before->c_str(), 1) : unsetenv("BVR_ASSETS_DIR"); }
  } assets;
  const fs::path dir = scratch_dir("serve-run"), again = scratch_dir("serve-run-again");
  const Ran ran = run(fmt::format("run {} -o {} --replications 2 -j 2", serving_scenario, dir.string()));
  REQUIRE_MESSAGE(ran.exit_code == 0, ran.err);
  CHECK(has(ran.out, "serving DeepSeek-R1 at 50 tokens/s per user"));
  const auto results = nlohmann::json::parse(read_file(dir / "results.json"));
  REQUIRE(results["serving"].is_object());
  CHECK(results["serving"]["priority"] == "training");
  for (const auto& option : results["options"]) {
    const auto& m = option["metrics"];
    const double demanded = m["serving_tokens_demanded"]["mean"], served = m["serving_tokens_served"]["mean"];
    CHECK(demanded > 1e15);
    CHECK(served + m["serving_tokens_unmet"]["mean"].get<double>() == doctest::Approx(demanded).epsilon(1e-12));
    CHECK(m["serving_cost_per_million_tokens_usd"]["mean"].get<double>() > 0);
    CHECK(m["time_to_train_days"]["mean"] == 0);
    CHECK(m["serving_energy_mwh"]["mean"].get<double>() <= m["energy_mwh"]["mean"].get<double>() * (1 + 1e-12));
  }
  CHECK(!results["comparison"]["cheapest"].get<std::string>().empty());
  CHECK(results["comparison"]["breakeven"]["parameter"] == "options.lease-neocloud.list_price");
  const std::string md = read_file(dir / "report.md"), html = read_file(dir / "report.html");
  CHECK(has(md, "## Serving the demand"));
  CHECK(has(md, "None: the workload only serves"));
  CHECK(!has(md, "## Step time"));
  CHECK(has(html, "id=\"chart-serving\""));
  CHECK(has(read_file(dir / "series-lease-neocloud.csv"), ",serving_demand_tokens_per_s,serving_served_tokens_per_s,gpus_serving,serving_power_mw\n"));
  const Ran report = run(fmt::format("report {} -o {}", dir.string(), again.string()));
  REQUIRE_MESSAGE(report.exit_code == 0, report.err);
  CHECK(read_file(again / "report.md") == md);
  CHECK(read_file(again / "report.html") == html);
}
