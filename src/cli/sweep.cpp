#include "cli/sweep.h"

#include "sim/collective_sim.h"
#include "sim/job_speed.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <boost/program_options.hpp>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <thread>

#include "cli/progress_line.h"
#include "cli/sweep_runner.h"
#include "report/atomic_file.h"
#include "report/output_dir.h"
#include "report/report_assets.h"
#include "report/sweep_html.h"
#include "report/sweep_table.h"
#include "report/sweep_csv.h"
#include "report/sweep_manifest.h"
#include "report/sweep_report_md.h"
#include "scenario/input_error.h"
#include "scenario/sweep_file.h"
#include "scenario/sweep_scenarios.h"
#include "sim/results.h"
#include "sim/collective_sim.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace bvr {

namespace {

const char* const manifest_name = "sweep-manifest.json";

[[noreturn]] void usage_error(const std::string& command, const std::string& what) {
  throw InputError(fmt::format("bvr {0}: {1}\nTry 'bvr {0} --help'.", command, what));
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Finished points of a folder: points/<index>.csv (temporary files of a killed run are not).
std::map<int, fs::path> finished_points(const fs::path& dir) {
  std::map<int, fs::path> out;
  if (!fs::is_directory(dir / "points")) return out;
  for (const auto& entry : fs::directory_iterator(dir / "points")) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".csv") continue;
    const std::string stem = entry.path().stem().string();
    if (stem.empty() || !std::all_of(stem.begin(), stem.end(), [](char c) { return c >= '0' && c <= '9'; })) continue;
    out.emplace(std::stoi(stem), entry.path());
  }
  return out;
}

// sweep.csv of the given points (in index order) and the report, both atomically.
// Returns whether report.html was written (the charting libraries may be missing).
bool write_sweep_outputs(const fs::path& dir, const std::vector<int>& indices) {
  std::vector<std::pair<std::string, std::string>> files;
  for (const int i : indices) {
    const fs::path path = dir / "points" / fmt::format("{}.csv", i);
    files.emplace_back(path.string(), slurp(path));
  }
  const std::string csv = join_point_csvs(files);
  std::string why;
  if (const auto assets = load_report_assets(why)) {
    fs::path named = fs::absolute(dir).lexically_normal();  // the folder's name titles the page
    if (named.filename().empty()) named = named.parent_path();
    write_file_atomically((dir / "report.html").string(),
                          sweep_report_html(parse_sweep_csv(csv, (dir / "sweep.csv").string()),
                                            named.filename().string(), *assets));
  } else {
    fmt::print(stderr, "bvr: warning: report.html skipped: {}\n", why);
  }
  write_file_atomically((dir / "sweep.csv").string(), csv);
  write_sweep_report_md(dir.string());
  return why.empty();
}

std::vector<std::string> axis_columns(const SweepManifest& manifest) {
  std::vector<std::string> out;
  for (const auto& axis : manifest.axes) out.push_back(axis_column(axis.key, axis.unit));
  return out;
}

// Point files that are not whole, by index, with what is wrong. A file cut short (a killed
// machine, a full disk, a copy that stopped) or edited must never pass for a finished point.
using Damaged = std::vector<std::pair<int, std::string>>;

void print_damaged(const Damaged& damaged, const char* what_next) {
  constexpr std::size_t shown = 10;
  for (std::size_t i = 0; i < damaged.size() && i < shown; ++i)
    fmt::print(stderr, "bvr sweep: point {} is damaged and {}: {}\n", damaged[i].first, what_next, damaged[i].second);
  if (damaged.size() > shown)
    fmt::print(stderr, "bvr sweep: ... and {} more damaged point files\n", damaged.size() - shown);
}

// ": it is a bvr run's folder (results.json)" when it is one, for refusals.
std::string run_folder_note(const fs::path& dir) {
  for (const char* name : {"results.json", "outputs.json"})
    if (std::error_code ec; fs::exists(dir / name, ec)) return fmt::format("; it is the folder of a bvr run: it holds {}", name);
  return "";
}

std::pair<int, int> parse_shard(const std::string& text) {
  int k = 0, n = 0;
  char slash = 0;
  std::istringstream in(text);
  if (!(in >> k >> slash >> n) || slash != '/' || !in.eof() || n < 1 || k < 1 || k > n)
    usage_error("sweep", fmt::format("--shard expects K/N with 1 <= K <= N, such as 2/8; got \"{}\"", text));
  return {k, n};
}

}  // namespace

int command_sweep(const std::vector<std::string>& args) {
  const char* usage =
      "Usage: bvr sweep FILE [-o DIR] [-j N] [--shard K/N] [--restart] [-q | -v] [--set key.path=value]...\n\n"
      "Runs every point of a sweep file (scenarios/sweeps/, docs/sweeps.md): a base scenario with\n"
      "axes of values, as a grid, random samples or a Latin hypercube. Points run in parallel\n"
      "worker processes; each finished point is kept in DIR/points/, so running the same command\n"
      "again after an interruption skips them. Writes DIR/sweep.csv (one row per point and option)\n"
      "and DIR/report.md. --shard K/N runs the points whose index % N == K-1 (join the shards'\n"
      "folders with bvr merge).\n"
      "When stderr is a terminal, a line shows the points done and the ETA (--quiet: none).\n\n"
      "Example:\n  bvr sweep scenarios/sweeps/lease-price-vs-delay.yaml -o out/sweep -j 2\n";
  po::options_description visible("Options");
  const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
  visible.add_options()("help,h", "show this help")("output,o", po::value<std::string>(),
                                                     "output folder (default: out/<sweep file name>)")(
      "jobs,j", po::value<int>()->default_value(static_cast<int>(cores)), "points simulated in parallel")(
      "shard", po::value<std::string>(), "run only the K-th of N slices of the points: K/N")(
      "restart", "discard the folder's finished points when they belong to another sweep (or shard)")(
      "no-cache", "no collective cache in the user's cache folder (the points still share one in DIR)")(
      "quiet,q", "no progress line on stderr (only warnings and errors)")(
      "verbose,v", "each phase with its wall time on stderr, and a line at every tenth of the points (for logs)")(
      "set", po::value<std::vector<std::string>>()->composing(),
      "override a base scenario value for every point: --set key.path=value (repeatable)");
  po::options_description all(visible);
  all.add_options()("file", po::value<std::string>(), "sweep file");
  po::positional_options_description positional;
  positional.add("file", 1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    usage_error("sweep", e.what());
  }
  if (vm.count("help")) {
    std::cout << usage << "\n" << visible;
    return 0;
  }
  if (!vm.count("file")) usage_error("sweep", "missing sweep FILE");
  if (vm.count("quiet") && vm.count("verbose")) usage_error("sweep", "--quiet and --verbose exclude each other");
  ProgressLine progress = ProgressLine::for_stderr("bvr sweep", vm.count("quiet") > 0, vm.count("verbose") > 0);
  const int parallel = vm["jobs"].as<int>();
  if (parallel < 1) usage_error("sweep", "--jobs must be at least 1");
  const auto [shard, shards] = vm.count("shard") ? parse_shard(vm["shard"].as<std::string>()) : std::pair(1, 1);
  std::vector<Override> sets;
  if (vm.count("set"))
    for (const auto& text : vm["set"].as<std::vector<std::string>>()) sets.push_back(parse_override(text));

  const std::string file = vm["file"].as<std::string>();
  const SweepSpec spec = read_sweep_file(file);
  const std::vector<SweepPoint> points = sweep_points(spec.axes, spec.mode, spec.points, spec.seed);
  // Every point is checked before anything runs or is written (and by every shard alike).
  check_sweep_scenarios(spec, points, sets);

  SweepManifest manifest;
  manifest.sweep_file = file;
  manifest.base_file = spec.base_file;
  manifest.hash = sweep_hash(spec, sets);
  manifest.mode = std::string(sweep_mode_name(spec.mode));
  manifest.seed = spec.seed;
  manifest.replications = load_point_scenario(spec, points.front(), sets).replications;
  manifest.common_random_numbers = spec.common_random_numbers;
  manifest.shard = shard;
  manifest.shards = shards;
  for (const auto& axis : spec.axes) manifest.axes.push_back({axis.key, axis.unit});
  manifest.points = points;

  const std::string stem = fs::path(file).stem().string();
  // The default folder is named after the sweep file; a stem such as ".." (from "...yaml") would
  // climb out of out/.
  if (!vm.count("output") && (stem.empty() || stem == "." || stem == ".."))
    usage_error("sweep", fmt::format("cannot name the output folder after \"{}\"; give -o DIR", file));
  const fs::path dir = vm.count("output") ? fs::path(vm["output"].as<std::string>()) : fs::path("out") / stem;
  const fs::path manifest_path = dir / manifest_name;
  // Before anything is simulated: the folder is made (or is one) and takes files.
  OutputDir output(dir, std::string(manifest_name).size());
  output.keep();  // a sweep folder stays, with whatever finishes in it
  int lock = -1;  // held until exit; the kernel releases it however this process ends
  auto take_lock = [&dir, &lock] {
    if (lock >= 0) return;
    lock = open((dir / ".sweep.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (lock < 0)
      throw OutputError(fmt::format("{}: cannot create the lock file: {}", (dir / ".sweep.lock").string(), std::strerror(errno)));
    if (flock(lock, LOCK_EX | LOCK_NB) != 0)
      throw InputError(fmt::format("{}: another bvr sweep is running in this folder; wait for it or choose another -o DIR",
                                   dir.string()));
  };
  if (fs::exists(manifest_path)) {
    take_lock();
    const SweepManifest old = read_sweep_manifest(manifest_path.string());
    std::string why;
    if (old.hash != manifest.hash)
      why = "another sweep (its sweep file, base scenario or --set values differ from these)";
    else if (old.shard != shard || old.shards != shards)
      why = fmt::format("shard {}/{} of this sweep, not {}/{}", old.shard, old.shards, shard, shards);
    if (!why.empty()) {
      if (!vm.count("restart"))
        throw InputError(fmt::format(
            "{}: this folder holds {} with {} finished points; use another -o DIR, or --restart to discard them",
            dir.string(), why, finished_points(dir).size()));
      fs::remove_all(dir / "points");
      for (const char* name : {"sweep.csv", "report.md", "report.html", manifest_name}) fs::remove(dir / name);
    }
  } else if (fs::exists(dir) && !fs::is_empty(dir)) {
    throw InputError(fmt::format("{}: the folder exists and is not a sweep folder (no {}{}); choose another -o DIR",
                                 dir.string(), manifest_name, run_folder_note(dir)));
  }
  fs::create_directories(dir / "points");
  take_lock();
  write_file_atomically(manifest_path.string(), sweep_manifest_json(manifest));
  // A sweep.csv, report.md and report.html already here are those of this very sweep, finished
  // before: they stay until the new ones replace them (a damaged point's rows in them are right).

  const auto finished = finished_points(dir);
  const std::vector<std::string> columns = axis_columns(manifest);
  std::vector<SweepPoint> jobs;
  std::vector<int> shard_indices;
  Damaged damaged;
  for (const auto& point : points) {
    if (!manifest.in_shard(point.index)) continue;
    shard_indices.push_back(point.index);
    const auto kept = finished.find(point.index);
    if (kept == finished.end()) {
      jobs.push_back(point);
      continue;
    }
    // Whole: strictly readable, the header this scenario gives, one row per option with the
    // point's index and values.
    const Scenario scenario = load_point_scenario(spec, point, sets);
    PointFileExpectation expect{point_csv_header(columns, metric_names(scenario)), {}};
    for (const auto& option : scenario.options) expect.options.push_back(option.name);
    std::string problem = point_file_problem(slurp(kept->second), kept->second.string(), columns, point, expect);
    if (!problem.empty()) {
      damaged.emplace_back(point.index, std::move(problem));
      jobs.push_back(point);
    }
  }
  print_damaged(damaged, "runs again");
  const int done_before = static_cast<int>(shard_indices.size() - jobs.size());
  // Points that share a fabric simulate its collectives once, whichever worker gets there first.
  // The user's cache folder (sim/collective_sim.h) when there is one; otherwise (--no-cache,
  // BVR_COLLECTIVE_CACHE=off, no home) the sweep's own.
  if (vm.count("no-cache")) set_collective_cache_dir("");
  if (collective_cache_dir().empty()) set_collective_cache_dir((dir / "collective-cache").string());
  // Warmed here, before the workers fork, so that they all find the first point's collectives.
  if (!jobs.empty()) {
    const ProgressPhase phase(&progress, "job speeds (fabric collectives)", 0);
    prepare_job_speeds(load_point_scenario(spec, jobs.front(), sets));
  }
  const auto start = std::chrono::steady_clock::now();
  const auto scenario_of = [&spec, &sets](const SweepPoint& point) { return load_point_scenario(spec, point, sets); };
  const int status = run_sweep_points((dir / "points").string(), spec.axes, jobs, scenario_of, parallel,
                                      {done_before, static_cast<int>(shard_indices.size())}, &progress);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (status != 0) {
    const auto now = finished_points(dir);
    int kept = 0;
    for (const int i : shard_indices) kept += now.count(i) ? 1 : 0;
    fmt::print(stderr, "bvr sweep: stopped; {} of {} points finished and kept in {}/points. Run the same command again to resume.\n",
               kept, shard_indices.size(), dir.string());
    return status;
  }
  const bool html = write_sweep_outputs(dir, shard_indices);
  const std::string shard_text = shards > 1 ? fmt::format(" (shard {}/{} of {})", shard, shards, points.size()) : "";
  fmt::print("{} points{}: {} run in {:.1f} s ({:.2f} points/s), {} already finished\nwrote {}/sweep.csv, report.md{}\n",
             shard_indices.size(), shard_text, jobs.size(), seconds, seconds > 0 ? static_cast<double>(jobs.size()) / seconds : 0.0,
             done_before, dir.string(), html ? " and report.html" : "");
  return 0;
}

int command_merge(const std::vector<std::string>& args) {
  const char* usage =
      "Usage: bvr merge DIR... -o OUT\n\n"
      "Joins the folders of a sweep's shards (bvr sweep --shard K/N) into OUT: sweep.csv (the same\n"
      "bytes as one run of the whole sweep), report.md, the manifest and every point. Refuses\n"
      "folders of different sweeps or holding the same point, and names the points missing.\n\n"
      "Example:\n  bvr merge out/shard-1 out/shard-2 -o out/sweep\n";
  po::options_description visible("Options");
  visible.add_options()("help,h", "show this help")("output,o", po::value<std::string>(), "output folder");
  po::options_description all(visible);
  all.add_options()("dirs", po::value<std::vector<std::string>>(), "shard folders");
  po::positional_options_description positional;
  positional.add("dirs", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    usage_error("merge", e.what());
  }
  if (vm.count("help")) {
    std::cout << usage << "\n" << visible;
    return 0;
  }
  if (!vm.count("dirs")) usage_error("merge", "missing the shard folders DIR...");
  if (!vm.count("output")) usage_error("merge", "missing -o OUT");
  const auto dirs = vm["dirs"].as<std::vector<std::string>>();
  const fs::path out = vm["output"].as<std::string>();

  std::vector<SweepManifest> manifests;
  for (std::size_t i = 0; i < dirs.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (fs::exists(dirs[i]) && fs::exists(dirs[j]) && fs::equivalent(dirs[i], dirs[j]))
        usage_error("merge", fmt::format("the folder {} is given twice", dirs[i]));
  for (const auto& d : dirs) {
    if (fs::exists(out) && fs::exists(d) && fs::equivalent(out, d))
      usage_error("merge", fmt::format("OUT ({}) is one of the folders to merge; choose another -o", out.string()));
    manifests.push_back(read_sweep_manifest((fs::path(d) / manifest_name).string()));
    if (manifests.back().hash != manifests.front().hash)
      throw InputError(fmt::format("{}: holds another sweep than {} (sweep hash {} vs {}: the sweep file, base scenario or --set values differ)",
                                   d, dirs.front(), manifests.back().hash, manifests.front().hash));
  }
  const SweepManifest& first = manifests.front();
  const int total = static_cast<int>(first.points.size());
  std::map<int, std::size_t> owner;  // point -> index into dirs
  std::vector<std::string> duplicates;
  for (std::size_t d = 0; d < dirs.size(); ++d) {
    for (const auto& [index, path] : finished_points(dirs[d])) {
      if (index >= total) throw InputError(fmt::format("{}: point {} is not in the sweep ({} points)", path.string(), index, total));
      const auto [it, fresh] = owner.emplace(index, d);
      if (!fresh) duplicates.push_back(fmt::format("point {} in {} and {}", index, dirs[it->second], dirs[d]));
    }
  }
  if (!duplicates.empty())
    throw InputError(fmt::format("bvr merge: {} point{} finished in more than one folder: {}", duplicates.size(),
                                 duplicates.size() == 1 ? "" : "s",
                                 fmt::format("{}", fmt::join(duplicates.begin(), duplicates.begin() + std::min<std::ptrdiff_t>(10, static_cast<std::ptrdiff_t>(duplicates.size())), "; ")) +
                                     (duplicates.size() > 10 ? "; ..." : "")));
  // Every point file whole before anything is written; a damaged one is redone by its shard.
  Damaged damaged;
  const std::vector<std::string> columns = axis_columns(first);
  for (const auto& [index, d] : owner) {
    const fs::path file = fs::path(dirs[d]) / "points" / fmt::format("{}.csv", index);
    std::string problem = point_file_problem(slurp(file), file.string(), columns, first.points[static_cast<std::size_t>(index)]);
    if (!problem.empty()) damaged.emplace_back(index, std::move(problem));
  }
  if (!damaged.empty()) {
    const auto [index, problem] = damaged.front();
    const SweepManifest& m = manifests[owner.at(index)];
    throw InputError(fmt::format(
        "bvr merge: {} damaged point file{}, first {}; run bvr sweep again on {} (shard {}/{}) to redo {}",
        damaged.size(), damaged.size() == 1 ? "" : "s", problem, dirs[owner.at(index)], m.shard, m.shards,
        damaged.size() == 1 ? "it" : "them"));
  }
  std::vector<int> missing;
  for (int i = 0; i < total; ++i)
    if (!owner.count(i)) missing.push_back(i);
  if (!missing.empty()) {
    // Name the shards the missing points belong to, when the folders agree on N.
    std::string hint;
    if (std::all_of(manifests.begin(), manifests.end(), [&](const auto& m) { return m.shards == first.shards; }) && first.shards > 1) {
      std::vector<std::string> notes;
      for (int k = 1; k <= first.shards; ++k) {
        if (std::none_of(missing.begin(), missing.end(), [&](int i) { return i % first.shards == k - 1; })) continue;
        const auto ran = std::find_if(manifests.begin(), manifests.end(), [&](const auto& m) { return m.shard == k; });
        notes.push_back(ran == manifests.end() ? fmt::format("shard {}/{} not run?", k, first.shards)
                                               : fmt::format("shard {}/{} unfinished in {}", k, first.shards,
                                                             dirs[static_cast<std::size_t>(ran - manifests.begin())]));
      }
      hint = fmt::format(" ({})", fmt::join(notes, "; "));
    }
    throw InputError(fmt::format("bvr merge: missing point{} {} of {}{}", missing.size() == 1 ? "" : "s",
                                 compact_indices(missing), total, hint));
  }

  OutputDir output(out, std::string(manifest_name).size());
  if (fs::exists(out / manifest_name)) {
    const SweepManifest old = read_sweep_manifest((out / manifest_name).string());
    if (old.hash != first.hash)
      throw InputError(fmt::format("{}: already holds another sweep; choose another -o", out.string()));
  } else if (fs::exists(out) && !fs::is_empty(out)) {
    throw InputError(fmt::format("{}: the folder exists and is not a sweep folder (no {}{}); choose another -o",
                                 out.string(), manifest_name, run_folder_note(out)));
  }
  fs::create_directories(out / "points");
  output.keep();
  SweepManifest merged = first;
  merged.shard = merged.shards = 1;
  write_file_atomically((out / manifest_name).string(), sweep_manifest_json(merged));
  std::vector<int> indices;
  for (const auto& [index, d] : owner) {
    const fs::path target = out / "points" / fmt::format("{}.csv", index);
    const std::string text = slurp(fs::path(dirs[d]) / "points" / target.filename());
    if (!fs::exists(target) || slurp(target) != text) write_file_atomically(target.string(), text);
    indices.push_back(index);
  }
  const bool html = write_sweep_outputs(out, indices);
  fmt::print("merged {} points from {} folder{}\nwrote {}/sweep.csv, report.md{}\n", total, dirs.size(),
             dirs.size() == 1 ? "" : "s", out.string(), html ? " and report.html" : "");
  return 0;
}

}  // namespace bvr
