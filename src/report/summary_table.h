// The short comparison printed to the terminal after a run.
#pragma once
#include <string>

#include "sim/results.h"

namespace bvr {

std::string summary_table(const Results& results);

}  // namespace bvr
