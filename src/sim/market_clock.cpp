// What follows the market is repriced at each month of the market's grid (models/market.h) and
// at each step of the GPU-hour demand: the meters run at the old rates up to then, the new ones
// after (docs/market.md).
#include <algorithm>
#include <mutex>
#include <vector>

#include "models/market.h"
#include "sim/option_sim.h"

namespace sg4 = simgrid::s4u;

namespace bvr {

void market_clock(OptionSim& s) {
  std::vector<double> times;
  if (!s.sc.market.empty())
    for (int k = 1; k * market_step_s < s.horizon(); ++k) times.push_back(k * market_step_s);
  if (s.sc.demand)
    for (const DemandStep& step : s.sc.demand->steps)
      if (step.t_s > 0 && step.t_s < s.horizon()) times.push_back(step.t_s);
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  for (double t : times) {
    sg4::this_actor::sleep_until(t);
    std::unique_lock lock(*s.mutex);
    s.update([] {}, false);  // recompute() reads the prices at the new time; nothing waits for them
  }
}

}  // namespace bvr
