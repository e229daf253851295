// report.html of a run: the verdict and summary of report.md, and interactive charts (Vega-Lite
// through vega-embed) of the series, costs, time-to-train spread, step time and tornado.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "report/report_assets.h"
#include "sim/results.h"

namespace bvr {

// `results` with every option's daily series; `doc` is the run's results.json (charts use keys
// that Results does not hold, such as an option's `step_time`, when present). The series are
// written at the precision of series-<option>.csv, so a report rebuilt from the files on disk
// (`bvr report`) is byte-identical to the one `bvr run` wrote.
std::string report_html(const Results& results, const nlohmann::ordered_json& doc, const ReportAssets& assets);

}  // namespace bvr
