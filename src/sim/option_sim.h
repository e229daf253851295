// Everything the actors of one option share during a campaign: its sites (sim/site_sim.h), the
// training job's state, and the meters (cost, energy, GPU time). Actors change it only through
// update(), which first brings the meters up to now at the old rates, so every integral is exact
// (docs/architecture.md, "Exact meters").
#pragma once
#include <simgrid/s4u.hpp>

#include <array>
#include <cstdint>
#include <limits>
#include <map>
#include <random>
#include <tuple>
#include <utility>
#include <vector>

#include "models/finance.h"
#include "models/market.h"
#include "models/reliability.h"
#include "scenario/scenario.h"
#include "sim/outcome.h"
#include "sim/site_sim.h"

namespace bvr {

inline constexpr double never = std::numeric_limits<double>::infinity();
inline double sim_now() { return simgrid::s4u::Engine::get_clock(); }

// The meters of an option: money by category, energy by source, GPU time.
struct Meters {
  explicit Meters(double discount_rate) : ledger(discount_rate) {}
  CashLedger ledger;
  double t = 0;  // integrated up to here
  double energy_j = 0, grid_energy_j = 0, turbine_energy_j = 0;
  double peak_power_w = 0, gpu_seconds = 0, available_s = 0;
  double sampled_energy_j = 0, sampled_energy_cost_usd = 0;  // at the previous daily sample
  // Serving a dated demand (docs/serving.md, "Serving in the campaign").
  double tokens_demanded = 0, tokens_served = 0;
  double serving_capacity_tokens = 0;  // what the GPUs open to serving could have served
  double serving_gpu_seconds = 0, serving_energy_j = 0, serving_held_s = 0;
  // Nominal spending by category (and its USD-days) at each midnight and at the horizon, cumulative.
  std::vector<DayCash> cumulative_by_day;
};

// Nodes coming back: from repair, from the shelf into a failed node's place (a cold spare), a
// repaired node onto the shelf, a retired node's replacement.
struct RepairEvent {
  enum class Kind { Return, SwapIn, ToShelf };
  std::size_t site = 0;
  int gpus = 0;
  int node = -1;             // TrackedNode index, or -1: nodes only counted
  Kind kind = Kind::Return;
  bool fresh = false;        // a new node (a replacement, a fresh spare): counted as fresh when back
  bool faulty = false;       // a wrong repair: the node comes back still faulty
};

// The training job of an option: where it runs, at what size, what it has done and lost.
struct JobState {
  std::size_t site = 0;        // index of the site it runs on (or will)
  std::size_t run = 0;         // the training run it is on
  bool workload_done = false;
  int gpus = 0;                // held by the running job (restarting counts), 0 while waiting
  bool training = false;       // past the restart: training and checkpointing
  double done_flop = 0;        // kept progress of finished segments
  double segment_run_start = 0, segment_flop_per_s = 0;
  CheckpointCycle segment_cycle;
  double useful_work_s = 0, useful_gpu_s = 0;
  int interruptions = 0, planned_stops = 0;
  std::vector<double> interruptions_by_class;  // per failure_class_names(scenario)
  std::array<double, lost_cause_count> lost_gpu_s{};
  double finish_s = never;
  double full_capacity_s = never;
  std::vector<double> run_finish_s;
  double nodes_retired = 0, node_repairs = 0, repairs_misdiagnosed = 0;
  std::vector<double> repairs_by_step;  // per repair_step_names(scenario)
  double unplanned_held_s = 0;          // time the job held GPUs, for its mean time between interruptions
};

// The serving job of an option (sim/serving_job.cpp): the demand in force; where it is served
// is each site's serving_gpus.
struct ServingState {
  double demand_tokens_per_s = 0;
  double capacity_tokens_per_s = 0;  // what the GPUs open to serving could serve now
  double failures = 0;               // that struck serving nodes
};

class OptionSim {
 public:
  OptionSim(const Scenario& scenario, const Option& option, std::uint64_t seed);

  const Scenario& sc;
  const Option& opt;
  std::vector<SiteSim> sites;
  JobState job;
  ServingState serving;
  Meters meters;
  double full_size_mfu = 0;  // of the headline run on the last site, at full size
  std::mt19937_64 rng;            // failure times: the common random numbers of every option
  std::mt19937_64 fleet_rng;      // which node, bad or not, which rung of the repair ladder
  std::mt19937_64 straggler_rng;  // straggler onsets
  std::mt19937_64 serving_rng;    // failures of serving nodes: a stream of its own, training's draws unmoved
  // This replication's draw of the scenario's price paths (models/market.h), from streams of
  // their own: the same for every option (common random numbers), no failure time moved.
  std::vector<RealizedPath> market;
  simgrid::s4u::MutexPtr mutex = simgrid::s4u::Mutex::create();
  simgrid::s4u::ConditionVariablePtr changed = simgrid::s4u::ConditionVariable::create();
  simgrid::s4u::ConditionVariablePtr repair_added = simgrid::s4u::ConditionVariable::create();  // the repairs actor only
  std::multimap<double, RepairEvent> repairs_due;
  bool capacity_available = false;

  double horizon() const { return sc.horizon_s; }
  bool serves() const { return serves_; }
  // Facility power of the GPUs serving now, all sites.
  double serving_power_w() const;
  int serving_gpus() const;
  double served_tokens_per_s() const;
  SiteSim& job_site() { return sites[job.site]; }
  const SiteSim& job_site() const { return sites[job.site]; }

  // What the option is meant to reach: its last site's nominal GPUs within the job's size.
  int nominal_capacity() const;
  CapacityState site_state(std::size_t k, bool count_repair = true) const;
  // A site's GPUs able to train; for a lease with every server healthy, what it delivers and bills.
  int site_online(std::size_t k) const { return site_state(k).online; }
  int site_delivered(std::size_t k) const { return site_state(k, false).online; }

  // GPUs the job may use now on its site, after hot spares and the job's size limits.
  int available_gpus() const;
  // Whether the job running on `gpus` GPUs of site `site` should stop and restart at another size.
  bool should_resize(int gpus, std::size_t site) const;
  // Model FLOPs per second of run `run` on `gpus` GPUs of site `site` (cached).
  double job_flop_rate(std::size_t run, std::size_t site, int gpus);

  // Applies a change of state now and wakes the actors waiting for one. The job's own
  // bookkeeping wakes nobody (`notify` false): nothing waits for it, and every notification
  // is a simcall.
  template <typename Change>
  void update(Change&& change, bool notify = true) {
    advance(sim_now());
    change();
    recompute();
    if (notify) changed->notify_all();
  }
  void advance(double t);

  // Cash: booked in the option's ledger and in the site's own.
  void lump(std::size_t site, double t, double usd, CostCategory category);

  // A failure of class `c` of site `site` (where the job's segment ran): counted, its nodes out
  // for repair.
  void record_failure(std::size_t site, std::size_t c);
  // The next interruption at this size on the job's site and its class (index in the site's list).
  std::pair<double, std::size_t> draw_next_failure(int nodes);
  double progress_flop() const;
  // New nodes at site k (deliveries, racks installed): each bad with the fleet's share.
  void add_nodes(std::size_t k, int nodes);
  // Nodes come back (called by the repairs actor).
  void bring_back(const RepairEvent& e);
  // A failure of class `c` struck a node of site `site` serving: its nodes out for the class's
  // repair (the instance's requests go to the others; no training counter moves).
  void record_serving_failure(std::size_t site, std::size_t c);
  // A straggler at site k is taken out of the job: one node out for `repair_s`.
  void take_out_straggler(std::size_t k, double repair_s);

 private:
  void integrate(double t);
  void recompute();
  void compute_power(double t);
  double training_power_per_gpu_w() const;
  double turbine_fuel_usd_per_j(const SiteSim& s) const;
  double grid_price_usd_per_j(const SiteSim& s) const;
  double host_energy_usd_per_j(const SiteSim& s) const;
  double site_energy_usd_per_j(const SiteSim& s) const;
  void value_idle_capacity(double t);
  // Per site: GPUs the training runs leave idle now (docs/market.md, "Demand beyond the runs").
  std::vector<double> idle_gpus() const;
  // The demand's value per GPU-second at t: its price, or its index for the month.
  double demand_value_usd_per_gpu_s(double t) const;
  // What a lease that follows the demand renews at, at t: what the demand wants of it.
  int renewal_gpus(std::size_t k, double t) const;
  void allocate_serving();
  bool values_idle_ = false;  // the scenario has a demand beyond the runs or a sublet
  bool serves_ = false;       // the scenario serves a dated demand
  bool ending_early_is_cheaper(const SiteSim& s, double t) const;
  std::map<std::tuple<std::size_t, std::size_t, int>, double> flop_rate_cache_;
  std::vector<std::vector<std::size_t>> class_slot_;  // per site: failure class -> JobState slot
  std::vector<std::vector<std::size_t>> rung_slot_;   // per site: ladder rung -> JobState slot
  std::vector<bool> tracks_fleet_;                    // per site: nodes followed by name (FleetPolicy)
  int strike_node(std::size_t k);                     // the node a node fault struck, marked out
  double uniform(std::mt19937_64& g) { return static_cast<double>(g() >> 11) * 0x1.0p-53; }
};

// The actors (sim/site_actors.cpp, sim/training_job.cpp, sim/serving_job.cpp, sim/daily_meter.cpp).
void provider_deliveries(OptionSim& s, std::size_t site);
void lease_term(OptionSim& s, std::size_t site);
void gpu_deliveries(OptionSim& s, std::size_t site);
void construction(OptionSim& s, std::size_t site);
void host_ready(OptionSim& s, std::size_t site);
void installation(OptionSim& s, std::size_t site);
void power_supply(OptionSim& s, std::size_t site);
void host_power(OptionSim& s, std::size_t site);
void repairs(OptionSim& s);
void training_job(OptionSim& s);
void serving_job(OptionSim& s);
void daily_meter(OptionSim& s, std::vector<DailyRow>* series, std::vector<SitePowerDay>* site_series);
// Reprices what follows the market at each month of its grid and each step of the demand
// (sim/market_clock.cpp); created only when the scenario has a market or a demand.
void market_clock(OptionSim& s);

}  // namespace bvr
