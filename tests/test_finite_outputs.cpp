// No NaN or infinity reaches an output: a discount rate of -100 % makes every discount factor
// infinite, and the run stops with an error naming the metric and the inputs behind it.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "models/time.h"
#include "scenario/input_error.h"
#include "sim/finite_outputs.h"
#include "sim/replications.h"
#include "sim/results.h"

#include "small_scenario.h"

using namespace bvr;

namespace {

Scenario one_lease(double discount_rate) {
  Scenario s = test::small_scenario("finite-outputs");
  LeaseOffer lease;
  lease.ramp = {{0, 800}};
  lease.site_power = {{0, 1e9}};
  lease.max_gpus = 800;
  lease.list_price_usd_per_gpu_s = 2.0 / seconds_per_hour;
  lease.price_usd_per_gpu_s = 2.0 / seconds_per_hour;
  lease.renewal_price_usd_per_gpu_s = 2.0 / seconds_per_hour;
  lease.term_s = 30 * seconds_per_day;
  s.options = {test::one_site("rented", test::lease_site(lease))};
  s.workload.runs = {{"only", 1e20, 1e9}};
  s.discount_rate = discount_rate;
  return s;
}

}  // namespace

TEST_CASE("finite outputs: a model that yields infinity is an error naming the output and its inputs") {
  const Scenario fine = one_lease(0.10);
  CHECK_NOTHROW(make_results(fine, test::run(fine, 1)));

  const Scenario broken = one_lease(-1.0);  // the loader refuses this; a --set bug or a model bug might not
  const auto outcomes = test::run(broken, 1);
  std::string message;
  try {
    make_results(broken, outcomes);
  } catch (const InputError& e) {
    message = e.what();
  }
  CAPTURE(message);
  CHECK(message.find("option rented: npv_cost_usd is ") != std::string::npos);  // NaN here: 0 x inf
  CHECK(message.find("scenario.discount_rate") != std::string::npos);
  CHECK(message.find("options.rented.list_price") != std::string::npos);
  // A lease has no construction: build-only keys are not blamed.
  CHECK(message.find("options.rented.construction") == std::string::npos);
}

TEST_CASE("finite outputs: each output names the inputs it is computed from") {
  const auto mfu = inputs_of("mfu", "b", "build");
  CHECK(std::find(mfu.begin(), mfu.end(), "workload") != mfu.end());
  const auto power = inputs_of("facility_power_mw", "b", "build");
  CHECK(std::find(power.begin(), power.end(), "options.b.pue") != power.end());
  CHECK(std::find(power.begin(), power.end(), "options.b.system") != power.end());  // its power, from the system
  const auto ettr = inputs_of("effective_training_time_ratio", "l", "lease");
  CHECK(std::find(ettr.begin(), ettr.end(), "reliability.failure_classes") != ettr.end());
  CHECK(std::find(ettr.begin(), ettr.end(), "options.l.gpu_orders") == ettr.end());
}
