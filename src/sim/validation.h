// The validation suite: public cases (a published figure, and the scenario that should reproduce
// it) run through the same simulation as `bvr run`, predicted against published. The cases live
// in a YAML file (scenarios/validation/cases.yaml) so adding one needs no code.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "models/hardware.h"
#include "models/serving.h"
#include "models/step_time.h"

namespace bvr {

// A case compares either an option of a scenario (simulated as `bvr run` does) or one of the
// public training runs of models/public_runs.h (the step-time and memory models alone:
// tflops_per_gpu, model_tflops_per_gpu, mfu, step_time_s, activations_gib,
// weights_gradients_optimizer_gib, loads).
// A collective as nccl-tests runs it on a system's own network (no fabric: the system's NICs at
// line rate, NVLink inside its domain, NVLS where its switches reduce): the closed form of
// models/step_time.h. Quantity busbw_gb_per_s, nccl-tests' bus bandwidth.
struct CollectiveCase {
  SystemSpec system;
  CommKind kind = CommKind::AllReduce;
  int gpus = 0;
  double bytes = 0;  // nccl-tests "size"
};

// A serving measurement (docs/serving.md): the workload as served, on a system of the library,
// non-blocking network at the system's NIC speed (the published runs name no fabric).
struct ServingCase {
  ServingWorkload workload;
  SystemSpec system;
};

struct ValidationCase {
  std::string name;           // "colossus-build-days"
  std::string scenario_file;  // resolved against the cases file's folder; empty for a public run
  std::string option;         // the option whose result is compared
  std::string public_run;     // "BLOOM-176B": a run of models/public_runs.h instead of a scenario
  std::optional<ServingCase> serving;  // a serving measurement instead of a scenario (tokens_per_s_per_gpu,
                                       // decode_tokens_per_s_per_gpu, at the workload's target or at any)
  std::optional<CollectiveCase> collective;  // or a collective (quantity busbw_gb_per_s)
  std::string quantity;       // a results.json metric name, or a timeline quantity (validation.cpp)
  std::string unit;           // for display only: quantities are plain numbers
  double published = 0;
  double tolerance = 0;       // relative, e.g. 0.10
  bool asserted = true;       // false: reported only (a known weakness, said in `note`)
  // "calibration": a constant of the model or a value of the scenario was set from this figure,
  // so agreement is partly by construction; "held-out": nothing was set from it, a genuine
  // check (docs/validation.md says which case set which constant). Every case states its role.
  std::string role = "calibration";
  std::string source;
  std::string note;
};

struct ValidationResult {
  ValidationCase c;
  double predicted = 0;
  double error = 0;  // (predicted - published) / published
  bool within = false;
};

// Throws InputError (file:line:column: key.path: ...) for a malformed cases file.
std::vector<ValidationCase> load_validation_cases(const std::string& file);

// Runs each distinct scenario once (only the options the cases compare), `jobs` replications at a
// time. Throws InputError when a case names an unknown option or quantity.
std::vector<ValidationResult> run_validation(const std::vector<ValidationCase>& cases, int jobs);

// Quantities a case may name besides the results.json metrics.
const std::vector<std::string>& timeline_quantities();

}  // namespace bvr
