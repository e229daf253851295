// The `fabric:` block of a scenario option (or of a standalone fabric file): see
// docs/fabric.md for the keys. Errors name file:line:column and the key path, like the rest of
// the loader.
#pragma once
#include <string>

#include "models/fabric.h"
#include "scenario/yaml_reader.h"

namespace bvr {

FabricSpec load_fabric(const YamlValue& v);

// Every fabric in a file: a top-level `fabric:` block (named after the file's `name`, or
// "fabric"), or `options.<name>.fabric` of a scenario, in file order. Throws InputError when the
// file has neither.
std::vector<FabricSpec> load_fabrics_from_file(const std::string& file);

}  // namespace bvr
