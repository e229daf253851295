// bvr systems [FILE...] [--json]: the shipped system library with its key figures, or the user's
// own system files checked (docs/hardware.md).
#pragma once
#include <string>
#include <vector>

namespace bvr {

int command_systems(const std::vector<std::string>& args);

}  // namespace bvr
