// results.json: the machine-readable contract (docs/results.md).
#pragma once
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "sim/results.h"

namespace bvr {

// results.json's `warnings` (and `bvr check --json`'s): [{key, file, line, column, message[, set]}].
nlohmann::ordered_json warnings_json(const std::vector<InputWarning>& warnings);

std::string results_json(const Results& results);

}  // namespace bvr
