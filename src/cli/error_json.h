// An input error as JSON, for the commands' --json output:
// {"ok": false, "error": {"file", "line", "column", "key", "set", "message"}}; a part that is not
// known is null ("set": the --set assignment blamed).
#pragma once
#include <nlohmann/json.hpp>
#include <string>

#include "scenario/input_error.h"

namespace bvr {

// `file`: the file the command was given, for an error that names none.
inline nlohmann::ordered_json input_error_json(const InputError& e, const std::string& file) {
  nlohmann::ordered_json error;
  const auto text_or_null = [](const std::string& s) { return s.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(s); };
  const auto number_or_null = [](int n) { return n > 0 ? nlohmann::ordered_json(n) : nlohmann::ordered_json(nullptr); };
  if (e.located) {
    error = {{"file", e.where.file.empty() ? file : e.where.file},
             {"line", number_or_null(e.where.line)},
             {"column", number_or_null(e.where.column)},
             {"key", text_or_null(e.where.key)},
             {"set", text_or_null(e.where.set)},
             {"message", e.where.message}};
  } else {
    error = {{"file", file}, {"line", nullptr}, {"column", nullptr}, {"key", nullptr}, {"set", nullptr},
             {"message", e.what()}};
  }
  return {{"ok", false}, {"error", error}};
}

}  // namespace bvr
