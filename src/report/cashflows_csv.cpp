#include "report/cashflows_csv.h"

#include <fmt/format.h>

#include <charconv>
#include <type_traits>
#include <cmath>

#include "models/finance.h"
#include "report/csv.h"
#include "scenario/input_error.h"
#include "scenario/units.h"

namespace bvr {

namespace {

// The shortest text that reads back as the same double.
std::string number_text(double x) { return fmt::format("{}", x); }

bool is_category_name(std::string_view name) {
  for (std::size_t c = 0; c < cost_category_count; ++c)
    if (cost_category_name(static_cast<CostCategory>(c)) == name) return true;
  return false;
}

}  // namespace

const std::vector<std::string>& cashflows_csv_columns() {
  static const std::vector<std::string> columns{"option", "date", "day", "category", "amount_usd", "paid_at_day"};
  return columns;
}

std::vector<CashFlowRow> cash_flow_rows(const Results& results) {
  std::vector<CashFlowRow> rows;
  for (const auto& option : results.options)
    for (std::size_t d = 0; d < option.cash_by_day.size(); ++d)
      for (std::size_t c = 0; c < cost_category_count; ++c) {
        const double usd = option.cash_by_day[d].usd[c];
        if (usd == 0) continue;
        const double paid_at = option.cash_by_day[d].usd_days[c] / usd;
        rows.push_back({option.name, std::string(cost_category_name(static_cast<CostCategory>(c))),
                        static_cast<std::int64_t>(d), usd, std::isfinite(paid_at) ? paid_at : static_cast<double>(d) + 0.5});
      }
  return rows;
}

std::string cashflows_csv(const std::vector<CashFlowRow>& rows, std::int64_t start_day) {
  std::string out = csv_record(cashflows_csv_columns());
  for (const auto& r : rows)
    out += csv_record({r.option, format_date(start_day + r.day), fmt::format("{}", r.day), r.category,
                       number_text(r.amount_usd), number_text(r.paid_at_day)});
  return out;
}

std::vector<CashFlowRow> cashflows_from_csv(std::string_view text, const std::string& file) {
  const std::vector<CsvRecord> records = read_csv(text, file);
  const auto& columns = cashflows_csv_columns();
  auto fail = [&file](const CsvCell& cell, const std::string& what) {
    return InputError(fmt::format("{}:{}:{}: {}", file, cell.line, cell.column, what));
  };
  const CsvRecord& header = records.front();
  bool same = header.size() == columns.size();
  for (std::size_t c = 0; same && c < columns.size(); ++c) same = header[c].text == columns[c];
  if (!same) throw fail(header.front(), fmt::format("expected the header \"{}\"", fmt::join(columns, ",")));
  std::vector<CashFlowRow> rows;
  for (std::size_t l = 1; l < records.size(); ++l) {
    const CsvRecord& cells = records[l];
    auto number = [&](std::size_t cell, auto& out) {
      const std::string& t = cells[cell].text;
      const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
      if (t.empty() || ec != std::errc() || end != t.data() + t.size())
        throw fail(cells[cell], fmt::format("expected a number, got \"{}\"", t));
      if constexpr (std::is_floating_point_v<std::remove_reference_t<decltype(out)>>)
        if (!std::isfinite(out)) throw fail(cells[cell], fmt::format("expected a finite number, got \"{}\"", t));
    };
    CashFlowRow r;
    r.option = cells[0].text;
    if (r.option.empty()) throw fail(cells[0], "expected an option name");
    number(2, r.day);
    if (r.day < 0) throw fail(cells[2], "expected a day on or after the start (0 or more)");
    r.category = cells[3].text;
    if (!is_category_name(r.category)) throw fail(cells[3], fmt::format("unknown cost category \"{}\"", r.category));
    number(4, r.amount_usd);
    number(5, r.paid_at_day);
    rows.push_back(std::move(r));
  }
  return rows;
}

}  // namespace bvr
