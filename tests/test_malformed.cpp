// The corpora of broken inputs: scenarios (tests/malformed, written by
// tools/make_malformed_corpus.py) and sweep files (tests/malformed-sweeps). Each one gets exit
// code 2, one line that starts with its file:line:column, names the key path and says what was
// expected (the file's `# expect:` first line), and no output at all.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Runs `bvr <command> FILE -o DIR` on every file of `folder` and checks the refusal. `command`
// may hold "{}" for FILE (then FILE is not appended).
void check_corpus(const std::string& folder, const std::string& command, std::size_t min_files, bool writes = true) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(fs::path(BVR_SOURCE_DIR) / "tests" / folder))
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= min_files);

  const fs::path scratch = fs::temp_directory_path() / fmt::format("bvr-{}-{}", folder, getpid());
  fs::create_directories(scratch);
  // A message starts with the file, a line and a column (1-based).
  const std::regex located(R"(^[^\n]+\.yaml:[1-9][0-9]*:[1-9][0-9]*: )");
  for (const auto& file : files) {
    const std::string text = slurp(file);
    REQUIRE_MESSAGE(text.starts_with("# expect: "), file.string());
    const std::string expect = text.substr(10, text.find('\n') - 10);
    const fs::path out = scratch / file.stem();
    const std::string invocation = command.find("{}") != std::string::npos
                                       ? fmt::format(fmt::runtime(command), file.string())
                                       : command + " " + file.string();
    const std::string line = fmt::format("{} {} {} > {}/stdout 2> {}/stderr", BVR_EXE, invocation,
                                         writes ? fmt::format("-o {} -j 1", out.string()) : "", scratch.string(),
                                         scratch.string());
    const int status = std::system(line.c_str());
    const std::string err = slurp(scratch / "stderr");
    INFO(file.filename().string(), ": ", err);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 2);
    CHECK(err.starts_with(file.string() + ":"));
    CHECK(std::regex_search(err, located));
    CHECK(err.find(expect) != std::string::npos);
    CHECK(std::count(err.begin(), err.end(), '\n') == 1);  // one clear line, no stack of noise
    CHECK(slurp(scratch / "stdout").empty());
    CHECK(!fs::exists(out));
  }
  fs::remove_all(scratch);
}

}  // namespace

TEST_CASE("malformed: every broken scenario is refused clearly and writes nothing") {
  check_corpus("malformed", "run", 50);
}

TEST_CASE("malformed sweeps: every broken sweep file is refused clearly and writes nothing") {
  check_corpus("malformed-sweeps", "sweep", 30);
}

TEST_CASE("malformed systems: every broken system file is refused by bvr systems and by a scenario naming it") {
  // `bvr systems FILE` takes no -o: the folder it is given stays unwritten all the same.
  check_corpus("malformed-systems", "systems", 20, false);
  check_corpus("malformed-systems",
               "run " + std::string(BVR_SOURCE_DIR) + "/tests/data/rent-or-build-small.yaml --set options.build.system={}",
               20);
}

TEST_CASE("malformed serving: every broken serving workload is refused by bvr serve with a located error") {
  // Lengths of zero, a model that does not fit, an impossible target, ... (docs/serving.md).
  check_corpus("malformed-serving", "serve", 20, false);
}

TEST_CASE("malformed serving: bvr run refuses them too and writes nothing") {
  // The campaign's keys (priority, demand in requests, a workload without runs) included.
  check_corpus("malformed-serving", "run", 20);
}
