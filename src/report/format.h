// Numbers as people read them in a report: $1.23B, 41.2 days, 87.5 %.
#pragma once
#include <string>

#include "sim/results.h"

namespace bvr {

std::string format_usd(double usd);
std::string format_days(double days);
std::string format_percent(double fraction);
// Decimal units, as nccl-tests counts them: 812 kB, 1.6 MB, 2.41 GB.
std::string format_bytes(double bytes);
// 2.35 s, or below a second 41.2 ms.
std::string format_seconds(double seconds);
// "P50 (P10-P90)" with the given formatter.
template <typename Format>
std::string format_spread(const MetricSummary& s, Format format) {
  if (format(s.p10) == format(s.p90)) return format(s.p50);
  return format(s.p50) + " (" + format(s.p10) + "–" + format(s.p90) + ")";
}

}  // namespace bvr
