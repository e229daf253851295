#include "scenario/overrides.h"

#include <fmt/format.h>

#include <charconv>
#include <fmt/ranges.h>
#include <vector>

#include "scenario/input_error.h"
#include "scenario/suggest.h"
#include "scenario/yaml_reader.h"

namespace bvr {

namespace {

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t begin = 0;
  while (true) {
    const std::size_t dot = path.find('.', begin);
    parts.push_back(path.substr(begin, dot - begin));
    if (dot == std::string::npos) break;
    begin = dot + 1;
  }
  return parts;
}

[[noreturn]] void bad(const Override& change, const std::string& what) {
  throw InputError(fmt::format("--set {}: {}", change.assignment, what), {"", 0, 0, change.path, change.assignment, what});
}

}  // namespace

Override parse_override(const std::string& assignment) {
  Override change{"", "", assignment};
  const std::size_t eq = assignment.find('=');
  if (eq == std::string::npos) bad(change, "expected key.path=value");
  change.path = assignment.substr(0, eq);
  change.value = assignment.substr(eq + 1);
  for (const auto& part : split_path(change.path))
    if (part.empty()) bad(change, "the key path has an empty part; expected key.path=value");
  return change;
}

void apply_override(YAML::Node& root, const Override& change) {
  YAML::Node value;
  try {
    value = YAML::Load(change.value);
  } catch (const YAML::ParserException& e) {
    bad(change, fmt::format("the value is not valid YAML: {}", e.msg));
  }
  if (const auto problem = yaml_text_problem(change.value, change.path))
    bad(change, fmt::format("{}: {}", problem->path, problem->what));
  const std::vector<std::string> parts = split_path(change.path);
  // A key below an option the file does not have: a typo in the option's name, most likely (a
  // whole new option, options.NAME=<mapping>, is still allowed).
  const YAML::Node& const_root = root;  // const: looking a key up must not add it
  if (parts.size() > 2 && parts[0] == "options" && const_root["options"].IsMap() && !const_root["options"][parts[1]]) {
    std::vector<std::string> names;
    for (const auto& entry : const_root["options"]) names.push_back(entry.first.as<std::string>());
    const std::string closest = closest_match(parts[1], names);
    bad(change, fmt::format("options: the scenario has no option named \"{}\"{}; its options are {}", parts[1],
                            closest.empty() ? "" : fmt::format(" (did you mean \"{}\"?)", closest),
                            fmt::join(names, ", ")));
  }
  YAML::Node current;
  current.reset(root);  // reset(), not operator=: yaml-cpp's = would overwrite the node itself
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const std::string& part = parts[i];
    const bool last = i + 1 == parts.size();
    const std::string parent = fmt::format("{}", fmt::join(parts.begin(), parts.begin() + i, "."));
    const std::string walked = parent.empty() ? part : parent + "." + part;
    if (current.IsSequence()) {
      std::size_t index = 0;
      const auto [end, ec] = std::from_chars(part.data(), part.data() + part.size(), index);
      if (ec != std::errc() || end != part.data() + part.size())
        bad(change, fmt::format("{} is a list; expected an index here, got \"{}\"", parent, part));
      if (index >= current.size())
        bad(change, fmt::format("{}: index {} is past the end of a list of {}", walked, index, current.size()));
      if (last) {
        current[index] = value;
        return;
      }
      YAML::Node next = current[index];
      current.reset(next);
    } else if (current.IsMap() || current.IsNull()) {
      if (last) {
        current[part] = value;
        return;
      }
      YAML::Node next = current[part];
      current.reset(next);
    } else {
      bad(change, fmt::format("cannot descend into \"{}\": the value before it is not a mapping or list", walked));
    }
  }
}

}  // namespace bvr
