#include "report/format.h"

#include <fmt/format.h>

#include <cmath>

namespace bvr {

std::string format_usd(double usd) {
  const double a = std::fabs(usd);
  const char* sign = usd < 0 ? "-" : "";
  if (a >= 1e9) return fmt::format("{}${:.2f}B", sign, a / 1e9);
  if (a >= 1e6) return fmt::format("{}${:.1f}M", sign, a / 1e6);
  if (a >= 1e3) return fmt::format("{}${:.1f}k", sign, a / 1e3);
  return fmt::format("{}${:.0f}", sign, a);
}

std::string format_days(double days) { return fmt::format("{:.1f}", days); }

std::string format_percent(double fraction) { return fmt::format("{:.1f} %", fraction * 100); }

std::string format_bytes(double bytes) {
  if (bytes >= 1e9) return fmt::format("{:.2f} GB", bytes / 1e9);
  if (bytes >= 1e6) return fmt::format("{:.1f} MB", bytes / 1e6);
  return fmt::format("{:.0f} kB", bytes / 1e3);
}

std::string format_seconds(double seconds) {
  if (seconds >= 1) return fmt::format("{:.2f} s", seconds);
  return fmt::format("{:#.3g} ms", seconds * 1e3);
}

}  // namespace bvr
