// The serving part of a scenario's workload (`workload.serving`, docs/scenario-reference.md):
// the served model, precision, lengths, interactivity target, layout and dated demand.
#pragma once
#include <cstdint>
#include <string>

#include "models/options.h"
#include "models/serving.h"

namespace bvr {

class YamlValue;

// Throws InputError naming file:line:column and the key path. `with_system`: the mapping also
// names the system it ran on (a validation case), which the caller reads.
ServingWorkload load_serving(const YamlValue& v, std::int64_t start_day, bool with_system = false);

// The serving system of a site: its GPU, and its network in closed form (the site's fabric when
// described, else non-blocking at the system's NIC speed).
ServingSystem serving_system(const Site& site);

// Checks that the model fits on the site (some layout holds one sequence) and that the target is
// reachable; fails at the key to blame, naming the site `where`.
void check_serving_on_site(const YamlValue& serving, const ServingWorkload& w, const Site& site, const std::string& where);

}  // namespace bvr
