// End to end: bvr sweep and bvr merge on scenarios/sweeps/tiny.yaml (4 points, 2 replications):
// results do not depend on -j, shards merge to the same bytes, merge refuses duplicates and
// names missing points, an interrupted sweep resumes to the same result, and a point's row is
// what `bvr run` gives for the same values and seed.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const std::string exe = BVR_EXE;
const std::string tiny = std::string(BVR_SOURCE_DIR) + "/scenarios/sweeps/tiny.yaml";
const std::string base = std::string(BVR_SOURCE_DIR) + "/scenarios/xai-oracle-2024.yaml";

struct Result {
  int exit_code;
  std::string out, err;
};

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Each test case has its own folder: CTest runs them in parallel processes.
fs::path scratch(const std::string& name) {
  const fs::path dir = fs::temp_directory_path() / fmt::format("bvr-sweep-tests-{}", getpid()) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

Result bvr(const fs::path& where, const std::string& args, const std::string& env = "") {
  const std::string command = fmt::format("cd {} && {} {} {} > stdout 2> stderr", where.string(), env, exe, args);
  const int status = std::system(command.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, slurp(where / "stdout"), slurp(where / "stderr")};
}

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) out.push_back(line);
  return out;
}

}  // namespace

TEST_CASE("sweep: sweep.csv is the same whatever -j and a row is what bvr run gives for that point") {
  const fs::path dir = scratch("jobs");
  const Result one = bvr(dir, fmt::format("sweep {} -o j1 -j 1", tiny));
  REQUIRE_MESSAGE(one.exit_code == 0, one.err);
  CHECK(has(one.out, "4 points"));
  CHECK(has(one.out, "wrote j1/sweep.csv"));
  REQUIRE(bvr(dir, fmt::format("sweep {} -o j2 -j 2", tiny)).exit_code == 0);
  const std::string csv = slurp(dir / "j1" / "sweep.csv");
  CHECK(csv == slurp(dir / "j2" / "sweep.csv"));
  CHECK(fs::exists(dir / "j1" / "report.md"));
  CHECK(has(slurp(dir / "j1" / "report.md"), "## Where the verdict flips"));

  const auto rows = lines(csv);
  REQUIRE(rows.size() == 1 + 4 * 3);  // header, then 4 points x 3 options
  CHECK(rows[0].starts_with(
      "point,options.lease-oracle.list_price [USD/GPU/h],options.lease-oracle.commitment_discount [%],option,"
      "finished_all_runs,finished_share,time_to_train_days_mean,time_to_train_days_p10,time_to_train_days_p50,time_to_train_days_p90,"));
  CHECK(rows[1].starts_with("0,4.92,25,lease-oracle,true,1,"));
  CHECK(rows[4].starts_with("1,4.92,45,lease-oracle,"));
  CHECK(rows[12].starts_with("3,10,45,hybrid,"));

  // Point 1 (4.92 USD/GPU/h, 45 %) runs with seed 11 + 1 and 2 replications: bvr run with the
  // same values gives the same NPV to the last bit.
  const Result run = bvr(dir, fmt::format("run {} -o run --no-analysis -j 1 --seed 12 --replications 2 "
                                          "--set options.lease-oracle.list_price=\"4.92 USD/GPU/h\" "
                                          "--set options.lease-oracle.commitment_discount=\"45 %\"", base));
  REQUIRE_MESSAGE(run.exit_code == 0, run.err);
  const auto results = nlohmann::json::parse(slurp(dir / "run" / "results.json"));
  const double npv = results["options"][0]["metrics"]["npv_cost_usd"]["mean"].get<double>();
  std::vector<std::string> header, row;
  for (std::istringstream h(rows[0]); h.good();) header.emplace_back(), std::getline(h, header.back(), ',');
  for (std::istringstream r(rows[4]); r.good();) row.emplace_back(), std::getline(r, row.back(), ',');
  const auto col = std::find(header.begin(), header.end(), "npv_cost_usd_mean") - header.begin();
  CHECK(std::strtod(row[static_cast<std::size_t>(col)].c_str(), nullptr) == npv);
}

TEST_CASE("sweep: shards merge to the bytes of one run and merge refuses duplicates and names missing points") {
  const fs::path dir = scratch("shards");
  REQUIRE(bvr(dir, fmt::format("sweep {} -o full -j 2", tiny)).exit_code == 0);
  const Result s1 = bvr(dir, fmt::format("sweep {} -o s1 -j 2 --shard 1/2", tiny));
  REQUIRE_MESSAGE(s1.exit_code == 0, s1.err);
  CHECK(has(s1.out, "2 points (shard 1/2 of 4)"));
  const auto manifest = nlohmann::json::parse(slurp(dir / "s1" / "sweep-manifest.json"));
  CHECK(manifest["shard"]["k"] == 1);
  CHECK(manifest["shard"]["n"] == 2);
  CHECK(manifest["point_count"] == 4);
  CHECK(fs::exists(dir / "s1" / "points" / "0.csv"));
  CHECK(fs::exists(dir / "s1" / "points" / "2.csv"));
  CHECK(!fs::exists(dir / "s1" / "points" / "1.csv"));

  const Result missing = bvr(dir, "merge s1 -o merged");
  CHECK(missing.exit_code == 2);
  CHECK(has(missing.err, "missing points 1, 3 of 4 (shard 2/2 not run?)"));
  CHECK(!fs::exists(dir / "merged"));

  REQUIRE(bvr(dir, fmt::format("sweep {} -o s2 -j 2 --shard 2/2", tiny)).exit_code == 0);
  const Result duplicate = bvr(dir, "merge s1 s2 full -o merged");
  CHECK(duplicate.exit_code == 2);
  CHECK(has(duplicate.err, "point 0 in s1 and full"));
  CHECK(!fs::exists(dir / "merged"));

  const Result merged = bvr(dir, "merge s2 s1 -o merged");
  REQUIRE_MESSAGE(merged.exit_code == 0, merged.err);
  CHECK(slurp(dir / "merged" / "sweep.csv") == slurp(dir / "full" / "sweep.csv"));
  CHECK(fs::exists(dir / "merged" / "report.md"));

  // Another sweep (here: the same file with a --set) does not merge.
  REQUIRE(bvr(dir, fmt::format("sweep {} -o other -j 2 --shard 2/2 --set scenario.horizon=\"1000 days\"", tiny)).exit_code == 0);
  const Result mixed = bvr(dir, "merge s1 other -o mixed");
  CHECK(mixed.exit_code == 2);
  CHECK(has(mixed.err, "holds another sweep"));
}

TEST_CASE("sweep: an interrupted sweep keeps its finished points and resumes to the same result") {
  const fs::path dir = scratch("resume");
  REQUIRE(bvr(dir, fmt::format("sweep {} -o full -j 2", tiny)).exit_code == 0);
  // The test hook stops the sweep as SIGTERM would, after 2 finished points.
  const Result stopped = bvr(dir, fmt::format("sweep {} -o part -j 2", tiny), "BVR_SWEEP_STOP_AFTER=2");
  CHECK(stopped.exit_code == 128 + 15);
  CHECK(has(stopped.err, "Run the same command again to resume"));
  CHECK(!fs::exists(dir / "part" / "sweep.csv"));
  int kept = 0;
  for (const auto& entry : fs::directory_iterator(dir / "part" / "points")) kept += entry.path().extension() == ".csv";
  CHECK(kept >= 2);
  CHECK(kept < 4);
  const Result resumed = bvr(dir, fmt::format("sweep {} -o part -j 1", tiny));
  REQUIRE_MESSAGE(resumed.exit_code == 0, resumed.err);
  CHECK(has(resumed.out, fmt::format("{} run", 4 - kept)));
  CHECK(has(resumed.out, fmt::format("{} already finished", kept)));
  CHECK(slurp(dir / "part" / "sweep.csv") == slurp(dir / "full" / "sweep.csv"));

  // A real SIGTERM half way: whatever finished stays, and the next run completes it.
  const std::string background = fmt::format(
      "cd {} && ( {} sweep {} -o killed -j 1 > /dev/null 2>&1 & pid=$!; sleep 1; kill -TERM $pid; wait $pid; echo $? > rc )",
      dir.string(), exe, tiny);
  REQUIRE(std::system(background.c_str()) == 0);
  CHECK(std::atoi(slurp(dir / "rc").c_str()) != 0);
  REQUIRE(bvr(dir, fmt::format("sweep {} -o killed -j 2", tiny)).exit_code == 0);
  CHECK(slurp(dir / "killed" / "sweep.csv") == slurp(dir / "full" / "sweep.csv"));
}

TEST_CASE("sweep: a folder of another sweep or shard is refused unless --restart") {
  const fs::path dir = scratch("restart");
  REQUIRE(bvr(dir, fmt::format("sweep {} -o out -j 2 --shard 2/2", tiny)).exit_code == 0);
  const Result shard = bvr(dir, fmt::format("sweep {} -o out -j 2", tiny));
  CHECK(shard.exit_code == 2);
  CHECK(has(shard.err, "holds shard 2/2 of this sweep, not 1/1 with 2 finished points"));
  const Result changed = bvr(dir, fmt::format("sweep {} -o out -j 2 --shard 2/2 --set scenario.seed=3", tiny));
  CHECK(changed.exit_code == 2);
  CHECK(has(changed.err, "another sweep"));
  CHECK(has(changed.err, "--restart"));
  const Result restarted = bvr(dir, fmt::format("sweep {} -o out -j 2 --restart", tiny));
  REQUIRE_MESSAGE(restarted.exit_code == 0, restarted.err);
  CHECK(has(restarted.out, "4 run"));
  fs::create_directories(dir / "notasweep");
  std::ofstream(dir / "notasweep" / "results.json") << "{}";
  const Result foreign = bvr(dir, fmt::format("sweep {} -o notasweep", tiny));
  CHECK(foreign.exit_code == 2);
  CHECK(has(foreign.err, "is not a sweep folder"));
  {
    // Two sweeps in one folder would run the same points twice: the second is refused.
    const int fd = open((dir / "out" / ".sweep.lock").c_str(), O_RDWR);
    REQUIRE(fd >= 0);
    REQUIRE(flock(fd, LOCK_EX | LOCK_NB) == 0);
    const Result busy = bvr(dir, fmt::format("sweep {} -o out -j 2", tiny));
    close(fd);
    CHECK(busy.exit_code == 2);
    CHECK(has(busy.err, "another bvr sweep is running in this folder"));
  }
  CHECK(bvr(dir, "sweep --help").exit_code == 0);
  CHECK(has(bvr(dir, "merge --help").out, "Usage: bvr merge"));
  CHECK(bvr(dir, fmt::format("sweep {} --shard 3/2", tiny)).exit_code == 2);
  CHECK(bvr(dir, "merge out").exit_code == 2);  // no -o
}

// Issue 18: the default folder is out/<sweep file stem>; a stem of ".." (a file named "...yaml")
// would have put the sweep in the working folder itself.
TEST_CASE("sweep: a sweep file name that cannot name a folder needs -o, exit 2") {
  const fs::path dir = scratch("stem");
  std::string text = slurp(tiny);
  text.replace(text.find("base: ../xai-oracle-2024.yaml"), 29, "base: " + base);
  std::ofstream(dir / "...yaml") << text;
  const Result refused = bvr(dir, "sweep ...yaml -j 1");
  CHECK(refused.exit_code == 2);
  CHECK(has(refused.err, "cannot name the output folder after \"...yaml\"; give -o DIR"));
  CHECK(!fs::exists(dir / "out"));
  CHECK(!fs::exists(dir / "sweep-manifest.json"));
  CHECK(!fs::exists(dir / "points"));
}

// Issue 18: every CSV bvr writes it reads back by the same quoting rules. A text axis value with
// a comma, a quote or a line break used to be split at its comma by the sweep.csv reader, so the
// sweep ran every point and then exited 2, again on every rerun.
TEST_CASE("sweep: text axis values with a comma, a quote or a line break round-trip through sweep.csv, merge and report") {
  const fs::path dir = scratch("text-axis");
  const std::string small = std::string(BVR_SOURCE_DIR) + "/tests/data/rent-or-build-small.yaml";
  std::ofstream(dir / "text.yaml") << "sweep:\n  base: " << small << R"(
  mode: grid
  replications: 1
  seed: 5
  axes:
    - key: workload.runs.0.name
      values: ["a,b", "say \"hi\"", "two\nlines"]
    - key: options.rent.list_price
      unit: USD/GPU/h
      values: [5, 7]
)";
  const Result swept = bvr(dir, "sweep text.yaml -o full -j 2");
  REQUIRE_MESSAGE(swept.exit_code == 0, swept.err);
  const std::string csv = slurp(dir / "full" / "sweep.csv");
  CHECK(has(csv, "\n0,\"a,b\",5,rent,"));
  CHECK(has(csv, "\n2,\"say \"\"hi\"\"\",5,rent,"));
  CHECK(has(csv, "\n5,\"two\nlines\",7,build,"));
  CHECK(has(slurp(dir / "full" / "report.md"), "a,b"));
  // Run again: everything is kept and read back.
  const Result again = bvr(dir, "sweep text.yaml -o full -j 2");
  REQUIRE_MESSAGE(again.exit_code == 0, again.err);
  CHECK(has(again.out, "0 run"));
  CHECK(slurp(dir / "full" / "sweep.csv") == csv);
  // Shards and merge give the same bytes.
  REQUIRE(bvr(dir, "sweep text.yaml -o s1 -j 2 --shard 1/2").exit_code == 0);
  REQUIRE(bvr(dir, "sweep text.yaml -o s2 -j 2 --shard 2/2").exit_code == 0);
  const Result merged = bvr(dir, "merge s1 s2 -o merged");
  REQUIRE_MESSAGE(merged.exit_code == 0, merged.err);
  CHECK(slurp(dir / "merged" / "sweep.csv") == csv);
  // bvr report reads it back: the words label the text axis.
  const Result report = bvr(dir, "report full -o again");
  REQUIRE_MESSAGE(report.exit_code == 0, report.err);
  const std::string html = slurp(dir / "again" / "report.html");
  CHECK(has(html, "\">a,b</td>"));  // a text axis's first value, its cell keyed to sweep.csv
  CHECK(has(html, "labelExpr"));
  CHECK(slurp(dir / "again" / "report.md") == slurp(dir / "full" / "report.md"));
}

namespace {

// A 3-point sweep of the small test scenario, 1 replication: well under a second.
void write_small_sweep(const fs::path& file) {
  std::ofstream(file) << "sweep:\n  base: " << BVR_SOURCE_DIR << R"(/tests/data/rent-or-build-small.yaml
  replications: 1
  seed: 3
  axes:
    - key: options.rent.list_price
      unit: USD/GPU/h
      values: [4, 6, 8]
)";
}

void cut(const fs::path& file, std::size_t keep) {
  const std::string text = slurp(file);
  std::ofstream(file, std::ios::binary | std::ios::trunc) << text.substr(0, std::min(keep, text.size()));
}

}  // namespace

// Issue 18: a damaged point file in a finished sweep folder made the rerun delete the complete
// sweep.csv and report.md and exit 1. Now it is named, run again, and nothing finished is lost.
TEST_CASE("sweep: a damaged point file is named and run again, and finished results are never deleted") {
  const fs::path dir = scratch("damaged");
  write_small_sweep(dir / "s.yaml");
  REQUIRE(bvr(dir, "sweep s.yaml -o out -j 2").exit_code == 0);
  const std::string csv = slurp(dir / "out" / "sweep.csv"), md = slurp(dir / "out" / "report.md");
  const fs::path p0 = dir / "out" / "points" / "0.csv", p1 = dir / "out" / "points" / "1.csv",
                 p2 = dir / "out" / "points" / "2.csv";
  const std::string whole1 = slurp(p1);

  cut(p1, whole1.size() - 7);  // mid-row
  cut(p0, 0);                  // empty
  const Result redone = bvr(dir, "sweep s.yaml -o out -j 2");
  REQUIRE_MESSAGE(redone.exit_code == 0, redone.err);
  CHECK(has(redone.err, "point 0 is damaged and runs again: out/points/0.csv:1:1: expected a CSV header, got an empty file"));
  CHECK(has(redone.err, "point 1 is damaged and runs again: out/points/1.csv:3:"));
  CHECK(has(redone.err, "no line break at its end"));
  CHECK(has(redone.out, "2 run"));
  CHECK(has(redone.out, "1 already finished"));
  CHECK(slurp(p1) == whole1);
  CHECK(slurp(dir / "out" / "sweep.csv") == csv);

  // Cut at a row's end: the file reads, but a row is missing.
  cut(p2, slurp(p2).rfind('\n', slurp(p2).size() - 2) + 1);
  // Interrupted while the damaged points run again: the finished sweep.csv and report.md stay.
  cut(p1, whole1.size() - 1);
  const Result stopped = bvr(dir, "sweep s.yaml -o out -j 1", "BVR_SWEEP_STOP_AFTER=1");
  CHECK(stopped.exit_code == 128 + 15);
  CHECK(has(stopped.err, "out/points/2.csv: expected 2 rows (one per option), got 1"));
  CHECK(slurp(dir / "out" / "sweep.csv") == csv);
  CHECK(slurp(dir / "out" / "report.md") == md);
  const Result finished = bvr(dir, "sweep s.yaml -o out -j 2");
  REQUIRE_MESSAGE(finished.exit_code == 0, finished.err);
  CHECK(slurp(dir / "out" / "sweep.csv") == csv);
  CHECK(slurp(dir / "out" / "report.md") == md);

  // bvr merge cannot run a point: a damaged one is refused, naming it and the shard to run again.
  REQUIRE(bvr(dir, "sweep s.yaml -o s1 -j 2 --shard 1/2").exit_code == 0);
  REQUIRE(bvr(dir, "sweep s.yaml -o s2 -j 2 --shard 2/2").exit_code == 0);
  cut(dir / "s2" / "points" / "1.csv", 40);
  const Result merge = bvr(dir, "merge s1 s2 -o merged");
  CHECK(merge.exit_code == 2);
  CHECK(has(merge.err, "bvr merge: 1 damaged point file, first s2/points/1.csv:1:41: the last record has no line break"));
  CHECK(has(merge.err, "run bvr sweep again on s2 (shard 2/2)"));
  CHECK(!fs::exists(dir / "merged"));
  REQUIRE(bvr(dir, "sweep s.yaml -o s2 -j 2 --shard 2/2").exit_code == 0);
  const Result merged = bvr(dir, "merge s1 s2 -o merged");
  REQUIRE_MESSAGE(merged.exit_code == 0, merged.err);
  CHECK(slurp(dir / "merged" / "sweep.csv") == csv);
}

// Issue 18: bvr sweep -o and bvr merge -o naming a file, or a place where no folder can be made:
// exit 2 with the path and the reason, before any point runs.
TEST_CASE("sweep: -o of sweep and merge onto a file or under one is refused before running, exit 2") {
  const fs::path dir = scratch("bad-output");
  write_small_sweep(dir / "s.yaml");
  std::ofstream(dir / "a-file") << "x\n";
  const Result onto = bvr(dir, "sweep s.yaml -o a-file -j 1");
  CHECK(onto.exit_code == 2);
  CHECK(has(onto.err, "a-file: exists and is not a folder (a file); choose another output folder"));
  const Result under = bvr(dir, "sweep s.yaml -o a-file/sub -j 1");
  CHECK(under.exit_code == 2);
  CHECK(has(under.err, "a-file/sub: cannot create the folder: Not a directory"));
  CHECK(!has(under.err, "internal error"));
  REQUIRE(bvr(dir, "sweep s.yaml -o full -j 2").exit_code == 0);
  const Result merge = bvr(dir, "merge full -o a-file");
  CHECK(merge.exit_code == 2);
  CHECK(has(merge.err, "a-file: exists and is not a folder"));
  CHECK(slurp(dir / "a-file") == "x\n");
}

// Issue 18: bvr run -o into a sweep folder overwrote the sweep's report; a sweep, a merge or a
// report into the other kind's folder is refused alike.
TEST_CASE("sweep: run refuses a sweep's folder and sweep, merge and report a run's, exit 2") {
  const fs::path dir = scratch("kinds");
  const std::string small = std::string(BVR_SOURCE_DIR) + "/tests/data/rent-or-build-small.yaml";
  write_small_sweep(dir / "s.yaml");
  REQUIRE(bvr(dir, "sweep s.yaml -o sweep -j 2").exit_code == 0);
  const std::string md = slurp(dir / "sweep" / "report.md"), html = slurp(dir / "sweep" / "report.html");
  const Result run = bvr(dir, fmt::format("run {} -o sweep --no-analysis -j 1", small));
  CHECK(run.exit_code == 2);
  CHECK(has(run.err, "sweep: is a sweep folder (it holds sweep-manifest.json); bvr run would overwrite its report"));
  CHECK(slurp(dir / "sweep" / "report.md") == md);
  CHECK(!fs::exists(dir / "sweep" / "results.json"));

  REQUIRE(bvr(dir, fmt::format("run {} -o run --no-analysis -j 1", small)).exit_code == 0);
  const std::string run_md = slurp(dir / "run" / "report.md");
  const Result sweep = bvr(dir, "sweep s.yaml -o run -j 1");
  CHECK(sweep.exit_code == 2);
  CHECK(has(sweep.err, "is not a sweep folder (no sweep-manifest.json; it is the folder of a bvr run: it holds "));
  const Result merge = bvr(dir, "merge sweep -o run");
  CHECK(merge.exit_code == 2);
  CHECK(has(merge.err, "it is the folder of a bvr run"));
  const Result sweep_report = bvr(dir, "report sweep -o run");
  CHECK(sweep_report.exit_code == 2);
  CHECK(has(sweep_report.err, "run: is the folder of a bvr run"));
  const Result run_report = bvr(dir, "report run -o sweep");
  CHECK(run_report.exit_code == 2);
  CHECK(has(run_report.err, "sweep: is a sweep folder"));
  CHECK(slurp(dir / "run" / "report.md") == run_md);
  CHECK(slurp(dir / "sweep" / "report.md") == md);
  CHECK(slurp(dir / "sweep" / "report.html") == html);
  // In place, each kind's own folder is fine.
  CHECK(bvr(dir, "report sweep").exit_code == 0);
  CHECK(bvr(dir, "report run").exit_code == 0);
}

// Issue 18: a file system problem met while writing is the user's to fix: exit 2 naming the
// path, never "internal error".
TEST_CASE("sweep: a sweep folder whose points/ is a file is exit 2 naming it, not an internal error") {
  const fs::path dir = scratch("points-file");
  write_small_sweep(dir / "s.yaml");
  REQUIRE(bvr(dir, "sweep s.yaml -o out -j 2").exit_code == 0);
  fs::remove_all(dir / "out" / "points");
  std::ofstream(dir / "out" / "points") << "x\n";
  const Result ran = bvr(dir, "sweep s.yaml -o out -j 2");
  CHECK(ran.exit_code == 2);
  CHECK(has(ran.err, "out/points"));
  CHECK(!has(ran.err, "internal error"));
  CHECK(fs::exists(dir / "out" / "sweep.csv"));  // the finished results stay
}
