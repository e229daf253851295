// Running the bvr binary from tests: capture its exit code and output, in per-process scratch
// folders (CTest runs cases in parallel, and other builds' suites may run at the same time).
#pragma once
#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace fs = std::filesystem;

namespace {

const std::string bvr = BVR_EXE;
const std::string default_scenario = std::string(BVR_SOURCE_DIR) + "/scenarios/xai-oracle-2024.yaml";

struct Ran {
  int exit_code;
  std::string out, err;
};

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Per process: CTest runs cases in parallel, and other builds' suites may run at the same time.
fs::path scratch_root() { return fs::temp_directory_path() / fmt::format("bvr-cli-tests-{}", getpid()); }

// The scratch root goes when the test process exits: suites leave nothing behind in /tmp.
struct ScratchCleanup {
  ~ScratchCleanup() {
    std::error_code ignored;
    fs::remove_all(scratch_root(), ignored);
  }
} scratch_cleanup;

fs::path scratch_dir(const std::string& name) {
  const fs::path dir = scratch_root() / name;
  fs::remove_all(dir);
  fs::create_directories(dir.parent_path());
  return dir;
}

// CTest runs test cases in parallel processes: each call gets its own capture files. `prefix`
// goes before the command in the shell line ("ulimit -v 2000000; timeout 60 ").
Ran run(const std::string& args, const std::string& prefix = "") {
  static int calls = 0;
  const fs::path io = scratch_root() / fmt::format("io-{}", calls++);
  fs::create_directories(io);
  const std::string command = fmt::format("{}{} {} > {}/stdout 2> {}/stderr", prefix, bvr, args, io.string(), io.string());
  const int status = std::system(command.c_str());
  Ran ran{WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_file(io / "stdout"), read_file(io / "stderr")};
  fs::remove_all(io);
  return ran;
}

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace
