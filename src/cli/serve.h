// `bvr serve FILE [--option NAME] [--json] [--no-simulation] [--set key.path=value]...`: the
// serving frontier, the best layout at the interactivity target, cost per million tokens and
// tokens/s per MW of each option's sites, and what the scenario's demand needs (docs/serving.md).
#pragma once
#include <string>
#include <vector>

namespace bvr {

// `args` are the words after "serve". Returns the exit code (0, or 2 for bad input).
int command_serve(const std::vector<std::string>& args);

}  // namespace bvr
