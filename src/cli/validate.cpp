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
a constant was set from it ("calibration") or nothing was ("held-out"); the mean and largest
error of each set (and of each kind of case in it) follow the table.

  CASES        cases file (default: scenarios/validation/cases.yaml of this source tree)
  -j N         replications simulated in parallel (default: the number of cores)
  --markdown   print the table as Markdown (for docs/validation.md)
  --json       print the cases as JSON: name, quantity, unit, published, predicted, error,
               tolerance, role (calibration or held-out), status (ok, OUTSIDE or
               reported), asserted (false for "reported" cases), pass, source, note;
               "summary" (per role and kind: cases, mean and max absolute error); "ok"
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

// The kind of a case, for the summaries: the step-time model, the memory model, the layout search,
// a collective, the GPU-hours, time or cost of a simulated training run (economics), or another
// simulation.
std::string kind(const ValidationResult& r) {
  const std::string& q = r.c.quantity;
  if (q == "activations_gib" || q == "weights_gradients_optimizer_gib" || q == "loads") return "memory";
  if (q == "step_time_vs_search_best") return "search";
  if (!r.c.scenario_file.empty() &&
      (q == "gpu_hours" || q == "time_to_train_days" || q == "total_cost_usd" || q.starts_with("cost_")))
    return "economics";
  if (!r.c.public_run.empty()) return "step time";
  if (r.c.collective) return "collective";
  return "simulated";
}

// Over the asserted cases (those held to a tolerance); the reported ones (known weaknesses) are
// counted apart, with all cases' mean and max beside.
struct ErrorSummary {
  std::string role, kind;  // kind "" = every kind
  int cases = 0, reported = 0;
  double mean_abs = 0, max_abs = 0;
  double mean_abs_all = 0, max_abs_all = 0;  // the reported cases included
};

// Mean and largest absolute error per role, and per role and kind.
std::vector<ErrorSummary> summarize(const std::vector<ValidationResult>& results) {
  std::vector<ErrorSummary> out;
  for (const std::string role : {"calibration", "held-out"})
    for (const std::string k : {"", "step time", "memory", "search", "collective", "economics", "simulated"}) {
      ErrorSummary e{role, k};
      for (const auto& r : results) {
        if (r.c.role != role || (!k.empty() && kind(r) != k) || !std::isfinite(r.error)) continue;
        const double err = std::abs(r.error);
        e.mean_abs_all += err;
        e.max_abs_all = std::max(e.max_abs_all, err);
        if (!r.c.asserted) {
          ++e.reported;
          continue;
        }
        ++e.cases;
        e.mean_abs += err;
        e.max_abs = std::max(e.max_abs, err);
      }
      if (e.cases + e.reported == 0) continue;
      if (e.cases > 0) e.mean_abs /= e.cases;
      e.mean_abs_all /= e.cases + e.reported;
      out.push_back(e);
    }
  return out;
}

void print_summary(const std::vector<ValidationResult>& results) {
  fmt::print("\n{:<12} {:<10} {:>5}  {:>10}  {:>9}   {:>8}  {:>10}  {:>9}\n", "role", "kind", "cases", "mean |err|",
             "max |err|", "reported", "with them", "max");
  for (const auto& e : summarize(results))
    fmt::print("{:<12} {:<10} {:>5}  {:>9.1f}%  {:>8.1f}%   {:>8}  {:>9.1f}%  {:>8.1f}%\n", e.role,
               e.kind.empty() ? "all" : e.kind, e.cases, 100 * e.mean_abs, 100 * e.max_abs, e.reported,
               100 * e.mean_abs_all, 100 * e.max_abs_all);
}

void print_text(const std::vector<ValidationResult>& results) {
  std::size_t name_w = 4;
  for (const auto& r : results) name_w = std::max(name_w, r.c.name.size());
  fmt::print("{:<{}}  {:<11}  {:>10}  {:>10}  {:<12} {:>8}  {:>6}  {}\n", "case", name_w, "role", "published", "predicted",
             "unit", "error", "tol.", "status");
  for (const auto& r : results)
    fmt::print("{:<{}}  {:<11}  {:>10}  {:>10}  {:<12} {:>+7.1f}%  {:>5.0f}%  {}\n", r.c.name, name_w, r.c.role,
               number(r.c.published), number(r.predicted), r.c.unit, 100 * r.error, 100 * r.c.tolerance, status(r));
  print_summary(results);
  fmt::print("\n");
  for (const auto& r : results) fmt::print("  {}: {}{}\n", r.c.name, r.c.source, r.c.note.empty() ? "" : " — " + r.c.note);
}

void print_markdown(const std::vector<ValidationResult>& results) {
  fmt::print("| case | role | quantity | published | predicted | error | tolerance | status | source |\n");
  fmt::print("|---|---|---|---|---|---|---|---|---|\n");
  for (const auto& r : results)
    fmt::print("| {} | {} | {} ({}) | {} | {} | {:+.1f} % | {:.0f} % | {} | {} |\n", r.c.name, r.c.role, r.c.quantity,
               r.c.unit, number(r.c.published), number(r.predicted), 100 * r.error, 100 * r.c.tolerance, status(r),
               r.c.source);
  fmt::print("\n| role | kind | cases | mean abs. error | max abs. error | reported cases | mean, max with them |\n"
             "|---|---|---|---|---|---|---|\n");
  for (const auto& e : summarize(results))
    fmt::print("| {} | {} | {} | {:.1f} % | {:.1f} % | {} | {:.1f} %, {:.1f} % |\n", e.role,
               e.kind.empty() ? "all" : e.kind, e.cases, 100 * e.mean_abs, 100 * e.max_abs, e.reported,
               100 * e.mean_abs_all, 100 * e.max_abs_all);
}

// `ok`: no asserted case outside its tolerance.
void print_json(const std::vector<ValidationResult>& results, bool ok) {
  nlohmann::ordered_json cases = nlohmann::ordered_json::array();
  const auto finite = [](double v) { return std::isfinite(v) ? nlohmann::ordered_json(v) : nlohmann::ordered_json(nullptr); };
  for (const auto& r : results)
    cases.push_back({{"name", r.c.name},
                     {"quantity", r.c.quantity},
                     {"unit", r.c.unit},
                     {"published", finite(r.c.published)},
                     {"predicted", finite(r.predicted)},
                     {"error", finite(r.error)},
                     {"tolerance", r.c.tolerance},
                     {"role", r.c.role},
                     {"status", status(r)},
                     {"kind", kind(r)},
                     {"asserted", r.c.asserted},
                     {"pass", r.within},
                     {"source", r.c.source},
                     {"note", r.c.note}});
  nlohmann::ordered_json summary = nlohmann::ordered_json::array();
  for (const auto& e : summarize(results))
    summary.push_back({{"role", e.role},
                       {"kind", e.kind.empty() ? "all" : e.kind},
                       {"cases", e.cases},
                       {"mean_abs_error", e.mean_abs},
                       {"max_abs_error", e.max_abs},
                       {"reported_cases", e.reported},
                       {"mean_abs_error_with_reported", e.mean_abs_all},
                       {"max_abs_error_with_reported", e.max_abs_all}});
  const nlohmann::ordered_json out = {{"ok", ok}, {"cases", cases}, {"summary", summary}};
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
