// Reading a run back: results.json and the series CSVs into Results, so `bvr report` writes the
// same report.md and report.html as `bvr run` did, without simulating again.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "sim/results.h"

namespace bvr {

// Parses JSON text; a syntax error is an InputError naming file:line:column.
nlohmann::ordered_json parse_json_file_text(const std::string& text, const std::string& file);

// Results as results_json() wrote them (series left empty). Throws InputError naming the file
// and the key path when a key report.md needs is missing or of the wrong type.
Results results_from_json(const nlohmann::ordered_json& doc, const std::string& file);

// series-<option>.csv back into rows (at the CSV's precision). Throws InputError naming
// file:line:column.
// A series-<option>.csv; with `site_series`, also its per-site columns (days x own sites), if any.
std::vector<DailyRow> series_from_csv(const std::string& text, const std::string& file,
                                      std::vector<SitePowerDay>* site_series = nullptr);

}  // namespace bvr
