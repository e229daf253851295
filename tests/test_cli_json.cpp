// Machine-readable output (`check`, `plan` and `validate` with --json, parsed here with
// nlohmann::json) and the help texts: `bvr help COMMAND`, every command's --help with its real
// options, --version's newline, and a typo in an option's name under --set.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <regex>
#include <vector>

#include "cli_harness.h"

namespace {

void write_text(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

}  // namespace

// Issue 18: warnings go to stderr (with --json too) and into check --json; none for the default.
TEST_CASE("cli: check --json lists the scenario's warnings, located, and stderr has them too") {
  const Ran quiet = run("check --json " + default_scenario);
  REQUIRE_MESSAGE(quiet.exit_code == 0, quiet.err);
  CHECK(nlohmann::json::parse(quiet.out)["warnings"].empty());
  CHECK(!contains(quiet.err, "warning"));
  const std::string late = "options.build-colossus.construction_start=2028-01-01";
  const Ran ran = run("check --json " + default_scenario + " --set scenario.replications=100000 --set " + late);
  REQUIRE_MESSAGE(ran.exit_code == 0, ran.err);
  const auto warnings = nlohmann::json::parse(ran.out)["warnings"];
  REQUIRE(warnings.size() == 2);
  CHECK(warnings[0]["key"] == "options.build-colossus.construction_start");
  CHECK(warnings[0]["set"] == late);
  CHECK(contains(warnings[0]["message"].get<std::string>(), "at or after the horizon"));
  CHECK(warnings[1]["key"] == "scenario.replications");
  CHECK(contains(warnings[1]["message"].get<std::string>(), "this run will take long"));
  CHECK(warnings[1]["line"] == 0);  // from --set: no place in the file
  CHECK(contains(ran.err, "warning: --set scenario.replications=100000: scenario.replications: this run will take long"));
  // The plain check prints them too.
  const Ran text = run("check " + default_scenario + " --set " + late);
  CHECK(text.exit_code == 0);
  CHECK(contains(text.err, "warning: --set " + late + ": options.build-colossus.construction_start: 2028-01-01"));
}

TEST_CASE("cli: check --json lists the options, or locates the error with exit code 2") {
  const Ran ok = run("check --json " + default_scenario);
  REQUIRE_MESSAGE(ok.exit_code == 0, ok.err);
  const auto json = nlohmann::json::parse(ok.out);
  CHECK(json["ok"] == true);
  CHECK(json["file"] == default_scenario);
  CHECK(json["scenario"] == "xai-oracle-2024");
  REQUIRE(json["options"].size() == 3);
  CHECK(json["options"][0]["name"] == "lease-oracle");
  CHECK(json["options"][0]["kind"] == "lease");
  CHECK(json["options"][1]["name"] == "build-colossus");
  CHECK(json["options"][1]["kind"] == "build");
  CHECK(json["options"][2]["kind"] == "hybrid");
  CHECK(json["options"][2]["sites"].size() == 2);
  for (const auto& option : json["options"])
    for (const auto& site : option["sites"]) {
      CHECK(site["system"].is_string());
      CHECK(!site["system"].get<std::string>().empty());
      CHECK(site["gpus"].get<int>() > 0);
    }
  CHECK(json["runs"].size() >= 1);

  // A typo in a key: the file, line, column and key path, and the message alone.
  const fs::path dir = scratch_dir("check-json");
  std::string text = read_file(default_scenario);
  const std::string key = "\n  replications:";
  const auto at = text.find(key);
  REQUIRE(at != std::string::npos);
  text.replace(at, key.size(), "\n  replicatons:");
  const int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(at) + 1, '\n'));
  write_text(dir / "typo.yaml", text);
  const Ran typo = run("check --json " + (dir / "typo.yaml").string());
  CHECK(typo.exit_code == 2);
  const auto error = nlohmann::json::parse(typo.out);
  CHECK(error["ok"] == false);
  CHECK(error["error"]["file"] == (dir / "typo.yaml").string());
  CHECK(error["error"]["line"] == line);
  CHECK(error["error"]["column"] == 3);
  CHECK(error["error"]["key"] == "scenario.replicatons");
  CHECK(contains(error["error"]["message"].get<std::string>(), "replications"));
  CHECK(error["error"]["set"].is_null());

  // A value from --set: blamed on the assignment, not on a line of the file.
  const Ran set = run("check --json " + default_scenario + " --set scenario.replications=many");
  CHECK(set.exit_code == 2);
  const auto set_error = nlohmann::json::parse(set.out);
  CHECK(set_error["error"]["set"] == "scenario.replications=many");
  CHECK(set_error["error"]["key"] == "scenario.replications");
  CHECK(set_error["error"]["line"].is_null());
  CHECK(set_error["error"]["file"] == default_scenario);

  // A missing file: the file and the message.
  const Ran missing = run("check --json " + (dir / "nowhere.yaml").string());
  CHECK(missing.exit_code == 2);
  const auto missing_error = nlohmann::json::parse(missing.out);
  CHECK(missing_error["error"]["file"] == (dir / "nowhere.yaml").string());
  CHECK(contains(missing_error["error"]["message"].get<std::string>(), "cannot open"));
}

// Issue 18: plan without --option used to plan on a non-blocking network whatever the scenario's
// fabrics (30.8 % against 43.4 % MFU for one layout). Each option's site is planned on its own
// fabric, named in "where", and gives the same layouts and MFU as with --option.
TEST_CASE("cli: plan without --option plans each site on its own fabric, as --option does") {
  const Ran all = run("plan --json " + default_scenario + " --top 1 --run grok-2");
  REQUIRE_MESSAGE(all.exit_code == 0, all.err);
  const Ran one = run("plan --json " + default_scenario + " --top 1 --run grok-2 --option build-colossus");
  REQUIRE_MESSAGE(one.exit_code == 0, one.err);
  const auto every = nlohmann::json::parse(all.out)["plans"], only = nlohmann::json::parse(one.out)["plans"];
  REQUIRE(only.size() == 1);
  CHECK(contains(only[0]["where"].get<std::string>(), "fabric colossus"));
  int matched = 0;
  for (const auto& plan : every) {
    const std::string where = plan["where"];
    CHECK_MESSAGE(contains(where, "fabric "), where);  // every site of the default scenario has a fabric
    if (where != only[0]["where"]) continue;
    ++matched;
    CHECK(plan["layouts"][0]["mfu"] == only[0]["layouts"][0]["mfu"]);
    CHECK(plan["layouts"][0]["step_s"] == only[0]["layouts"][0]["step_s"]);
  }
  CHECK(matched == 1);
}

TEST_CASE("cli: plan --json gives each run's layouts as the text shows them") {
  const std::string args = default_scenario + " --top 2 --option build-colossus";
  const Ran text = run("plan " + args);
  REQUIRE_MESSAGE(text.exit_code == 0, text.err);
  const Ran ran = run("plan --json " + args);
  REQUIRE_MESSAGE(ran.exit_code == 0, ran.err);
  const auto json = nlohmann::json::parse(ran.out);
  CHECK(json["ok"] == true);
  REQUIRE(json["plans"].size() >= 1);
  for (const auto& plan : json["plans"]) {
    CHECK(contains(text.out, plan["run"].get<std::string>() + ":"));
    CHECK(plan["gpus"].get<int>() > 0);
    REQUIRE(plan["layouts"].size() == 2);
    for (const auto& layout : plan["layouts"]) {
      const int product = layout["tp"].get<int>() * layout["pp"].get<int>() * layout["dp"].get<int>() *
                          layout["cp"].get<int>();
      CHECK(product == layout["gpus"].get<int>());
      CHECK(layout["ep"].get<int>() >= 1);
      CHECK(layout["microbatch"].get<int>() >= 1);
      CHECK(layout["schedule"].is_string());
      double parts = 0;
      for (const char* part : {"compute", "tp_comm", "pp_comm", "dp_comm", "cp_comm", "ep_comm", "bubble"})
        parts += layout["breakdown_s"][part].get<double>();
      CHECK(parts == doctest::Approx(layout["step_s"].get<double>()).epsilon(1e-9));
      CHECK(layout["tokens_per_s"].get<double>() > 0);
      CHECK(layout["mfu"].get<double>() > 0);
      CHECK(layout["mfu"].get<double>() < 1);
      const auto& memory = layout["memory_per_gpu_bytes"];
      CHECK(memory["total"].get<double>() <= memory["hbm"].get<double>());
      // The text shows the same layout and MFU.
      CHECK(contains(text.out, fmt::format("TP{} PP{} DP{} CP{} EP{} mb{}", layout["tp"].get<int>(),
                                           layout["pp"].get<int>(), layout["dp"].get<int>(), layout["cp"].get<int>(),
                                           layout["ep"].get<int>(), layout["microbatch"].get<int>())));
      CHECK(contains(text.out, fmt::format("MFU {:.1f} %", 100 * layout["mfu"].get<double>())));
    }
  }
  const Ran bad = run("plan --json " + default_scenario + " --set workload.max_job_gpus=lots");
  CHECK(bad.exit_code == 2);
  CHECK(nlohmann::json::parse(bad.out)["ok"] == false);
}

TEST_CASE("cli: validate --json gives each case's predicted, published, error, tolerance, role and pass") {
  const fs::path dir = scratch_dir("validate-json");
  const std::string bloom = R"(  - name: {}
    public_run: BLOOM-176B
    quantity: tflops_per_gpu
    unit: TFLOP/s/GPU
    published: {}
    tolerance: 10 %
    role: calibration
    source: test
{})";
  write_text(dir / "cases.yaml", "cases:\n" + fmt::format(fmt::runtime(bloom), "bloom", "156", "") +
                                     fmt::format(fmt::runtime(bloom), "far-off", "1000", "    asserted: false\n"));
  const Ran ran = run("validate --json " + (dir / "cases.yaml").string());
  REQUIRE_MESSAGE(ran.exit_code == 0, ran.err);
  const auto json = nlohmann::json::parse(ran.out);
  CHECK(json["ok"] == true);
  REQUIRE(json["cases"].size() == 2);
  const auto& c = json["cases"][0];
  CHECK(c["name"] == "bloom");
  CHECK(c["published"] == 156.0);
  CHECK(c["tolerance"].get<double>() == doctest::Approx(0.10));
  CHECK(c["asserted"] == true);
  CHECK(c["role"] == "calibration");
  CHECK(c["status"] == "ok");
  CHECK(c["pass"] == true);
  CHECK(c["error"].get<double>() ==
        doctest::Approx((c["predicted"].get<double>() - 156.0) / 156.0));
  CHECK(json["cases"][1]["asserted"] == false);
  CHECK(json["cases"][1]["pass"] == false);
  CHECK(json["cases"][1]["status"] == "reported");
  // The calibration set's mean and largest error: bloom's (asserted) and, with the reported
  // case, far-off's (~84 %) too.
  const auto& sum = json["summary"][0];
  CHECK(sum["role"] == "calibration");
  CHECK(sum["kind"] == "all");
  CHECK(sum["cases"] == 1);
  CHECK(sum["reported_cases"] == 1);
  const double e0 = std::abs(c["error"].get<double>()), e1 = std::abs(json["cases"][1]["error"].get<double>());
  CHECK(sum["mean_abs_error"].get<double>() == doctest::Approx(e0));
  CHECK(sum["max_abs_error"].get<double>() == doctest::Approx(e0));
  CHECK(sum["mean_abs_error_with_reported"].get<double>() == doctest::Approx((e0 + e1) / 2));
  CHECK(sum["max_abs_error_with_reported"].get<double>() == doctest::Approx(std::max(e0, e1)));
  CHECK(run("validate --json --markdown " + (dir / "cases.yaml").string()).exit_code == 2);
}

TEST_CASE("cli: bvr help COMMAND and every command's --help show its usage and real options") {
  const std::vector<std::pair<std::string, std::vector<std::string>>> commands = {
      {"run", {"--output", "--seed", "--replications", "--jobs", "--no-analysis", "--quiet", "--verbose", "--set"}},
      {"check", {"--json", "--set"}},
      {"report", {"-o OUTDIR"}},
      {"topo", {"--dot", "--collectives", "--size", "--group", "--collective"}},
      {"validate", {"-j N", "--markdown", "--json"}},
      {"plan", {"--gpus", "--top", "--run", "--option", "--system", "--json", "--set"}},
      {"systems", {"--json"}},
      {"sweep", {"--output", "--jobs", "--shard", "--restart", "--quiet", "--verbose", "--set"}},
      {"merge", {"--output"}},
  };
  for (const auto& [command, options] : commands) {
    INFO(command);
    const Ran help = run(command + " --help");
    CHECK(help.exit_code == 0);
    CHECK(contains(help.out, "Usage: bvr " + command));
    for (const auto& option : options) {
      INFO(option);
      CHECK(contains(help.out, option));
    }
    const Ran via_help = run("help " + command);
    CHECK(via_help.exit_code == 0);
    CHECK(via_help.out == help.out);
  }
  CHECK(run("help").exit_code == 0);
  CHECK(run("help fly").exit_code == 2);
  const Ran version = run("--version");
  CHECK(version.exit_code == 0);
  CHECK(std::regex_match(version.out, std::regex("bvr [0-9]+\\.[0-9]+\\.[0-9]+\n")));
}

TEST_CASE("cli: a typo in an option's name under --set names the options and the closest") {
  const Ran ran = run("check " + default_scenario + " --set options.lease-orcale.list_price=\"8 USD/GPU/h\"");
  CHECK(ran.exit_code == 2);
  CHECK(contains(ran.err, "no option named \"lease-orcale\""));
  CHECK(contains(ran.err, "did you mean \"lease-oracle\"?"));
  CHECK(contains(ran.err, "lease-oracle, build-colossus, hybrid"));
  CHECK(!contains(ran.err, "cannot descend"));
}
