// --set key.path=value: quick what-ifs from the command line, applied to the YAML tree before
// validation so an overridden value is checked exactly like one written in the file.
#pragma once
#include <yaml-cpp/yaml.h>

#include <string>

namespace bvr {

struct Override {
  std::string path;        // dotted; list items by index: workload.runs.1.compute
  std::string value;       // YAML text: "150 MW", "0.4", "[1, 2]"
  std::string assignment;  // as typed, for error messages
};

// Throws InputError when there is no '=' or the path is empty.
Override parse_override(const std::string& assignment);

// Replaces (or adds) the value at `path`. Throws InputError naming the assignment when the path
// runs through a value that is not a mapping or list, or indexes past a list's end.
void apply_override(YAML::Node& root, const Override& change);

}  // namespace bvr
