// `bvr validate`: the public cases run, print predicted against published, and a case outside its
// tolerance fails the command; a malformed cases file is bad input.
#include <doctest/doctest.h>

#include "cli_harness.h"

namespace {

void write_text(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

std::string colossus_case(const std::string& name, const std::string& published, const std::string& extra = "",
                          const std::string& role = "calibration") {
  return fmt::format(R"(  - name: {}
    scenario: {}
    option: build-colossus
    quantity: days_first_rack_to_training
    unit: days
    published: {}
    tolerance: 5 %
    source: NVIDIA press release, 28 Oct 2024
    role: {}
{})",
                     name, default_scenario, published, role, extra);
}

}  // namespace

TEST_CASE("cli: validate runs the public cases and prints predicted against published") {
  const Ran ran = run("validate -j 2");
  CHECK(ran.exit_code == 0);
  for (const char* name : {"colossus-build-days", "colossus-first-rack-to-training", "colossus-peak-power",
                           "bloom-176b-tflops", "opt-175b-tflops", "llama3-405b-mfu", "opt-175b-model-tflops",
                           "llama3-54day-interruptions", "rsc1-1024gpu-mtbi", "opt-175b-mtbi"})
    CHECK(contains(ran.out, name));
  const Ran markdown = run("validate --markdown");
  CHECK(markdown.exit_code == 0);
  CHECK(contains(markdown.out, "| case | role | quantity | published | predicted | error |"));
  // The fleet cases (docs/validation.md, "Fleets"): small and large jobs on one base rate, and
  // the one nothing was fitted to.
  CHECK(contains(markdown.out, "| opt-175b-mtbi | held-out | job_mtbi_hours (h) |"));
  CHECK(contains(markdown.out, "| rsc1-1024gpu-mtbi | calibration | job_mtbi_hours (h) |"));
  CHECK(contains(markdown.out, "| llama3-54day-interruptions | calibration | interruptions (count) |"));
  CHECK(contains(markdown.out, "| llama3-405b-mfu | held-out |"));
  // Each set's mean and largest error.
  CHECK(contains(markdown.out, "| role | kind | cases | mean abs. error | max abs. error | reported cases |"));
  CHECK(contains(markdown.out, "| held-out | step time |"));
  CHECK(contains(markdown.out, "| calibration | all |"));
  // The search against published layouts, and training runs' GPU-hours, each summarised apart
  // (so that neither enters the step-time errors).
  CHECK(contains(markdown.out, "| nemo-llama31-405b-search | held-out | step_time_vs_search_best (ratio) |"));
  CHECK(contains(markdown.out, "| held-out | search |"));
  CHECK(contains(markdown.out, "| llama3-405b-training-gpu-hours | held-out | gpu_hours (H100 GPU-h) |"));
  CHECK(contains(markdown.out, "| held-out | economics |"));
}

TEST_CASE("cli: validate's fleet cases: without bad nodes the 1,024-GPU job's MTBI is ~3.7x too long") {
  // The same case file with the bad nodes taken out of the RSC-1 scenario: a uniform rate.
  const fs::path dir = scratch_dir("validate-uniform");
  const fs::path cases = fs::path(BVR_SOURCE_DIR) / "scenarios" / "validation";
  std::string scenario = read_file(cases / "fleet-rsc1-1024gpu.yaml");
  const auto bad = scenario.find("  bad_nodes:");
  REQUIRE(bad != std::string::npos);
  scenario.erase(bad, scenario.find('\n', bad) + 1 - bad);
  write_text(dir / "fleet-rsc1-1024gpu.yaml", scenario);
  write_text(dir / "cases.yaml", R"(cases:
  - name: rsc1-uniform
    scenario: fleet-rsc1-1024gpu.yaml
    option: cluster
    quantity: job_mtbi_hours
    unit: h
    published: 7.8
    tolerance: 15 %
    role: held-out
    source: test
)");
  const Ran ran = run("validate -j 2 " + (dir / "cases.yaml").string());
  CHECK(ran.exit_code == 1);  // far outside: the uniform rate gives ~28.8 h
  CHECK(contains(ran.out, "OUTSIDE"));
}

TEST_CASE("cli: validate fails on an asserted case outside its tolerance, not on a reported one") {
  const fs::path dir = scratch_dir("validate");
  // The model gives 19 days; 30 is 37 % away.
  write_text(dir / "outside.yaml", "cases:\n" + colossus_case("too-far", "30"));
  const Ran outside = run("validate " + (dir / "outside.yaml").string());
  CHECK(outside.exit_code == 1);
  CHECK(contains(outside.out, "OUTSIDE"));
  write_text(dir / "reported.yaml", "cases:\n" + colossus_case("known-weakness", "30", "    asserted: false\n"));
  const Ran reported = run("validate " + (dir / "reported.yaml").string());
  CHECK(reported.exit_code == 0);
  CHECK(contains(reported.out, "reported"));
  write_text(dir / "within.yaml", "cases:\n" + colossus_case("close", "19.5"));
  CHECK(run("validate " + (dir / "within.yaml").string()).exit_code == 0);
}

TEST_CASE("cli: a malformed validation file is bad input naming file, line, column and key") {
  const fs::path dir = scratch_dir("validate-bad");
  write_text(dir / "typo.yaml", "cases:\n" + colossus_case("typo", "19", "    tolerence: 5 %\n"));
  const Ran typo = run("validate " + (dir / "typo.yaml").string());
  CHECK(typo.exit_code == 2);
  CHECK(contains(typo.err, "typo.yaml:11:5"));
  CHECK(contains(typo.err, "cases.0.tolerence"));
  write_text(dir / "quantity.yaml", "cases:\n" + colossus_case("q", "19"));
  std::string text = read_file(dir / "quantity.yaml");
  text.replace(text.find("days_first_rack_to_training"), 27, "days_to_nowhere");
  write_text(dir / "quantity.yaml", text);
  const Ran quantity = run("validate " + (dir / "quantity.yaml").string());
  CHECK(quantity.exit_code == 2);
  CHECK(contains(quantity.err, "quantity.yaml:5:15: cases.0.quantity: unknown quantity \"days_to_nowhere\""));
}

TEST_CASE("cli: a validation case's role is calibration or held-out, and every case gives it") {
  const fs::path dir = scratch_dir("validate-role");
  write_text(dir / "role.yaml", "cases:\n" + colossus_case("r", "19", "", "guessed"));
  const Ran ran = run("validate " + (dir / "role.yaml").string());
  CHECK(ran.exit_code == 2);
  CHECK(contains(ran.err, "role.yaml:10:11: cases.0.role: expected one of calibration, held-out"));
  write_text(dir / "fitted.yaml", "cases:\n" + colossus_case("f", "19", "", "fitted"));
  CHECK(run("validate " + (dir / "fitted.yaml").string()).exit_code == 2);
  std::string missing = colossus_case("m", "19");
  missing.erase(missing.find("    role:"), std::string("    role: calibration\n").size());
  write_text(dir / "missing.yaml", "cases:\n" + missing);
  const Ran no_role = run("validate " + (dir / "missing.yaml").string());
  CHECK(no_role.exit_code == 2);
  CHECK(contains(no_role.err, "role"));
  write_text(dir / "held.yaml", "cases:\n" + colossus_case("h", "19", "", "held-out"));
  const Ran held = run("validate " + (dir / "held.yaml").string());
  CHECK(held.exit_code == 0);
  CHECK(contains(held.out, "held-out"));
}

TEST_CASE("cli: validate refuses an unknown public run, naming the ones it knows") {
  const fs::path dir = scratch_dir("validate-run");
  write_text(dir / "run.yaml", R"(cases:
  - name: gpt-4
    public_run: GPT-4
    quantity: mfu
    unit: fraction
    published: 0.35
    tolerance: 10 %
    role: held-out
    source: rumour
)");
  const Ran ran = run("validate " + (dir / "run.yaml").string());
  CHECK(ran.exit_code == 2);
  CHECK(contains(ran.err, "run.yaml:3:17: cases.0.public_run: unknown public run \"GPT-4\""));
  CHECK(contains(ran.err, "BLOOM-176B"));
}
