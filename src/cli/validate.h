// `bvr validate [CASES] [-j N] [--markdown]`: the validation suite, predicted against published.
#pragma once
#include <string>
#include <vector>

namespace bvr {

// `args` are the words after "validate". Returns 0 when every asserted case is within its
// tolerance, 1 when one is not, 2 for bad input.
int command_validate(const std::vector<std::string>& args);

}  // namespace bvr
