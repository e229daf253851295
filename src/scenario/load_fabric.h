// The `fabric:` block of a scenario option (or of a standalone fabric file): see
// docs/fabric.md for the keys. Errors name file:line:column and the key path, like the rest of
// the loader.
#pragma once
#include <string>

#include "models/fabric.h"
#include "models/hardware.h"
#include "scenario/yaml_reader.h"

namespace bvr {

// `system`: the site's, whose nodes, NVLink domains and link speeds the fabric takes unless it
// gives its own speeds; nullptr for a standalone fabric, which gives them all.
FabricSpec load_fabric(const YamlValue& v, const SystemSpec* system);

// Every fabric in a file: a top-level `fabric:` block (named after the file's `name`, or
// "fabric"), or the fabric of each site of a scenario (named "<option>" or "<option>/<site>"),
// in file order. Throws InputError when the
// file has neither.
std::vector<FabricSpec> load_fabrics_from_file(const std::string& file);

}  // namespace bvr
