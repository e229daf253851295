#include "report/atomic_file.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <stdexcept>

#include "report/output_dir.h"

namespace bvr {

std::string temporary_path(const std::string& path) { return fmt::format("{}.tmp-{}", path, getpid()); }

void commit_temporary_file(const std::string& temp, const std::string& path) {
  const int fd = open(temp.c_str(), O_RDONLY | O_CLOEXEC);
  bool ok = fd >= 0 && fsync(fd) == 0;
  if (fd >= 0 && close(fd) != 0) ok = false;
  if (!ok || std::rename(temp.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    std::remove(temp.c_str());
    throw OutputError(fmt::format("{}: cannot write it: {}", path, reason));
  }
}

void write_file_atomically(const std::string& path, const std::string& contents) {
  const std::string temp = temporary_path(path);
  const int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw OutputError(fmt::format("{}: cannot write it: {}", path, std::strerror(errno)));
  std::size_t written = 0;
  while (written < contents.size()) {
    const ssize_t n = write(fd, contents.data() + written, contents.size() - written);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const std::string reason = std::strerror(errno);
      close(fd);
      std::remove(temp.c_str());
      throw OutputError(fmt::format("{}: cannot write it: {}", path, reason));
    }
    written += static_cast<std::size_t>(n);
  }
  if (fsync(fd) != 0 || close(fd) != 0 || std::rename(temp.c_str(), path.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    std::remove(temp.c_str());
    throw OutputError(fmt::format("{}: cannot write it: {}", path, reason));
  }
}

}  // namespace bvr
