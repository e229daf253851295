#include "sim/fork_call.h"

#include <fmt/format.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace bvr {

ForkedChild fork_child(const std::function<std::string()>& work, const std::string& what) {
  std::fflush(nullptr);  // a forked child must not write the parent's buffered output again
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error(fmt::format("pipe: {}", std::strerror(errno)));
  const pid_t parent = getpid();
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    throw std::runtime_error(fmt::format("fork: {}", std::strerror(errno)));
  }
  if (pid == 0) {
    // A child's result is only wanted by its parent: if the parent dies (a sweep killed with
    // SIGKILL), the child dies too instead of simulating on for nobody. Linux only.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent) _exit(1);  // the parent died before prctl
    close(fds[0]);
    int status = 0;
    try {
      const std::string bytes = work();
      std::size_t written = 0;
      while (written < bytes.size()) {
        const ssize_t n = write(fds[1], bytes.data() + written, bytes.size() - written);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
          status = 3;
          break;
        }
        written += static_cast<std::size_t>(n);
      }
    } catch (const std::exception& e) {
      std::fprintf(stderr, "bvr: %s failed: %s\n", what.c_str(), e.what());
      status = 1;
    }
    close(fds[1]);
    _exit(status);  // not exit(): the parent's atexit handlers and buffers are not ours to run
  }
  close(fds[1]);
  return ForkedChild{pid, fds[0], what};
}

std::string collect_child(const ForkedChild& child) {
  std::string bytes;
  char buffer[1 << 16];
  while (true) {
    const ssize_t n = read(child.fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    bytes.append(buffer, static_cast<std::size_t>(n));
  }
  close(child.fd);
  int status = 0;
  while (waitpid(child.pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
    throw std::runtime_error(fmt::format("{} did not finish (status {})", child.what, status));
  return bytes;
}

void kill_child(const ForkedChild& child) {
  kill(child.pid, SIGKILL);
  close(child.fd);
  waitpid(child.pid, nullptr, 0);
}

std::string run_in_child(const std::function<std::string()>& work, const std::string& what) {
  return collect_child(fork_child(work, what));
}

}  // namespace bvr
