#include "cli/sweep_runner.h"

#include <fmt/format.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
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

std::string duration_text(double seconds) {
  const auto s = static_cast<long long>(seconds + 0.5);
  if (s >= 3600) return fmt::format("{}h{:02}m", s / 3600, s / 60 % 60);
  if (s >= 60) return fmt::format("{}m{:02}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}

// A bar with ETA when stderr is a terminal; otherwise a line at every tenth of the work.
class Progress {
 public:
  Progress(const SweepProgress& p, int to_run)
      : tty_(isatty(STDERR_FILENO) == 1), p_(p), to_run_(to_run), start_(std::chrono::steady_clock::now()) {}
  void point_done() {
    ++done_;
    draw();
  }
  void draw() const {
    const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    const double rate = elapsed > 0 ? done_ / elapsed : 0;
    const int finished = p_.done_before + done_;
    const std::string eta = rate > 0 ? duration_text((to_run_ - done_) / rate) : "?";
    if (tty_) {
      constexpr int width = 30;
      const int filled = p_.total > 0 ? finished * width / p_.total : width;
      fmt::print(stderr, "\r[{}{}] {}/{} points  {:.2f} points/s  ETA {}   ", std::string(filled, '#'),
                 std::string(width - filled, '.'), finished, p_.total, rate, eta);
      if (done_ == to_run_) fmt::print(stderr, "\n");
    } else if (done_ > 0 && to_run_ >= 10 && (done_ * 10 / to_run_ != (done_ - 1) * 10 / to_run_)) {
      fmt::print(stderr, "bvr sweep: {}/{} points, {:.2f} points/s, ETA {}\n", finished, p_.total, rate, eta);
    }
  }
  void interrupted() const {
    if (tty_) fmt::print(stderr, "\n");
  }

 private:
  bool tty_;
  SweepProgress p_;
  int to_run_, done_ = 0;
  std::chrono::steady_clock::time_point start_;
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
                     const SweepProgress& progress) {
  const Handlers handlers;
  const char* hook = std::getenv("BVR_SWEEP_STOP_AFTER");  // test hook: behave as if SIGTERM came after K points
  const int stop_after = hook ? std::atoi(hook) : 0;
  Progress bar(progress, static_cast<int>(jobs.size()));
  if (!jobs.empty()) bar.draw();
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
        bar.point_done();
        if (stop_after > 0 && finished >= stop_after && !stop_signal) stop_signal = SIGTERM;
      }
    }
  } catch (...) {
    kill_all();
    throw;
  }
  if (stop_signal) {
    bar.interrupted();
    return 128 + stop_signal;
  }
  return 0;
}

}  // namespace bvr
