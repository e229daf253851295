// results.json: the machine-readable contract (docs/results.md).
#pragma once
#include <string>

#include "sim/results.h"

namespace bvr {

std::string results_json(const Results& results);

}  // namespace bvr
