// report.md: the comparison for wikis and pull requests.
#pragma once
#include <string>

#include "sim/results.h"

namespace bvr {

std::string report_markdown(const Results& results);
// The report model report.md and report.html are both rendered from: report.md's text with each
// numeric table cell marked with the results.json keys of its values (report/format.h, sourced);
// report_markdown is this without the marks.
std::string report_markdown_sourced(const Results& results);

}  // namespace bvr
