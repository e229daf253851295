#include "cli/sweep_runner.h"

#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <stdexcept>

#include "report/atomic_file.h"
#include "report/sweep_csv.h"
#include "sim/fork_call.h"
#include "sim/replications.h"
#include "sim/results.h"

namespace bvr {

namespace {

volatile std::sig_atomic_t stop_signal = 0;

extern "C" void on_stop_signal(int signal) { stop_signal = signal; }

struct Handlers {
  struct sigaction old_int {}, old_term {};
  Handlers() {
    stop_signal = 0;
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0;  // no SA_RESTART: poll() returns at once with EINTR
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
  }
  ~Handlers() {
    sigaction(SIGINT, &old_int, nullptr);
    sigaction(SIGTERM, &old_term, nullptr);
  }
};

struct Running {
  ForkedChild child;
  const SweepPoint* point;
};

ForkedChild start_point(const std::vector<SweepAxis>& axes, const SweepPoint& point, const ScenarioOf& scenario_of) {
  return fork_child(
      [&] {
        // The parent decides when to stop and kills us; a Ctrl-C to the terminal stops us at once.
        std::signal(SIGINT, SIG_DFL);
        std::signal(SIGTERM, SIG_DFL);
        const Scenario scenario = scenario_of(point);
        const auto outcomes = run_replications(scenario, 1);
        return point_csv(axes, point, make_results(scenario, outcomes));
      },
      fmt::format("sweep point {}", point.index));
}

}  // namespace

int run_sweep_points(const std::string& points_dir, const std::vector<SweepAxis>& axes,
                     const std::vector<SweepPoint>& jobs, const ScenarioOf& scenario_of, int parallel,
                     const SweepProgress& counts, Progress* progress) {
  const Handlers handlers;
  const char* hook = std::getenv("BVR_SWEEP_STOP_AFTER");  // test hook: behave as if SIGTERM came after K points
  const int stop_after = hook ? std::atoi(hook) : 0;
  ProgressPhase phase(progress, "points", counts.total, counts.done_before);
  std::deque<Running> running;
  std::size_t next = 0;
  int finished = 0;
  auto kill_all = [&running] {
    for (const auto& r : running) kill_child(r.child);
    running.clear();
  };
  try {
    while ((next < jobs.size() && !stop_signal) || !running.empty()) {
      if (stop_signal) {
        kill_all();
        break;
      }
      while (next < jobs.size() && static_cast<int>(running.size()) < parallel)
        running.push_back({start_point(axes, jobs[next], scenario_of), &jobs[next]}), ++next;
      std::vector<pollfd> fds;
      for (const auto& r : running) fds.push_back({r.child.fd, POLLIN, 0});
      if (poll(fds.data(), fds.size(), 500) < 0) {
        if (errno == EINTR) continue;
        throw std::runtime_error(fmt::format("poll: {}", std::strerror(errno)));
      }
      // A child writes its whole result just before it exits: a readable pipe means it is done.
      for (std::size_t i = fds.size(); i-- > 0;) {
        if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
        const Running r = running[i];
        running.erase(running.begin() + static_cast<std::ptrdiff_t>(i));
        std::string csv;
        try {
          csv = collect_child(r.child);
        } catch (const std::runtime_error&) {
          if (stop_signal) continue;  // killed by the same Ctrl-C as us
          throw;
        }
        write_file_atomically(fmt::format("{}/{}.csv", points_dir, r.point->index), csv);
        ++finished;
        phase.step();
        if (stop_after > 0 && finished >= stop_after && !stop_signal) stop_signal = SIGTERM;
      }
    }
  } catch (...) {
    kill_all();
    throw;
  }
  if (stop_signal) return 128 + stop_signal;
  return 0;
}

}  // namespace bvr
