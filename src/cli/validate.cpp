#include "cli/validate.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <thread>

#include "scenario/input_error.h"
#include "sim/validation.h"

namespace bvr {

namespace {

constexpr const char* usage = R"(Usage: bvr validate [CASES] [-j N] [--markdown | --json]

Runs the validation suite: each case is a published figure (a public training run, the Colossus
build) and a scenario that should reproduce it. Prints predicted against published, the error
and whether it is within the case's tolerance. Cases marked "reported" are known weaknesses,
shown but not held to their tolerance (docs/validation.md). Each case's role says whether
a parameter was fitted to it ("fitted") or nothing was ("held-out").

  CASES        cases file (default: scenarios/validation/cases.yaml of this source tree)
  -j N         replications simulated in parallel (default: the number of cores)
  --markdown   print the table as Markdown (for docs/validation.md)
  --json       print the cases as JSON: name, quantity, unit, predicted, published, error,
               tolerance, role (fitted or held-out), asserted (false for
               "reported" cases), pass, source, note; and "ok"
  -h, --help   show this help

Exit code: 0 when every asserted case is within tolerance, 1 when one is not, 2 for bad input.

Example:
  bvr validate --markdown
)";

std::string number(double v) {
  if (!std::isfinite(v)) return "n/a";
  if (std::abs(v) >= 100) return fmt::format("{:.0f}", v);
  if (std::abs(v) >= 10) return fmt::format("{:.1f}", v);
  return fmt::format("{:.3g}", v);
}

std::string status(const ValidationResult& r) {
  if (r.within) return "ok";
  return r.c.asserted ? "OUTSIDE" : "reported";
}

void print_text(const std::vector<ValidationResult>& results) {
  std::size_t name_w = 4;
  for (const auto& r : results) name_w = std::max(name_w, r.c.name.size());
  fmt::print("{:<{}}  {:<8}  {:>10}  {:>10}  {:<12} {:>8}  {:>6}  {}\n", "case", name_w, "role", "published", "predicted",
             "unit", "error", "tol.", "status");
  for (const auto& r : results)
    fmt::print("{:<{}}  {:<8}  {:>10}  {:>10}  {:<12} {:>+7.1f}%  {:>5.0f}%  {}\n", r.c.name, name_w, r.c.role,
               number(r.c.published), number(r.predicted), r.c.unit, 100 * r.error, 100 * r.c.tolerance, status(r));
  for (const auto& r : results) fmt::print("  {}: {}{}\n", r.c.name, r.c.source, r.c.note.empty() ? "" : " — " + r.c.note);
}

void print_markdown(const std::vector<ValidationResult>& results) {
  fmt::print("| case | role | quantity | published | predicted | error | tolerance | status | source |\n");
  fmt::print("|---|---|---|---|---|---|---|---|---|\n");
  for (const auto& r : results)
    fmt::print("| {} | {} | {} ({}) | {} | {} | {:+.1f} % | {:.0f} % | {} | {} |\n", r.c.name, r.c.role, r.c.quantity,
               r.c.unit, number(r.c.published), number(r.predicted), 100 * r.error, 100 * r.c.tolerance, status(r),
               r.c.source);
}

// `ok`: no asserted case outside its tolerance.
void print_json(const std::vector<ValidationResult>& results, bool ok) {
  nlohmann::ordered_json cases = nlohmann::ordered_json::array();
  const auto finite = [](double v) { return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr); };
  for (const auto& r : results)
    cases.push_back({{"name", r.c.name},
                     {"quantity", r.c.quantity},
                     {"unit", r.c.unit},
                     {"predicted", finite(r.predicted)},
                     {"published", finite(r.c.published)},
                     {"error", finite(r.error)},
                     {"tolerance", r.c.tolerance},
                     {"role", r.c.role},
                     {"asserted", r.c.asserted},
                     {"pass", r.within},
                     {"source", r.c.source},
                     {"note", r.c.note}});
  const nlohmann::ordered_json out = {{"ok", ok}, {"cases", cases}};
  fmt::print("{}\n", out.dump(2));
}

}  // namespace

int command_validate(const std::vector<std::string>& args) {
  std::string file = std::string(BVR_SOURCE_DIR) + "/scenarios/validation/cases.yaml";
  int jobs = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  bool markdown = false, json = false, file_given = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--help" || a == "-h") {
      std::fputs(usage, stdout);
      return 0;
    }
    if (a == "--markdown") {
      markdown = true;
    } else if (a == "--json") {
      json = true;
    } else if (a == "-j" || a == "--jobs") {
      if (i + 1 >= args.size()) throw InputError("bvr validate: -j needs a number of jobs");
      try {
        jobs = std::stoi(args[++i]);
      } catch (const std::exception&) {
        jobs = 0;
      }
      if (jobs < 1) throw InputError(fmt::format("bvr validate: -j {}: expected a whole number of at least 1", args[i]));
    } else if (!file_given && !a.starts_with("-")) {
      file = a;
      file_given = true;
    } else {
      throw InputError(fmt::format("bvr validate: unexpected argument \"{}\"\n{}", a, usage));
    }
  }
  if (markdown && json) throw InputError(fmt::format("bvr validate: --markdown and --json exclude each other\n{}", usage));
  const auto results = run_validation(load_validation_cases(file), jobs);
  const bool failed = std::any_of(results.begin(), results.end(), [](const auto& r) { return r.c.asserted && !r.within; });
  if (json)
    print_json(results, !failed);
  else if (markdown)
    print_markdown(results);
  else
    print_text(results);
  return failed ? 1 : 0;
}

}  // namespace bvr
