// `bvr validate`: the public cases run, print predicted against published, and a case outside its
// tolerance fails the command; a malformed cases file is bad input.
#include <doctest/doctest.h>

#include "cli_harness.h"

namespace {

void write_text(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

std::string colossus_case(const std::string& name, const std::string& published, const std::string& extra = "") {
  return fmt::format(R"(  - name: {}
    scenario: {}
    option: build-colossus
    quantity: days_first_rack_to_training
    unit: days
    published: {}
    tolerance: 5 %
    source: NVIDIA press release, 28 Oct 2024
{})",
                     name, default_scenario, published, extra);
}

}  // namespace

TEST_CASE("cli: validate runs the public cases and prints predicted against published") {
  const Ran ran = run("validate -j 2");
  CHECK(ran.exit_code == 0);
  for (const char* name : {"colossus-build-days", "colossus-first-rack-to-training", "colossus-peak-power",
                           "bloom-176b-tflops", "opt-175b-tflops", "llama3-405b-mfu", "opt-175b-model-tflops"})
    CHECK(contains(ran.out, name));
  const Ran markdown = run("validate --markdown");
  CHECK(markdown.exit_code == 0);
  CHECK(contains(markdown.out, "| case | quantity | published | predicted | error |"));
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
  CHECK(contains(typo.err, "typo.yaml:10:5"));
  CHECK(contains(typo.err, "cases.0.tolerence"));
  write_text(dir / "quantity.yaml", "cases:\n" + colossus_case("q", "19"));
  std::string text = read_file(dir / "quantity.yaml");
  text.replace(text.find("days_first_rack_to_training"), 27, "days_to_nowhere");
  write_text(dir / "quantity.yaml", text);
  const Ran quantity = run("validate " + (dir / "quantity.yaml").string());
  CHECK(quantity.exit_code == 2);
  CHECK(contains(quantity.err, "quantity.yaml:5:15: cases.0.quantity: unknown quantity \"days_to_nowhere\""));
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
    source: rumour
)");
  const Ran ran = run("validate " + (dir / "run.yaml").string());
  CHECK(ran.exit_code == 2);
  CHECK(contains(ran.err, "run.yaml:3:17: cases.0.public_run: unknown public run \"GPT-4\""));
  CHECK(contains(ran.err, "BLOOM-176B"));
}
