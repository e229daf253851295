// DIR/report.md of a sweep, for people who will not read CSV: the axes, which option is
// cheapest how often, each headline metric by axis value (averaged over the other axes), and
// where along each axis the cheapest option changes. Built from sweep.csv and the manifest only,
// so `bvr report DIR` can write it again at any time.
#pragma once
#include <string>

#include "report/sweep_manifest.h"

namespace bvr {

std::string sweep_report_markdown(const SweepManifest& manifest, const std::string& sweep_csv);

// Reads DIR/sweep-manifest.json and DIR/sweep.csv, writes DIR/report.md atomically.
// Throws InputError when either is missing or unreadable.
void write_sweep_report_md(const std::string& dir);

}  // namespace bvr
