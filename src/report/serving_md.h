// report.md's serving section (docs/serving.md, "Serving in the campaign"): what each option
// served of the dated demand, what it cost per million tokens and per MW, each site's layout at
// the target, and the demand against what was served by quarter. Empty when the run served
// nothing (has_serving()).
#pragma once
#include <string>

#include "sim/results.h"

namespace bvr {

inline constexpr const char* serving_heading = "## Serving the demand";

std::string serving_section_md(const Results& results);

}  // namespace bvr
