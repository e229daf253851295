// report.html and what `bvr report` reads back: escaping, data, charts present only with their
// data, no external resources; results.json, series CSV and sweep.csv readers.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "models/finance.h"
#include "report/format.h"
#include "report/html_page.h"
#include "report/report_html.h"
#include "report/report_md.h"
#include "report/results_json.h"
#include "report/results_reader.h"
#include "report/series_csv.h"
#include "report/sweep_html.h"
#include "report/sweep_table.h"
#include "scenario/input_error.h"
#include "sim/outcome.h"
#include "sim/verdict.h"
#include "scenario/units.h"

using namespace bvr;

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) ++n;
  return n;
}

// Stand-ins for the libraries: the tests check the page, not Vega.
const ReportAssets fake_assets{"/*VEGA*/", "/*VEGA-LITE*/", "/*VEGA-EMBED*/", "vega BSD-3 notice -- with dashes"};

// Two options with every metric report.md reads; option b costs twice as much.
Results fake_results(const std::string& scenario = "test") {
  Results r;
  r.scenario = scenario;
  r.file = "scenarios/test.yaml";
  r.seed = 7;
  r.replications = 3;
  r.start_day = 19'783;  // 2024-03-01
  r.value_of_time_usd_per_day = 1e6;
  for (int k = 0; k < 2; ++k) {
    OptionResult o;
    o.name = k == 0 ? "a&b" : "build";
    o.kind = k == 0 ? "lease" : "build";
    const double scale = k + 1;
    auto add = [&](const std::string& name, double mean) {
      o.metrics.push_back({name, {mean, mean * 0.9, mean, mean * 1.1}});
    };
    for (std::size_t m = 0; m < metric_count; ++m) add(std::string(metric_name(static_cast<Metric>(m))), scale);
    for (auto& m : o.metrics) {
      if (m.name == "npv_cost_usd") m.summary = {1.25e9 * scale, 1.2e9 * scale, 1.25e9 * scale, 1.3e9 * scale};
      if (m.name == "time_to_train_days") m.summary = {100 * scale, 90 * scale, 100 * scale, 110 * scale};
      if (m.name == "completed_fraction") m.summary = {1, 1, 1, 1};
    }
    for (std::size_t c = 0; c < cost_category_count; ++c)
      add(fmt::format("cost_{}_usd", cost_category_name(static_cast<CostCategory>(c))),
          c == 1 ? 7.5e8 * scale : 0);  // only gpu_servers is spent on
    for (std::size_t c = 0; c < lost_cause_count; ++c)
      add(fmt::format("lost_gpu_hours_{}", lost_cause_name(static_cast<Lost>(c))), 10);
    add("interruptions_gpu", 4);
    o.run_finish_days.push_back({"only", {100, 90, 100, 110}});
    for (int d = 0; d < 30; ++d) {
      DailyRow row;
      row.day = r.start_day + d;
      row.gpus_online = 1000 * d;
      row.training_progress = d / 29.0;
      row.cumulative_cost_usd = 1e6 * d + 0.123456;
      row.facility_power_mw = 1.23456789 * d;
      row.power_supply_mw = 50;
      row.binding = d < 10 ? CapacityLimit::Delivery : CapacityLimit::None;
      o.series.push_back(row);
    }
    o.capacity_periods = capacity_periods(o.series);
    o.monthly_power = monthly_power(o.series);
    r.options.push_back(o);
  }
  r.comparison.cheapest = "a&b";
  r.comparison.fastest = "a&b";
  r.comparison.best_time_adjusted = "a&b";
  return r;
}

// What a fabric simulation measured, with round numbers: 1.5 GB per GPU reduce-scattered over
// 16 GPUs in 20 ms, 0.8 of the closed form's 25 ms.
SimulatedCollective fake_collective() {
  return {"data-parallel gradients", CollectiveKind::ReduceScatter, 1.5e9, 16, 64, 0.02, 75e9, 75e9 * 15 / 16, 0.025,
          0.8};
}

nlohmann::ordered_json doc_of(const Results& r) { return parse_json_file_text(results_json(r), "results.json"); }

// The page's data block (between the JSON script tags).
std::string data_block(const std::string& html) {
  const std::string open = "<script type=\"application/json\" id=\"bvr-data\">";
  const auto from = html.find(open) + open.size();
  return html.substr(from, html.find("</script>", from) - from);
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("report.html: escapes names in the text and in the inline data") {
  const Results r = fake_results("x</script><script>alert(1)</script>");
  const std::string html = report_html(r, doc_of(r), fake_assets);
  CHECK(!contains(html, "<script>alert(1)"));
  CHECK(contains(html, "<h1>bvr report: x&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;</h1>"));
  CHECK(contains(html, "<title>bvr report: x&lt;/script&gt;"));
  // Scripts: three libraries, the data, the runtime; every one closed once.
  CHECK(count(html, "<script") == 5);
  CHECK(count(html, "</script>") == 5);
  const std::string data = data_block(html);
  CHECK(!contains(data, "<"));
  CHECK(contains(data, "\"a\\u0026b\""));  // the option named a&b
  const auto parsed = nlohmann::json::parse(data);  // still valid JSON, the same strings
  CHECK(parsed["datasets"]["options"]["rows"][0][0] == "a&b");
  CHECK(json_for_script("\"</script><!--\"") == "\"\\u003c/script\\u003e\\u003c!--\"");
  CHECK(escape_html("<a href=\"x\">'&'</a>") == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

TEST_CASE("report.html: holds the data, the verdict and table of report.md, and no external resource") {
  const Results r = fake_results();
  const std::string html = report_html(r, doc_of(r), fake_assets);
  const auto data = nlohmann::json::parse(data_block(html));
  // NPV means as written to results.json; the series as weekly means (30 days: weeks from days
  // 0, 7, 14, 21 and 28) plus the last day, at the CSV's decimals.
  CHECK(data["datasets"]["options"]["rows"][1][2] == 2.5e9);
  CHECK(data["datasets"]["series"]["rows"].size() == 2 * 6);
  CHECK(data["datasets"]["series"]["rows"][1][1] == "2024-03-08");
  CHECK(data["datasets"]["series"]["rows"][1][2] == 10000);  // GPUs online 1000 x d, days 7 to 13: mean 10,000
  CHECK(data["datasets"]["series"]["rows"][5][1] == "2024-03-30");
  // Power: drawn, and the supply of the option's own sites (no lease: no provider's line), each
  // week's mean: days 7 to 13 draw 1.23456789 x 10 MW on average, no saw-tooth of single days.
  const auto& power = data["datasets"]["power"]["rows"];
  REQUIRE(power.size() == 2 * 6 * 2);
  CHECK(power[2][1] == "2024-03-08");
  CHECK(power[2][2] == "drawn");
  CHECK(power[2][3] == doctest::Approx(12.3457));
  CHECK(power[2][6] == doctest::Approx(1.23456789 * 13).epsilon(1e-4));  // the week's peak
  CHECK(power[3][2] == "supply, own sites");
  CHECK(power[3][3] == 50);
  for (const auto& row : power) CHECK(row[2] != "supply, provider's cap");  // no lease here
  // Both verdicts per option, as results.json has them.
  const auto& verdicts = data["datasets"]["verdicts"]["rows"];
  REQUIRE(verdicts.size() == 2 * 2);
  CHECK(verdicts[2][1] == "NPV cost");
  CHECK(verdicts[2][2] == 2.5e9);
  CHECK(verdicts[3][1] == "time-adjusted cost");
  CHECK(verdicts[3][2] == r.options[1].metric("time_adjusted_cost_usd").mean);
  // Only the cost category spent on; the costs in the order of results.json.
  CHECK(data["datasets"]["costs"]["rows"].size() == 2);
  CHECK(data["datasets"]["costs"]["rows"][0][1] == "gpu_servers");
  CHECK(contains(html, "<strong>Cheapest</strong> (lowest NPV cost): <strong>a&amp;b</strong> at "
                       "<span data-key=\"options.a&amp;b.metrics.npv_cost_usd.mean\">$1.25B</span>."));
  CHECK(contains(html, "<th>option</th><th>kind</th><th>days to train</th>"));
  CHECK(contains(html, "<td>build</td><td>build</td><td data-key=\"options.build.metrics.time_to_train_days.p50 "
                       "options.build.metrics.time_to_train_days.p10 options.build.metrics.time_to_train_days.p90\">"
                       "200.0 (180.0–220.0)</td>"));
  // Vendored code and notices inline; nothing loaded from elsewhere.
  CHECK(contains(html, "/*VEGA-LITE*/"));
  CHECK(contains(html, "vega BSD-3 notice - - with dashes"));  // "--" cannot end the comment early
  CHECK(!contains(html, "<script src"));
  CHECK(!contains(html, "<link"));
  CHECK(!contains(html, "src=\"http"));
  CHECK(!contains(html, "import("));
  // Every chart has its container and its spec, once.
  for (const char* id : {"gpus", "power", "progress", "cumulative-cost", "npv", "cost-breakdown", "time-to-train"}) {
    INFO(id);
    CHECK(count(html, fmt::format("id=\"chart-{}\"", id)) == 1);
    CHECK(count(data_block(html), fmt::format("\"id\":\"{}\"", id)) == 1);
  }
}

TEST_CASE("report.html: the step-time, collectives and tornado charts appear only with their data") {
  Results r = fake_results();
  auto doc = doc_of(r);
  std::string html = report_html(r, doc, fake_assets);
  CHECK(!contains(html, "chart-step-time"));
  CHECK(!contains(html, "chart-collectives"));
  CHECK(!contains(html, "chart-tornado"));
  CHECK(!contains(data_block(html), "\"step_time\""));
  CHECK(!contains(data_block(html), "\"collectives\""));

  doc["options"][1]["step_time"] = {{"gpus", 1024},
                                    {"layout", {{"tp", 8}, {"pp", 4}, {"schedule", "1f1b"}}},
                                    {"step_s", 4.5},
                                    {"breakdown_s", {{"compute", 3.25}, {"tp_comm", 0.5}, {"bubble", 0.75}}},
                                    {"tokens_per_s", 1e6},
                                    {"mfu", 0.4}};
  r.sensitivity.computed = true;
  r.sensitivity.first_option = "a&b";
  r.sensitivity.second_option = "build";
  r.sensitivity.replications = 2;
  r.sensitivity.base_npv_gap_usd = -1e8;
  r.sensitivity.rows.push_back({"options.a.list_price", "5 USD/GPU/h", "15 USD/GPU/h", 2e8, -3e8, 0, 0, 5e8, true});
  r.options[1].collectives = {fake_collective()};
  doc["options"][1]["collectives"] = doc_of(r)["options"][1]["collectives"];
  html = report_html(r, doc, fake_assets);
  CHECK(count(html, "id=\"chart-step-time\"") == 1);
  CHECK(count(html, "id=\"chart-collectives\"") == 1);
  CHECK(count(html, "id=\"chart-tornado\"") == 1);
  CHECK(count(html, "id=\"chart-tornado-time-adjusted\"") == 1);
  const auto data = nlohmann::json::parse(data_block(html));
  const auto& steps = data["datasets"]["step_time"]["rows"];
  REQUIRE(steps.size() == 3);  // one bar segment per component, of the option that has it
  CHECK(steps[0][0] == "build");
  CHECK(steps[0][1] == "compute");
  CHECK(steps[0][2] == 3.25);
  CHECK(steps[0][7] == "tp=8 pp=4 schedule=1f1b");
  // Low and high end, for each verdict; parameters with a human label and their unit.
  const auto& tornado = data["datasets"]["tornado"]["rows"];
  REQUIRE(tornado.size() == 2 * 2);
  CHECK(tornado[0][0] == "NPV");
  CHECK(tornado[0][2] == "a: list price (USD/GPU/h)");
  CHECK(tornado[1][6] == -3e8);
  CHECK(tornado[2][0] == "time-adjusted");
  CHECK(tornado[3][6] == 0);
  // One bar per option and collective, the numbers as results.json has them.
  const auto& collectives = data["datasets"]["collectives"];
  REQUIRE(collectives["rows"].size() == 1);
  CHECK(collectives["fields"][7] == "busbw_gb_per_s");
  CHECK(collectives["rows"][0][0] == "build");
  CHECK(collectives["rows"][0][1] == "data-parallel gradients");
  CHECK(collectives["rows"][0][2] == "reduce-scatter");
  CHECK(collectives["rows"][0][7] == doctest::Approx(70.3125));
  CHECK(collectives["rows"][0][7] == doc["options"][1]["collectives"][0]["busbw_gb_per_s"]);
}

TEST_CASE("results.json read back gives the same report.md, and bad files name the place") {
  Results r = fake_results();
  r.comparison.breakeven.note = "the build costs less";
  r.comparison.breakeven.first_option = "a&b";
  r.comparison.breakeven.second_option = "build";
  r.options[1].collectives = {fake_collective()};
  const std::string json = results_json(r);
  const Results back = results_from_json(parse_json_file_text(json, "results.json"), "results.json");
  CHECK(report_markdown(back) == report_markdown(r));
  CHECK(contains(report_markdown(back), "**Breakeven** of a&b against build: none, the build costs less."));
  CHECK(results_json(back) == json);
  REQUIRE(back.options[1].collectives.size() == 1);
  const SimulatedCollective& c = back.options[1].collectives[0];
  CHECK(c.purpose == "data-parallel gradients");
  CHECK(c.kind == CollectiveKind::ReduceScatter);
  CHECK(c.bytes_per_gpu == 1.5e9);
  CHECK(c.group_gpus == 16);
  CHECK(c.fabric_gpus == 64);
  CHECK(c.time_s == 0.02);
  CHECK(c.algbw_bytes_per_s == doctest::Approx(75e9).epsilon(1e-15));
  CHECK(c.busbw_bytes_per_s == doctest::Approx(70.3125e9).epsilon(1e-15));
  CHECK(c.closed_form_s == 0.025);
  CHECK(c.ratio == 0.8);
  CHECK(back.options[0].collectives.empty());

  CHECK_THROWS_WITH_AS(parse_json_file_text("{\n  \"a\": 1,\n  oops\n}", "dir/results.json"),
                       doctest::Contains("dir/results.json:3:3: expected JSON"), InputError);
  auto doc = parse_json_file_text(json, "results.json");
  doc["options"][1]["metrics"]["npv_cost_usd"]["p50"] = "cheap";
  CHECK_THROWS_WITH_AS(results_from_json(doc, "r.json"),
                       "r.json: options[1].metrics.npv_cost_usd.p50: expected a number", InputError);
  doc = parse_json_file_text(json, "results.json");
  doc["options"][1]["collectives"][0]["collective"] = "all-reduce-ish";
  CHECK_THROWS_WITH_AS(results_from_json(doc, "r.json"),
                       doctest::Contains("r.json: options[1].collectives[0].collective: expected a collective"),
                       InputError);
  doc = parse_json_file_text(json, "results.json");
  doc.erase("comparison");
  CHECK_THROWS_WITH_AS(results_from_json(doc, "r.json"), doctest::Contains("r.json: comparison: missing"), InputError);
}

TEST_CASE("results.json without collectives (written before them) reads back with none, and no such section") {
  Results r = fake_results();
  r.options[1].collectives = {fake_collective()};
  auto doc = doc_of(r);
  for (auto& o : doc["options"]) o.erase("collectives");
  const Results back = results_from_json(doc, "results.json");
  CHECK(back.options[1].collectives.empty());
  CHECK(!contains(report_markdown(back), "## Network collectives"));
  CHECK(contains(report_markdown(r), "## Network collectives"));
}

TEST_CASE("report.md: the simulated collectives after the step time, as nccl-tests counts them") {
  Results r = fake_results();
  CHECK(!contains(report_markdown(r), "Network collectives"));  // no option has a fabric
  r.options[1].collectives = {fake_collective()};
  const std::string md = report_markdown(r);
  const auto section = md.find("## Network collectives (simulated on each option's fabric)");
  REQUIRE(section != std::string::npos);
  CHECK(md.find("## Step time") < section);
  CHECK(section < md.find("## Reliability"));
  CHECK(contains(md, "busbw = algbw × 2(n−1)/n for all-reduce, (n−1)/n for reduce-scatter, all-gather and all-to-all"));
  CHECK(contains(md, "| option | purpose | collective | group GPUs | size per GPU | time | algbw GB/s | busbw GB/s | "
                     "vs closed form (×) |"));
  CHECK(contains(md, "| build | data-parallel gradients | reduce-scatter | 16 | 1.50 GB | 20.0 ms | 75.0 | 70.3 | 0.800 |"));
  CHECK(!contains(md, "| a&b | data-parallel"));  // an option without a fabric has no row
}

TEST_CASE("series CSV read back: the same CSV, and errors with line and column") {
  const Results r = fake_results();
  const std::string csv = series_csv(r.options[0].series);
  const auto rows = series_from_csv(csv, "s.csv");
  REQUIRE(rows.size() == 30);
  CHECK(series_csv(rows) == csv);
  CHECK(rows[3].binding == CapacityLimit::Delivery);
  std::string bad = csv;
  const auto at = bad.find("\n2024-03-02,0,");
  REQUIRE(at != std::string::npos);
  bad[at + 12] = 'x';  // the first count of day 2 (line 3, column 12)
  CHECK_THROWS_WITH_AS(series_from_csv(bad, "s.csv"), "s.csv:3:12: expected a number, got \"x\"", InputError);
  CHECK_THROWS_WITH_AS(series_from_csv("date,x\n", "s.csv"), doctest::Contains("s.csv:1:1: expected the series header"),
                       InputError);
}

// An option of two own sites: each site's draw and supply as columns of its series CSV, read
// back; and the power chart draws each site's weekly mean as a line of its own (issue 18).
TEST_CASE("series CSV of an option of two own sites: per-site columns, read back, and a power line each") {
  Results r = fake_results();
  OptionResult& o = r.options[0];
  o.sites = {{"north", "build", "h100-hgx", "HGX H100", 8}, {"south", "colocation", "h100-hgx", "HGX H100", 8}};
  o.site_series.clear();
  for (std::size_t day = 0; day < o.series.size(); ++day) {
    o.site_series.push_back({.power_mw = 1.0 + static_cast<double>(day), .supply_mw = 10});
    o.site_series.push_back({.power_mw = 0.5, .supply_mw = 20});
  }
  const std::string csv = series_csv(o.series, false, o.site_series, own_site_names(o.sites));
  CHECK(csv.substr(0, csv.find('\n')).ends_with(
      ",binding_constraint,site_power_mw.north,site_supply_mw.north,site_power_mw.south,site_supply_mw.south"));
  std::vector<SitePowerDay> back;
  const auto rows = series_from_csv(csv, "s.csv", &back);
  REQUIRE(back.size() == 2 * rows.size());
  CHECK(back[2 * 3].power_mw == 4.0);
  CHECK(back[2 * 3 + 1].supply_mw == 20.0);
  CHECK(series_csv(rows, false, back, own_site_names(o.sites)) == csv);
  // The first week's mean draw of north: days 0-6 draw 1..7 MW, mean 4.
  const std::string html = report_html(r, doc_of(r), fake_assets);
  CHECK(contains(html, R"(,"2024-03-01","drawn, site north",4,null,null,null])"));
  CHECK(contains(html, R"(,"2024-03-01","supply, site south",20,null,null,null])"));
  // A one-site option's CSV has no per-site columns (and reads as before).
  CHECK(series_csv(r.options[1].series, false, r.options[1].site_series, own_site_names(r.options[1].sites)) ==
        series_csv(r.options[1].series));
}

TEST_CASE("sweep.csv: axes from the header, metrics, options, and the page has its charts") {
  const std::string path = std::string(BVR_SOURCE_DIR) + "/tests/data/sweep/sweep.csv";
  const SweepTable t = parse_sweep_csv(read_file(path), path);
  REQUIRE(t.axes.size() == 3);
  CHECK(t.axes[0].key == "options.rent.list_price");
  CHECK(t.axes[0].unit == "USD/GPU/h");
  CHECK(t.axes[2].unit == "per 1000 node-days");
  CHECK(t.metrics == std::vector<std::string>{"time_to_train_days", "npv_cost_usd", "total_cost_usd"});
  CHECK(t.options == std::vector<std::string>{"rent", "build"});
  REQUIRE(t.rows.size() == 32);
  CHECK(t.rows[1].point == 0);
  CHECK(t.rows[1].option == "build");
  CHECK(t.rows[2].axis_values[0] == 6);
  CHECK(t.rows[2].axis_values[1] == 60);

  const std::string html = sweep_report_html(t, "demo", fake_assets);
  // Three axes x two headline metrics (npv, time to train); three pairs x (gap + cheapest).
  CHECK(count(html, "<figure class=\"chart\">") == 3 * 2 + 3 * 2);
  CHECK(contains(html, "id=\"chart-axis-2-metric-0\""));
  CHECK(contains(html, "id=\"chart-pair-0-gap\""));
  CHECK(contains(html, "id=\"chart-pair-2-cheapest\""));
  CHECK(count(html, "Sampled axis") == 2);  // the third axis has 16 distinct values: binned
  CHECK(contains(html, "<strong>rent</strong> is cheapest (lowest mean NPV cost) at 8 of 16 points."));
  CHECK(!contains(html, "<script src"));

  CHECK_THROWS_WITH_AS(parse_sweep_csv("point,a [x],option,m_mean,m_p10\n", "s.csv"),
                       "s.csv:1:27: expected four columns per metric (_mean, _p10, _p50, _p90)", InputError);
  CHECK_THROWS_WITH_AS(parse_sweep_csv("point,a [x],option,m_mean,m_p10,m_p50,m_p90\n1,2,o,3,4,five,6\n", "s.csv"),
                       "s.csv:2:11: expected a number, got \"five\"", InputError);
  CHECK_THROWS_WITH_AS(parse_sweep_csv("a,option\n", "s.csv"), doctest::Contains("first column to be \"point\""),
                       InputError);
  CHECK(contains(html, "no finished_all_runs column"));  // written before the column: said so
}

// Issue 18: the sweep report crowned options that had not finished.
TEST_CASE("sweep.csv with finished_all_runs: the HTML ranks only finished options and marks the others") {
  const std::string csv =
      "point,flop [FLOP],option,finished_all_runs,finished_share,npv_cost_usd_mean,npv_cost_usd_p10,npv_cost_usd_p50,"
      "npv_cost_usd_p90\n"
      "0,1,a,true,1,100,100,100,100\n0,1,b,true,1,200,200,200,200\n"
      "1,2,a,false,0.5,100,100,100,100\n1,2,b,true,1,200,200,200,200\n"
      "2,3,a,false,0,100,100,100,100\n2,3,b,false,0,200,200,200,200\n";
  const SweepTable t = parse_sweep_csv(csv, "s.csv");
  CHECK(t.has_finished);
  CHECK(!t.rows[2].finished_all_runs);
  CHECK(t.rows[2].finished_share == 0.5);
  const std::string html = sweep_report_html(t, "demo", fake_assets);
  CHECK(contains(html, "<strong>a</strong> is cheapest (lowest mean NPV cost) at 1 of 3 points; <strong>not finished</strong> at 2 points."));
  CHECK(contains(html, "<strong>b</strong> is cheapest (lowest mean NPV cost) at 1 of 3 points; <strong>not finished</strong> at 1 points."));
  CHECK(contains(html, "<em>No option finished</em> at 1 of 3 points."));
  CHECK(!contains(html, "no finished_all_runs column"));
  CHECK_THROWS_WITH_AS(parse_sweep_csv("point,option,finished_all_runs,finished_share,m_mean,m_p10,m_p50,m_p90\n1,o,maybe,1,1,2,3,4\n", "s.csv"),
                       "s.csv:2:5: expected true or false, got \"maybe\"", InputError);
}

TEST_CASE("markdown sections to HTML: bullets, tables, inline code and bold, escaped") {
  const std::string md = "# t\n\n## One\n\n- **a** <b> `x&y`\n- two\n\ntext\n\n| h1 | h2 |\n|---|---|\n| 1 | 2 |\n\n## Two\n- no\n";
  CHECK(markdown_section_html(md, "## One") ==
        "<ul>\n<li><strong>a</strong> &lt;b&gt; <code>x&amp;y</code></li>\n<li>two</li>\n</ul>\n<p>text</p>\n"
        "<table>\n<tr><th>h1</th><th>h2</th></tr>\n<tr><td>1</td><td>2</td></tr>\n</table>\n");
  CHECK(markdown_section_html(md, "## Three").empty());
}

// Issue 18: each number of report.html's tables names the value of results.json it shows, so the
// browser test can compare it with its own source (tools/report-assets/check-report.js).
TEST_CASE("report model: table cells carry their results.json keys, report.md shows none, report.html has data-key") {
  CHECK(sourced("$1.2B", "a.b") == "$1.2B\x1f" "a.b\x1e");
  CHECK(strip_sources("| " + sourced("**$1.2B**", "a.b c.d") + " | x |\n") == "| **$1.2B** | x |\n");
  CHECK(split_source(sourced("12", "k")).text == "12");
  CHECK(split_source(sourced("12", "k")).keys == "k");
  CHECK(split_source("12").keys.empty());
  CHECK(strip_sources("at " + sourced_inline("$1.2B", "k.v") + ".") == "at $1.2B.");
  CHECK(markdown_inline_html("**a** at " + sourced_inline("$1.2B", "k<v") + ".") ==
        "<strong>a</strong> at <span data-key=\"k&lt;v\">$1.2B</span>.");
  const std::string md = "## One\n\n- " + sourced("a 1", "k") + "\n\n| h |\n|---|\n| " + sourced("**$1.2B**", "x.y <z>") +
                         " |\n| " + sourced("none", "") + " |\n";
  CHECK(markdown_section_html(md, "## One") ==
        "<ul>\n<li>a 1</li>\n</ul>\n<table>\n<tr><th>h</th></tr>\n"
        "<tr><td data-key=\"x.y &lt;z&gt;\"><strong>$1.2B</strong></td></tr>\n<tr><td>none</td></tr>\n</table>\n");

  Results r = fake_results();
  // Both breakevens found: their figures are marked in the Verdict too.
  r.comparison.breakeven = {.found = true, .parameter = "options.lease.list_price", .unit = "USD/GPU/h", .value = 2.5,
                            .scenario_value = 2, .first_option = "a&b", .second_option = "build", .first_npv_usd = 1e9,
                            .second_npv_usd = 1e9, .replications = 1};
  r.comparison.breakeven_horizon = {.found = true, .parameter = "scenario.horizon", .unit = "days", .value = 1500,
                                    .scenario_value = 1096, .first_option = "a&b", .second_option = "build",
                                    .first_npv_usd = 2e9, .second_npv_usd = 2e9, .replications = 2};
  const std::string model = report_markdown_sourced(r);
  CHECK(contains(model, "\x1f"));
  CHECK(report_markdown(r) == strip_sources(model));
  CHECK(!contains(report_markdown(r), "\x1f"));
  CHECK(!contains(report_markdown(r), "\x1e"));
  // Every table cell of the page with a digit in it names its keys, and each key is a value of
  // results.json (array elements by name, other or cause, or by index; "a+b" a sum).
  const std::string html = report_html(r, doc_of(r), fake_assets);
  const nlohmann::json doc = nlohmann::json::parse(doc_of(r).dump());
  auto resolve = [&doc](const std::string& key) {
    const nlohmann::json* v = &doc;
    std::stringstream parts(key);
    for (std::string seg; v && std::getline(parts, seg, '.');) {
      if (v->is_array()) {
        const nlohmann::json* found = nullptr;
        for (const auto& e : *v)
          for (const char* field : {"name", "other", "cause"})
            if (!found && e.contains(field) && (*e.find(field)) == seg) found = &e;
        if (!found && !seg.empty() && seg.find_first_not_of("0123456789") == std::string::npos &&
            std::stoul(seg) < v->size())
          found = &(*v)[std::stoul(seg)];
        v = found;
      } else {
        v = v->is_object() && v->contains(seg) ? &(*v)[seg] : nullptr;
      }
    }
    return v && (v->is_number() || v->is_string());
  };
  std::size_t keyed = 0;
  for (std::size_t at = 0; (at = html.find("<td", at)) != std::string::npos; ++at) {
    const std::size_t end = html.find("</td>", at);
    const std::string td = html.substr(at, end - at);
    const std::size_t open = td.find('>');
    const std::string text = td.substr(open + 1);
    if (text.find_first_of("0123456789") == std::string::npos) continue;
    INFO(td);
    REQUIRE(td.starts_with("<td data-key=\""));
    ++keyed;
    std::string attribute = td.substr(14, td.find('"', 14) - 14);  // HTML-escaped: "a&b" is "a&amp;b"
    for (const auto& [entity, character] : {std::pair{"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}})
      for (std::size_t e = 0; (e = attribute.find(entity, e)) != std::string::npos; ++e) attribute.replace(e, std::strlen(entity), character);
    std::stringstream keys(attribute);
    for (std::string key; keys >> key;) {
      INFO(key);
      std::stringstream sum(key);
      for (std::string part; std::getline(sum, part, '+');) CHECK(resolve(part));
    }
  }
  CHECK(keyed > 20);
  // And every key of the page, the figures marked in the prose (<span data-key>) included.
  std::size_t spans = 0;
  for (std::size_t at = 0; (at = html.find("<span data-key=\"", at)) != std::string::npos; ++at, ++spans) {
    std::string attribute = html.substr(at + 16, html.find('"', at + 16) - at - 16);
    for (std::size_t e = 0; (e = attribute.find("&amp;", e)) != std::string::npos; ++e) attribute.replace(e, 5, "&");
    std::stringstream keys(attribute);
    for (std::string key; keys >> key;) CHECK_MESSAGE(resolve(key), key);
  }
  CHECK(spans >= 10);  // the cheapest's cost, the fastest's days and date, the value of time, 3 + 4 of the breakevens
}

TEST_CASE("an option that did not finish is not ranked, is marked in report.md, and reads back the same") {
  Results r = fake_results();
  r.horizon_days = 200;
  r.options[0].finished_share = 1;
  OptionResult& build = r.options[1];
  build.finished_share = 0;
  for (auto& m : build.metrics) {
    if (m.name == "time_to_train_days" || m.name == "full_capacity_days") m.summary = {200, 200, 200, 200};
    if (m.name == "completed_fraction") m.summary = {0.25, 0.2, 0.25, 0.3};
  }
  build.run_finish_days[0].summary = {200, 200, 200, 200};
  rank_finished_options(r);
  CHECK(r.comparison.cheapest == "a&b");
  CHECK(r.comparison.fastest == "a&b");
  const std::string md = report_markdown(r);
  CHECK(contains(md, "- **Not finished**: **build** did not finish every training run within the horizon in 3 of 3 "
                     "replications; 25.0 % of the workload's FLOP done (mean)"));
  CHECK(contains(md, "| build | build | > 200.0 | not within the horizon |"));
  CHECK(contains(md, "| build | never within the horizon |"));
  CHECK(!contains(md, format_date(r.start_day + 200)));  // the horizon's date would mean never

  r.options[0].finished_share = 2.0 / 3;  // one replication of three did not finish either
  rank_finished_options(r);
  CHECK(r.comparison.cheapest.empty());
  CHECK(r.comparison.best_time_adjusted.empty());
  CHECK(contains(report_markdown(r), "- **Cheapest** (lowest NPV cost): none: no option finished"));
  const std::string json = results_json(r);
  const auto doc = doc_of(r);
  CHECK(doc["comparison"]["cheapest"].is_null());
  CHECK(doc["options"][0]["finished_all_runs"] == false);
  CHECK(doc["options"][0]["finished_share"] == 2.0 / 3);
  CHECK(doc["horizon_days"] == 200.0);
  const Results back = results_from_json(doc, "results.json");
  CHECK(back.comparison.cheapest.empty());
  CHECK(report_markdown(back) == report_markdown(r));
  CHECK(results_json(back) == json);
}

// Issue 18: input warnings reach results.json, report.md and report.html (near the top), and
// read back the same.
TEST_CASE("warnings: in results.json, and a Warnings section near the top of report.md and report.html") {
  Results r = fake_results();
  r.warnings = {{"s.yaml", 12, 9, "options.b.power.grid.steps.1.power", "",
                 "150 kW is 1000x below the largest step of this list (150 MW): 150 MW meant?"},
                {"s.yaml", 0, 0, "options.a.list_price", "options.a.list_price=0.01 USD/GPU/h", "far below"}};
  const auto doc = doc_of(r);
  REQUIRE(doc["warnings"].size() == 2);
  CHECK(doc["warnings"][0]["key"] == "options.b.power.grid.steps.1.power");
  CHECK(doc["warnings"][0]["line"] == 12);
  CHECK(doc["warnings"][0]["column"] == 9);
  CHECK(!doc["warnings"][0].contains("set"));
  CHECK(doc["warnings"][1]["set"] == "options.a.list_price=0.01 USD/GPU/h");
  const std::string md = report_markdown(r);
  CHECK(md.find("## Warnings") < md.find("## Verdict"));
  CHECK(contains(md, "- s.yaml:12:9: warning: options.b.power.grid.steps.1.power: 150 kW is 1000x below"));
  CHECK(contains(md, "- s.yaml: warning: --set options.a.list_price=0.01 USD/GPU/h: options.a.list_price: far below"));
  const std::string html = report_html(r, doc, fake_assets);
  CHECK(html.find("id=\"warnings\"") < html.find("<h2>Verdict</h2>"));
  CHECK(count(html.substr(html.find("id=\"warnings\""), html.find("<h2>Verdict</h2>") - html.find("id=\"warnings\"")), "<li>") == 2);
  const Results back = results_from_json(parse_json_file_text(results_json(r), "results.json"), "results.json");
  REQUIRE(back.warnings.size() == 2);
  CHECK(back.warnings[1].set == r.warnings[1].set);
  CHECK(report_markdown(back) == md);
  // Without warnings: no section, and an empty list in results.json.
  const Results quiet = fake_results();
  CHECK(doc_of(quiet)["warnings"].empty());
  CHECK(!contains(report_markdown(quiet), "## Warnings"));
}

// Issue 18: a hybrid's supply line added the provider's MW to its own sites'. The power chart
// draws the option's own supply and the provider's cap as separate lines.
TEST_CASE("report.html: a hybrid's own sites' supply and its provider's cap are separate lines") {
  Results r = fake_results();
  for (auto& row : r.options[1].series) {
    const bool lease_running = row.day - r.start_day < 14;
    row.lease_supply_mw = lease_running ? 20 : 0;
    row.power_supply_mw = 50 + row.lease_supply_mw;  // own 50 MW, plus the provider's 20 MW while it runs
  }
  const std::string html = report_html(r, doc_of(r), fake_assets);
  const auto data = nlohmann::json::parse(data_block(html));
  std::map<std::string, std::vector<double>> lines;
  for (const auto& row : data["datasets"]["power"]["rows"])
    if (row[0] == "build") lines[row[2].get<std::string>()].push_back(row[3].get<double>());
  REQUIRE(lines.size() == 3);
  REQUIRE(lines["supply, own sites"].size() == 6);
  for (double mw : lines["supply, own sites"]) CHECK(mw == 50);  // never the provider's MW added
  CHECK(lines["supply, provider's cap"][0] == 20);  // days 0-6
  CHECK(lines["supply, provider's cap"][1] == 20);  // days 7-13
  CHECK(lines["supply, provider's cap"][2] == 0);   // days 14-20: the lease has ended
}

TEST_CASE("report.html: the price paths as the run used them, contract dates marked, and the net beside the gross") {
  Results r = fake_results();
  // Two paths: an uncertain rental index with a history point before the start, a used price.
  MarketPathResult rental{"gpu-rental", "gpu_rental", "USD/GPU/h", true, {{r.start_day - 90, 8}, {r.start_day, 4}}, {}, {}};
  for (int k = 0; k < 3; ++k)
    rental.monthly.push_back({r.start_day + 30 * k, {4.0 - k, 3.5 - k, 4.0 - k, 4.5 - k}});
  rental.events = {{r.start_day + 45, "a&b", "reprice"}};
  MarketPathResult used{"used-gpu", "hardware", "USD/GPU", false, {{r.start_day, 30000}}, {}, {}};
  for (int k = 0; k < 3; ++k) used.monthly.push_back({r.start_day + 30 * k, {30000.0 - k, 30000.0 - k, 30000.0 - k, 30000.0 - k}});
  used.events = {{r.start_day + 60, "build", "resale"}};
  r.market = {rental, used};
  for (auto& o : r.options) {
    const double npv = o.metric("npv_cost_usd").mean;
    o.metrics.push_back({"net_npv_cost_usd", {npv - 2e8, npv - 3e8, npv - 2e8, npv - 1e8}});
    o.metrics.push_back({"net_time_adjusted_cost_usd", {npv, npv, npv, npv}});
  }
  r.comparison.ranked_by = "net_npv_cost_usd";
  const auto doc = doc_of(r);
  // results.json carries the contract dates, and reads back the same.
  CHECK(doc["market"][0]["events"][0]["what"] == "reprice");
  CHECK(doc["market"][1]["events"][0]["option"] == "build");
  const Results back = results_from_json(parse_json_file_text(results_json(r), "results.json"), "results.json");
  REQUIRE(back.market.size() == 2);
  CHECK(back.market[0].events.size() == 1);
  CHECK(back.market[0].events[0].day == r.start_day + 45);
  CHECK(results_json(back) == results_json(r));

  const std::string html = report_html(r, doc, fake_assets);
  CHECK(count(html, "id=\"chart-market\"") == 1);
  const auto data = nlohmann::json::parse(data_block(html));
  const auto& market = data["datasets"]["market"];
  CHECK(market["fields"][3] == "measure");
  // Per path: each month, each given point, each contract date.
  REQUIRE(market["rows"].size() == (3 + 2 + 1) + (3 + 1 + 1));
  CHECK(market["rows"][0][0] == "gpu-rental");
  CHECK(market["rows"][0][1] == "gpu-rental (USD/GPU/h)");
  CHECK(market["rows"][0][3] == "monthly");
  CHECK(market["rows"][1][5] == 3.0);  // the second month's mean
  CHECK(market["rows"][1][6] == 2.5);  // its P10
  CHECK(market["rows"][1][7] == 3.5);  // its P90
  CHECK(market["rows"][3][3] == "given point");
  CHECK(market["rows"][3][4] == "2023-12-02");  // 90 days before the start: history is drawn
  CHECK(market["rows"][5][3] == "contract date");
  CHECK(market["rows"][5][5] == 3.0);  // placed on the path's mean in its month
  CHECK(market["rows"][5][8] == "a&b");
  CHECK(market["rows"][5][9] == "reprice");
  // The verdicts chart: the net NPV and net time-adjusted bars beside the gross.
  const auto& verdicts = data["datasets"]["verdicts"]["rows"];
  REQUIRE(verdicts.size() == 2 * 4);
  CHECK(verdicts[1][1] == "net NPV cost");
  CHECK(verdicts[1][2] == r.options[0].metric("net_npv_cost_usd").mean);
  // report.md's comparison table: a net NPV cost column right after the gross.
  const std::string md = report_markdown(r);
  CHECK(contains(md, "| NPV cost | net NPV cost | total cost |"));
  CHECK(contains(md, "## The market and the value of capacity beyond the runs"));
  // Without a market: no chart, no dataset, no net column.
  const Results plain = fake_results();
  const std::string plain_html = report_html(plain, doc_of(plain), fake_assets);
  CHECK(!contains(plain_html, "chart-market"));
  CHECK(!contains(data_block(plain_html), "\"market\""));
  CHECK(!contains(report_markdown(plain), "net NPV cost"));
}
