// series-<option>.csv: one row per day, for spreadsheets and charts (written with report/csv.h).
#pragma once
#include <string>
#include <vector>

#include "sim/outcome.h"
#include "sim/results.h"

namespace bvr {

// `serving`: the run served a demand (has_serving()): four serving columns follow the others.
// An option of two or more own sites adds, after those, each own site's draw and firm supply:
// `site_power_mw.<site>`, `site_supply_mw.<site>`, from `site_series` (days x sites,
// OptionOutcome::site_series; empty for other options) and the sites' names.
std::string series_csv(const std::vector<DailyRow>& series, bool serving = false,
                       const std::vector<SitePowerDay>& site_series = {}, const std::vector<std::string>& own_sites = {});
// Its header, column by column, without the serving and per-site columns.
const std::vector<std::string>& series_csv_columns();
const std::vector<std::string>& serving_series_columns();
// The names of an option's own (not leased) sites, in its order: the per-site columns' and lines'.
std::vector<std::string> own_site_names(const std::vector<SiteSummary>& sites);

}  // namespace bvr
