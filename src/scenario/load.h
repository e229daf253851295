// Scenario files: YAML in, validated Scenario out. Every key is documented in
// docs/scenario-reference.md; any error throws InputError naming file:line:column and key path.
#pragma once
#include <string>
#include <vector>

#include "scenario/overrides.h"
#include "scenario/scenario.h"

namespace bvr {

Scenario load_scenario(const std::string& file, const std::vector<Override>& overrides = {});
// The same for text in memory (the fuzzer's entry point); `file` names it in messages.
Scenario load_scenario_text(const std::string& text, const std::string& file);

class YamlValue;
Scenario load_scenario(const YamlValue& root);

}  // namespace bvr
