// libFuzzer target: the unit and date parsers. The first byte picks the dimension; the rest is
// the text. Only UnitError may come out.
#include <cstddef>
#include <cstdint>
#include <string>

#include "scenario/units.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  constexpr int dimensions = static_cast<int>(bvr::Dimension::RatePerTime) + 1;
  const int pick = data[0] % (dimensions + 1);
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  try {
    if (pick == dimensions) {
      const auto day = bvr::parse_date(text);
      if (bvr::parse_date(bvr::format_date(day)) != day) __builtin_trap();  // dates round-trip
    } else {
      bvr::parse_quantity(text, static_cast<bvr::Dimension>(pick));
    }
  } catch (const bvr::UnitError&) {
  }
  return 0;
}
