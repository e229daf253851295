#include "report/output_dir.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <algorithm>
#include <system_error>

namespace bvr {

namespace fs = std::filesystem;

namespace {

// Creates and removes `path`; the reason it cannot be created, or "".
std::string probe(const fs::path& path) {
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) return std::strerror(errno);
  close(fd);
  unlink(path.c_str());
  return "";
}

// What a temporary file adds to a name (atomic_file.cpp: "<name>.tmp-<pid>").
constexpr std::size_t temp_suffix = 15;

void remove_empty(const std::vector<fs::path>& created) {
  std::error_code ignored;
  for (auto it = created.rbegin(); it != created.rend(); ++it) fs::remove(*it, ignored);  // fails when not empty
}

}  // namespace

OutputDir::OutputDir(const fs::path& dir, std::size_t longest_name) {
  if (dir.empty()) throw OutputError("the output folder is empty: give a folder name");
  std::error_code ec;
  const fs::file_status st = fs::status(dir, ec);
  if (fs::exists(st) && !fs::is_directory(st))
    throw OutputError(fmt::format("{}: exists and is not a folder ({}); choose another output folder", dir.string(),
                                  fs::is_regular_file(st) ? "a file" : "not a folder"));
  if (!fs::exists(st)) {
    // The folders to create, outermost first, so that a failed run can remove them again.
    std::vector<fs::path> missing;
    for (fs::path p = dir; !p.empty(); p = p.parent_path()) {
      if (fs::exists(fs::status(p, ec))) break;
      missing.insert(missing.begin(), p);
      if (p == p.parent_path()) break;
    }
    fs::create_directories(dir, ec);
    if (ec) {
      remove_empty(missing);
      throw OutputError(fmt::format("{}: cannot create the folder: {}", dir.string(), ec.message()));
    }
    created_ = std::move(missing);
  }
  const std::size_t length = std::max<std::size_t>(longest_name + temp_suffix, 20);
  const std::string name = ".bvr-write-test" + std::string(length - 15, '-');
  if (const std::string why = probe(dir / name); !why.empty()) {
    remove_empty(created_);
    throw OutputError(fmt::format("{}: cannot write files in it: {}", dir.string(), why));
  }
}

OutputDir::~OutputDir() {
  if (!keep_) remove_empty(created_);
}

void check_output_file(const fs::path& file) {
  std::error_code ec;
  if (fs::is_directory(fs::status(file, ec)))
    throw OutputError(fmt::format("{}: is a folder; give a file name", file.string()));
  fs::path folder = file.parent_path();
  if (folder.empty()) folder = ".";
  if (!fs::is_directory(fs::status(folder, ec)))
    throw OutputError(fmt::format("{}: cannot write it: {} is not a folder", file.string(), folder.string()));
  if (const std::string why = probe(fs::path(file.string() + fmt::format(".tmp-{}", getpid()))); !why.empty())
    throw OutputError(fmt::format("{}: cannot write it: {}", file.string(), why));
}

}  // namespace bvr
