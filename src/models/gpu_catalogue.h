// The GPU catalogue: the accelerators a scenario can name (hardware.gpu), with their published
// specs. Every figure cites the vendor's spec sheet; docs/workload.md lists them.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "models/hardware.h"

namespace bvr {

const std::vector<GpuSpec>& gpu_catalogue();

// nullptr when `name` is not in the catalogue.
const GpuSpec* find_gpu(std::string_view name);

// "H100 SXM, H200, ..." for error messages.
std::string gpu_catalogue_names();

}  // namespace bvr
