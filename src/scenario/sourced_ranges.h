// The ranges the docs source for scenario values, as data (issue 18): one table drives the
// warnings for a value far outside its range (a unit or prefix slip is likelier than such a
// value) and the table of docs/scenario-reference.md, "Warnings" (tests/test_scenario_reference
// compares the two).
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "scenario/units.h"

namespace bvr {

class YamlValue;

struct SourcedRange {
  std::string_view key;    // the key path as docs/scenario-reference.md documents it
  std::string_view low;    // as a scenario writes it ("1.70 USD/GPU/h"); the unit is the message's
  std::string_view high;
  Dimension dimension;
  std::string_view what;   // what is compared, when not the value itself ("per GPU"), or empty
  double far;              // warn below low / far or above high × far
  std::string_view source;  // where the range comes from, with its confidence mark
  std::string_view also;    // the other keys the range applies to (the docs table only), or empty
};

// Every range, in the order of the docs table.
const std::vector<SourcedRange>& sourced_ranges();

// Warns at `v` when `value` (SI units; already divided as the range's `what` says) is more
// than `far` times outside the range of `key`. Zero never warns: "none" (no discount, no
// restart time) is a choice, not a slip. `shown` is what the message quotes for the value,
// when not v's text (a per-GPU price worked out from a server's). Throws std::logic_error for
// a key the table lacks.
void warn_outside_sourced_range(const YamlValue& v, double value, std::string_view key, const std::string& shown = "");
// The same for a key whose ranges differ by the value's kind (a market path's points: a rental
// price or a hardware price): the range of `key` in `dimension`. Nothing when the table has no
// range of that kind (an energy path's points).
void warn_outside_sourced_range(const YamlValue& v, double value, std::string_view key, Dimension dimension);

// The docs table: key, range, warned beyond, what the range is and where from.
std::string sourced_ranges_markdown();

}  // namespace bvr
