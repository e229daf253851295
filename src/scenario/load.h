// Scenario files: YAML in, validated Scenario out. Every key is documented in
// docs/scenario-reference.md; any error throws InputError naming file:line:column and key path.
#pragma once
#include <string>
#include <vector>

#include "scenario/overrides.h"
#include "scenario/scenario.h"

namespace bvr {

Scenario load_scenario(const std::string& file, const std::vector<Override>& overrides = {});

}  // namespace bvr
