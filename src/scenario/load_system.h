// Systems as data (docs/hardware.md): a system file holds one `system:` block; a scenario's site
// names a system of the shipped library (`system: gb200-nvl72`), a file of its own
// (`system: ./my-system.yaml`, relative to the scenario) or defines one inline (a mapping).
#pragma once
#include <string>
#include <vector>

#include "models/hardware.h"
#include "models/reliability.h"
#include "scenario/yaml_reader.h"

namespace bvr {

// The shipped library: $BVR_SYSTEMS_DIR when set, else the repository's systems/ folder.
std::string systems_dir();

// The library's files, sorted by name.
std::vector<std::string> shipped_system_files();

// A system file; every problem is an InputError located in that file.
SystemSpec load_system_file(const std::string& path);

// The value of a site's `system` key: a library name, a path, or an inline mapping.
// `scenario_file` anchors relative paths.
SystemSpec load_system_ref(const YamlValue& v, const std::string& scenario_file);

// The body of a `system:` block. `id` and `file` say where it came from.
SystemSpec load_system(const YamlValue& v, const std::string& id, const std::string& file);

// A list of failure classes (`reliability.failure_classes`, a system's or a site's).
// servers_out is servers_in_failure_unit when a class does not give it.
std::vector<FailureClass> load_failure_classes(const YamlValue& list);

}  // namespace bvr
