#include "sim/replications.h"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <deque>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "sim/campaign.h"

namespace bvr {

namespace {

// The outcome crosses the pipe as raw bytes: both ends are the same binary, and raw doubles
// keep every bit, so a forked run equals an in-process one exactly.
template <typename T>
void put(std::string& out, const T& value) {
  static_assert(std::is_trivially_copyable_v<T>);
  out.append(reinterpret_cast<const char*>(&value), sizeof(T));
}

template <typename T>
void put_vector(std::string& out, const std::vector<T>& values) {
  put(out, values.size());
  if (!values.empty())  // an empty vector's data() may be null, which append() must not see
    out.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}

std::string serialize(const ReplicationOutcome& outcome) {
  std::string out;
  for (const auto& option : outcome.options) {
    put(out, option.metrics);
    put(out, option.cost_usd);
    put(out, option.lost_gpu_hours);
    put_vector(out, option.interruptions_by_class);
    put_vector(out, option.run_finish_days);
    put_vector(out, option.series);
  }
  return out;
}

struct Cursor {
  const std::string& data;
  std::size_t at = 0;
  template <typename T>
  T get() {
    if (at + sizeof(T) > data.size()) throw std::runtime_error("replication result is truncated");
    T value;
    std::memcpy(&value, data.data() + at, sizeof(T));
    at += sizeof(T);
    return value;
  }
  template <typename T>
  std::vector<T> get_vector() {
    const auto n = get<std::size_t>();
    if (at + n * sizeof(T) > data.size()) throw std::runtime_error("replication result is truncated");
    std::vector<T> values(n);
    if (n > 0) std::memcpy(values.data(), data.data() + at, n * sizeof(T));
    at += n * sizeof(T);
    return values;
  }
};

ReplicationOutcome deserialize(const std::string& data, std::size_t option_count) {
  Cursor in{data};
  ReplicationOutcome outcome;
  for (std::size_t i = 0; i < option_count; ++i) {
    OptionOutcome option;
    option.metrics = in.get<decltype(option.metrics)>();
    option.cost_usd = in.get<decltype(option.cost_usd)>();
    option.lost_gpu_hours = in.get<decltype(option.lost_gpu_hours)>();
    option.interruptions_by_class = in.get_vector<double>();
    option.run_finish_days = in.get_vector<double>();
    option.series = in.get_vector<DailyRow>();
    outcome.options.push_back(std::move(option));
  }
  return outcome;
}

struct Child {
  pid_t pid;
  int fd;
  int replication;
};

Child start_child(const Scenario& scenario, int replication) {
  int fds[2];
  if (pipe(fds) != 0) throw std::runtime_error(fmt::format("pipe: {}", std::strerror(errno)));
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(fmt::format("fork: {}", std::strerror(errno)));
  if (pid == 0) {
    close(fds[0]);
    int status = 0;
    try {
      const std::string bytes = serialize(simulate_replication(scenario, replication, replication == 0));
      std::size_t written = 0;
      while (written < bytes.size()) {
        const ssize_t n = write(fds[1], bytes.data() + written, bytes.size() - written);
        if (n <= 0) {
          status = 3;
          break;
        }
        written += static_cast<std::size_t>(n);
      }
    } catch (const std::exception& e) {
      std::fprintf(stderr, "bvr: replication %d failed: %s\n", replication, e.what());
      status = 1;
    }
    close(fds[1]);
    _exit(status);  // not exit(): the parent's atexit handlers and buffers are not ours to run
  }
  close(fds[1]);
  return Child{pid, fds[0], replication};
}

ReplicationOutcome finish_child(const Child& child, std::size_t option_count) {
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
    throw std::runtime_error(fmt::format("replication {} did not finish (status {})", child.replication, status));
  return deserialize(bytes, option_count);
}

}  // namespace

std::vector<ReplicationOutcome> run_replications(const Scenario& scenario, int jobs) {
  std::fflush(nullptr);  // a forked child must not write the parent's buffered output again
  std::vector<ReplicationOutcome> outcomes;
  std::deque<Child> running;
  int next = 0;
  try {
    while (next < scenario.replications || !running.empty()) {
      while (next < scenario.replications && static_cast<int>(running.size()) < std::max(1, jobs))
        running.push_back(start_child(scenario, next++));
      // Collected in replication order, so the outcome order never depends on `jobs`.
      const Child child = running.front();
      running.pop_front();
      outcomes.push_back(finish_child(child, scenario.options.size()));
    }
  } catch (...) {
    for (const Child& child : running) {  // leave no orphan simulations behind
      kill(child.pid, SIGKILL);
      close(child.fd);
      waitpid(child.pid, nullptr, 0);
    }
    throw;
  }
  return outcomes;
}

}  // namespace bvr
