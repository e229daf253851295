// cashflows.csv and cashflows.xlsx of `bvr run` (docs/results.md): the CSV read back with
// report/csv.h against results.json, the same bytes run after run and from `bvr report`, and the
// workbook opened by LibreOffice, which recomputes its formulas, also at another discount rate.
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <map>

#include "cli_harness.h"
#include "report/csv.h"

namespace {

const std::string small_scenario = std::string(BVR_SOURCE_DIR) + "/tests/data/rent-or-build-small.yaml";

struct Flows {
  std::map<std::string, double> total_usd;                      // by option
  std::map<std::pair<std::string, std::string>, double> by_category_usd;  // (option, category)
};

// cashflows.csv read with bvr's own reader: sums of amounts, and of amounts discounted at `rate`
// at their paid-at day, as the workbook's Daily sheet does.
Flows read_flows(const fs::path& csv, double rate, bool discounted) {
  const auto records = bvr::read_csv(read_file(csv), csv.string());
  REQUIRE(records.size() > 1);
  const std::vector<std::string> header{"option", "date", "day", "category", "amount_usd", "paid_at_day"};
  for (std::size_t c = 0; c < header.size(); ++c) REQUIRE(records[0][c].text == header[c]);
  Flows f;
  for (std::size_t i = 1; i < records.size(); ++i) {
    const auto& r = records[i];
    double usd = std::stod(r[4].text);
    const double day = std::stod(r[5].text);
    CHECK(day >= std::stod(r[2].text) - 1e-9);
    CHECK(day <= std::stod(r[2].text) + 1 + 1e-9);
    if (discounted) usd *= std::pow(1 + rate, -day / 365.25);
    f.total_usd[r[0].text] += usd;
    f.by_category_usd[{r[0].text, r[3].text}] += usd;
  }
  return f;
}

bool close(double a, double b, double relative) { return std::fabs(a - b) <= relative * std::max(1.0, std::fabs(b)); }

fs::path fake_assets() {
  const fs::path dir = scratch_root() / "cashflow-assets";
  fs::create_directories(dir);
  for (const char* name : {"vega.min.js", "vega-lite.min.js", "vega-embed.min.js", "THIRD-PARTY-NOTICES.txt"})
    std::ofstream(dir / name) << "/* " << name << " */\n";
  return dir;
}

bool has_command(const std::string& check) { return std::system((check + " > /dev/null 2>&1").c_str()) == 0; }

// The workbook's first sheet (Summary) as LibreOffice computes it: raw values, not as shown.
// Its own LibreOffice profile (parallel tests do not share one), set to recalculate every formula
// of an .xlsx on loading: by default it trusts the stored results (bvr's cached values, tested apart).
fs::path libreoffice_profile() {
  const fs::path profile = scratch_root() / "lo-profile";
  fs::create_directories(profile / "user");
  std::ofstream(profile / "user" / "registrymodifications.xcu")
      << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
         "<oor:items xmlns:oor=\"http://openoffice.org/2001/registry\" xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" "
         "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n"
         "<item oor:path=\"/org.openoffice.Office.Calc/Formula/Load\"><prop oor:name=\"OOXMLRecalcMode\" "
         "oor:op=\"fuse\"><value>0</value></prop></item>\n</oor:items>\n";
  return profile;
}

std::vector<bvr::CsvRecord> summary_as_computed(const fs::path& xlsx, const fs::path& out) {
  fs::create_directories(out);
  const std::string command = fmt::format(
      "cd {} && timeout 300 soffice -env:UserInstallation=file://{} --headless --norestore --convert-to "
      "'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false' --outdir {} {} > {}/soffice.log 2>&1",
      out.string(), libreoffice_profile().string(), out.string(), xlsx.string(), out.string());
  REQUIRE_MESSAGE(std::system(command.c_str()) == 0, read_file(out / "soffice.log"));
  const fs::path csv = out / (xlsx.stem().string() + ".csv");
  REQUIRE_MESSAGE(fs::exists(csv), read_file(out / "soffice.log"));
  std::string text = read_file(csv);
  if (!text.empty() && text.back() != '\n') text += '\n';
  return bvr::read_csv(text, csv.string());
}

// Summary rows by option name: {total nominal, NPV} as computed.
std::map<std::string, std::pair<double, double>> summary_figures(const std::vector<bvr::CsvRecord>& sheet,
                                                                  const nlohmann::json& results) {
  std::map<std::string, std::pair<double, double>> out;
  for (const auto& row : sheet)
    for (const auto& o : results["options"])
      if (!row.empty() && row[0].text == o["name"].get<std::string>() && row.size() > 3 && !row[2].text.empty() &&
          !out.count(row[0].text))
        out[row[0].text] = {std::stod(row[2].text), std::stod(row[3].text)};
  return out;
}

std::string cheapest_cell(const std::vector<bvr::CsvRecord>& sheet) {
  for (const auto& row : sheet)
    if (row.size() > 1 && row[0].text == "cheapest at this discount rate") return row[1].text;
  return "";
}

}  // namespace

TEST_CASE("cli: cashflows.csv adds up to results.json, and cashflows.xlsx is the same bytes run after run and from bvr report") {
  const fs::path a = scratch_dir("cashflows-a"), b = scratch_dir("cashflows-b"), again = scratch_dir("cashflows-again");
  Ran ran = run(fmt::format("run {} -o {} -j 1 --replications 2 --no-analysis", small_scenario, a.string()));
  REQUIRE_MESSAGE(ran.exit_code == 0, ran.err);
  ran = run(fmt::format("run {} -o {} -j 2 --replications 2 --no-analysis", small_scenario, b.string()));
  REQUIRE_MESSAGE(ran.exit_code == 0, ran.err);
  REQUIRE(fs::exists(a / "cashflows.xlsx"));
  CHECK(read_file(a / "cashflows.csv") == read_file(b / "cashflows.csv"));
  CHECK(read_file(a / "cashflows.xlsx") == read_file(b / "cashflows.xlsx"));
  const auto outputs = nlohmann::json::parse(read_file(a / "outputs.json"))["files"];
  CHECK(std::find(outputs.begin(), outputs.end(), "cashflows.xlsx") != outputs.end());
  CHECK(std::find(outputs.begin(), outputs.end(), "cashflows.csv") != outputs.end());

  const auto results = nlohmann::json::parse(read_file(a / "results.json"));
  const double rate = results["discount_rate"].get<double>();
  CHECK(rate == doctest::Approx(0.10));
  const Flows nominal = read_flows(a / "cashflows.csv", rate, false);
  const Flows present = read_flows(a / "cashflows.csv", rate, true);
  for (const auto& o : results["options"]) {
    const std::string name = o["name"];
    const auto& m = o["metrics"];
    CHECK(close(nominal.total_usd.at(name), m["total_cost_usd"]["mean"].get<double>(), 1e-9));
    CHECK(close(present.total_usd.at(name), m["npv_cost_usd"]["mean"].get<double>(), 1e-7));
    double npv_by_category = 0;
    for (const auto& [key, usd] : present.by_category_usd) {
      if (key.first != name) continue;
      CHECK(close(nominal.by_category_usd.at(key), m[fmt::format("cost_{}_usd", key.second)]["mean"].get<double>(), 1e-9));
      CHECK(close(usd, m[fmt::format("npv_cost_{}_usd", key.second)]["mean"].get<double>(), 1e-7));
      npv_by_category += m[fmt::format("npv_cost_{}_usd", key.second)]["mean"].get<double>();
    }
    CHECK(close(npv_by_category, m["npv_cost_usd"]["mean"].get<double>(), 1e-9));
  }
  // A build credits its residual value: a negative row at the horizon.
  CHECK(nominal.by_category_usd.count({"build", "residual_value"}));
  if (nominal.by_category_usd.count({"build", "residual_value"}))
    CHECK(nominal.by_category_usd.at({"build", "residual_value"}) < 0);

  setenv("BVR_ASSETS_DIR", fake_assets().c_str(), 1);
  ran = run(fmt::format("report {} -o {}", a.string(), again.string()));
  REQUIRE_MESSAGE(ran.exit_code == 0, ran.err);
  CHECK(read_file(again / "cashflows.xlsx") == read_file(a / "cashflows.xlsx"));
  CHECK(read_file(again / "cashflows.csv") == read_file(a / "cashflows.csv"));
}

TEST_CASE("cli: LibreOffice recomputes cashflows.xlsx: NPVs as results.json, and they follow the discount-rate cell") {
  if (!has_command("command -v soffice") || !has_command("/usr/bin/python3 -c 'import openpyxl'")) {
    MESSAGE("skipped: needs soffice (libreoffice-calc-nogui) and python3-openpyxl: tools/setup.sh --workbook");
    return;
  }
  const fs::path dir = scratch_dir("cashflows-lo");
  const Ran ran = run(fmt::format("run {} -o {} -j 2 --replications 2 --no-analysis", small_scenario, dir.string()));
  REQUIRE_MESSAGE(ran.exit_code == 0, ran.err);
  const auto results = nlohmann::json::parse(read_file(dir / "results.json"));
  // Recalculated on loading (the profile above): the formulas, not the cached results, give these.
  const auto computed = summary_figures(summary_as_computed(dir / "cashflows.xlsx", dir / "lo"), results);
  REQUIRE(computed.size() == results["options"].size());
  for (const auto& o : results["options"]) {
    const auto& [total, npv] = computed.at(o["name"].get<std::string>());
    CHECK(close(total, o["metrics"]["total_cost_usd"]["mean"].get<double>(), 1e-6));
    CHECK(close(npv, o["metrics"]["npv_cost_usd"]["mean"].get<double>(), 1e-6));
  }
  // Finance changes the one input cell (Summary!B4) to 25 %: every NPV follows.
  const fs::path edited = dir / "edited" / "cashflows-25.xlsx";
  fs::create_directories(edited.parent_path());
  const std::string python = fmt::format(
      "/usr/bin/python3 -c \"import openpyxl; w = openpyxl.load_workbook('{}'); w['Summary']['B4'] = 0.25; w.save('{}')\"",
      (dir / "cashflows.xlsx").string(), edited.string());
  REQUIRE(std::system(python.c_str()) == 0);
  const auto sheet = summary_as_computed(edited, dir / "lo-25");
  const auto at_25 = summary_figures(sheet, results);
  const Flows expected = read_flows(dir / "cashflows.csv", 0.25, true);
  REQUIRE(at_25.size() == results["options"].size());
  for (const auto& o : results["options"]) {
    const std::string name = o["name"];
    CHECK(close(at_25.at(name).second, expected.total_usd.at(name), 1e-6));
    CHECK(!close(at_25.at(name).second, o["metrics"]["npv_cost_usd"]["mean"].get<double>(), 1e-3));
    CHECK(close(at_25.at(name).first, o["metrics"]["total_cost_usd"]["mean"].get<double>(), 1e-6));  // nominal stays
  }
  std::string cheapest;
  double lowest = 0;
  for (const auto& [name, figures] : at_25)
    if (cheapest.empty() || figures.second < lowest) cheapest = name, lowest = figures.second;
  CHECK(cheapest_cell(sheet) == cheapest);
}

// A viewer that does not recalculate (a mail preview) shows each formula's cached result: openpyxl
// with data_only=True reads exactly those. Every formula cell has one, and they are results.json's.
TEST_CASE("cli: cashflows.xlsx caches every formula's result: a reader that does not recalculate sees results.json") {
  if (!has_command("/usr/bin/python3 -c 'import openpyxl'")) {
    MESSAGE("skipped: needs python3-openpyxl: tools/setup.sh --workbook");
    return;
  }
  const fs::path dir = scratch_dir("cashflows-cached");
  const Ran ran = run(fmt::format("run {} -o {} -j 2 --replications 2 --no-analysis", small_scenario, dir.string()));
  REQUIRE_MESSAGE(ran.exit_code == 0, ran.err);
  const auto results = nlohmann::json::parse(read_file(dir / "results.json"));
  // Summary rows as cached (option, total, NPV, NPV minus the cheapest), the cheapest cell, and
  // every formula cell without a number or text cached (there must be none).
  std::ofstream(dir / "cached.py") << R"PY(
import json, sys, openpyxl
path = sys.argv[1]
formulas = openpyxl.load_workbook(path)
cached = openpyxl.load_workbook(path, data_only=True)
missing, count = [], 0
for ws in formulas.worksheets:
    for row in ws.iter_rows():
        for c in row:
            if isinstance(c.value, str) and c.value.startswith('='):
                count += 1
                v = cached[ws.title][c.coordinate].value
                if v is None or (isinstance(v, str) and v == ''):
                    missing.append(ws.title + '!' + c.coordinate)
summary = cached['Summary']
rows, cheapest = {}, None
for row in summary.iter_rows(values_only=True):
    if row[0] == 'cheapest at this discount rate':
        cheapest = row[1]
    elif isinstance(row[0], str) and isinstance(row[2], (int, float)) and row[0] not in rows:
        rows[row[0]] = [row[2], row[3], row[4]]
print(json.dumps({'formulas': count, 'missing': missing[:10], 'options': rows, 'cheapest': cheapest}))
)PY";
  const std::string command = fmt::format("/usr/bin/python3 {} {} > {} 2>&1", (dir / "cached.py").string(),
                                          (dir / "cashflows.xlsx").string(), (dir / "cached.json").string());
  REQUIRE_MESSAGE(std::system(command.c_str()) == 0, read_file(dir / "cached.json"));
  const auto cached = nlohmann::json::parse(read_file(dir / "cached.json"));
  CHECK(cached["formulas"].get<int>() > 100);
  CHECK_MESSAGE(cached["missing"].empty(), cached["missing"].dump());
  REQUIRE(cached["options"].size() == results["options"].size());
  double lowest = 0;
  std::string cheapest;
  for (const auto& o : results["options"]) {
    const std::string name = o["name"];
    const auto& row = cached["options"][name];
    const double npv = o["metrics"]["npv_cost_usd"]["mean"].get<double>();
    CHECK(close(row[0].get<double>(), o["metrics"]["total_cost_usd"]["mean"].get<double>(), 1e-9));
    CHECK(close(row[1].get<double>(), npv, 1e-7));
    CHECK(row[1].get<double>() != 0);
    if (cheapest.empty() || npv < lowest) cheapest = name, lowest = npv;
  }
  CHECK(cached["cheapest"].get<std::string>() == cheapest);
  CHECK(cached["cheapest"].get<std::string>() == results["comparison"]["cheapest"].get<std::string>());
  CHECK(cached["options"][cheapest][2].get<double>() == 0);
}

TEST_CASE("cli: a cashflows.xlsx that cannot be written exits 2 with its path, leaves no temporary file and no results.json") {
  const fs::path dir = scratch_dir("cashflows-blocked");
  fs::create_directories(dir / "cashflows.xlsx" / "in-the-way");
  const Ran ran = run(fmt::format("run {} -o {} --replications 1 --no-analysis", small_scenario, dir.string()));
  CHECK(ran.exit_code == 2);
  CHECK(contains(ran.err, (dir / "cashflows.xlsx").string() + ": cannot write it"));
  CHECK(!fs::exists(dir / "results.json"));
  for (const auto& entry : fs::directory_iterator(dir)) CHECK(!contains(entry.path().filename().string(), ".tmp-"));
}
