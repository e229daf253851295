// Names that become file and folder names (out/<scenario name>, series-<option>.csv, out-<fabric>.dot)
// and --set key paths: letters, digits, '-' and '_' only, 1 to 100 characters. So no name can
// hold a '/', a '.' or be "..", and no name read from a scenario can form a path outside the
// folder it is written into.
#pragma once
#include <algorithm>
#include <cstddef>
#include <string_view>

namespace bvr {

inline constexpr std::size_t max_plain_name_length = 100;

inline bool is_plain_name(std::string_view name) {
  return !name.empty() && name.size() <= max_plain_name_length && std::all_of(name.begin(), name.end(), [](char c) {
           return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
         });
}

// What is wrong with a name that is not plain, for messages: `what` names it ("option name").
inline const char* plain_name_rule() { return "may use only letters, digits, '-' and '_' (at most 100 characters)"; }

}  // namespace bvr
