// report.md: the comparison for wikis and pull requests.
#pragma once
#include <string>

#include "sim/results.h"

namespace bvr {

std::string report_markdown(const Results& results);

}  // namespace bvr
