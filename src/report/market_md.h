// report.md's market section (docs/market.md): the price paths the run used, by year, and each
// option's net cost beside its gross with the parts between them. Empty without a market and
// without value beyond the runs.
#pragma once
#include <string>

#include "sim/results.h"

namespace bvr {

std::string market_section_md(const Results& results);

}  // namespace bvr
