// sweep.csv (docs/results.md): one row per point and option. Columns: `point`, one per axis
// headed `<key> [<unit>]` holding the value as the sweep file writes it, `option`,
// `finished_all_runs` (true/false: every training run finished in every replication, as
// results.json's) and `finished_share` (the share of replications that finished them), then
// `<metric>_mean,<metric>_p10,<metric>_p50,<metric>_p90` for every metric of results.json.
// Each finished point is kept as its own small CSV (header and its rows); sweep.csv joins them.
// Written and read with the one CSV reader and writer of bvr (report/csv.h).
#pragma once
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "scenario/sweep_points.h"
#include "sim/results.h"

namespace bvr {

// The columns between `option` and the metrics.
extern const char* const finished_columns[2];

// An axis's column header: "<key> [<unit>]", or the key alone when the axis has no unit.
std::string axis_column(const std::string& key, const std::string& unit);

// The header record of a point file (and of sweep.csv), with its line break.
std::string point_csv_header(const std::vector<std::string>& axis_columns, const std::vector<std::string>& metrics);

// A point's file: the header line, then one line per option.
std::string point_csv(const std::vector<SweepAxis>& axes, const SweepPoint& point, const Results& results);

// What a whole point file holds beyond its point's index and values.
struct PointFileExpectation {
  std::string header;                // the exact header record; empty: any header of the right shape
  std::vector<std::string> options;  // the option names in order; empty: any, at least one row
};

// Empty when `text` is the whole file of `point`: read strictly (report/csv.h: it ends with a line
// break, every row has the header's columns), its header `point`, the axis columns, `option` and
// finished_all_runs, finished_share and four columns per metric (or exactly `expect.header`), one row per
// option (`expect.options`), each with the point's index and values, true or false in
// finished_all_runs and a number in every other column after it. Otherwise what is wrong,
// starting with `file` (and the line and column when there is one).
std::string point_file_problem(std::string_view text, const std::string& file,
                               const std::vector<std::string>& axis_columns, const SweepPoint& point,
                               const PointFileExpectation& expect = {});

// sweep.csv from point files (file name and text) given in point order. Throws InputError naming
// the file when one is not a whole CSV or its header differs from the first's (points run by
// different versions of bvr or of the base scenario).
std::string join_point_csvs(const std::vector<std::pair<std::string, std::string>>& point_files);

}  // namespace bvr
