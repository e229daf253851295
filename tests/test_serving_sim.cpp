// The serving view of a site (sim/serving_sim.h) on the shipped serving scenario: demand met and
// unmet add up, serving energy shows in power and in cost.
#include <doctest/doctest.h>

#include <cmath>

#include "scenario/load.h"
#include "scenario/overrides.h"
#include "sim/serving_sim.h"

using namespace bvr;

namespace {

const std::string serving_file = std::string(BVR_SOURCE_DIR) + "/scenarios/serving-gb300-2026.yaml";

SiteServing serve(const Scenario& sc, const std::string& option) {
  for (const Option& o : sc.options)
    if (o.name == option) return serve_on_site(sc, o, o.sites.front(), false);
  FAIL("no option " << option);
  return {};
}

}  // namespace

TEST_CASE("serving demand: met and unmet add up to the demand, step by step and in all") {
  // Half the racks the peak needs (16 of 32): the last step goes partly unmet.
  const Scenario sc = load_scenario(serving_file,
                                    {parse_override("options.lease-neocloud.committed_gpus=1152"),
                                     parse_override("options.lease-neocloud.deliveries.0.gpus=1152"),
                                     parse_override("options.build-campus.gpu_orders.0.gpus=1152")},
                                    false);
  for (const char* option : {"lease-neocloud", "build-campus"}) {
    const SiteServing s = serve(sc, option);
    INFO(option);
    REQUIRE(s.best);
    REQUIRE(s.served.size() == 3);
    double demanded = 0, served = 0, unmet = 0, energy = 0;
    for (const ServedStep& d : s.served) {
      CHECK(d.served_tokens_per_s + d.unmet_tokens_per_s == doctest::Approx(d.demand_tokens_per_s));
      CHECK(d.served_tokens_per_s <= s.capacity_tokens_per_s * (1 + 1e-12));
      CHECK(d.unmet_tokens_per_s >= 0);
      const double dt = d.to_s - d.from_s;
      demanded += d.demand_tokens_per_s * dt;
      served += d.served_tokens_per_s * dt;
      unmet += d.unmet_tokens_per_s * dt;
      energy += d.power_w * dt / 3.6e9;
    }
    CHECK(s.tokens_served + s.tokens_unmet == doctest::Approx(s.tokens_demanded).epsilon(1e-12));
    CHECK(s.tokens_demanded == doctest::Approx(demanded));
    CHECK(s.tokens_served == doctest::Approx(served));
    CHECK(s.tokens_unmet == doctest::Approx(unmet));
    CHECK(s.serving_energy_mwh == doctest::Approx(energy));
    // The last step (30 million tokens/s) is more than 16 racks serve: some of it goes unmet.
    CHECK(s.served.back().unmet_tokens_per_s > 0);
    CHECK(s.served.front().unmet_tokens_per_s == 0);
    CHECK(s.utilization > 0);
    CHECK(s.utilization <= 1);
    // The peak's GPUs in whole racks of 72.
    CHECK(s.racks_for_peak == (s.gpus_for_peak + 71) / 72);
    CHECK(static_cast<double>(s.gpus_for_peak) * s.best->tokens_per_s_per_gpu >= s.peak_demand_tokens_per_s);
  }
}

TEST_CASE("serving demand: serving energy appears in the power and the cost") {
  const Scenario sc = load_scenario(serving_file, {}, false);
  const SiteServing s = serve(sc, "build-campus");
  // Busy GPUs draw full power, the rest idle: a step with more demand draws more.
  REQUIRE(s.served.size() == 3);
  CHECK(s.served[1].power_w > s.served[0].power_w);
  CHECK(s.served[0].power_w > s.site_gpus * s.idle_facility_w_per_gpu);
  CHECK(s.served[2].power_w <= s.site_gpus * s.facility_w_per_gpu * (1 + 1e-12));
  // A dearer grid raises the built site's cost by exactly the energy it drew at the new price.
  const Scenario dear = load_scenario(serving_file, {parse_override("options.build-campus.power.grid.price=110 USD/MWh")}, false);
  const SiteServing d = serve(dear, "build-campus");
  CHECK(d.serving_energy_mwh == doctest::Approx(s.serving_energy_mwh));
  CHECK(d.cost_usd - s.cost_usd == doctest::Approx(s.serving_energy_mwh * (110 - 55)).epsilon(1e-6));
  CHECK(d.cost_per_million_tokens_usd > s.cost_per_million_tokens_usd);
  // A lease's price holds its energy: the lease costs what it costs.
  const SiteServing lease = serve(sc, "lease-neocloud");
  CHECK(lease.cost_usd == doctest::Approx(lease.gpu_hour.usd_per_gpu_hour * lease.site_gpus *
                                          (lease.served.back().to_s - lease.served.front().from_s) / 3600));
}

TEST_CASE("serving demand: a power-limited site serves fewer tokens, at the same tokens per MW") {
  const Scenario sc = load_scenario(serving_file, {}, false);
  // 3 MW of the provider's power: 3e6 / (135 kW / 72 x PUE 1.2 = 2,250 W per GPU) = 1,333 GPUs,
  // 1,332 in whole 4-GPU trays, of the 2,304 leased.
  const Scenario limited =
      load_scenario(serving_file, {parse_override("options.lease-neocloud.site_power=[{from: 2026-10-01, power: 3 MW}]")}, false);
  const SiteServing full = serve(sc, "lease-neocloud"), cut = serve(limited, "lease-neocloud");
  CHECK(full.powered_gpus == 2304);
  CHECK(cut.powered_gpus == 1332);
  CHECK(cut.capacity_tokens_per_s < 0.6 * full.capacity_tokens_per_s);
  CHECK(cut.tokens_per_s_per_mw == doctest::Approx(full.tokens_per_s_per_mw));
  CHECK(cut.tokens_unmet > 0);
  CHECK(cut.tokens_unmet > full.tokens_unmet);
  // The lease is paid in full all the same: each token served costs more.
  CHECK(cut.cost_usd == doctest::Approx(full.cost_usd));
  CHECK(cut.cost_per_million_served_usd > full.cost_per_million_served_usd);
}
