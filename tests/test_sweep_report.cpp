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

TEST_CASE("sweep csv: a point file is whole only with its header, its point, a row per option and numbers") {
  SweepAxis price, word;
  price.key = "options.lease.list_price";
  price.unit = "USD/GPU/h";
  word.key = "options.build.fabric.routing";
  const std::vector<std::string> columns = {axis_column(price.key, price.unit), axis_column(word.key, word.unit)};
  CHECK(columns[0] == "options.lease.list_price [USD/GPU/h]");
  CHECK(columns[1] == "options.build.fabric.routing");
  const SweepPoint point{3, {"8", "a,b"}};
  Results results;
  for (const char* name : {"lease", "build"}) {
    OptionResult o;
    o.name = name;
    o.metrics = {{"npv_cost_usd", {1.5, 1, 2, 3}}, {"time_to_train_days", {100, 90, 100, 110}}};
    o.finished_share = o.name == "lease" ? 1 : 0.5;  // the build finished in half the replications
    results.options.push_back(o);
  }
  const std::string text = point_csv({price, word}, point, results);
  const std::string header = point_csv_header(columns, {"npv_cost_usd", "time_to_train_days"});
  CHECK(text.starts_with(header));
  CHECK(header ==
        "point,options.lease.list_price [USD/GPU/h],options.build.fabric.routing,option,finished_all_runs,finished_share,"
        "npv_cost_usd_mean,npv_cost_usd_p10,"
        "npv_cost_usd_p50,npv_cost_usd_p90,time_to_train_days_mean,time_to_train_days_p10,time_to_train_days_p50,"
        "time_to_train_days_p90\n");
  CHECK(text.substr(header.size()) ==
        "3,8,\"a,b\",lease,true,1,1.5,1,2,3,100,90,100,110\n3,8,\"a,b\",build,false,0.5,1.5,1,2,3,100,90,100,110\n");
  const PointFileExpectation exact{header, {"lease", "build"}};
  CHECK(point_file_problem(text, "3.csv", columns, point, exact).empty());
  CHECK(point_file_problem(text, "3.csv", columns, point).empty());  // the shape alone (bvr merge)
  // Every cut is refused: mid-row, at a row's end (a row missing), or the header alone.
  for (std::size_t n = 0; n < text.size(); ++n) {
    INFO(n);
    CHECK(!point_file_problem(text.substr(0, n), "3.csv", columns, point, exact).empty());
  }
  CHECK(point_file_problem(text.substr(0, text.size() - 1), "3.csv", columns, point) ==
        "3.csv:3:51: the last record has no line break at its end: the file was cut short?");
  CHECK(point_file_problem(header, "3.csv", columns, point) == "3.csv: expected a row per option after the header, got none");
  CHECK(point_file_problem(text.substr(0, text.rfind("\n3,8,") + 1), "3.csv", columns, point, exact) ==
        "3.csv: expected 2 rows (one per option), got 1");
  // Another point's file, other values, another option order, a word for a number, another header.
  CHECK(point_file_problem(text, "3.csv", columns, {4, {"8", "a,b"}}) == "3.csv:2:1: expected point 4, got \"3\"");
  CHECK(point_file_problem(text, "3.csv", columns, {3, {"8", "a"}}) == "3.csv:2:5: expected the point's value \"a\", got \"a,b\"");
  CHECK(point_file_problem(text, "3.csv", columns, point, {header, {"build", "lease"}}) ==
        "3.csv:2:11: expected the option \"build\", got \"lease\"");
  std::string word_for_number = text;
  word_for_number.replace(word_for_number.find(",1.5,"), 5, ",x,");
  CHECK(point_file_problem(word_for_number, "3.csv", columns, point) == "3.csv:2:24: expected a number, got \"x\"");
  // finished_all_runs is true or false (sweep.csv ranks only the options that finished).
  std::string not_a_flag = text;
  not_a_flag.replace(not_a_flag.find(",true,"), 6, ",yes,");
  CHECK(point_file_problem(not_a_flag, "3.csv", columns, point) ==
        "3.csv:2:17: expected true or false (finished_all_runs), got \"yes\"");
  CHECK(point_file_problem(text, "3.csv", columns, point, {point_csv_header(columns, {"npv_cost_usd"}), {}}).starts_with(
      "3.csv:1:1: expected the header this bvr writes"));
  CHECK(point_file_problem(text, "3.csv", {columns[0], "other"}, point) ==
        "3.csv:1:44: expected the column \"other\", got \"options.build.fabric.routing\"");
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

// Issue 18: the sweep report counted an option that had not finished as the cheapest.
TEST_CASE("sweep report: only options that finished every run are ranked, unfinished ones are marked") {
  SweepManifest m;
  m.sweep_file = "s.yaml";
  m.base_file = "base.yaml";
  m.mode = "grid";
  m.replications = 1;
  m.axes = {{"flop", "FLOP"}};
  m.points = {{0, {"1e24"}}, {1, {"1e26"}}, {2, {"1e40"}}};
  // a is cheaper everywhere, but finishes only at 1e24; b finishes at 1e24 and 1e26; nobody at 1e40.
  std::string csv = "point,flop [FLOP],option,finished_all_runs,finished_share,npv_cost_usd_mean,time_to_train_days_mean\n";
  csv += "0,1e24,a,true,1,100,10\n0,1e24,b,true,1,200,20\n";
  csv += "1,1e26,a,false,0,100,30\n1,1e26,b,true,1,200,25\n";
  csv += "2,1e40,a,false,0,100,30\n2,1e40,b,false,0,200,30\n";
  const std::string md = sweep_report_markdown(m, csv);
  INFO(md);
  CHECK(md.find("| a | 1 points | 33.3 % | 2 points |") != std::string::npos);
  CHECK(md.find("| b | 1 points | 33.3 % | 1 points |") != std::string::npos);
  CHECK(md.find("| *none finished* | 1 points | 33.3 % | |") != std::string::npos);
  CHECK(md.find("| 1e26 | 1 | $100 (not finished at 1 of 1) | $200 | 30.0 (not finished at 1 of 1) | 25.0 | b |") !=
        std::string::npos);
  CHECK(md.find("| 1e40 | 1 | $100 (not finished at 1 of 1) | $200 (not finished at 1 of 1) |") != std::string::npos);
  CHECK(md.find("none finished |\n") != std::string::npos);
  CHECK(md.find("no finished_all_runs column") == std::string::npos);
  // A sweep.csv written before the column: every option ranked, and the report says so.
  const std::string old = "point,flop [FLOP],option,npv_cost_usd_mean,time_to_train_days_mean\n0,1e24,a,100,10\n0,1e24,b,200,20\n";
  SweepManifest one = m;
  one.points = {{0, {"1e24"}}};
  const std::string old_md = sweep_report_markdown(one, old);
  CHECK(old_md.find("| a | 1 points | 100.0 % | 0 points |") != std::string::npos);
  CHECK(old_md.find("no finished_all_runs column") != std::string::npos);
}
