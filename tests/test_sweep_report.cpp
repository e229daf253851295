// The sweep's CSV fields and report.md on hand-made data: the cheapest option per point, the
// means by axis value, and where the verdict flips.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <string>

#include "report/sweep_csv.h"
#include "report/sweep_report_md.h"

using namespace bvr;

TEST_CASE("sweep csv: point files join in order under one header and refuse different columns") {
  const std::string header = "point,x [USD],option,npv_cost_usd_mean\n";
  CHECK(join_point_csvs({{"0.csv", header + "0,1,a,5\n"}, {"1.csv", header + "1,2,a,6\n"}}) == header + "0,1,a,5\n1,2,a,6\n");
  CHECK_THROWS_WITH(join_point_csvs({{"0.csv", header + "0,1,a,5\n"}, {"1.csv", "point,y,option,npv_cost_usd_mean\n1,2,a,6\n"}}),
                    doctest::Contains("1.csv: its columns differ from those of 0.csv"));
  // A header with a quoted line break (a failure class "a\nb") is one record, kept whole.
  const std::string odd = "point,option,\"interruptions_a\nb_mean\"\n";
  CHECK(join_point_csvs({{"0.csv", odd + "0,a,1\n"}, {"1.csv", odd + "1,a,2\n"}}) == odd + "0,a,1\n1,a,2\n");
}

// Issue 18: a point file cut mid-row used to be glued to the next point's first row.
TEST_CASE("sweep csv: a point file cut short is never joined to the next one") {
  const std::string header = "point,x [USD],option,npv_cost_usd_mean\n";
  CHECK_THROWS_WITH(join_point_csvs({{"p/0.csv", header + "0,1,a,5\n0,1,b,"}, {"p/1.csv", header + "1,2,a,6\n1,2,b,7\n"}}),
                    doctest::Contains("p/0.csv:3:7: the last record has no line break at its end"));
  CHECK_THROWS_WITH(join_point_csvs({{"p/0.csv", ""}}), doctest::Contains("p/0.csv:1:1: expected a CSV header"));
}

TEST_CASE("sweep report: verdict counts, means by axis value and the flip") {
  SweepManifest m;
  m.sweep_file = "s.yaml";
  m.base_file = "base.yaml";
  m.mode = "grid";
  m.replications = 2;
  m.axes = {{"price", "USD"}, {"delay", "days"}};
  m.points = {{0, {"5", "0"}}, {1, {"5", "30"}}, {2, {"10", "0"}}, {3, {"10", "30"}}};
  // Option a costs 100 x price, b costs 800 + delay: a is cheaper at 5 (500 < 800, 830), b at 10.
  std::string csv = "point,price [USD],delay [days],option,npv_cost_usd_mean,time_to_train_days_mean\n";
  for (const auto& p : m.points) {
    const double price = std::stod(p.values[0]), delay = std::stod(p.values[1]);
    csv += fmt::format("{},{},{},a,{},100\n", p.index, p.values[0], p.values[1], 100 * price);
    csv += fmt::format("{},{},{},b,{},{}\n", p.index, p.values[0], p.values[1], 800 + delay, 90 + delay);
  }
  const std::string md = sweep_report_markdown(m, csv);
  INFO(md);
  CHECK(md.find("| a | 2 points | 50.0 % |") != std::string::npos);
  CHECK(md.find("| b | 2 points | 50.0 % |") != std::string::npos);
  // By price: at 5, b's mean over delays 0 and 30 is 815 and its days 105.0.
  CHECK(md.find("| 5 | 2 | $500 | $815 | 100.0 | 105.0 | a |") != std::string::npos);
  CHECK(md.find("| 10 | 2 | $1.0k | $815 | 100.0 | 105.0 | b |") != std::string::npos);
  CHECK(md.find("- `price`: a at 5 [USD], b at 10 [USD]") != std::string::npos);
  CHECK(md.find("`delay`:") == std::string::npos);  // averaged over price, b wins at both delays
  CHECK(md.find("| **5** | a | a |") != std::string::npos);
  CHECK(md.find("| **10** | b | b |") != std::string::npos);
}
