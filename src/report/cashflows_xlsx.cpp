#include "report/cashflows_xlsx.h"

#include <fmt/format.h>
#include <xlsxwriter.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>

#include "models/finance.h"
#include "report/atomic_file.h"
#include "report/output_dir.h"
#include "scenario/units.h"

namespace bvr {

namespace {

constexpr std::int64_t excel_serial_of_epoch = 25569;  // 1970-01-01 as an Excel date number
constexpr time_t fixed_creation_time = 946684800;      // 2000-01-01: the same bytes run after run
constexpr const char* rate_name = "discount_rate";     // the one input cell, Summary!$B$4

std::string letters(int col) {
  std::string s;
  for (int c = col + 1; c > 0; c = (c - 1) / 26) s.insert(s.begin(), static_cast<char>('A' + (c - 1) % 26));
  return s;
}
std::string cell(int row, int col) { return letters(col) + std::to_string(row + 1); }
std::string abs_cell(int row, int col) { return fmt::format("${}${}", letters(col), row + 1); }

// libxlsxwriter's writers, with rows and columns as ints (a sheet here is far below their limits).
void text(lxw_worksheet* ws, int row, int col, const std::string& value, lxw_format* format) {
  worksheet_write_string(ws, static_cast<lxw_row_t>(row), static_cast<lxw_col_t>(col), value.c_str(), format);
}
void number(lxw_worksheet* ws, int row, int col, double value, lxw_format* format) {
  worksheet_write_number(ws, static_cast<lxw_row_t>(row), static_cast<lxw_col_t>(col), value, format);
}
// A formula with its result cached beside it: a viewer that does not recalculate (a mail
// preview, a read-only viewer, a reader such as openpyxl's data_only) shows `result`, not 0.
void formula(lxw_worksheet* ws, int row, int col, const std::string& value, lxw_format* format, double result) {
  worksheet_write_formula_num(ws, static_cast<lxw_row_t>(row), static_cast<lxw_col_t>(col), value.c_str(), format,
                              result);
}
void formula_text(lxw_worksheet* ws, int row, int col, const std::string& value, lxw_format* format,
                  const std::string& result) {
  worksheet_write_formula_str(ws, static_cast<lxw_row_t>(row), static_cast<lxw_col_t>(col), value.c_str(), format,
                              result.c_str());
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

struct Formats {
  lxw_format *bold, *title, *usd, *usd_bold, *rate, *input_rate, *date, *number, *month;
};

Formats make_formats(lxw_workbook* wb) {
  auto make = [wb](const char* num, bool bold) {
    lxw_format* f = workbook_add_format(wb);
    if (num) format_set_num_format(f, num);
    if (bold) format_set_bold(f);
    return f;
  };
  Formats f{make(nullptr, true), make(nullptr, true), make("#,##0", false), make("#,##0", true),
            make("0.00%", false), make("0.00%", true), make("yyyy-mm-dd", false), make("0.000000", false),
            make("yyyy-mm", true)};
  format_set_font_size(f.title, 14);
  format_set_bg_color(f.input_rate, 0xFFF2CC);
  format_set_border(f.input_rate, LXW_BORDER_MEDIUM);
  return f;
}

// Calendar years and months spanned by the rows, from the first to the last day with spending.
// A month is the Excel date of its first day (shown yyyy-mm): criteria match numbers exactly,
// where a text such as 2024-03 could be read as a date.
struct Periods {
  std::vector<double> years, months;
};

int year_of(std::int64_t day) { return std::stoi(format_date(day).substr(0, 4)); }
std::string month_of(std::int64_t day) { return format_date(day).substr(0, 7); }
double month_serial(const std::string& month) {
  return static_cast<double>(parse_date(month + "-01") + excel_serial_of_epoch);
}

Periods periods_of(const std::vector<CashFlowRow>& rows, std::int64_t start_day) {
  std::int64_t first = 0, last = 0;
  for (std::size_t i = 0; i < rows.size(); ++i) {
    first = i ? std::min(first, rows[i].day) : rows[i].day;
    last = i ? std::max(last, rows[i].day) : rows[i].day;
  }
  Periods p;
  const std::string from = month_of(start_day + first), to = month_of(start_day + last);
  int y = std::stoi(from.substr(0, 4)), m = std::stoi(from.substr(5, 2));
  for (std::string key = from;; key = fmt::format("{:04}-{:02}", y, m)) {
    p.months.push_back(month_serial(key));
    if (p.years.empty() || p.years.back() != y) p.years.push_back(y);
    if (key == to) break;
    if (++m > 12) m = 1, ++y;
  }
  return p;
}

// The Daily sheet's columns, and an absolute range over its rows.
enum DailyColumn { DOption, DCategory, DDate, DYear, DMonth, DDay, DPaidAt, DAmount, DFactor, DPresent, DColumns };

struct Daily {
  int last_row = 1;  // 0-based; at least the first data row, so every range is valid
  std::string range(int col) const {
    return fmt::format("Daily!{}:{}", abs_cell(1, col), abs_cell(last_row, col));
  }
};

// What the Daily sheet's formulas compute, row by row: the cached results of every formula.
struct DailyValues {
  std::vector<double> year, month, present_usd;
};

// (1 + r)^(-t / 365.25): bvr's discount factor at the payment's mean time, t in days.
double discount_factor(double rate, double paid_at_day) { return std::pow(1 + rate, -paid_at_day / 365.25); }

DailyValues daily_values(const Results& results, const std::vector<CashFlowRow>& rows) {
  DailyValues v;
  for (const CashFlowRow& r : rows) {
    const std::int64_t day = results.start_day + r.day;
    v.year.push_back(year_of(day));
    v.month.push_back(month_serial(month_of(day)));
    v.present_usd.push_back(r.amount_usd * discount_factor(results.discount_rate, r.paid_at_day));
  }
  return v;
}

void write_daily(lxw_workbook* wb, const Formats& f, const Results& results, const std::vector<CashFlowRow>& rows,
                 const DailyValues& values) {
  lxw_worksheet* ws = workbook_add_worksheet(wb, "Daily");
  const char* headers[DColumns] = {"option", "category", "date", "year", "month", "day (since the start)",
                                   "paid at day (amount-weighted)", "amount (USD, nominal)", "discount factor",
                                   "present value (USD)"};
  for (int c = 0; c < DColumns; ++c) text(ws, 0, c, headers[c], f.bold);
  worksheet_freeze_panes(ws, 1, 0);
  worksheet_set_column(ws, 0, 1, 22, nullptr);
  worksheet_set_column(ws, 2, 9, 16, nullptr);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const CashFlowRow& r = rows[i];
    const int row = static_cast<int>(i + 1);
    const std::int64_t day = results.start_day + r.day;
    text(ws, row, DOption, r.option, nullptr);
    text(ws, row, DCategory, r.category, nullptr);
    number(ws, row, DDate, static_cast<double>(day + excel_serial_of_epoch), f.date);
    number(ws, row, DYear, values.year[i], nullptr);
    number(ws, row, DMonth, values.month[i], f.month);
    number(ws, row, DDay, static_cast<double>(r.day), nullptr);
    number(ws, row, DPaidAt, r.paid_at_day, f.number);
    number(ws, row, DAmount, r.amount_usd, f.usd);
    formula(ws, row, DFactor, fmt::format("=(1+{})^(-{}/365.25)", rate_name, cell(row, DPaidAt)), f.number,
            discount_factor(results.discount_rate, r.paid_at_day));
    formula(ws, row, DPresent, fmt::format("={}*{}", cell(row, DAmount), cell(row, DFactor)), f.usd,
            values.present_usd[i]);
  }
}

// Where an option sheet keeps its totals, for the summary's formulas.
struct OptionCells {
  std::string total_usd, npv_usd;  // 'sheet'!$X$n
  double total_value_usd = 0, npv_value_usd = 0;  // what they compute at the run's discount rate
};

// One block's figures as its formulas compute them.
struct BlockValues {
  double total_usd = 0, npv_usd = 0;
};

std::vector<std::string> categories_of(const std::string& option, const std::vector<CashFlowRow>& rows) {
  std::set<std::string> used;
  for (const auto& r : rows)
    if (r.option == option) used.insert(r.category);
  std::vector<std::string> out;  // in the ledger's order
  for (std::size_t c = 0; c < cost_category_count; ++c)
    if (const std::string name(cost_category_name(static_cast<CostCategory>(c))); used.count(name)) out.push_back(name);
  return out;
}

// One block: a row per category, a column per period (SUMIFS over the Daily rows), total and NPV.
// Returns the row of its Total line.
BlockValues write_block(lxw_worksheet* ws, const Formats& f, int row, const std::string& title,
                        const std::vector<double>& periods, lxw_format* period_format, DailyColumn period_column,
                        const std::vector<std::string>& categories, const Daily& daily, const std::string& option,
                        const std::vector<CashFlowRow>& rows, const DailyValues& values, int* total_row) {
  text(ws, row, 0, title, f.bold);
  const int header = row + 1, first = row + 2, total = first + static_cast<int>(categories.size());
  const int n = static_cast<int>(periods.size()), total_col = n + 1, npv_col = n + 2;
  text(ws, header, 0, "category", f.bold);
  for (int p = 0; p < n; ++p) number(ws, header, p + 1, periods[p], period_format);
  text(ws, header, total_col, "total (USD)", f.bold);
  text(ws, header, npv_col, "NPV at the discount rate (USD)", f.bold);
  const std::string of_option = fmt::format("{},$B$1", daily.range(DOption));
  const std::vector<double>& period_of_row = period_column == DYear ? values.year : values.month;
  // Column sums of the block, for its total line: the cached results, summed as the formulas do.
  std::vector<double> column_usd(static_cast<std::size_t>(npv_col) + 1, 0.0);
  for (int k = 0; k < static_cast<int>(categories.size()); ++k) {
    const int r = first + k;
    text(ws, r, 0, categories[k], nullptr);
    const std::string of_category = fmt::format("{},$A{}", daily.range(DCategory), r + 1);
    std::vector<double> by_period(static_cast<std::size_t>(n), 0.0);
    double npv_usd = 0;
    for (std::size_t i = 0; i < rows.size(); ++i) {
      if (rows[i].option != option || rows[i].category != categories[k]) continue;
      npv_usd += values.present_usd[i];
      const auto at = std::find(periods.begin(), periods.end(), period_of_row[i]);
      if (at != periods.end()) by_period[static_cast<std::size_t>(at - periods.begin())] += rows[i].amount_usd;
    }
    double total_usd = 0;
    for (int p = 0; p < n; ++p) {
      formula(ws, r, p + 1,
              fmt::format("=SUMIFS({},{},{},{},{}${})", daily.range(DAmount), of_option, of_category,
                          daily.range(period_column), letters(p + 1), header + 1),
              f.usd, by_period[p]);
      total_usd += by_period[p];
      column_usd[p + 1] += by_period[p];
    }
    formula(ws, r, total_col, fmt::format("=SUM({}:{})", cell(r, 1), cell(r, n)), f.usd, total_usd);
    formula(ws, r, npv_col, fmt::format("=SUMIFS({},{},{})", daily.range(DPresent), of_option, of_category), f.usd,
            npv_usd);
    column_usd[total_col] += total_usd;
    column_usd[npv_col] += npv_usd;
  }
  text(ws, total, 0, "total", f.bold);
  for (int c = 1; c <= npv_col; ++c) {
    const std::string sum = total > first ? fmt::format("=SUM({}:{})", cell(first, c), cell(total - 1, c)) : "=0";
    formula(ws, total, c, sum, f.usd_bold, column_usd[c]);
  }
  *total_row = total;
  return {column_usd[total_col], column_usd[npv_col]};
}

OptionCells write_option_sheet(lxw_workbook* wb, const Formats& f, const std::string& sheet, const OptionResult& o,
                               const Periods& periods, const std::vector<CashFlowRow>& rows, const Daily& daily,
                               const DailyValues& values, double discount_rate) {
  lxw_worksheet* ws = workbook_add_worksheet(wb, sheet.c_str());
  worksheet_set_column(ws, 0, 0, 26, nullptr);
  worksheet_set_column(ws, 1, static_cast<lxw_col_t>(std::max(periods.years.size(), periods.months.size()) + 2), 16, nullptr);
  text(ws, 0, 0, "option", f.bold);
  text(ws, 0, 1, o.name, nullptr);
  text(ws, 1, 0, "kind", f.bold);
  text(ws, 1, 1, o.kind, nullptr);
  text(ws, 2, 0, "discount rate (per year)", f.bold);
  formula(ws, 2, 1, fmt::format("={}", rate_name), f.rate, discount_rate);
  text(ws, 2, 2, "(Summary!B4)", nullptr);
  const auto categories = categories_of(o.name, rows);
  int total = 0, month_total = 0;
  const BlockValues year = write_block(ws, f, 4, "By calendar year: nominal cash flows, USD (the residual credit is negative)",
                                       periods.years, f.bold, DYear, categories, daily, o.name, rows, values, &total);
  write_block(ws, f, total + 2, "By calendar month: nominal cash flows, USD", periods.months, f.month, DMonth,
              categories, daily, o.name, rows, values, &month_total);
  const int n = static_cast<int>(periods.years.size());
  return {fmt::format("'{}'!{}", sheet, abs_cell(total, n + 1)), fmt::format("'{}'!{}", sheet, abs_cell(total, n + 2)),
          year.total_usd, year.npv_usd};
}

// Summary!$B$4 is the discount rate: the defined name every discount factor uses.
void write_summary(lxw_worksheet* ws, const Formats& f, const Results& results, const std::vector<OptionCells>& cells) {
  worksheet_set_column(ws, 0, 0, 34, nullptr);
  worksheet_set_column(ws, 1, 8, 20, nullptr);
  text(ws, 0, 0, fmt::format("{}: cash flows of every option, USD", results.scenario), f.title);
  text(ws, 2, 0, "scenario start", f.bold);
  number(ws, 2, 1, static_cast<double>(results.start_day + excel_serial_of_epoch), f.date);
  text(ws, 3, 0, "discount rate (per year): input", f.bold);
  number(ws, 3, 1, results.discount_rate, f.input_rate);
  text(ws, 3, 2, "change it: every NPV, difference and the verdict below follow", nullptr);
  text(ws, 4, 0, "discount rate of the run", f.bold);
  number(ws, 4, 1, results.discount_rate, f.rate);
  text(ws, 4, 2, "results.json's figures are at this rate", nullptr);
  const int header = 6, first = 7, n = static_cast<int>(results.options.size()), last = first + n - 1;
  // With credits beyond the runs (docs/market.md) the sheets' totals are net of them: compare
  // with the net cost the run ranked by.
  const std::string ranked = results.comparison.ranked_by;
  const std::string npv_header = fmt::format("results.json {} (USD, run's rate)", ranked);
  const char* headers[] = {"option", "kind", "total nominal (USD)", "NPV (USD)", "NPV minus the cheapest (USD)",
                           npv_header.c_str(), "results.json total_cost_usd (USD)"};
  for (int c = 0; c < 7; ++c) text(ws, header, c, headers[c], f.bold);
  const std::string npvs = fmt::format("{}:{}", abs_cell(first, 3), abs_cell(last, 3));
  // INDEX/MATCH gives the first option with the lowest NPV.
  int cheapest = 0;
  for (int i = 1; i < n; ++i)
    if (cells[i].npv_value_usd < cells[cheapest].npv_value_usd) cheapest = i;
  for (int i = 0; i < n; ++i) {
    const OptionResult& o = results.options[i];
    const int r = first + i;
    text(ws, r, 0, o.name, nullptr);
    text(ws, r, 1, o.kind, nullptr);
    formula(ws, r, 2, ("=" + cells[i].total_usd), f.usd, cells[i].total_value_usd);
    formula(ws, r, 3, ("=" + cells[i].npv_usd), f.usd, cells[i].npv_value_usd);
    formula(ws, r, 4, fmt::format("={}-MIN({})", cell(r, 3), npvs), f.usd,
            n > 0 ? cells[i].npv_value_usd - cells[cheapest].npv_value_usd : 0);
    number(ws, r, 5, o.metric(ranked).mean, f.usd);
    number(ws, r, 6, o.metric("total_cost_usd").mean, f.usd);
  }
  text(ws, last + 2, 0, "cheapest at this discount rate", f.bold);
  formula_text(ws, last + 2, 1,
               fmt::format("=INDEX({}:{},MATCH(MIN({}),{},0))", abs_cell(first, 0), abs_cell(last, 0), npvs, npvs),
               f.bold, n > 0 ? results.options[cheapest].name : "");
  text(ws, last + 3, 0, "cheapest in results.json", f.bold);
  text(ws, last + 3, 1, results.comparison.cheapest, nullptr);
  // Every pair: the row's option's NPV minus the column's.
  const int grid = last + 5;
  text(ws, grid, 0, "NPV of the row's option minus the column's (USD)", f.bold);
  for (int j = 0; j < n; ++j) text(ws, grid + 1, j + 1, results.options[j].name, f.bold);
  for (int i = 0; i < n; ++i) {
    text(ws, grid + 2 + i, 0, results.options[i].name, f.bold);
    for (int j = 0; j < n; ++j)
      formula(ws, grid + 2 + i, j + 1, fmt::format("={}-{}", abs_cell(first + i, 3), abs_cell(first + j, 3)), f.usd,
              cells[i].npv_value_usd - cells[j].npv_value_usd);
  }
}

void write_notes(lxw_workbook* wb, const Formats& f) {
  lxw_worksheet* ws = workbook_add_worksheet(wb, "Notes");
  worksheet_set_column(ws, 0, 0, 120, nullptr);
  const char* lines[] = {
      "How this workbook is built (bvr, docs/results.md, docs/finance.md)",
      "",
      "Amounts are USD, nominal, the mean over the run's replications; costs are positive, the residual value of what an "
      "option owns at the horizon is a negative cost (category residual_value).",
      "Daily: one row per option, day and cost category with spending; day d holds what was paid in [d, d + 1) days "
      "from the scenario start (the last day also holds the residual credit at the horizon).",
      "paid at day: the amount-weighted mean time of that day's payments, in days since the start (a payment at "
      "midnight: d; a constant flow over the whole day: about d + 0.5).",
      "Discounting: bvr discounts every payment at its exact time, continuously: factor (1 + r)^(-t / 365.25), t in "
      "days, r the annual rate (Julian year).",
      "Here each daily row is discounted at its paid-at day: discount factor = (1 + discount_rate)^(-paid at day / "
      "365.25), present value = amount x factor.",
      "Over one day (1 + r)^(-t) is so nearly linear that this equals bvr's exact present value to about 1e-8 "
      "relative at any rate: the NPVs agree with results.json's npv_cost_usd within rounding.",
      "discount_rate is the defined name of Summary!B4, the only input: change it and every discount factor, NPV, "
      "difference and the cheapest option follow.",
      "Option sheets: by calendar year and by calendar month, SUMIFS of the Daily amounts; total = sum of the periods; "
      "NPV = SUMIFS of the Daily present values. Summary refers to their totals.",
      "The same rows are in cashflows.csv (columns option, date, day, category, amount_usd, paid_at_day).",
      "Every formula is stored with its result at the run's discount rate, so a viewer that does not recalculate shows "
      "the figures; Excel recomputes on opening; after editing in LibreOffice, Data > Calculate > Recalculate Hard "
      "(or set recalculation on file load to Always).",
  };
  int row = 0;
  for (const char* line : lines) {
    text(ws, row, 0, line, row == 0 ? f.title : nullptr);
    ++row;
  }
}

}  // namespace

std::vector<std::string> option_sheet_names(const Results& results) {
  std::set<std::string> taken{"summary", "daily", "notes"};
  std::vector<std::string> out;
  for (const auto& o : results.options) {
    std::string name = o.name.substr(0, 31);
    for (int k = 2; taken.count(lower(name)); ++k) {
      const std::string suffix = fmt::format("~{}", k);
      name = o.name.substr(0, 31 - suffix.size()) + suffix;
    }
    taken.insert(lower(name));
    out.push_back(name);
  }
  return out;
}

void write_cashflows_xlsx(const std::string& path, const Results& results, const std::vector<CashFlowRow>& rows) {
  const std::string temp = temporary_path(path);
  lxw_workbook* wb = workbook_new(temp.c_str());
  if (!wb) throw OutputError(fmt::format("{}: cannot write it: out of memory", path));
  lxw_doc_properties properties{};
  properties.title = const_cast<char*>("Cash flows by option and cost category");
  properties.comments = const_cast<char*>("Written by bvr from a run's results; docs/results.md");
  properties.created = fixed_creation_time;
  workbook_set_properties(wb, &properties);
  const Formats f = make_formats(wb);
  lxw_worksheet* summary = workbook_add_worksheet(wb, "Summary");
  workbook_define_name(wb, rate_name, "=Summary!$B$4");
  Daily daily;
  daily.last_row = std::max<int>(1, static_cast<int>(rows.size()));
  const DailyValues values = daily_values(results, rows);
  const Periods periods = periods_of(rows, results.start_day);
  const auto sheets = option_sheet_names(results);
  std::vector<OptionCells> cells;
  for (std::size_t i = 0; i < results.options.size(); ++i)
    cells.push_back(
        write_option_sheet(wb, f, sheets[i], results.options[i], periods, rows, daily, values, results.discount_rate));
  write_daily(wb, f, results, rows, values);
  write_notes(wb, f);
  write_summary(summary, f, results, cells);
  if (const lxw_error error = workbook_close(wb); error != LXW_NO_ERROR) {
    std::remove(temp.c_str());
    throw OutputError(fmt::format("{}: cannot write it: {}", path, lxw_strerror(error)));
  }
  commit_temporary_file(temp, path);
}

}  // namespace bvr
