#include "cli/report_cmd.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "report/atomic_file.h"
#include "report/cashflows_csv.h"
#include "report/cashflows_xlsx.h"
#include "report/output_dir.h"
#include "report/report_assets.h"
#include "report/report_html.h"
#include "report/report_md.h"
#include "report/results_reader.h"
#include "report/sweep_html.h"
#include "report/sweep_manifest.h"
#include "report/sweep_report_md.h"
#include "report/sweep_table.h"
#include "scenario/input_error.h"
#include "scenario/plain_name.h"

namespace bvr {

namespace {

namespace fs = std::filesystem;

constexpr const char* usage =
    "Usage: bvr report DIR [-o OUTDIR]\n\n"
    "Writes report.html and report.md again from what `bvr run` left in DIR (results.json and\n"
    "series-<option>.csv; cashflows.xlsx too from cashflows.csv), or report.html from what\n"
    "`bvr sweep` left (sweep.csv), without simulating anything. OUTDIR defaults to DIR.\n\n"
    "Options:\n"
    "  -o, --output OUTDIR   write the reports there instead of DIR\n"
    "  -h, --help            show this help\n\n"
    "Example:\n  bvr report out/xai-oracle-2024\n";

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(fmt::format("{}: cannot read", path.string()));
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// cashflows.xlsx again from results.json and cashflows.csv, when the run wrote them (bvr before
// the workbook did not): " and cashflows.xlsx" to add to the message, or why it was not written.
std::string write_workbook_again(const fs::path& in, const std::string& out, const Results& results,
                                 const nlohmann::ordered_json& doc) {
  const fs::path csv = in / "cashflows.csv";
  if (!fs::exists(csv) || !doc.contains("discount_rate"))
    return fmt::format(" (no cashflows.xlsx: {} has no cashflows.csv or its results.json no discount_rate)", in.string());
  const std::string text = read_file(csv);
  const auto rows = cashflows_from_csv(text, csv.string());
  std::error_code ec;
  if (!fs::equivalent(in, out, ec)) write_file_atomically(out + "/cashflows.csv", text);
  write_cashflows_xlsx(out + "/cashflows.xlsx", results, rows);
  return " and cashflows.xlsx";
}

}  // namespace

int command_report(const std::vector<std::string>& args) {
  std::string dir, out;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--help" || args[i] == "-h") {
      std::fputs(usage, stdout);
      return 0;
    }
    if (args[i] == "-o" || args[i] == "--output") {
      if (i + 1 >= args.size()) {
        fmt::print(stderr, "bvr report: {} needs a folder\n{}", args[i], usage);
        return 2;
      }
      out = args[++i];
    } else if (dir.empty() && !args[i].starts_with("-")) {
      dir = args[i];
    } else {
      fmt::print(stderr, "bvr report: unexpected argument \"{}\"\n{}", args[i], usage);
      return 2;
    }
  }
  if (dir.empty()) {
    fmt::print(stderr, "bvr report: missing DIR\n{}", usage);
    return 2;
  }
  if (out.empty()) out = dir;
  const fs::path in(dir);
  const bool sweep = fs::exists(in / "sweep.csv");
  if (!sweep && !fs::exists(in / "results.json")) {
    fmt::print(stderr, "{}: neither results.json (from bvr run) nor sweep.csv (from bvr sweep) is there\n", dir);
    return 2;
  }
  std::string why;
  const auto assets = load_report_assets(why);
  if (!assets) {
    fmt::print(stderr, "bvr report: cannot write report.html: {}\n", why);
    return 1;
  }
  // A run's reports must not land in a sweep's folder, nor a sweep's in a run's (both hold a
  // report.md and report.html of their own).
  std::error_code same_ec;
  if (!fs::equivalent(in, out, same_ec)) {
    const fs::path o(out);
    if (!sweep && fs::exists(o / "sweep-manifest.json", same_ec)) {
      fmt::print(stderr, "{}: is a sweep folder (it holds sweep-manifest.json); a run's report would overwrite its "
                 "report: choose another -o OUTDIR\n", out);
      return 2;
    }
    for (const char* name : {"results.json", "outputs.json"})
      if (sweep && fs::exists(o / name, same_ec)) {
        fmt::print(stderr, "{}: is the folder of a bvr run (it holds {}); a sweep's report would overwrite its "
                   "report: choose another -o OUTDIR\n", out, name);
        return 2;
      }
  }
  try {
    // The output folder is made and tried before anything is read or rendered.
    OutputDir output(out);  // removed again if it was made and nothing gets written
    if (sweep) {
      const fs::path csv = in / "sweep.csv";
      const SweepTable table = parse_sweep_csv(read_file(csv), csv.string());
      fs::path named = fs::absolute(in).lexically_normal();  // the folder's name titles the page
      if (named.filename().empty()) named = named.parent_path();
      write_file_atomically(out + "/report.html", sweep_report_html(table, named.filename().string(), *assets));
      output.keep();
      // report.md needs the manifest (axes, seeds); a bare sweep.csv gets report.html only.
      if (const fs::path manifest = in / "sweep-manifest.json"; fs::exists(manifest)) {
        write_file_atomically(out + "/report.md",
                              sweep_report_markdown(read_sweep_manifest(manifest.string()), read_file(csv)));
        fmt::print("wrote {}/report.html and {}/report.md\n", out, out);
      } else {
        fmt::print("wrote {}/report.html ({} has no sweep-manifest.json: no report.md)\n", out, dir);
      }
      return 0;
    }
    const fs::path json_path = in / "results.json";
    const auto doc = parse_json_file_text(read_file(json_path), json_path.string());
    Results results = results_from_json(doc, json_path.string());
    for (auto& option : results.options) {
      // The name makes a file name to read: it must not lead out of DIR.
      if (!is_plain_name(option.name))
        throw InputError(fmt::format("{}: options: option name \"{}\" {}", json_path.string(), option.name, plain_name_rule()));
      const fs::path csv = in / fmt::format("series-{}.csv", option.name);
      option.series = series_from_csv(read_file(csv), csv.string(), &option.site_series);
    }
    write_file_atomically(out + "/report.md", report_markdown(results));
    output.keep();
    write_file_atomically(out + "/report.html", report_html(results, doc, *assets));
    const std::string workbook = write_workbook_again(in, out, results, doc);
    fmt::print("wrote {}/report.md, report.html{}\n", out, workbook);
  } catch (const InputError& e) {
    fmt::print(stderr, "{}\n", e.what());
    return 2;
  }
  return 0;
}

}  // namespace bvr
