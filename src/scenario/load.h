// Scenario files: YAML in, validated Scenario out. Every key is documented in
// docs/scenario-reference.md; any error throws InputError naming file:line:column and key path.
#pragma once
#include <string>
#include <vector>

#include "scenario/overrides.h"
#include "scenario/scenario.h"

namespace bvr {

// `with_analysis` = false skips the `analysis` section: what-if reloads need only the model, and
// checking each sensitivity value loads the scenario once more with it.
Scenario load_scenario(const std::string& file, const std::vector<Override>& overrides = {}, bool with_analysis = true);
// The same for text in memory (the fuzzer's entry point); `file` names it in messages.
Scenario load_scenario_text(const std::string& text, const std::string& file);

// A layout given as "tp=8,pp=16,microbatch=1,schedule=interleaved,virtual_stages=2" (keys as in
// workload.parallelism; DP is what the GPU count leaves). Throws InputError naming `where`.
ParallelPlan parse_layout(const std::string& text, const std::string& where);

class YamlValue;
// `overrides`: those already applied to `root`, kept in the Scenario for what-if reloads.
Scenario load_scenario(const YamlValue& root, const std::vector<Override>& overrides = {}, bool with_analysis = true);

}  // namespace bvr
