// `bvr report DIR [-o OUTDIR]`: writes report.html and report.md again from a run's results.json
// and series CSVs, or report.html from a sweep's sweep.csv, without simulating anything.
#pragma once
#include <string>
#include <vector>

namespace bvr {

// `args` are the words after "report". Returns the exit code: 0; 2 for bad input (a folder that
// is not a run or sweep, a malformed file); 1 when the charting libraries are not installed.
int command_report(const std::vector<std::string>& args);

}  // namespace bvr
