// The corpus of broken sweep files (tests/malformed-sweeps): each gets exit code 2, one line that
// starts with the sweep file's file:line:column, names the key path and says what was expected
// (the `# expect:` first line), and no output folder at all.
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

std::string slurp_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

TEST_CASE("malformed sweeps: every broken sweep file is refused clearly and writes nothing") {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(fs::path(BVR_SOURCE_DIR) / "tests" / "malformed-sweeps"))
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 30);

  const fs::path scratch = fs::temp_directory_path() / fmt::format("bvr-malformed-sweeps-{}", getpid());
  fs::create_directories(scratch);
  const std::regex located(R"(^[^\n]+\.yaml:[1-9][0-9]*:[1-9][0-9]*: )");
  for (const auto& file : files) {
    const std::string text = slurp_file(file);
    REQUIRE_MESSAGE(text.starts_with("# expect: "), file.string());
    const std::string expect = text.substr(10, text.find('\n') - 10);
    const fs::path out = scratch / file.stem();
    const std::string command = fmt::format("{} sweep {} -o {} -j 1 > {}/stdout 2> {}/stderr", BVR_EXE, file.string(),
                                            out.string(), scratch.string(), scratch.string());
    const int status = std::system(command.c_str());
    const std::string err = slurp_file(scratch / "stderr");
    INFO(file.filename().string(), ": ", err);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 2);
    CHECK(err.starts_with(file.string() + ":"));
    CHECK(std::regex_search(err, located));
    CHECK(err.find(expect) != std::string::npos);
    CHECK(std::count(err.begin(), err.end(), '\n') == 1);
    CHECK(slurp_file(scratch / "stdout").empty());
    CHECK(!fs::exists(out));
  }
  fs::remove_all(scratch);
}
