// report.html of a sweep, from sweep.csv alone: each headline metric over each swept axis (mean
// with the P10–P90 band, per option, averaged over the other axes), and heatmaps over pairs of
// axes (the NPV gap between the first two options, and which option is cheapest).
#pragma once
#include <string>

#include "report/report_assets.h"
#include "report/sweep_table.h"

namespace bvr {

std::string sweep_report_html(const SweepTable& table, const std::string& title, const ReportAssets& assets);

}  // namespace bvr
