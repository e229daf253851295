// bvr: rent GPU capacity or build an AI supercomputer? The command line wires scenario loading,
// the SimGrid campaign and the reports together; it computes nothing itself.
#include <fmt/format.h>

#include <boost/program_options.hpp>
#include <nlohmann/json.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "cli/error_json.h"
#include "cli/plan.h"
#include "cli/progress_line.h"
#include "cli/report_cmd.h"
#include "cli/serve.h"
#include "cli/sweep.h"
#include "cli/systems.h"
#include "cli/topo.h"
#include "cli/validate.h"
#include "report/atomic_file.h"
#include "report/cashflows_csv.h"
#include "report/cashflows_xlsx.h"
#include "report/output_dir.h"
#include "report/outputs_manifest.h"
#include "report/report_assets.h"
#include "report/report_html.h"
#include "report/report_md.h"
#include "report/results_json.h"
#include "report/results_reader.h"
#include "report/series_csv.h"
#include "report/summary_table.h"
#include "scenario/input_error.h"
#include "scenario/load.h"
#include "sim/analysis.h"
#include "sim/collective_sim.h"
#include "sim/replications.h"
#include "sim/results.h"

namespace po = boost::program_options;

namespace {

constexpr int exit_ok = 0;
constexpr int exit_internal = 1;
constexpr int exit_bad_input = 2;

const char* const overview = R"(bvr — rent GPU capacity from a cloud, or build your own AI supercomputer?

Usage: bvr <command> [options]

Commands:
  run FILE     simulate a scenario and write results.json, report.md, report.html, cashflows.xlsx and daily series
  check FILE   validate a scenario without running it
  report DIR   write report.html and report.md again from a run's (or a sweep's) files
  topo FILE    the cluster network of every option: switches, links, bisection, diameter;
               --collectives adds simulated collective times and bandwidths (nccl-tests style)
  validate     the validation suite: public cases, predicted against published
  plan FILE    the fastest parallel layouts of each training run: step time, memory, MFU
  serve FILE   serving the scenario's model: tokens/s per GPU against tokens/s per user, cost per
               million tokens, tokens/s per MW, GPUs and racks for the demand (--json)
  systems      the shipped system library (GPU peaks, NVLink domain, power, price), or checks
               system files: bvr systems [FILE...] [--json]
  sweep FILE   run every point of a sweep file (grid, random, Latin hypercube) in parallel,
               resumably; write sweep.csv and report.md (--shard K/N for a cluster)
  merge DIR... join the folders of a sweep's shards: bvr merge DIR... -o OUT

Options:
  -h, --help   show this help, or a command's help with: bvr <command> --help (or bvr help <command>)
  --version    print the version

Example:
  bvr run scenarios/xai-oracle-2024.yaml -o out/xai
)";

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

po::options_description scenario_options() {
  po::options_description d("Scenario options");
  d.add_options()("set", po::value<std::vector<std::string>>()->composing(),
                  "override a scenario value: --set key.path=value (repeatable), e.g. "
                  "--set options.lease-oracle.list_price=\"8 USD/GPU/h\"");
  return d;
}

std::vector<bvr::Override> overrides_from(const po::variables_map& vm) {
  std::vector<bvr::Override> out;
  if (vm.count("set"))
    for (const auto& text : vm["set"].as<std::vector<std::string>>()) out.push_back(bvr::parse_override(text));
  if (vm.count("seed")) out.push_back(bvr::parse_override("scenario.seed=" + vm["seed"].as<std::string>()));
  if (vm.count("replications"))
    out.push_back(bvr::parse_override("scenario.replications=" + vm["replications"].as<std::string>()));
  return out;
}

// Parses `args` (after the command word) with one positional FILE. Returns false when help was shown.
bool parse_command(const std::vector<std::string>& args, const po::options_description& visible,
                   po::variables_map& vm, const char* usage) {
  po::options_description all(visible);
  all.add_options()("file", po::value<std::string>(), "scenario file");
  po::positional_options_description positional;
  positional.add("file", 1);
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  if (vm.count("help")) {
    std::cout << usage << "\n" << visible;
    return false;
  }
  if (!vm.count("file")) throw UsageError("missing scenario FILE");
  return true;
}

// The scenario's warnings on stderr, one a line: also under --quiet (as compilers print theirs).
void print_warnings(const bvr::Scenario& scenario) {
  for (const auto& w : scenario.warnings) fmt::print(stderr, "{}\n", bvr::format_warning(w));
}

int command_check(const std::vector<std::string>& args) {
  po::options_description visible("Options");
  visible.add_options()("help,h", "show this help")(
      "json", "print the verdict as JSON: the options (name, kind, sites with their contract, system and GPUs) "
              "and training runs, or the error (file, line, column, key, message; exit code 2)");
  visible.add(scenario_options());
  po::variables_map vm;
  if (!parse_command(args, visible, vm,
                     "Usage: bvr check FILE [--json] [--set key.path=value]...\n\n"
                     "Validates a scenario (syntax, keys, units, values, references) without running it.\n\n"
                     "Example:\n  bvr check scenarios/xai-oracle-2024.yaml\n"))
    return exit_ok;
  const std::string file = vm["file"].as<std::string>();
  if (!vm.count("json")) {
    const auto scenario = bvr::load_scenario(file, overrides_from(vm));
    print_warnings(scenario);
    fmt::print("{}: ok — scenario \"{}\", {} option{}, {} training run{}\n", scenario.file, scenario.name,
               scenario.options.size(), scenario.options.size() == 1 ? "" : "s", scenario.workload.runs.size(),
               scenario.workload.runs.size() == 1 ? "" : "s");
    return exit_ok;
  }
  bvr::Scenario scenario;
  try {
    scenario = bvr::load_scenario(file, overrides_from(vm));
  } catch (const bvr::InputError& e) {
    fmt::print(stderr, "{}\n", e.what());
    fmt::print("{}\n", bvr::input_error_json(e, file).dump(2));
    return exit_bad_input;
  }
  print_warnings(scenario);
  nlohmann::ordered_json options = nlohmann::ordered_json::array();
  for (const auto& option : scenario.options) {
    nlohmann::ordered_json sites = nlohmann::ordered_json::array();
    for (const auto& site : option.sites)
      sites.push_back({{"name", site.name},
                       {"contract", bvr::to_string(site.contract)},
                       {"system", site.system.name},
                       {"gpus", site.nominal_gpus()}});
    options.push_back({{"name", option.name}, {"kind", option.kind()}, {"sites", sites}});
  }
  nlohmann::ordered_json runs = nlohmann::ordered_json::array();
  for (const auto& run : scenario.workload.runs) runs.push_back(run.name);
  const nlohmann::ordered_json out = {{"file", scenario.file},
                                      {"ok", true},
                                      {"scenario", scenario.name},
                                      {"seed", scenario.seed},
                                      {"replications", scenario.replications},
                                      {"options", options},
                                      {"runs", runs},
                                      {"warnings", bvr::warnings_json(scenario.warnings)}};
  fmt::print("{}\n", out.dump(2));
  return exit_ok;
}

// Writes the run's files into DIR (docs/architecture.md, "Outputs"). DIR/outputs.json lists
// them; the files an earlier run listed there and this one does not write are removed, and no
// other file of DIR is touched.
void write_outputs(const std::string& dir, const bvr::Results& results) {
  std::string why;
  const auto assets = bvr::load_report_assets(why);
  std::vector<std::string> files;
  for (const auto& option : results.options) files.push_back("series-" + option.name + ".csv");
  files.push_back("report.md");
  if (assets) files.push_back("report.html");
  files.push_back("cashflows.csv");
  files.push_back("cashflows.xlsx");
  files.push_back("results.json");
  std::string problem;
  const std::vector<std::string> before = bvr::read_outputs_manifest(dir, problem);
  if (!problem.empty())
    fmt::print(stderr, "bvr: warning: {}; files of earlier runs in {} are left as they are\n", problem, dir);
  std::vector<std::string> stale;
  for (const auto& name : before)
    if (std::find(files.begin(), files.end(), name) == files.end() &&
        std::find(stale.begin(), stale.end(), name) == stale.end())
      stale.push_back(name);

  // An older results.json would vouch for files this run is about to replace: it goes first.
  std::error_code ec;
  std::filesystem::remove(dir + "/results.json", ec);
  if (ec) throw bvr::OutputError(fmt::format("{}/results.json: cannot remove the older one: {}", dir, ec.message()));
  // Until the stale files are gone the manifest lists them too: an interrupted run leaves a
  // manifest that names every file bvr may have left in DIR.
  std::vector<std::string> listed = files;
  listed.insert(listed.end(), stale.begin(), stale.end());
  bvr::write_file_atomically(dir + "/outputs.json", bvr::outputs_manifest_json(listed));
  for (const auto& option : results.options)
    bvr::write_file_atomically(dir + "/series-" + option.name + ".csv",
                               bvr::series_csv(option.series, bvr::has_serving(results), option.site_series,
                                               bvr::own_site_names(option.sites)));
  bvr::write_file_atomically(dir + "/report.md", bvr::report_markdown(results));
  // The workbook is built from the rows as cashflows.csv holds them, as `bvr report` does later.
  const std::string cashflows = bvr::cashflows_csv(bvr::cash_flow_rows(results), results.start_day);
  bvr::write_file_atomically(dir + "/cashflows.csv", cashflows);
  bvr::write_cashflows_xlsx(dir + "/cashflows.xlsx", results, bvr::cashflows_from_csv(cashflows, dir + "/cashflows.csv"));
  const std::string json = bvr::results_json(results);
  // report.html reads the results as results.json holds them, as `bvr report` does later.
  if (assets)
    bvr::write_file_atomically(
        dir + "/report.html",
        bvr::report_html(results, bvr::parse_json_file_text(json, dir + "/results.json"), *assets));
  else {
    std::filesystem::remove(dir + "/report.html", ec);  // one from an earlier run would not match
    fmt::print(stderr, "bvr: warning: report.html skipped: {}\n", why);
  }
  for (const auto& name : stale) {
    const std::filesystem::path path = std::filesystem::path(dir) / name;
    std::error_code status_ec, remove_ec;
    // Only a file bvr wrote: a folder or a link of that name is left alone.
    if (!std::filesystem::is_regular_file(std::filesystem::symlink_status(path, status_ec))) continue;
    std::filesystem::remove(path, remove_ec);
    if (remove_ec) throw bvr::OutputError(fmt::format("{}: cannot remove this file of an earlier run: {}", path.string(), remove_ec.message()));
  }
  bvr::write_file_atomically(dir + "/outputs.json", bvr::outputs_manifest_json(files));
  // Last: a results.json on disk means the whole run finished.
  bvr::write_file_atomically(dir + "/results.json", json);
}

int command_run(const std::vector<std::string>& args) {
  po::options_description visible("Options");
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  visible.add_options()("help,h", "show this help")("output,o", po::value<std::string>(),
                                                     "output folder (default: out/<scenario name>)")(
      "seed", po::value<std::string>(), "random seed (overrides scenario.seed)")(
      "replications", po::value<std::string>(), "Monte Carlo replications (overrides scenario.replications)")(
      "jobs,j", po::value<int>()->default_value(static_cast<int>(cores)),
      "replications simulated in parallel (results do not depend on it)")(
      "no-analysis", "skip the lease price and horizon breakevens and the sensitivity tornado (each simulates again)")(
      "no-cache", "simulate every fabric collective afresh: no file cache (by default they are kept in "
                  "$XDG_CACHE_HOME/bvr/collectives, or BVR_COLLECTIVE_CACHE; =off turns it off too)")(
      "quiet,q", "no progress line on stderr (only warnings and errors)")(
      "verbose,v", "each phase (loading, job speeds, replications, each breakeven, the tornado, writing) with its "
                   "wall time on stderr");
  visible.add(scenario_options());
  po::variables_map vm;
  if (!parse_command(args, visible, vm,
                     "Usage: bvr run FILE [-o DIR] [--seed N] [--replications N] [-j N] [--no-analysis] [--no-cache]\n"
                     "               [-q | -v] [--set key.path=value]...\n\n"
                     "Simulates every option of the scenario on SimGrid and writes DIR/results.json,\n"
                     "DIR/report.md, DIR/report.html, DIR/cashflows.xlsx and .csv and DIR/series-<option>.csv,\n"
                     "then prints a comparison table.\n"
                     "Then finds the lease price and the horizon at which leasing and building cost the\n"
                     "same and runs the scenario's sensitivity tornado, all by simulating again.\n"
                     "When stderr is a terminal, a line shows the replications and what-ifs done and the\n"
                     "ETA (--quiet: none); it never changes the results.\n\n"
                     "Example:\n  bvr run scenarios/xai-oracle-2024.yaml -o out/xai --replications 50 \\\n"
                     "      --set options.lease-oracle.list_price=\"8 USD/GPU/h\"\n"))
    return exit_ok;
  if (vm["jobs"].as<int>() < 1) throw UsageError("--jobs must be at least 1");
  if (vm.count("quiet") && vm.count("verbose")) throw UsageError("--quiet and --verbose exclude each other");
  bvr::ProgressLine progress = bvr::ProgressLine::for_stderr("bvr run", vm.count("quiet") > 0, vm.count("verbose") > 0);
  const bool analysis = !vm.count("no-analysis");
  if (vm.count("no-cache")) bvr::set_collective_cache_dir("");
  auto since = std::chrono::steady_clock::now();
  const auto scenario = bvr::load_scenario(vm["file"].as<std::string>(), overrides_from(vm), analysis);
  print_warnings(scenario);
  progress.verbose_note("loaded " + scenario.file, since);
  const std::string dir = vm.count("output") ? vm["output"].as<std::string>() : "out/" + scenario.name;
  // A sweep's folder holds its own report.md and report.html: a run would overwrite them.
  std::error_code ec;  // a path too long or under a file is OutputDir's to explain, just below
  if (std::filesystem::exists(std::filesystem::path(dir) / "sweep-manifest.json", ec))
    throw bvr::OutputError(fmt::format("{}: is a sweep folder (it holds sweep-manifest.json); bvr run would overwrite "
                                       "its report: choose another -o DIR",
                                       dir));
  // The folder is made and tried before anything is simulated: a bad -o costs no time.
  std::size_t longest = std::string("cashflows.xlsx").size();
  for (const auto& option : scenario.options) longest = std::max(longest, ("series-" + option.name + ".csv").size());
  bvr::OutputDir output(dir, longest);
  const auto outcomes = bvr::run_replications(scenario, vm["jobs"].as<int>(), &progress);
  auto results = bvr::make_results(scenario, outcomes);
  if (analysis) bvr::add_analysis(scenario, outcomes, vm["jobs"].as<int>(), results, &progress);
  since = std::chrono::steady_clock::now();
  write_outputs(dir, results);
  output.keep();
  progress.verbose_note("wrote the files in " + dir, since);
  fmt::print("{}\nwrote {}/results.json, report.md, {}cashflows.xlsx, cashflows.csv and {} daily series\n",
             bvr::summary_table(results), dir,
             std::filesystem::exists(dir + "/report.html") ? "report.html, " : "", results.options.size());
  return exit_ok;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    // `bvr help COMMAND` is `bvr COMMAND --help`.
    if (args.size() >= 2 && args[0] == "help") args = {args[1], "--help"};
    if (args.empty() || args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
      std::cout << overview;
      return args.empty() ? exit_bad_input : exit_ok;
    }
    if (args[0] == "--version" || args[0] == "version") {
      fmt::print("bvr {}\n", BVR_VERSION);
      return exit_ok;
    }
    const std::string command = args[0];
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (command == "run") return command_run(rest);
    if (command == "check") return command_check(rest);
    if (command == "topo") return bvr::command_topo(rest);
    if (command == "validate") return bvr::command_validate(rest);
    if (command == "plan") return bvr::command_plan(rest);
    if (command == "serve") return bvr::command_serve(rest);
    if (command == "systems") return bvr::command_systems(rest);
    if (command == "sweep") return bvr::command_sweep(rest);
    if (command == "merge") return bvr::command_merge(rest);
    if (command == "report") return bvr::command_report(rest);
    throw UsageError(fmt::format("unknown command \"{}\"", command));
  } catch (const UsageError& e) {
    fmt::print(stderr, "bvr: {}\nTry 'bvr --help'.\n", e.what());
    return exit_bad_input;
  } catch (const bvr::InputError& e) {
    fmt::print(stderr, "{}\n", e.what());
    return exit_bad_input;
  } catch (const std::filesystem::filesystem_error& e) {
    // A folder or file that cannot be made, read or removed: the user can fix it (exit 2).
    fmt::print(stderr, "bvr: {}\n", e.what());
    return exit_bad_input;
  } catch (const std::exception& e) {
    fmt::print(stderr, "bvr: internal error: {}\n", e.what());
    return exit_internal;
  }
}
