// The training job of an option: its runs in order, in segments between events (docs/
// architecture.md, "The campaign"; docs/reliability.md for where the GPU time goes).
#include <algorithm>
#include <optional>
#include <cmath>
#include <mutex>
#include <vector>

#include "sim/option_sim.h"

namespace bvr {

namespace {

// One segment of a training run: enough to tell what was saved at any time during it.
struct SegmentRecord {
  double segment_start = 0, run_start = 0;
  CheckpointCycle cycle;
  double flop_per_s = 0;
  double progress_before_flop = 0;  // the run's kept progress when the segment started
};

// The run's progress saved by the last checkpoint completed before `t`.
double progress_at(const std::vector<SegmentRecord>& history, double t) {
  for (std::size_t k = history.size(); k-- > 0;) {
    const SegmentRecord& seg = history[k];
    if (seg.segment_start > t && k > 0) continue;
    double saved = seg.progress_before_flop + committed_work_s(seg.cycle, t - seg.run_start) * seg.flop_per_s;
    // A segment that ended before t saved no more than what the next one started from.
    if (k + 1 < history.size()) saved = std::min(saved, history[k + 1].progress_before_flop);
    return seg.segment_start > t ? seg.progress_before_flop : saved;
  }
  return 0;
}

// Why the job (re)starts a segment: the downtime before training and where it is booked. A
// straggler's onset starts a segment with no downtime at all (the job goes on, slower).
enum class Restart { Launch, Failure, Maintenance, Resize, Straggler, Slowed };

// A straggler in the job: from its onset the job runs at (1 - slowdown) of its speed until it is
// found and taken out (models/fleet.h).
struct Straggling {
  double onset_s = 0, found_s = 0;
  double slowdown = 0, repair_s = 0;
  std::size_t site = 0;
  bool active(double t) const { return onset_s <= t && t < found_s; }
};

// The next straggler onset on `nodes` nodes of `site`, from the stragglers' own stream.
std::optional<Straggling> draw_straggler(OptionSim& s, std::size_t site, int nodes) {
  std::optional<Straggling> first;
  for (const StragglerClass& c : s.sites[site].site.fleet.stragglers) {
    const double u = static_cast<double>(s.straggler_rng() >> 11) * 0x1.0p-53;
    const double onset = sim_now() + draw_interval_s(nodes * c.rate_per_node_s, 1, u);
    if (!first || onset < first->onset_s) first = Straggling{onset, onset + c.detection_s, c.slowdown, c.repair_s, site};
  }
  return first;
}

}  // namespace

void training_job(OptionSim& s) {
  const Scenario& sc = s.sc;
  const ReliabilityPolicy& rel = sc.reliability;
  std::vector<double> site_rate_per_node_s;  // all failure classes of each site together
  for (const SiteSim& site : s.sites) site_rate_per_node_s.push_back(total_rate_per_node_s(site.site.failure_classes));
  std::unique_lock lock(*s.mutex);
  Restart reason = Restart::Launch;
  std::optional<Straggling> straggler;  // drawn, or slowing the job now
  for (std::size_t run_index = 0; run_index < sc.workload.runs.size(); ++run_index) {
    const TrainingRun& run = sc.workload.runs[run_index];
    s.job.run = run_index;
    double remaining_flop = run.compute_flop;
    const double state_bytes = checkpoint_bytes(run.parameters, rel.checkpoint);
    std::vector<SegmentRecord> history;  // this run's segments, for rolling back past corruption
    while (remaining_flop > 0 && sim_now() < s.horizon()) {
      const int gpus = s.available_gpus();
      if (gpus == 0) {
        s.changed->wait_until(lock, s.horizon());
        continue;
      }
      // (Re)start a segment at this size on the job's site: downtime (relaunch, and a reload
      // unless the run is fresh), then training with checkpoints every `interval` of work.
      const std::size_t site = s.job.site;
      const int nodes = gpus / s.sites[site].node.gpus_per_server;
      const double flop_per_s = s.job_flop_rate(run_index, site, gpus);
      if (flop_per_s <= 0) {  // fewer GPUs than one replica of the layout: wait for more
        s.changed->wait_until(lock, s.horizon());
        continue;
      }
      // A straggler still in the job slows it; one found while the job was down is taken out now.
      if (straggler && straggler->found_s <= sim_now()) {
        if (straggler->onset_s <= sim_now()) s.take_out_straggler(straggler->site, straggler->repair_s);
        straggler.reset();
        continue;
      }
      if (!straggler && !s.sites[site].site.fleet.stragglers.empty()) straggler = draw_straggler(s, site, nodes);
      const bool slowed = straggler && straggler->active(sim_now());
      const double speed = slowed ? 1 - straggler->slowdown : 1.0;
      const double segment_flop_per_s = flop_per_s * speed;
      const double blocking_s = checkpoint_blocking_s(state_bytes, gpus, rel.checkpoint);
      const CheckpointCycle cycle{checkpoint_interval_s(rel.checkpoint, site_rate_per_node_s[site], nodes, blocking_s,
                                                        checkpoint_async_s(state_bytes, rel.checkpoint)),
                                  blocking_s};
      const bool fresh_run = remaining_flop == run.compute_flop;
      const double downtime_s = reason == Restart::Slowed ? 0.0
                                : (reason == Restart::Maintenance ? rel.planned_downtime_s : rel.restart_s) +
                                      (fresh_run ? 0.0 : checkpoint_reload_s(state_bytes, rel.checkpoint));
      const double segment_start = sim_now();
      const double run_start = segment_start + downtime_s;
      const double finish = run_start + wall_time_for_work_s(cycle, remaining_flop / segment_flop_per_s);
      const auto [failure, failed_class] = s.draw_next_failure(nodes);
      const double maintenance =
          rel.planned_interval_s > 0 ? (std::floor(segment_start / rel.planned_interval_s) + 1) * rel.planned_interval_s
                                     : never;
      // A straggler's onset or its removal ends the segment too.
      const double straggler_s = !straggler ? never : slowed ? straggler->found_s : straggler->onset_s;
      const double wake = std::min({finish, failure, maintenance, straggler_s, s.horizon()});
      s.update(
          [&] {
            s.job.gpus = gpus;
            s.job.training = false;
            s.job.segment_run_start = run_start;
            s.job.segment_flop_per_s = segment_flop_per_s;
            s.job.segment_cycle = cycle;
          },
          false);
      history.push_back({segment_start, run_start, cycle, segment_flop_per_s, run.compute_flop - remaining_flop});
      while (sim_now() < wake && !s.should_resize(gpus, site)) s.changed->wait_until(lock, wake);

      const double t = sim_now();
      const double elapsed = std::max(0.0, t - run_start);
      const bool finished = t >= wake && wake == finish;
      double kept_work_s;  // negative when a corruption rolls back into earlier segments
      if (finished) {
        kept_work_s = remaining_flop / segment_flop_per_s;
      } else if (t >= wake && wake == failure) {
        // Work since the last checkpoint is lost; a corruption found late rolls back to the last
        // checkpoint before it happened, which may lie in an earlier segment.
        const FailureClass& c = s.sites[site].site.failure_classes[failed_class];
        const double progress = progress_at(history, t - c.detection_delay_s);
        kept_work_s = (progress - history.back().progress_before_flop) / segment_flop_per_s;
        s.record_failure(site, failed_class);
      } else {
        // A planned stop (maintenance, resize, move, horizon): the job checkpoints what it has done.
        kept_work_s = work_done_s(cycle, elapsed);
      }
      // Where the GPU time of this segment went (docs/reliability.md).
      const double downtime_spent_s = std::min(t, run_start) - segment_start;
      const double done_s = finished ? kept_work_s : work_done_s(cycle, elapsed);
      const double blocking_spent_s = std::max(0.0, (finished ? wall_time_for_work_s(cycle, kept_work_s) : elapsed) - done_s);
      const Restart previous = reason;
      const bool straggler_event = t >= wake && wake == straggler_s && !finished && wake != failure;
      reason = finished ? Restart::Launch
               : (t >= wake && wake == failure)      ? Restart::Failure
               : (t >= wake && wake == maintenance)  ? Restart::Maintenance
               : straggler_event                     ? (slowed ? Restart::Straggler : Restart::Slowed)
                                                     : Restart::Resize;
      if (reason == Restart::Straggler) {  // found: out of the job, which restarts without it
        s.take_out_straggler(straggler->site, straggler->repair_s);
        straggler.reset();
      }
      if (reason == Restart::Maintenance) ++s.job.planned_stops;
      // A finished run is done exactly: subtracting rounded products could leave a remainder
      // of a few FLOPs that no segment could ever finish.
      remaining_flop = finished ? 0.0 : std::max(0.0, remaining_flop - kept_work_s * segment_flop_per_s);
      s.update(
          [&] {
            JobState& job = s.job;
            // Slowed, the work done counts at the speed kept; the speed lost goes to stragglers.
            job.useful_work_s += kept_work_s * speed;
            job.useful_gpu_s += kept_work_s * speed * gpus;
            job.done_flop += kept_work_s * segment_flop_per_s;
            job.lost_gpu_s[static_cast<std::size_t>(Lost::Stragglers)] += gpus * done_s * (1 - speed);
            const Lost downtime_cause = previous == Restart::Launch        ? Lost::Launch
                                        : previous == Restart::Failure     ? Lost::Restarts
                                        : previous == Restart::Maintenance ? Lost::Maintenance
                                        : previous == Restart::Straggler   ? Lost::Stragglers
                                                                           : Lost::Resizes;
            job.lost_gpu_s[static_cast<std::size_t>(downtime_cause)] += gpus * downtime_spent_s;
            job.unplanned_held_s += t - segment_start;
            job.lost_gpu_s[static_cast<std::size_t>(Lost::Checkpoints)] += gpus * blocking_spent_s;
            job.lost_gpu_s[static_cast<std::size_t>(Lost::FailedWork)] += gpus * (done_s - kept_work_s);
            job.gpus = 0;
            job.training = false;
          },
          false);
    }
    if (remaining_flop > 0) return;  // out of time: the run and those after it are unfinished
    s.job.run_finish_s.push_back(sim_now());
  }
  s.update([&] {
    s.job.workload_done = true;
    s.job.finish_s = sim_now();
  });
}

}  // namespace bvr
