// sweep.csv (docs/results.md): one row per point and option. Columns: `point`, one per axis
// headed `<key> [<unit>]` holding the value as the sweep file writes it, `option`, then
// `<metric>_mean,<metric>_p10,<metric>_p50,<metric>_p90` for every metric of results.json.
// Each finished point is kept as its own small CSV (header and its rows); sweep.csv joins them.
#pragma once
#include <string>
#include <vector>

#include "scenario/sweep_points.h"
#include "sim/results.h"

namespace bvr {

// One field of a CSV line, quoted when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& text);
// The fields of one CSV line (as csv_field writes them).
std::vector<std::string> csv_fields(const std::string& line);

// A point's file: the header line, then one line per option.
std::string point_csv(const std::vector<SweepAxis>& axes, const SweepPoint& point, const Results& results);

// sweep.csv from point files given in point order. Throws std::runtime_error when their headers
// differ (points run by different versions of bvr or of the base scenario).
std::string join_point_csvs(const std::vector<std::string>& point_files);

}  // namespace bvr
