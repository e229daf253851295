// cashflows.csv rows from Results, written and read back (report/cashflows_csv.h), and the
// workbook's sheet names (report/cashflows_xlsx.h). The workbook itself: test_cashflows_cli.cpp.
#include <doctest/doctest.h>

#include "models/finance.h"
#include "report/cashflows_csv.h"
#include "report/cashflows_xlsx.h"
#include "scenario/input_error.h"

using namespace bvr;

namespace {

Results two_days() {
  Results r;
  r.start_day = 19'783;  // 2024-03-01
  OptionResult o;
  o.name = "build";
  o.cash_by_day.resize(2);
  const auto servers = static_cast<std::size_t>(CostCategory::GpuServers);
  const auto staff = static_cast<std::size_t>(CostCategory::Staff);
  const auto residual = static_cast<std::size_t>(CostCategory::ResidualValue);
  o.cash_by_day[0].usd[servers] = 1e6;  // a lump at midnight
  o.cash_by_day[0].usd_days[servers] = 0;
  o.cash_by_day[0].usd[staff] = 100.125;  // a flow over the day: paid on average at 0.5
  o.cash_by_day[0].usd_days[staff] = 50.0625;
  o.cash_by_day[1].usd[residual] = -2.5e5;  // credited at the horizon, day 2
  o.cash_by_day[1].usd_days[residual] = -5e5;
  r.options.push_back(o);
  return r;
}

}  // namespace

TEST_CASE("cashflows.csv: the non-zero spending by day, written and read back exactly") {
  const Results r = two_days();
  const auto rows = cash_flow_rows(r);
  REQUIRE(rows.size() == 3);
  CHECK(rows[0].category == "gpu_servers");
  CHECK(rows[0].paid_at_day == 0);
  CHECK(rows[1].category == "staff");
  CHECK(rows[1].paid_at_day == 0.5);
  CHECK(rows[2].category == "residual_value");
  CHECK(rows[2].amount_usd == -2.5e5);
  CHECK(rows[2].paid_at_day == 2);
  const std::string csv = cashflows_csv(rows, r.start_day);
  CHECK(csv.starts_with("option,date,day,category,amount_usd,paid_at_day\nbuild,2024-03-01,0,gpu_servers,1000000,0\n"));
  CHECK(csv.find("build,2024-03-02,1,residual_value,-250000,2\n") != std::string::npos);
  const auto back = cashflows_from_csv(csv, "cashflows.csv");
  REQUIRE(back.size() == rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) {
    CHECK(back[i].option == rows[i].option);
    CHECK(back[i].category == rows[i].category);
    CHECK(back[i].day == rows[i].day);
    CHECK(back[i].amount_usd == rows[i].amount_usd);
    CHECK(back[i].paid_at_day == rows[i].paid_at_day);
  }
}

TEST_CASE("cashflows.csv: a malformed file is refused at its place") {
  const std::string header = "option,date,day,category,amount_usd,paid_at_day\n";
  CHECK_THROWS_WITH_AS(cashflows_from_csv(header + "a,2024-03-01,0,gold,1,0\n", "f.csv"),
                       "f.csv:2:16: unknown cost category \"gold\"", InputError);
  CHECK_THROWS_WITH_AS(cashflows_from_csv(header + "a,2024-03-01,0,staff,x,0\n", "f.csv"),
                       "f.csv:2:22: expected a number, got \"x\"", InputError);
  CHECK_THROWS_AS(cashflows_from_csv(header + "a,2024-03-01,0,staff,1\n", "f.csv"), InputError);  // a field short
  CHECK_THROWS_AS(cashflows_from_csv("option,day\n", "f.csv"), InputError);
}

TEST_CASE("cashflows.xlsx: one sheet per option, at most 31 characters, unique whatever the case") {
  Results r;
  for (const char* name : {"lease", "Summary", "a-very-long-option-name-of-forty-characters", "a-very-long-option-name-of-forty-characters-2"}) {
    OptionResult o;
    o.name = name;
    r.options.push_back(o);
  }
  const auto names = option_sheet_names(r);
  CHECK(names[0] == "lease");
  CHECK(names[1] == "Summary~2");
  CHECK(names[2] == "a-very-long-option-name-of-fort");
  CHECK(names[3] == "a-very-long-option-name-of-fo~2");
}
