// DIR/outputs.json: the files a `bvr run` wrote into DIR (docs/results.md), so that the next run
// into DIR can remove those it no longer writes (the series of an option since renamed or
// removed, a report.html the charting libraries are now missing for) and nothing else.
#pragma once
#include <string>
#include <vector>

namespace bvr {

// The names a run may write, and so the only ones a manifest may list: results.json, report.md,
// report.html, cashflows.csv, cashflows.xlsx, series-<plain option name>.csv.
bool is_run_output_name(const std::string& name);

std::string outputs_manifest_json(const std::vector<std::string>& files);

// The files listed in DIR/outputs.json; empty when there is none. Entries that are not run output
// names are dropped (a manifest edited to name ../x removes nothing outside DIR). A manifest that
// cannot be read gives `problem` and an empty list: then nothing is removed.
std::vector<std::string> read_outputs_manifest(const std::string& dir, std::string& problem);

}  // namespace bvr
