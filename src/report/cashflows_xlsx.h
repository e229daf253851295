// cashflows.xlsx: the cash flows of cashflows.csv as a workbook finance can audit (docs/results.md):
// a summary, one sheet per option (by category and calendar year, then by month), the daily rows
// with their discount factors, and notes. The discount rate is one input cell; NPVs, totals and
// differences between options are spreadsheet formulas over it, so they move when it is changed.
#pragma once
#include <string>
#include <vector>

#include "report/cashflows_csv.h"
#include "sim/results.h"

namespace bvr {

// Writes `path` whole or not at all (a temporary file beside it, then renamed). Throws
// OutputError naming `path` when it cannot be written.
void write_cashflows_xlsx(const std::string& path, const Results& results, const std::vector<CashFlowRow>& rows);

// The sheet of each option, in results.options order: its name cut to Excel's 31 characters
// and made unique (ignoring case) beside Summary, Daily and Notes.
std::vector<std::string> option_sheet_names(const Results& results);

}  // namespace bvr
