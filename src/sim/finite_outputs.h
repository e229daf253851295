// No NaN or infinity reaches an output: a model that produced one is stopped with an error that
// names the option, the output and the scenario inputs it is computed from, so the analyst knows
// where to look (results.json and the CSVs would otherwise carry "nan" to a spreadsheet).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "sim/results.h"

namespace bvr {

// The scenario key paths an output of option `option` (of `kind` lease, build or hybrid) is computed
// from ("options.<option>.list_price", "scenario.discount_rate", ...): a metric name, a series
// column, or "run_finish_days".
std::vector<std::string> inputs_of(std::string_view output, const std::string& option, std::string_view kind);

// Throws InputError at the first non-finite metric, run finish day or daily series value.
void require_finite_outputs(const Results& results);

}  // namespace bvr
