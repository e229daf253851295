// `bvr sweep FILE [-o DIR] [-j N] [--shard K/N] [--restart] [--set ...]` and
// `bvr merge DIR... -o OUT`: batch what-ifs over a base scenario (docs/sweeps.md).
#pragma once
#include <string>
#include <vector>

namespace bvr {

// `args` are the words after the command. Return the exit code; bad input throws InputError.
int command_sweep(const std::vector<std::string>& args);
int command_merge(const std::vector<std::string>& args);

}  // namespace bvr
