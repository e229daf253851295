// End to end: the bvr binary on the default scenario, as a user runs it.
#include <doctest/doctest.h>

#include <algorithm>
#include <array>
#include <fmt/format.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

#include "cli_harness.h"

namespace {

// Stand-in charting libraries: report.html's frame without Vega (the browser test uses the real ones).
fs::path fake_assets_dir() {
  const fs::path dir = scratch_root() / "assets";
  fs::create_directories(dir);
  for (const char* name : {"vega.min.js", "vega-lite.min.js", "vega-embed.min.js", "THIRD-PARTY-NOTICES.txt"})
    std::ofstream(dir / name) << "/* " << name << " */\n";
  return dir;
}

// |a - b| within `relative` of |b|.
bool close_to(double a, double b, double relative) { return std::fabs(a - b) <= relative * std::fabs(b); }

// An option's `collectives` as docs/results.md defines them: every number finite and positive,
// whole groups of the fabric, nccl-tests' algbw and busbw, the ratio of the two times.
void check_collectives(const nlohmann::json& collectives) {
  for (const auto& c : collectives) {
    INFO(c.dump());
    for (const char* key : {"bytes_per_gpu", "group_gpus", "fabric_gpus", "time_s", "algbw_gb_per_s", "busbw_gb_per_s",
                            "closed_form_s", "simulated_over_closed_form"}) {
      INFO(key);
      REQUIRE(c[key].is_number());
      CHECK(std::isfinite(c[key].get<double>()));
      CHECK(c[key].get<double>() > 0);
    }
    const int n = c["group_gpus"].get<int>();
    CHECK(n >= 2);
    CHECK(c["fabric_gpus"].get<int>() % n == 0);
    const std::string kind = c["collective"].get<std::string>();
    CHECK((kind == "all-reduce" || kind == "reduce-scatter" || kind == "all-to-all"));
    const double factor = kind == "all-reduce" ? 2.0 * (n - 1) / n : static_cast<double>(n - 1) / n;
    const double time_s = c["time_s"].get<double>(), algbw = c["algbw_gb_per_s"].get<double>();
    CHECK(close_to(algbw * 1e9, c["bytes_per_gpu"].get<double>() / time_s, 1e-9));
    CHECK(close_to(c["busbw_gb_per_s"].get<double>(), algbw * factor, 1e-9));
    CHECK(close_to(c["simulated_over_closed_form"].get<double>(), time_s / c["closed_form_s"].get<double>(), 1e-12));
  }
}

}  // namespace

TEST_CASE("cli: --version, --help and per-command help") {
  const Ran version = run("--version");
  CHECK(version.exit_code == 0);
  CHECK(version.out.starts_with("bvr "));
  const Ran help = run("--help");
  CHECK(help.exit_code == 0);
  CHECK(contains(help.out, "run FILE"));
  CHECK(contains(help.out, "Example"));
  for (const char* command : {"run", "check"}) {
    const Ran h = run(fmt::format("{} --help", command));
    CHECK(h.exit_code == 0);
    CHECK(contains(h.out, fmt::format("Usage: bvr {}", command)));
    CHECK(contains(h.out, "Example"));
  }
  const Ran unknown = run("fly");
  CHECK(unknown.exit_code == 2);
  CHECK(contains(unknown.err, "unknown command \"fly\""));
  CHECK(run("run").exit_code == 2);  // no FILE
  CHECK(run(fmt::format("run {} --no-such-option", default_scenario)).exit_code == 2);
}

TEST_CASE("cli: check validates the default scenario") {
  const Ran ran = run("check " + default_scenario);
  CHECK(ran.exit_code == 0);
  CHECK(contains(ran.out, "ok"));
}

TEST_CASE("cli: run writes the results.json contract, the report and daily series") {
  const fs::path dir = scratch_dir("contract");
  const Ran ran = run(fmt::format("run {} -o {} --replications 4 -j 2", default_scenario, dir.string()));
  REQUIRE_MESSAGE(ran.exit_code == 0, ran.err);
  CHECK(contains(ran.out, "cheapest:"));
  CHECK(contains(ran.out, "lease-oracle"));

  const auto results = nlohmann::json::parse(read_file(dir / "results.json"));
  CHECK(results["scenario"] == "xai-oracle-2024");
  CHECK(results["seed"] == 2024);
  CHECK(results["replications"] == 4);
  REQUIRE(results["options"].size() == 3);
  const std::vector<std::pair<std::string, std::string>> expected_options = {
      {"lease-oracle", "lease"}, {"build-colossus", "build"}, {"hybrid", "hybrid"}};
  for (std::size_t i = 0; i < 3; ++i) {
    const auto& option = results["options"][i];
    CHECK(option["name"] == expected_options[i].first);
    CHECK(option["kind"] == expected_options[i].second);
    CHECK(option["full_capacity_date"].get<std::string>().starts_with("202"));
    for (const char* name : {"time_to_train_days", "total_cost_usd", "npv_cost_usd", "gpu_hours",
                             "effective_training_time_ratio", "mfu", "energy_mwh", "peak_facility_power_mw",
                             "interruptions"}) {
      INFO(option["name"], ".", name);
      REQUIRE(option["metrics"].contains(name));
      const auto& m = option["metrics"][name];
      for (const char* stat : {"mean", "p10", "p50", "p90"}) {
        REQUIRE(m.contains(stat));
        CHECK(std::isfinite(m[stat].get<double>()));
      }
      CHECK(m["p10"].get<double>() <= m["p50"].get<double>());
      CHECK(m["p50"].get<double>() <= m["p90"].get<double>());
    }
    const auto& m = option["metrics"];
    // Sane ranges for the 2024 case.
    CHECK(m["time_to_train_days"]["mean"].get<double>() > 30);
    CHECK(m["time_to_train_days"]["p90"].get<double>() < 1096);  // every replication finishes
    CHECK(m["total_cost_usd"]["mean"].get<double>() > 5e8);
    CHECK(m["total_cost_usd"]["mean"].get<double>() < 2e10);
    CHECK(m["effective_training_time_ratio"]["mean"].get<double>() > 0.5);
    CHECK(m["effective_training_time_ratio"]["mean"].get<double>() <= 1);
    // MFU from the step-time model at full size: the same in every replication, and what the
    // option's step_time object says (docs/results.md).
    const auto& st = option["step_time"];
    REQUIRE(st.is_object());
    CHECK(m["mfu"]["mean"].get<double>() == doctest::Approx(st["mfu"].get<double>()));
    CHECK(m["mfu"]["p10"].get<double>() == doctest::Approx(m["mfu"]["p90"].get<double>()));
    CHECK(st["mfu"].get<double>() > 0.15);
    CHECK(st["mfu"].get<double>() < 0.6);
    for (const char* key : {"compute", "tp_comm", "pp_comm", "dp_comm", "cp_comm", "ep_comm", "bubble"})
      CHECK(st["breakdown_s"][key].get<double>() >= 0);
    double parts = 0;
    for (const auto& [key, value] : st["breakdown_s"].items()) parts += value.get<double>();
    CHECK(parts == doctest::Approx(st["step_s"].get<double>()));
    const auto& layout = st["layout"];
    CHECK(st["gpus"].get<int>() == layout["tp"].get<int>() * layout["pp"].get<int>() * layout["dp"].get<int>() *
                                        layout["cp"].get<int>());
    for (const char* key : {"microbatch", "ep"}) CHECK(layout[key].get<int>() >= 1);
    CHECK(layout["schedule"].is_string());
    CHECK(layout["recompute"] == "selective");
    CHECK(layout["precision"] == "bf16");
    CHECK(st["memory_gib"]["total"].get<double>() <= st["memory_gib"]["capacity"].get<double>());
    CHECK(st["memory_gib"]["capacity"].get<double>() == doctest::Approx(80));
    CHECK(st["tokens_per_s"].get<double>() > 0);
    CHECK(st["tflops_per_gpu"].get<double>() == doctest::Approx(st["mfu"].get<double>() * 989.4));
    // Every option's final site has a fabric: its DP gradients and, Grok being a mixture of
    // experts, its expert all-to-all were simulated on it (docs/results.md).
    const auto& collectives = option["collectives"];
    REQUIRE(collectives.is_array());
    REQUIRE(collectives.size() == 2);
    CHECK(layout["ep"].get<int>() > 1);
    CHECK(collectives[0]["purpose"] == "data-parallel gradients");
    CHECK(collectives[1]["purpose"] == "expert all-to-all");
    CHECK(collectives[1]["collective"] == "all-to-all");
    check_collectives(collectives);
    CHECK(m["peak_facility_power_mw"]["mean"].get<double>() > 10);
    CHECK(m["peak_facility_power_mw"]["mean"].get<double>() < 400);
    CHECK(m["interruptions"]["mean"].get<double>() > 0);
    CHECK(m["completed_fraction"]["mean"].get<double>() == 1);
    CHECK(m["gpu_hours"]["mean"].get<double>() > 1e8);
  }
  for (const char* key : {"cheapest", "fastest", "best_time_adjusted"})
    CHECK(results["comparison"][key].is_string());
  // The default scenario's breakeven and tornado (docs/finance.md).
  REQUIRE(results["comparison"]["breakeven"].is_object());
  CHECK(results["comparison"]["breakeven"]["parameter"] == "options.lease-oracle.list_price");
  CHECK(results["comparison"]["breakeven"]["value"].get<double>() > 0);
  // The horizon breakeven: found, or (net cost valuing the work beyond the runs can jump between
  // two horizons, docs/market.md) null with the reason on the terminal.
  if (results["comparison"]["breakeven_horizon"].is_null()) {
    CHECK(contains(ran.out, "breakeven horizon: none"));
  } else {
    CHECK(results["comparison"]["breakeven_horizon"]["parameter"] == "scenario.horizon");
    CHECK(results["comparison"]["breakeven_horizon"]["unit"] == "days");
  }
  CHECK(results["sensitivity"].size() == 13);
  CHECK(results["sensitivity_basis"]["replications"] == 2);
  for (const auto& option : results["options"])
    for (const char* name : {"trained_models", "npv_cost_per_trained_model_usd", "useful_gpu_hours",
                             "usd_per_useful_gpu_hour", "cost_spares_usd", "cost_maintenance_usd"})
      CHECK(option["metrics"].contains(name));

  const std::string report = read_file(dir / "report.md");
  CHECK(contains(report, "## Verdict"));
  CHECK(contains(report, "## Capacity and power"));
  CHECK(contains(report, "## Reliability: interruptions and lost time"));
  CHECK(contains(report, "| option | gpu | gpu-memory | network-cable | network-switch | software | host | nic | sdc |"));
  CHECK(contains(report, "**build-colossus**: 2024-03-01 to "));
  // 50 MW of tolerated load steps: 43,264 GPUs (338 replicas of 128) until the Megapacks arrive.
  CHECK(contains(report, "| 2024-10 | 43264 |"));
  CHECK(contains(report, "power swings"));
  const auto section = report.find("## Network collectives (simulated on each option's fabric)");
  REQUIRE(section != std::string::npos);
  CHECK(report.find("## Step time") < section);
  CHECK(section < report.find("## Reliability: interruptions and lost time"));
  for (const char* option : {"lease-oracle", "build-colossus", "hybrid"}) {
    CHECK(contains(report, fmt::format("| {} | data-parallel gradients | ", option)));
    CHECK(contains(report, fmt::format("| {} | expert all-to-all | all-to-all | ", option)));
  }
  // bvr report reads the collectives back: the same report.md, and their chart.
  setenv("BVR_ASSETS_DIR", fake_assets_dir().c_str(), 1);
  const fs::path again = scratch_dir("contract-report");
  const Ran reported = run(fmt::format("report {} -o {}", dir.string(), again.string()));
  REQUIRE_MESSAGE(reported.exit_code == 0, reported.err);
  CHECK(read_file(again / "report.md") == report);
  CHECK(contains(read_file(again / "report.html"), "id=\"chart-collectives\""));
  for (const char* option : {"lease-oracle", "build-colossus", "hybrid"}) {
    const std::string csv = read_file(dir / fmt::format("series-{}.csv", option));
    CHECK(csv.starts_with("date,gpus_delivered,gpus_installed,gpus_healthy,gpus_powered,gpus_online,gpus_training,"
                          "training_progress,cumulative_cost_usd,facility_power_mw,grid_mw,turbine_mw,grid_supply_mw,"
                          "turbine_supply_mw,power_supply_mw,lease_supply_mw,energy_mwh,energy_cost_usd,binding_constraint\n"));
    CHECK(std::count(csv.begin(), csv.end(), '\n') == 1 + 1097);  // header + days 0..1096
    CHECK(contains(csv, "\n2024-03-01,"));
  }
  // Nothing temporary is left behind.
  for (const auto& entry : fs::directory_iterator(dir)) CHECK(!contains(entry.path().filename().string(), ".tmp"));
}

TEST_CASE("cli: colocation and used options run on their own systems and appear in every report") {
  const fs::path dir = scratch_dir("colocation");
  const std::string scenario = std::string(BVR_SOURCE_DIR) + "/tests/data/colocation-small.yaml";
  const Ran ran = run(fmt::format("run {} -o {} -j 2", scenario, dir.string()));
  REQUIRE_MESSAGE(ran.exit_code == 0, ran.err);
  for (const char* name : {"rent ", "colo ", "used "}) CHECK(contains(ran.out, name));
  CHECK(contains(ran.out, "colocation"));
  const auto results = nlohmann::json::parse(read_file(dir / "results.json"));
  const std::vector<std::array<std::string, 3>> expected = {
      {"rent", "lease", "h100-hgx"}, {"colo", "colocation", "gb200-nvl72"}, {"used", "used", "h100-hgx"}};
  REQUIRE(results["options"].size() == 3);
  const std::string md = read_file(dir / "report.md"), html = read_file(dir / "report.html");
  for (std::size_t i = 0; i < 3; ++i) {
    const auto& o = results["options"][i];
    INFO(expected[i][0]);
    CHECK(o["name"] == expected[i][0]);
    CHECK(o["kind"] == expected[i][1]);
    REQUIRE(o["sites"].size() == 1);
    CHECK(o["sites"][0]["contract"] == expected[i][1]);
    CHECK(o["sites"][0]["system"] == expected[i][2]);
    CHECK(o["sites"][0]["gpus"] == 4032);
    CHECK(o["metrics"]["completed_fraction"]["mean"] == 1);
    CHECK(fs::exists(dir / ("series-" + expected[i][0] + ".csv")));
    CHECK(contains(md, "| " + expected[i][0] + " |"));
    CHECK(contains(html, expected[i][0]));
  }
  CHECK(results["options"][1]["metrics"]["cost_colocation_usd"]["mean"].get<double>() > 0);
  CHECK(results["options"][0]["metrics"]["cost_colocation_usd"]["mean"].get<double>() == 0);
  CHECK(contains(md, "colocation"));  // the cost category and the kind
  CHECK(results["sensitivity_basis"]["first_option"] == "rent");
  CHECK(results["sensitivity_basis"]["second_option"] == "colo");
}

TEST_CASE("cli: bvr systems lists the library, --json for tools, and a new system is one YAML file") {
  const Ran listed = run("systems");
  REQUIRE_MESSAGE(listed.exit_code == 0, listed.err);
  for (const char* id : {"h100-hgx", "gb200-nvl72", "gb300-nvl72", "mi355x-platform"}) CHECK(contains(listed.out, id));
  const Ran json = run("systems --json");
  REQUIRE(json.exit_code == 0);
  const auto systems = nlohmann::json::parse(json.out);
  REQUIRE(systems.size() >= 9);
  for (const auto& s : systems) {
    INFO(s.dump());
    CHECK(s["name"].is_string());
    CHECK(s["gpus_per_domain"].get<int>() >= 8);
    CHECK(s["peak_flop_per_s"]["bf16"].get<double>() > 1e14);
  }
  const auto gb300 = std::find_if(systems.begin(), systems.end(), [](const auto& s) { return s["id"] == "gb300-nvl72"; });
  REQUIRE(gb300 != systems.end());
  CHECK((*gb300)["gpus_per_domain"] == 72);
  CHECK((*gb300)["peak_flop_per_s"].contains("fp4"));

  // A user's own system: one file, checked by bvr systems, named by path from a scenario.
  const fs::path dir = scratch_dir("own-system");
  fs::create_directories(dir);
  std::string text = read_file(fs::path(BVR_SOURCE_DIR) / "systems" / "h100-hgx.yaml");
  text.replace(text.find("name: HGX H100"), 14, "name: My H100s");
  text.replace(text.find("node: 270480 USD"), 16, "node: 200000 USD");
  std::ofstream(dir / "my-h100.yaml") << text;
  std::string scenario = read_file(fs::path(BVR_SOURCE_DIR) / "tests" / "data" / "rent-or-build-small.yaml");
  std::ofstream(dir / "scenario.yaml") << scenario;
  const Ran checked = run(fmt::format("systems {}", (dir / "my-h100.yaml").string()));
  CHECK(checked.exit_code == 0);
  CHECK(contains(checked.out, "My H100s"));
  const fs::path out = dir / "out";
  const Ran own = run(fmt::format("run {} -o {} --no-analysis --replications 1 --set options.build.system=./my-h100.yaml "
                                  "--set options.build.gpu_orders.0.server_price=~",
                                  (dir / "scenario.yaml").string(), out.string()));
  REQUIRE_MESSAGE(own.exit_code == 0, own.err);
  const auto results = nlohmann::json::parse(read_file(out / "results.json"));
  CHECK(results["options"][1]["sites"][0]["system"] == "my-h100");
  CHECK(results["options"][1]["sites"][0]["system_name"] == "My H100s");
  CHECK(results["options"][1]["metrics"]["cost_gpu_servers_usd"]["mean"].get<double>() ==
        doctest::Approx(1'000 * 200'000.0));  // the file's list price: 8,000 GPUs in 1,000 nodes
  // Or inline, in the scenario itself.
  const Ran inline_system = run(fmt::format(
      "check {} --set 'options.rent.system={{name: Inline, gpu: {{model: X, peak_dense: {{bf16: 1 PFLOP/s}}, hbm: 80 GiB, "
      "hbm_bandwidth: 3 TB/s, power: 700 W}}, scale_up: {{domain_gpus: 8, bandwidth: 450 GB/s}}, scale_out: "
      "{{nic_bandwidth: 400 Gb/s}}, node: {{gpus: 8, power: 10 kW, idle_power: 2 kW}}, cooling: air, failure_unit: node, "
      "price: {{node: 250000 USD}}}}'",
      (dir / "scenario.yaml").string()));
  CHECK_MESSAGE(inline_system.exit_code == 0, inline_system.err);
  CHECK(run("systems /nonexistent.yaml").exit_code == 2);
  CHECK(run("systems --jsn").exit_code == 2);
}

TEST_CASE("cli: results.json and report.md carry the fleet's view: MTBI, repairs by rung, retired, stragglers") {
  const fs::path out = scratch_dir("fleet-outputs");
  const std::string small = std::string(BVR_SOURCE_DIR) + "/tests/data/rent-or-build-small.yaml";
  const Ran ran = run(fmt::format(
      "run {} -o {} --no-analysis --replications 2 --set reliability.failure_classes.0.repair_time=ladder "
      "--set 'reliability.repairs={{ladder: [{{step: reboot, duration: 1 h, success: 50 %}}, "
      "{{step: vendor-rma, duration: 5 days, success: 100 %}}]}}' "
      "--set 'reliability.stragglers=[{{name: slow-gpu, rate: 5 per 1000 node-days, slowdown: 20 %, detection: 2 h, "
      "repair_time: 1 day}}]'",
      small, out.string()));
  REQUIRE_MESSAGE(ran.exit_code == 0, ran.err);
  const auto results = nlohmann::json::parse(read_file(out / "results.json"));
  for (const auto& option : results["options"]) {
    const auto& m = option["metrics"];
    for (const char* name : {"lost_gpu_hours_stragglers", "nodes_retired", "job_mtbi_hours", "node_repairs",
                             "repairs_misdiagnosed", "repairs_reboot", "repairs_vendor-rma"})
      CHECK_MESSAGE(m.contains(name), name);
    // Every repair finished at one rung of the ladder.
    CHECK(m["repairs_reboot"]["mean"].get<double>() + m["repairs_vendor-rma"]["mean"].get<double>() ==
          doctest::Approx(m["node_repairs"]["mean"].get<double>()));
    CHECK(m["node_repairs"]["mean"].get<double>() > 0);
    CHECK(m["lost_gpu_hours_stragglers"]["mean"].get<double>() > 0);
    CHECK(m["job_mtbi_hours"]["mean"].get<double>() > 0);
  }
  const std::string report = read_file(out / "report.md");
  CHECK(contains(report, "| option | job MTBI | node repairs | fixed by reboot | fixed by vendor-rma | wrong repairs | "
                         "nodes retired | lost to stragglers |"));
  // A rung may not take the name of the wrong repairs' count.
  const Ran clash = run(fmt::format("check {} --set 'reliability.repairs={{ladder: [{{step: misdiagnosed, duration: 1 h, "
                                    "success: 100 %}}]}}'",
                                    small));
  CHECK(clash.exit_code == 2);
  CHECK(contains(clash.err, "reliability.repairs.ladder.0.step"));
}

TEST_CASE("cli: the same seed gives byte-identical outputs, whatever -j is") {
  const fs::path a = scratch_dir("same-seed-a"), b = scratch_dir("same-seed-b"), c = scratch_dir("other-seed");
  REQUIRE(run(fmt::format("run {} -o {} --replications 3 -j 1", default_scenario, a.string())).exit_code == 0);
  REQUIRE(run(fmt::format("run {} -o {} --replications 3 -j 2", default_scenario, b.string())).exit_code == 0);
  REQUIRE(run(fmt::format("run {} -o {} --replications 3 --seed 99", default_scenario, c.string())).exit_code == 0);
  CHECK(read_file(a / "results.json") == read_file(b / "results.json"));
  CHECK(read_file(a / "series-hybrid.csv") == read_file(b / "series-hybrid.csv"));
  CHECK(read_file(a / "report.md") == read_file(b / "report.md"));
  CHECK(read_file(a / "cashflows.csv") == read_file(b / "cashflows.csv"));
  CHECK(read_file(a / "cashflows.xlsx") == read_file(b / "cashflows.xlsx"));  // its creation time is fixed
  CHECK(read_file(a / "results.json") != read_file(c / "results.json"));
}

TEST_CASE("cli: --set changes the answer") {
  const fs::path base = scratch_dir("set-base"), cheap = scratch_dir("set-cheap");
  REQUIRE(run(fmt::format("run {} -o {} --replications 1", default_scenario, base.string())).exit_code == 0);
  REQUIRE(run(fmt::format("run {} -o {} --replications 1 --set 'options.lease-oracle.list_price=5 USD/GPU/h'",
                          default_scenario, cheap.string()))
              .exit_code == 0);
  const auto cost = [](const fs::path& dir) {
    return nlohmann::json::parse(read_file(dir / "results.json"))["options"][0]["metrics"]["cost_lease_billing_usd"]["mean"]
        .get<double>();
  };
  CHECK(cost(cheap) == doctest::Approx(cost(base) / 2));  // billing scales with the price; storage does not
}

TEST_CASE("cli: bad input exits 2 with file:line:column and key path, and writes nothing") {
  const fs::path dir = scratch_dir("bad-input");
  fs::create_directories(dir.parent_path());
  const fs::path scenario = dir.parent_path() / "bad-input.yaml";
  std::string text = read_file(default_scenario);
  const auto at = text.find("power: 8 MW}");
  const long line = 1 + std::count(text.begin(), text.begin() + static_cast<long>(at), '\n');
  text.replace(at, 12, "power: 8 MWh}");
  std::ofstream(scenario) << text;
  const fs::path out = dir / "out";
  const Ran ran = run(fmt::format("run {} -o {}", scenario.string(), out.string()));
  CHECK(ran.exit_code == 2);
  CHECK(contains(ran.err, fmt::format("{}:{}:", scenario.string(), line)));
  CHECK(contains(ran.err, "options.build-colossus.power.grid.steps.0.power: expected a power such as 150 MW, got \"8 MWh\""));
  CHECK(!fs::exists(out));
  const Ran checked = run("check " + scenario.string());
  CHECK(checked.exit_code == 2);
  CHECK(checked.err == ran.err);
  const Ran bad_set = run(fmt::format("run {} -o {} --set workload.recompute=lots", default_scenario, out.string()));
  CHECK(bad_set.exit_code == 2);
  CHECK(contains(bad_set.err, "--set workload.recompute=lots: workload.recompute:"));
  CHECK(!fs::exists(out));
  CHECK(run(fmt::format("run {} --replications 0 -o {}", default_scenario, out.string())).exit_code == 2);
  CHECK(!fs::exists(out));
}

TEST_CASE("cli: devices, FIFOs, directories and oversized files are refused without being read") {
  // `bvr check /dev/zero` grew without bound (~400 MB/s) and a directory was "the file is empty".
  // Each command runs under a 2 GB address-space limit (not under ASan) and a 60 s timeout, so
  // that a regression fails here rather than taking the machine down.
  const fs::path dir = scratch_dir("not-files");
  fs::create_directories(dir);
  const fs::path fifo = dir / "fifo.yaml";
  REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
  const fs::path big = dir / "big.yaml";
  std::ofstream(big) << std::string((16u << 20) + 1, '#');
  const std::pair<std::string, std::string> cases[] = {
      {"/dev/zero", "/dev/zero: is not a regular file (a device, pipe or socket)"},
      {fifo.string(), fifo.string() + ": is not a regular file"},
      {dir.string(), dir.string() + ": is a directory; expected a YAML file"},
      {big.string(), big.string() + ": the file is larger than 16 MiB, the limit for an input file"}};
  const fs::path out = dir / "out";
#if defined(__SANITIZE_ADDRESS__)
  // AddressSanitizer reserves terabytes of shadow address space, so no address-space limit can
  // hold it (CI's sanitizer run aborted here); the Release suite keeps the limit.
  const std::string guard = "timeout 60 ";
#else
  const std::string guard = "ulimit -v 2000000; timeout 60 ";
#endif
  for (const auto& [file, message] : cases)
    for (const char* command : {"check {}", "run {} -o {}", "sweep {} -o {}", "topo {}"}) {
      const std::string args = fmt::format(fmt::runtime(command), file, out.string());
      const Ran ran = run(args, guard);
      INFO(args, ": ", ran.err);
      CHECK(ran.exit_code == 2);
      CHECK(ran.out.empty());
      CHECK(ran.err.starts_with(message));
      CHECK(std::count(ran.err.begin(), ran.err.end(), '\n') == 1);
      CHECK(!fs::exists(out));
    }
}

TEST_CASE("cli: the breakeven round trip: --set the value printed, the NPVs agree, and the verdict flips across it") {
  const std::string small = std::string(BVR_SOURCE_DIR) + "/tests/data/rent-or-build-small.yaml";
  const fs::path base = scratch_dir("breakeven-base"), again = scratch_dir("breakeven-again");
  const Ran ran = run(fmt::format("run {} -o {} -j 2", small, base.string()));
  REQUIRE_MESSAGE(ran.exit_code == 0, ran.err);
  CHECK(contains(ran.out, "breakeven: rent and build cost the same (NPV) at options.rent.list_price="));
  const auto results = nlohmann::json::parse(read_file(base / "results.json"));
  const auto& b = results["comparison"]["breakeven"];
  REQUIRE(b.is_object());
  const std::string parameter = b["parameter"];
  const double value = b["value"];
  const std::string unit = b["unit"];
  CHECK(parameter == "options.rent.list_price");
  CHECK(b["set"] == fmt::format("{}={:.9g} {}", parameter, value, unit));
  const auto npv = [](const nlohmann::json& r, const char* option) {
    for (const auto& o : r["options"])
      if (o["name"] == option) return o["metrics"]["npv_cost_usd"]["mean"].get<double>();
    return 0.0;
  };
  // The tornado is written sorted by swing; the verdict at the scenario's price: renting.
  REQUIRE(results["sensitivity"].size() == 3);
  CHECK(results["sensitivity"][0]["swing_usd"].get<double>() >= results["sensitivity"][1]["swing_usd"].get<double>());
  CHECK(results["comparison"]["cheapest"] == "rent");
  CHECK(contains(read_file(base / "report.md"), "## What moves the verdict (sensitivity)"));

  const auto rerun = [&](double price) {
    const Ran r = run(fmt::format("run {} -o {} -j 2 --no-analysis --set '{}={:.9g} {}'", small, again.string(), parameter,
                                  price, unit));
    REQUIRE_MESSAGE(r.exit_code == 0, r.err);
    return nlohmann::json::parse(read_file(again / "results.json"));
  };
  const auto equal = rerun(value);
  const double lease = npv(equal, "rent"), build = npv(equal, "build");
  CHECK(std::fabs(lease - build) / build < 0.005);
  CHECK(equal["comparison"]["breakeven"].is_null());  // --no-analysis: not computed
  CHECK(equal["sensitivity"].empty());
  CHECK(rerun(value * 0.95)["comparison"]["cheapest"] == "rent");
  CHECK(rerun(value * 1.05)["comparison"]["cheapest"] == "build");

  // The horizon breakeven: printed, in report.md, and its --set gives NPVs within 0.5 % again.
  CHECK(contains(ran.out, "breakeven horizon: rent and build cost the same (NPV) at scenario.horizon="));
  CHECK(contains(read_file(base / "report.md"), "**Breakeven horizon**"));
  const auto& h = results["comparison"]["breakeven_horizon"];
  REQUIRE(h.is_object());
  CHECK(h["parameter"] == "scenario.horizon");
  CHECK(h["unit"] == "days");
  CHECK(h["second_cheaper"] == "below");
  const std::string set = h["set"];
  CHECK(set == fmt::format("scenario.horizon={:.9g} days", h["value"].get<double>()));
  const Ran r = run(fmt::format("run {} -o {} -j 2 --no-analysis --set '{}'", small, again.string(), set));
  REQUIRE_MESSAGE(r.exit_code == 0, r.err);
  const auto horizon = nlohmann::json::parse(read_file(again / "results.json"));
  CHECK(std::fabs(npv(horizon, "rent") - npv(horizon, "build")) / npv(horizon, "build") < 0.005);
  CHECK(horizon["comparison"]["breakeven_horizon"].is_null());
}

TEST_CASE("cli: plan prints the fastest layouts, bad input exits 2") {
  const Ran ran = run(fmt::format("plan {} --top 2 --run grok-2 --gpus 24000", default_scenario));
  CHECK(ran.exit_code == 0);
  CHECK(contains(ran.out, "grok-2: "));
  CHECK(contains(ran.out, "valid layouts that fit, searched in"));
  CHECK(contains(ran.out, " 1. TP"));
  CHECK(contains(ran.out, " 2. TP"));
  CHECK(!contains(ran.out, " 3. TP"));
  CHECK(contains(ran.out, "step "));
  CHECK(contains(ran.out, "MFU "));
  CHECK(!contains(ran.out, "next-generation"));
  const Ran fabric = run(fmt::format("plan {} --top 1 --option build-colossus", default_scenario));
  CHECK(fabric.exit_code == 0);
  CHECK(contains(fabric.out, "on 100000 GPUs of build-colossus (HGX H100, fabric colossus)"));
  CHECK(!contains(fabric.out, "lease-oracle"));
  // Without --option: every site of every option, each on its own system and fabric.
  CHECK(contains(ran.out, "of lease-oracle (HGX H100, fabric oci-supercluster)"));
  CHECK(contains(ran.out, "of hybrid/oracle (HGX H100, fabric oci-supercluster)"));
  // On a system of the library: a 72-GPU NVLink domain.
  const Ran nvl72 = run(fmt::format("plan {} --top 1 --run grok-2 --system gb200-nvl72", default_scenario));
  CHECK(nvl72.exit_code == 0);
  CHECK(contains(nvl72.out, "system GB200 NVL72, non-blocking 400 Gb/s per GPU"));
  CHECK(run(fmt::format("plan {} --system gb201", default_scenario)).exit_code == 2);
  CHECK(run(fmt::format("plan {} --gpus lots", default_scenario)).exit_code == 2);
  CHECK(run(fmt::format("plan {} --run nope", default_scenario)).exit_code == 2);
  CHECK(run(fmt::format("plan {} --option nope", default_scenario)).exit_code == 2);
  const Ran bad_set = run(fmt::format("plan {} --set workload.recompute=lots", default_scenario));
  CHECK(bad_set.exit_code == 2);
  CHECK(contains(bad_set.err, "workload.recompute:"));
  CHECK(run("plan /nonexistent.yaml").exit_code == 2);
}

TEST_CASE("cli: plan --layout evaluates a given layout, and a scenario's fixed layout is evaluated, not searched") {
  // Grok-1's shape on 24,000 H100: the layout as workload.parallelism spells it.
  const Ran given = run(fmt::format("plan {} --run grok-2 --gpus 24000 --option build-colossus "
                                    "--layout tp=8,pp=8,ep=8,microbatch=1,schedule=interleaved,virtual_stages=2",
                                    default_scenario));
  REQUIRE_MESSAGE(given.exit_code == 0, given.err);
  CHECK(contains(given.out, "the layout tp=8,pp=8,ep=8,microbatch=1,schedule=interleaved,virtual_stages=2, evaluated"));
  // DP = what 24,000 GPUs hold: 24,000 / 64 = 375, a multiple of EP 8 below: 368.
  CHECK(contains(given.out, " 1. TP8 PP8 DP368 CP1 EP8 mb1 interleavedx2 zero1 selective bf16: 23552 GPUs"));
  CHECK(!contains(given.out, " 2. TP"));
  CHECK(contains(given.out, "memory "));
  // Keys and values are checked as in the scenario: bad input exits 2 naming --layout.
  const Ran typo = run(fmt::format("plan {} --layout tp=8,pipes=8,microbatch=1", default_scenario));
  CHECK(typo.exit_code == 2);
  CHECK(contains(typo.err, "--layout"));
  CHECK(contains(typo.err, "pipes"));
  const Ran invalid = run(fmt::format("plan {} --run grok-2 --layout tp=5,pp=8,microbatch=1", default_scenario));
  CHECK(invalid.exit_code == 2);
  CHECK(contains(invalid.err, "tp: 5 must divide the 48 attention heads"));
  CHECK(run(fmt::format("plan {} --layout tp=8", default_scenario)).exit_code == 2);  // microbatch is required
  CHECK(run(fmt::format("plan {} --layout tp", default_scenario)).exit_code == 2);
  CHECK(run(fmt::format("plan {} --layout tp=8,pp=1,microbatch=1 --search", default_scenario)).exit_code == 2);
  // The scenario's own layout: evaluated as written (and --search searches anyway).
  const std::string fixed = "--set \"workload.parallelism={tp: 8, pp: 8, ep: 8, microbatch: 1}\"";
  const Ran own = run(fmt::format("plan {} --run grok-2 --gpus 24000 --option build-colossus {}", default_scenario, fixed));
  REQUIRE_MESSAGE(own.exit_code == 0, own.err);
  CHECK(contains(own.out, "the layout of workload.parallelism (--search searches instead), evaluated"));
  CHECK(contains(own.out, " 1. TP8 PP8 DP368 CP1 EP8 mb1 1f1b zero1 selective bf16"));
  const Ran searched =
      run(fmt::format("plan {} --run grok-2 --gpus 24000 --option build-colossus --search --top 1 {}", default_scenario, fixed));
  REQUIRE_MESSAGE(searched.exit_code == 0, searched.err);
  CHECK(contains(searched.out, "valid layouts that fit, searched in"));
}

TEST_CASE("cli: bvr report writes report.md and report.html again, byte-identical to the run's") {
  setenv("BVR_ASSETS_DIR", fake_assets_dir().c_str(), 1);
  const std::string small = std::string(BVR_SOURCE_DIR) + "/tests/data/rent-or-build-small.yaml";
  const fs::path dir = scratch_dir("report-run"), again = scratch_dir("report-again");
  const Ran ran = run(fmt::format("run {} -o {} -j 2", small, dir.string()));
  REQUIRE_MESSAGE(ran.exit_code == 0, ran.err);
  CHECK(contains(ran.out, "report.html"));
  REQUIRE(fs::exists(dir / "report.html"));
  const std::string html = read_file(dir / "report.html");
  CHECK(contains(html, "/* vega-lite.min.js */"));
  CHECK(contains(html, "id=\"chart-tornado\""));  // the small scenario has a sensitivity section
  CHECK(contains(html, "id=\"chart-step-time\""));  // its runs have a model: step time from the model
  // No fabric in the small scenario: nothing simulated, no collectives section or chart.
  const auto results = nlohmann::json::parse(read_file(dir / "results.json"));  // outlives the loop
  for (const auto& option : results["options"]) {
    REQUIRE(option["collectives"].is_array());
    CHECK(option["collectives"].empty());
  }
  CHECK(!contains(read_file(dir / "report.md"), "Network collectives"));
  CHECK(!contains(html, "chart-collectives"));
  const Ran report = run(fmt::format("report {} -o {}", dir.string(), again.string()));
  REQUIRE_MESSAGE(report.exit_code == 0, report.err);
  CHECK(read_file(again / "report.md") == read_file(dir / "report.md"));
  CHECK(read_file(again / "report.html") == html);
  // In place, too; the run's other files stay as they were.
  const std::string json = read_file(dir / "results.json");
  CHECK(run("report " + dir.string()).exit_code == 0);
  CHECK(read_file(dir / "report.html") == html);
  CHECK(read_file(dir / "results.json") == json);

  // A sweep folder: report.html from sweep.csv.
  const fs::path sweep = scratch_dir("report-sweep");
  const Ran swept = run(fmt::format("report {}/tests/data/sweep -o {}", BVR_SOURCE_DIR, sweep.string()));
  REQUIRE_MESSAGE(swept.exit_code == 0, swept.err);
  CHECK(contains(read_file(sweep / "report.html"), "id=\"chart-pair-0-gap\""));

  // Not a run or sweep; a broken results.json; a missing series.
  const Ran empty = run("report " + scratch_dir("report-empty").parent_path().string() + "/no-such-dir");
  CHECK(empty.exit_code == 2);
  CHECK(contains(empty.err, "neither results.json"));
  std::ofstream(again / "results.json") << "{\n  \"scenario\": \"x\",\n  oops";
  const Ran broken = run("report " + again.string());
  CHECK(broken.exit_code == 2);
  CHECK(contains(broken.err, (again / "results.json").string() + ":3:3: expected JSON"));
  fs::copy_file(dir / "results.json", again / "results.json", fs::copy_options::overwrite_existing);
  fs::remove(again / "series-rent.csv");
  const Ran missing = run("report " + again.string());
  CHECK(missing.exit_code == 2);
  CHECK(contains(missing.err, "series-rent.csv: cannot read"));
}

TEST_CASE("cli: without the charting libraries, bvr run writes everything else and says how to fix it") {
  setenv("BVR_ASSETS_DIR", "/nonexistent-bvr-assets", 1);
  const std::string small = std::string(BVR_SOURCE_DIR) + "/tests/data/rent-or-build-small.yaml";
  const fs::path dir = scratch_dir("no-assets");
  const Ran ran = run(fmt::format("run {} -o {} -j 2 --no-analysis", small, dir.string()));
  REQUIRE_MESSAGE(ran.exit_code == 0, ran.err);
  CHECK(contains(ran.err, "warning: report.html skipped: /nonexistent-bvr-assets/vega.min.js not found: run tools/setup.sh"));
  CHECK(std::count(ran.err.begin(), ran.err.end(), '\n') == 1);  // one line
  CHECK(fs::exists(dir / "results.json"));
  CHECK(fs::exists(dir / "report.md"));
  CHECK(!fs::exists(dir / "report.html"));
  const Ran report = run("report " + dir.string());
  CHECK(report.exit_code == 1);
  CHECK(contains(report.err, "cannot write report.html: /nonexistent-bvr-assets/vega.min.js not found: run tools/setup.sh"));
}

// Issue 18: a scenario received from someone else cannot write outside out/. Its name is the
// default output folder, so it is restricted as option names are, and refused before anything
// is written.
TEST_CASE("cli: a scenario name that would climb out of out/ is refused with its location, exit 2") {
  const fs::path dir = scratch_dir("evil-name");
  const fs::path cwd = dir / "a" / "b";
  fs::create_directories(cwd);
  std::string text = read_file(std::string(BVR_SOURCE_DIR) + "/tests/data/rent-or-build-small.yaml");
  text.replace(text.find("name: rent-or-build-small"), 25, "name: ../../etc/evil");
  const fs::path scenario = dir / "evil.yaml";
  std::ofstream(scenario) << text;
  const std::string line = fmt::format("cd {} && {} run {} --no-analysis -j 1 > {}/stdout 2> {}/stderr", cwd.string(),
                                       bvr, scenario.string(), dir.string(), dir.string());
  const int status = std::system(line.c_str());
  const std::string err = read_file(dir / "stderr");
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 2);
  CHECK(contains(err, scenario.string() + ":4:9: scenario.name: scenario name \"../../etc/evil\" may use only letters, "
                                          "digits, '-' and '_' (at most 100 characters)"));
  CHECK(!fs::exists(cwd / "out"));
  CHECK(!fs::exists(dir / "etc"));
  CHECK(!fs::exists(dir / "a" / "etc"));
  // The same rule, and the length limit, for option names and in bvr check.
  text.replace(text.find("name: ../../etc/evil"), 20, "name: " + std::string(101, 'n'));
  std::ofstream(scenario) << text;
  const Ran long_name = run("check " + scenario.string());
  CHECK(long_name.exit_code == 2);
  CHECK(contains(long_name.err, "at most 100 characters"));
}

// Issue 18: output problems are found before anything is simulated and are the user's to fix:
// exit 2 with the path and the reason (it was exit 1 "internal error", after 11 s of simulation).
TEST_CASE("cli: a bad -o is refused before simulating, exit 2, with the path and the reason") {
  const fs::path dir = scratch_dir("bad-output");
  fs::create_directories(dir);
  const fs::path file = dir / "a-file";
  std::ofstream(file) << "not a folder\n";
  const auto started = std::chrono::steady_clock::now();
  // The default scenario takes seconds to simulate: a refusal in well under that simulated nothing.
  const Ran onto_file = run(fmt::format("run {} -o {} --replications 2 --no-analysis", default_scenario, file.string()));
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(4));
  CHECK(onto_file.exit_code == 2);
  CHECK(contains(onto_file.err, file.string() + ": exists and is not a folder (a file); choose another output folder"));
  CHECK(!contains(onto_file.err, "internal error"));
  CHECK(onto_file.out.empty());
  CHECK(read_file(file) == "not a folder\n");

  const std::string small = std::string(BVR_SOURCE_DIR) + "/tests/data/rent-or-build-small.yaml";
  const Ran under_file = run(fmt::format("run {} -o {}/sub --no-analysis", small, file.string()));
  CHECK(under_file.exit_code == 2);
  CHECK(contains(under_file.err, file.string() + "/sub: cannot create the folder: Not a directory"));

  const fs::path overlong = dir / std::string(300, 'o');
  const Ran long_name = run(fmt::format("run {} -o {} --no-analysis", small, overlong.string()));
  CHECK(long_name.exit_code == 2);
  CHECK(contains(long_name.err, overlong.string() + ": cannot create the folder: File name too long"));

  // A folder that can be made, but whose files' paths would be too long: found by the probe
  // file, and the folders made for it are removed again.
  // 4,080 characters: the folder can be made (the limit is 4,095), series-build.csv.tmp-<pid> in it cannot.
  fs::path deep = dir / "deep";
  while (deep.string().size() < 3800) deep /= std::string(200, 'd');
  deep /= std::string(4080 - deep.string().size() - 1, 'e');
  REQUIRE(deep.string().size() == 4080);
  const Ran too_deep = run(fmt::format("run {} -o {} --no-analysis", small, deep.string()));
  CHECK(too_deep.exit_code == 2);
  CHECK(contains(too_deep.err, ": cannot write files in it: File name too long"));
  CHECK(!fs::exists(dir / "deep"));

  // A place where no folder can be made: a read-only folder (root may write anywhere: sysfs).
  fs::path locked = dir / "locked";
  fs::create_directories(locked);
  fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec);
  const fs::path inside = geteuid() == 0 ? fs::path("/sys/bvr-test-output") : locked / "out";
  const Ran read_only = run(fmt::format("run {} -o {} --no-analysis", small, inside.string()));
  fs::permissions(locked, fs::perms::owner_all);
  CHECK(read_only.exit_code == 2);
  CHECK(contains(read_only.err, inside.string() + ": cannot create the folder: "));
  CHECK(!fs::exists(inside));

  // A file that cannot be written once simulated (a folder in the way) is exit 2 too, named.
  const fs::path blocked = dir / "blocked";
  fs::create_directories(blocked / "series-rent.csv" / "x");
  const Ran in_the_way = run(fmt::format("run {} -o {} --no-analysis -j 1", small, blocked.string()));
  CHECK(in_the_way.exit_code == 2);
  CHECK(contains(in_the_way.err, (blocked / "series-rent.csv").string() + ": cannot write it: "));
  CHECK(!fs::exists(blocked / "results.json"));

  // bvr report reads series-<option>.csv by the names in results.json: none may lead out of DIR.
  const fs::path ran = dir / "ran";
  REQUIRE(run(fmt::format("run {} -o {} --no-analysis -j 1", small, ran.string())).exit_code == 0);
  std::string json = read_file(ran / "results.json");
  json.replace(json.find("\"name\": \"rent\""), 14, "\"name\": \"../rent\"");
  std::ofstream(ran / "results.json", std::ios::trunc) << json;
  const Ran climbing = run(fmt::format("report {} -o {}/again", ran.string(), dir.string()));
  CHECK(climbing.exit_code == 2);
  CHECK(contains(climbing.err, "option name \"../rent\" may use only letters"));
  CHECK(!fs::exists(dir / "again"));  // made for the report, removed again
  // bvr report -o alike (bvr sweep and merge -o: test_sweep_cli.cpp; topo --dot: test_cli_topo.cpp).
  const Ran report = run(fmt::format("report {}/tests/data/sweep -o {}", BVR_SOURCE_DIR, file.string()));
  CHECK(report.exit_code == 2);
  CHECK(contains(report.err, file.string() + ": exists and is not a folder"));
}

// Issue 18: a rerun into a folder kept the series of options since renamed. DIR/outputs.json
// lists what a run wrote; the next run removes what it listed and no longer writes, and nothing
// else.
TEST_CASE("cli: a rerun removes the stale files its folder's outputs.json lists, and only those") {
  const fs::path dir = scratch_dir("stale");
  fs::create_directories(dir);
  const std::string text = read_file(std::string(BVR_SOURCE_DIR) + "/tests/data/rent-or-build-small.yaml");
  const fs::path scenario = dir.parent_path() / "stale.yaml";
  std::ofstream(scenario) << text;
  const fs::path out = dir / "out";
  REQUIRE(run(fmt::format("run {} -o {} --no-analysis -j 1", scenario.string(), out.string())).exit_code == 0);
  auto manifest = nlohmann::json::parse(read_file(out / "outputs.json"));
  CHECK(manifest["format"] == "bvr-run-outputs/1");
  CHECK(manifest["files"] == nlohmann::json({"series-rent.csv", "series-build.csv", "report.md", "report.html",
                                              "cashflows.csv", "cashflows.xlsx", "results.json"}));
  std::ofstream(out / "notes.txt") << "mine\n";
  std::ofstream(out / "series-mine.csv") << "mine\n";  // named like an output, but not listed
  std::ofstream(dir / "victim.csv") << "outside\n";

  // The option "rent" is renamed "lease": its old series goes, everything else of the user stays.
  std::string renamed = text;
  for (std::size_t at; (at = renamed.find("  rent:\n")) != std::string::npos;) renamed.replace(at, 8, "  lease:\n");
  for (std::size_t at; (at = renamed.find("lease: rent")) != std::string::npos;) renamed.replace(at, 11, "lease: lease");
  std::ofstream(scenario, std::ios::trunc) << renamed;
  const Ran again = run(fmt::format("run {} -o {} --no-analysis -j 1", scenario.string(), out.string()));
  REQUIRE_MESSAGE(again.exit_code == 0, again.err);
  CHECK(!fs::exists(out / "series-rent.csv"));
  CHECK(fs::exists(out / "series-lease.csv"));
  CHECK(read_file(out / "notes.txt") == "mine\n");
  CHECK(read_file(out / "series-mine.csv") == "mine\n");
  manifest = nlohmann::json::parse(read_file(out / "outputs.json"));
  CHECK(manifest["files"] == nlohmann::json({"series-lease.csv", "series-build.csv", "report.md", "report.html",
                                              "cashflows.csv", "cashflows.xlsx", "results.json"}));

  // A manifest edited to name other files removes none of them.
  std::ofstream(out / "outputs.json", std::ios::trunc)
      << R"({"format": "bvr-run-outputs/1", "files": ["../victim.csv", "notes.txt", "/etc/passwd", "series-../x.csv"]})";
  REQUIRE(run(fmt::format("run {} -o {} --no-analysis -j 1", scenario.string(), out.string())).exit_code == 0);
  CHECK(read_file(dir / "victim.csv") == "outside\n");
  CHECK(read_file(out / "notes.txt") == "mine\n");
  // A damaged one is a warning: the run goes on and removes nothing.
  std::ofstream(out / "outputs.json", std::ios::trunc) << "{\"format\": \"bvr-run-out";
  fs::copy_file(out / "series-lease.csv", out / "series-old.csv");
  const Ran damaged = run(fmt::format("run {} -o {} --no-analysis -j 1", scenario.string(), out.string()));
  CHECK(damaged.exit_code == 0);
  CHECK(contains(damaged.err, "outputs.json: cannot be read"));
  CHECK(fs::exists(out / "series-old.csv"));
  CHECK(nlohmann::json::parse(read_file(out / "outputs.json"))["files"].size() == 7);
}

// Issue 18: work that did not finish is never crowned, and is marked with how far it got.
TEST_CASE("cli: an option that cannot finish is not ranked, and the terminal and reports say so") {
  const std::string small = std::string(BVR_SOURCE_DIR) + "/tests/data/rent-or-build-small.yaml";
  const fs::path dir = scratch_dir("unfinished");
  const Ran ran = run(fmt::format("run {} -o {} -j 2 --no-analysis --replications 2 --set 'workload.runs.0.compute=1e40 FLOP'",
                                  small, dir.string()),
                      "BVR_ASSETS_DIR=" + fake_assets_dir().string() + " ");
  REQUIRE_MESSAGE(ran.exit_code == 0, ran.err);
  INFO(ran.out);
  CHECK(contains(ran.out, "not finished"));
  CHECK(contains(ran.out, "cheapest: none   fastest: none"));
  CHECK(contains(ran.out, "did not finish every training run within the horizon in 2 of 2 replications"));
  const auto results = nlohmann::json::parse(read_file(dir / "results.json"));
  CHECK(results["comparison"]["cheapest"].is_null());
  CHECK(results["comparison"]["fastest"].is_null());
  CHECK(results["comparison"]["best_time_adjusted"].is_null());
  CHECK(results["comparison"]["why"].empty());
  for (const auto& option : results["options"]) {
    CHECK(option["finished_all_runs"] == false);
    CHECK(option["finished_share"] == 0.0);
  }
  const std::string md = read_file(dir / "report.md");
  CHECK(contains(md, "- **Cheapest** (lowest NPV cost): none: no option finished"));
  CHECK(contains(md, "- **Not finished**: **rent** did not finish"));
  CHECK(contains(md, "| > 365.0 |"));
  CHECK(contains(md, "not within the horizon"));
  const auto row = md.find("| rent | lease |");
  REQUIRE(row != std::string::npos);
  CHECK(!contains(md.substr(row, md.find('\n', row) - row), "2024-12-31"));  // the horizon's date would mean never
  const std::string html = read_file(dir / "report.html");
  CHECK(contains(html, "whole workload (not finished)"));
  CHECK(contains(html, "Not finished"));
}

// Issue 18: why the winner wins, cause by cause, adding up to the difference.
TEST_CASE("cli: comparison.why decomposes the NPV and time-adjusted differences into causes that add up") {
  const std::string small = std::string(BVR_SOURCE_DIR) + "/tests/data/rent-or-build-small.yaml";
  const fs::path dir = scratch_dir("why");
  const Ran ran = run(fmt::format("run {} -o {} -j 2 --no-analysis", small, dir.string()),
                      "BVR_ASSETS_DIR=" + fake_assets_dir().string() + " ");
  REQUIRE_MESSAGE(ran.exit_code == 0, ran.err);
  const auto results = nlohmann::json::parse(read_file(dir / "results.json"));
  const auto& comparison = results["comparison"];
  REQUIRE(comparison["cheapest"].is_string());
  const std::string winner = comparison["cheapest"];
  auto option = [&](const std::string& name) {
    for (const auto& o : results["options"])
      if (o["name"] == name) return o;
    FAIL("no option " << name);
    return nlohmann::json();
  };
  auto mean = [](const nlohmann::json& o, const std::string& metric) { return o["metrics"][metric]["mean"].get<double>(); };
  REQUIRE(comparison["why"].size() == results["options"].size() - 1);
  for (const auto& w : comparison["why"]) {
    INFO(w.dump());
    CHECK(w["winner"] == winner);
    const auto other = option(w["other"]), best = option(winner);
    const double npv = mean(other, "npv_cost_usd") - mean(best, "npv_cost_usd");
    const double adjusted = mean(other, "time_adjusted_cost_usd") - mean(best, "time_adjusted_cost_usd");
    CHECK(w["npv_difference_usd"].get<double>() == doctest::Approx(npv).epsilon(1e-12));
    CHECK(w["time_adjusted_difference_usd"].get<double>() == doctest::Approx(adjusted).epsilon(1e-12));
    double categories = 0, all = 0;
    for (const auto& c : w["causes"]) {
      all += c["usd"].get<double>();
      if (c["cause"] != "time_value_of_delay") categories += c["usd"].get<double>();
    }
    CHECK(w["causes"].back()["cause"] == "time_value_of_delay");
    CHECK(std::fabs(categories - npv) <= 1e-6 * std::fabs(npv));
    CHECK(std::fabs(all - adjusted) <= 1e-6 * std::fabs(adjusted));
  }
  for (const auto& o : results["options"]) {
    CHECK(o["finished_all_runs"] == true);
    CHECK(o["finished_share"] == 1.0);
    double npv_categories = 0;
    for (const auto& [name, summary] : o["metrics"].items())
      if (name.starts_with("npv_cost_") && name != "npv_cost_usd" && name != "npv_cost_per_trained_model_usd")
        npv_categories += summary["mean"].get<double>();
    CHECK(npv_categories == doctest::Approx(mean(o, "npv_cost_usd")).epsilon(1e-9));
  }
  const std::string md = read_file(dir / "report.md");
  CHECK(contains(md, fmt::format("## Why {} is cheapest", winner)));
  CHECK(contains(md, "| **NPV difference** |"));
  CHECK(contains(md, "| time value of delay |"));
}
