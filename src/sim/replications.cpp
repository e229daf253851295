#include "sim/replications.h"

#include "sim/job_speed.h"

#include <fmt/format.h>
#include <cstring>
#include <deque>
#include <stdexcept>
#include <string>
#include <type_traits>

#include "sim/campaign.h"
#include "sim/fork_call.h"

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
  static_assert(std::is_trivially_copyable_v<T>);  // DailyRow, SitePowerDay, DayCash: plain numbers only
  put(out, values.size());
  if (!values.empty())  // an empty vector's data() may be null, which append() must not see
    out.append(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}

std::string serialize(const ReplicationOutcome& outcome) {
  std::string out;
  for (const auto& option : outcome.options) {
    put(out, option.metrics);
    put(out, option.cost_usd);
    put(out, option.npv_usd);
    put_vector(out, option.cash_by_day);
    put(out, option.lost_gpu_hours);
    put_vector(out, option.interruptions_by_class);
    put_vector(out, option.repairs_by_step);
    put_vector(out, option.run_finish_days);
    put(out, option.serving);
    put_vector(out, option.series);
    put_vector(out, option.site_series);
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
    static_assert(std::is_trivially_copyable_v<T>);
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
    option.npv_usd = in.get<decltype(option.npv_usd)>();
    option.cash_by_day = in.get_vector<DayCash>();
    option.lost_gpu_hours = in.get<decltype(option.lost_gpu_hours)>();
    option.interruptions_by_class = in.get_vector<double>();
    option.repairs_by_step = in.get_vector<double>();
    option.run_finish_days = in.get_vector<double>();
    option.serving = in.get<decltype(option.serving)>();
    option.series = in.get_vector<DailyRow>();
    option.site_series = in.get_vector<SitePowerDay>();
    outcome.options.push_back(std::move(option));
  }
  return outcome;
}

ForkedChild start_child(const Scenario& scenario, int replication) {
  return fork_child([&scenario, replication] { return serialize(simulate_replication(scenario, replication, replication == 0)); },
                    fmt::format("replication {}", replication));
}

}  // namespace

std::vector<ReplicationOutcome> run_replications(const Scenario& scenario, int jobs, Progress* progress) {
  {
    // The fabric simulations behind the job's speed, once here: every forked child inherits them.
    const ProgressPhase phase(progress, "job speeds (fabric collectives)", 0);
    prepare_job_speeds(scenario);
  }
  std::fflush(nullptr);  // a forked child must not write the parent's buffered output again
  ProgressPhase phase(progress, "replications", scenario.replications);
  std::vector<ReplicationOutcome> outcomes;
  std::deque<ForkedChild> running;
  int next = 0;
  try {
    while (next < scenario.replications || !running.empty()) {
      while (next < scenario.replications && static_cast<int>(running.size()) < std::max(1, jobs))
        running.push_back(start_child(scenario, next++));
      // Collected in replication order, so the outcome order never depends on `jobs`.
      const ForkedChild child = running.front();
      running.pop_front();
      outcomes.push_back(deserialize(collect_child(child), scenario.options.size()));
      phase.step();
    }
  } catch (...) {
    for (const ForkedChild& child : running) kill_child(child);  // leave no orphan simulations behind
    throw;
  }
  return outcomes;
}

}  // namespace bvr
