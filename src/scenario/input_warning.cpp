#include "scenario/input_warning.h"

#include <fmt/format.h>

#include <algorithm>

namespace bvr {

namespace {

thread_local std::vector<InputWarning>* current_sink = nullptr;

}  // namespace

std::string format_warning(const InputWarning& w) {
  const std::string key = w.key.empty() ? "" : w.key + ": ";
  if (!w.set.empty()) return fmt::format("{}: warning: --set {}: {}{}", w.file, w.set, key, w.message);
  if (w.line > 0) return fmt::format("{}:{}:{}: warning: {}{}", w.file, w.line, w.column, key, w.message);
  return fmt::format("{}: warning: {}{}", w.file, key, w.message);
}

WarningSink::WarningSink(std::vector<InputWarning>* to) : previous_(current_sink) { current_sink = to; }
WarningSink::~WarningSink() { current_sink = previous_; }

void add_input_warning(InputWarning w) {
  if (!current_sink) return;
  // One value read under two key paths (an option `like` another inherits it, from the file or
  // from --set) is one warning: the first key path that read it, with the same message.
  const bool seen = std::any_of(current_sink->begin(), current_sink->end(),
                                [&w](const InputWarning& x) { return x.file == w.file && x.message == w.message; });
  if (!seen) current_sink->push_back(std::move(w));
}

}  // namespace bvr
