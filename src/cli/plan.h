// `bvr plan FILE [--gpus N] [--top K] [--run NAME] [--option NAME] [--set key.path=value]...`:
// the fastest valid parallel layouts of each training run (docs/workload.md, "Search").
#pragma once
#include <string>
#include <vector>

namespace bvr {

// `args` are the words after "plan". Returns the exit code (0, or 2 for bad input).
int command_plan(const std::vector<std::string>& args);

}  // namespace bvr
