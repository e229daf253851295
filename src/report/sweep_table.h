// sweep.csv read back: one row per point and option, the swept values and every metric's
// mean/P10/P50/P90. Only the header says what was swept, so this works whatever the sweep file
// held: `point`, one column per axis headed `<key> [<unit>]`, `option`, then
// `finished_all_runs`, `finished_share` (optional), then
// `<metric>_mean,<metric>_p10,<metric>_p50,<metric>_p90` per metric.
#pragma once
#include <string>
#include <vector>

#include "sim/results.h"

namespace bvr {

struct SweepTableAxis {
  std::string key, unit;  // from "<key> [<unit>]"; unit empty when the header has none
  // A text axis (some value is not a number: words, dates): its distinct values in the order
  // they first appear. Empty for a numeric axis.
  std::vector<std::string> labels;
};

struct SweepRow {
  long point = 0;
  std::vector<std::string> axis_texts;  // per axis, as written
  std::vector<double> axis_values;      // per axis: the number, or a text axis's index into its labels
  std::string option;
  bool finished_all_runs = true;  // every run finished in every replication (true when the file does not say)
  double finished_share = 1;
  std::vector<MetricSummary> metrics;  // per SweepTable::metrics
};

struct SweepTable {
  std::vector<SweepTableAxis> axes;
  std::vector<std::string> metrics;
  std::vector<std::string> options;  // in order of first appearance
  // sweep.csv has finished_all_runs and finished_share after `option` (written by a bvr before
  // them, it has not: every option is then taken as finished, and the report says so).
  bool has_finished = false;
  std::vector<SweepRow> rows;
  int metric_index(const std::string& name) const;  // -1 when absent
};

// Reads the CSV strictly (report/csv.h). Throws InputError naming file:line:column.
SweepTable parse_sweep_csv(const std::string& text, const std::string& file);

}  // namespace bvr
