#!/usr/bin/env python3
"""Writes tests/malformed/*.yaml: broken variants of the default scenario, each with the key path
its error must name on its first line ("# expect: <text>"). tests/test_malformed.cpp runs bvr on
every file and checks exit code 2, file:line:column, that text, and that nothing was written.
Run again after changing the default scenario; review the diff."""
import pathlib

root = pathlib.Path(__file__).resolve().parent.parent
base = (root / "scenarios" / "xai-oracle-2024.yaml").read_text()
out = root / "tests" / "malformed"

def variant(old, new, count=1):
    assert old in base, old
    return base.replace(old, new, count)

def replace_block(first_line, until_line, new):
    """Replaces the lines from `first_line` up to (not including) `until_line` with `new`."""
    start = base.index(first_line)
    end = base.index(until_line, start + len(first_line))
    return base[:start] + new + base[end:]

cases = {
    # YAML syntax
    "syntax-unclosed-list": ("YAML syntax error", variant("  recompute: selective", "  recompute: [selective")),
    "syntax-bad-indent": ("YAML syntax error", variant("    committed_gpus: 100000", "   committed_gpus: 100000\n      bad: [")),
    "syntax-tab": ("YAML syntax error", variant("  seed: 2024", "\tseed: 2024")),
    "syntax-unclosed-quote": ("YAML syntax error", variant("  name: xai-oracle-2024", '  name: "xai-oracle-2024')),
    "syntax-unclosed-map": ("YAML syntax error", variant("{date: 2024-03-01, gpus: 24000}", "{date: 2024-03-01, gpus: 24000")),
    # empty and wrong shapes
    "empty-file": ("the file is empty", ""),
    "only-comment": ("the file is empty", "# nothing here\n"),
    "scalar-root": ("(top level): expected a mapping", "just words\n"),
    "list-root": ("(top level): expected a mapping", "- a\n- b\n"),
    "runs-not-list": ("workload.runs: expected a list", replace_block("  runs:\n", "reliability:\n", "  runs: grok-2\n\n")),
    "options-empty": ("options: expected at least one option", base[: base.index("options:")] + "options: {}\n"),
    "system-unknown": ('options.lease-oracle.system: no system "h100"', variant("    system: h100-hgx\n", "    system: h100\n")),
    "system-inline-incomplete": ('options.lease-oracle.system: missing key "name"', variant("    system: h100-hgx\n", "    system: {gpu: {model: H100 SXM}}\n")),
    "system-file-missing": ("options.lease-oracle.system: no system file at", variant("    system: h100-hgx\n", "    system: ./no-such-system.yaml\n")),
    "hardware-section": ("hardware: the scenario-wide hardware section is gone", variant("workload:\n", "hardware:\n  gpu: H100 SXM\n\nworkload:\n")),
    # unknown keys (did you mean)
    "unknown-top-key": ('unknown key "workloads"', variant("workload:\n", "workloads:\n")),
    "unknown-site-key": ('options.hybrid.sites.oracle.comitted_gpus: unknown key "comitted_gpus"', variant("        committed_gpus: 24000", "        comitted_gpus: 24000")),
    "unknown-model-key": ('workload.runs.0.model.hiden: unknown key "hiden"', variant("model: {layers: 64, hidden: 6144", "model: {layers: 64, hiden: 6144")),
    "unknown-parallelism-key": ('workload.parallelism.dp: unknown key "dp"', variant("  parallelism: search", "  parallelism: {tp: 8, pp: 8, dp: 4, microbatch: 1}")),
    "unknown-option-key": ('options.lease-oracle.list_prise', variant("    list_price: 10 USD/GPU/h", "    list_prise: 10 USD/GPU/h")),
    "unknown-class-key": ("reliability.failure_classes.0.rates", variant("{name: gpu, rate:", "{name: gpu, rates:")),
    "unknown-turbine-key": ("turbines.0.unit_pwr", variant("          unit_power: 2.5 MW", "          unit_pwr: 2.5 MW")),
    # missing keys
    "missing-seed": ('scenario: missing key "seed"', variant("  seed: 2024\n", "")),
    "missing-recompute": ('workload: missing key "recompute"', variant("  recompute: selective\n", "")),
    "missing-sequence-length": ('workload.runs.0: missing key "sequence_length"', variant("      sequence_length: 8192\n", "")),
    "missing-model-layers": ('workload.runs.1.model: missing key "layers"', variant("model: {layers: 80, ", "model: {")),
    "missing-contract": ('options.lease-oracle: missing key "contract"', variant("    contract: lease\n", "")),
    "legacy-kind": ('options.lease-oracle.kind: "kind" is now "contract"', variant("    contract: lease\n", "    kind: lease\n")),
    "missing-grid": ('options.build-colossus.power: missing key "grid"', replace_block("      grid:\n", "      turbines:\n", "")),
    # units
    "no-unit-power": ("options.build-colossus.facility_cost: missing unit", variant("facility_cost: 11700000 USD/MW", "facility_cost: 11700000")),
    "wrong-dimension-energy": ("options.build-colossus.power.grid.steps.0.power: expected a power", variant("{from: 2024-05-01, power: 8 MW}", "{from: 2024-05-01, power: 8 MWh}")),
    "wrong-dimension-price": ("list_price: expected a price per GPU-hour", variant("list_price: 10 USD/GPU/h", "list_price: 10 USD")),
    "unknown-unit": ('unknown unit "MWW"', variant("power: 50 MW}", "power: 50 MWW}")),
    "unit-typo-days": ("options.lease-oracle.term", variant("term: 730 days", "term: 730 dys")),
    "duration-as-date": ("scenario.horizon", variant("horizon: 1096 days", "horizon: 2027-03-01")),
    "rate-without-nodes": ("failure_classes.0.rate", variant("rate: 1.664 per 1000 node-days", "rate: 1.664 per day")),
    "bandwidth-as-data": ("checkpoint.host_copy_bandwidth", variant("host_copy_bandwidth: 50 GB/s", "host_copy_bandwidth: 50 GB")),
    "compute-as-rate": ("workload.runs.0.compute", variant("compute: 2.96e25 FLOP", "compute: 2.96e25 FLOP/s")),
    "nan-value": ("workload.runs.0.compute", variant("compute: 2.96e25 FLOP", "compute: nan FLOP")),
    "inf-value": ("workload.runs.0.compute", variant("compute: 2.96e25 FLOP", "compute: inf FLOP")),
    "huge-number": ("workload.runs.0.compute", variant("compute: 2.96e25 FLOP", "compute: 1e400 FLOP")),
    "text-for-number": ("scenario.replications", variant("replications: 20", "replications: twenty")),
    # impossible values
    "zero-horizon": ("scenario.horizon: must be greater than zero", variant("horizon: 1096 days", "horizon: 0 days")),
    "negative-price": ("grid.price: must not be negative", variant("price: 62.3 USD/MWh", "price: -62.3 USD/MWh")),
    "zero-batch": ("workload.runs.0.global_batch_tokens: must be greater than zero", variant("      global_batch_tokens: 67108864\n", "      global_batch_tokens: 0\n")),
    "partial-sequence-batch": ("workload.runs.1.global_batch_tokens: expected a whole number of sequences", variant("global_batch_tokens: 67108864  #", "global_batch_tokens: 67108000  #")),
    "heads-not-dividing": ("workload.runs.0.model.heads: 40 heads must divide hidden (6144)", variant("heads: 48, kv_heads: 8", "heads: 40, kv_heads: 8")),
    "kv-heads-not-dividing": ("workload.runs.0.model.kv_heads: 7 key/value heads must divide the 48 heads", variant("heads: 48, kv_heads: 8", "heads: 48, kv_heads: 7")),
    "too-many-active-experts": ("workload.runs.0.model.experts_per_token: 9 is more than the 8 experts", variant("experts: 8, experts_per_token: 2", "experts: 8, experts_per_token: 9")),
    "tp-not-dividing-heads": ('workload.parallelism.tp: 5 must divide the 48 attention heads (run "grok-2")', variant("  parallelism: search", "  parallelism: {tp: 5, pp: 8, microbatch: 1}")),
    "ep-not-dividing-experts": ('workload.parallelism.ep: 3 must divide the 8 experts', variant("  parallelism: search", "  parallelism: {tp: 8, pp: 8, ep: 3, microbatch: 1}")),
    "pp-above-layers": ('workload.parallelism.pp: 65 stages', variant("  parallelism: search", "  parallelism: {tp: 8, pp: 65, microbatch: 1}")),
    "interleaved-without-stages": ('workload.parallelism.schedule: interleaved needs', variant("  parallelism: search", "  parallelism: {tp: 8, pp: 8, microbatch: 1, schedule: interleaved}")),
    "layout-does-not-fit": ('workload.parallelism: run "grok-2" needs', variant("  parallelism: search", "  parallelism: {tp: 8, pp: 1, microbatch: 1, sharding: none}").replace("max_job_gpus: 100000", "max_job_gpus: 8000")),
    "huge-layout": ("workload.parallelism: tp x pp x cp x ep = 10485760000 GPUs is more than any cluster", variant("  parallelism: search", "  parallelism: {tp: 1024, pp: 10000, cp: 1024, microbatch: 1}")),
    "replica-above-min-gpus": ("workload.min_job_gpus: 8000 GPUs cannot hold one replica", variant("  parallelism: search", "  parallelism: {tp: 8, pp: 64, cp: 16, microbatch: 1}")),
    "fp8-on-a100": ('workload.precision: the A100 SXM4 80GB of option "lease-oracle" (HGX A100 80GB) has no FP8 tensor cores', variant("    system: h100-hgx\n", "    system: a100-hgx\n").replace("  precision: bf16", "  precision: fp8")),
    "bad-precision": ("workload.precision: expected one of bf16, fp8, fp4", variant("  precision: bf16", "  precision: fp16")),
    "bad-recompute": ("workload.recompute: expected one of none, selective, full", variant("  recompute: selective", "  recompute: partial")),
    "bad-parallelism": ("workload.parallelism: expected one of search", variant("  parallelism: search", "  parallelism: fastest")),
    "compute-and-tokens": ("workload.runs.0.tokens: give either compute or tokens", variant("      sequence_length: 8192\n", "      sequence_length: 8192\n      tokens: 1e13\n", 1)),
    "zero-replications": ("scenario.replications", variant("replications: 20", "replications: 0")),
    "fractional-gpus": ("deliveries.0.gpus: expected a whole number", variant("gpus: 24000}", "gpus: 24000.5}")),
    "partial-server": ("gpu_orders.0.gpus: must be a whole number of nodes", variant("lead_time: 111 days, gpus: 50000", "lead_time: 111 days, gpus: 50001")),
    "min-above-max": ("workload.min_job_gpus: must not exceed", variant("min_job_gpus: 8000", "min_job_gpus: 800000")),
    "huge-gpu-count": ("workload.max_job_gpus", variant("max_job_gpus: 100000", "max_job_gpus: 1e12")),
    "pue-below-one": ("options.lease-oracle.pue", variant("    pue: 1.3 ", "    pue: 0.8 ")),
    "air-cooled-dense-racks": ("options.build-colossus.cooling: racks of 64 GPUs of HGX H100 draw 81.6 kW each: air cools at most about 60 kW", variant("    cooling: liquid\n", "    cooling: air\n")),
    "rack-not-whole-nodes": ("options.build-colossus.gpus_per_rack: must be a whole number of nodes", variant("gpus_per_rack: 64 ", "gpus_per_rack: 60 ")),
    "maintenance-every-second": ("reliability.planned_maintenance.downtime: a planned stop of 10 min is not shorter than the interval", variant("interval: 27.6 h", "interval: 1 s")),
    "maintenance-too-often": ("reliability.planned_maintenance.interval:", variant("interval: 27.6 h", "interval: 10 s").replace("downtime: 10 min", "downtime: 1 s")),
    "shares-not-100": ("construction: the phases' cost_share must add up to 100 %", variant("cost_share: 60 %", "cost_share: 70 %")),
    "weibull-shape-range": ("failure_classes.0.weibull_shape", variant("{name: gpu, rate: 1.664 per 1000 node-days,", "{name: gpu, weibull_shape: 50, rate: 1.664 per 1000 node-days,")),
    "duplicate-class": ('failure class "gpu" is listed twice', variant("{name: gpu-memory,", "{name: gpu,")),
    # dates
    "bad-date": ("scenario.start: expected a date", variant("start: 2024-03-01", "start: 2024-02-30")),
    "date-words": ("scenario.start: expected a date", variant("start: 2024-03-01", "start: March 2024")),
    "dates-backwards": ("deliveries.2.date: dates must not go backwards", variant("{date: 2025-04-01, gpus: 40000}", "{date: 2024-04-01, gpus: 40000}")),
    "billing-before-contract": ("billing_start: must not be before contract_start", variant("billing_start: 2024-03-01", "billing_start: 2024-01-01")),
    # references and choices
    "undefined-option": ('options.hybrid.sites.oracle.like: no option named "lease-orcle"', variant("like: lease-oracle", "like: lease-orcle")),
    "like-several-sites": ('option "hybrid" has several sites', variant("like: build-colossus", "like: hybrid")),
    "bad-contract": ('expected one of lease, build, colocation, used', variant("contract: build", "contract: buidl")),
    "undefined-compare": ('analysis.compare.1: no option named "build-colosus"', variant("compare: [lease-oracle, build-colossus]", "compare: [lease-oracle, build-colosus]")),
    "bad-swing-policy": ("load_swings.policy: expected one of", variant("policy: fewer_replicas", "policy: fewer")),
    "undefined-long-lead": ('no long_lead_equipment item named "switchgear"', variant("cost_share: 60 %}", "cost_share: 60 %, waits_for: switchgear}")),
    "bad-option-name": ("may use only letters, digits", variant("  hybrid:\n", "  hy brid/x:\n")),
    "long-option-name": ("at most 100 characters", variant("  hybrid:\n", "  " + "h" * 101 + ":\n")),
    # the name is the default output folder out/<name>: it may not climb out of out/
    "bad-scenario-name": ('scenario.name: scenario name "../../etc/evil" may use only letters, digits', variant("  name: xai-oracle-2024", "  name: ../../etc/evil")),
    "bad-interval": ("reliability.checkpoint.interval", variant("interval: daly", "interval: often")),
    # what YAML allows but a scenario must not hold (yaml-cpp would keep the first key, or the first
    # document, silently)
    "duplicate-key": ('scenario.seed: the key "seed" is listed twice (first on line', variant("  seed: 2024\n", "  seed: 2024\n  seed: 7\n")),
    "duplicate-option": ('options.lease-oracle: the key "lease-oracle" is listed twice', variant("  hybrid:\n", "  lease-oracle:\n")),
    "duplicate-flow-key": ('deliveries.0.gpus: the key "gpus" is listed twice', variant("gpus: 24000}", "gpus: 24000, gpus: 1000}")),
    "two-documents": ("(top level): a second YAML document starts here", base + "---\nscenario: {name: other}\n"),
    "empty-second-document": ("(top level): a second YAML document starts here", base + "---\n"),
    # more values than any input holds: aliases repeat what they name, 10^6 values in 7 lines
    "alias-bomb": ("the input holds more than 100,000 YAML values", variant("  seed: 2024\n", "  seed: 2024\n  x1: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\n"
                   "  x2: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n  x3: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                   "  x4: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n  x5: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
                   "  x6: [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\n")),
    # deeply nested junk
    "nested-junk": ('options.lease-oracle.system.a: unknown key "a"', variant("    system: h100-hgx\n", "    system: {a: {b: {c: {d: [1, [2, [3, {e: f}]]]}}}}\n")),
    "list-for-scalar": ("workload.recompute: expected a single value", variant("recompute: selective", "recompute: [selective, full]")),
    # market price paths (docs/market.md)
    "market-dates-unsorted": ("market.h100-rental.points.2.date: dates must increase",
                              variant("      - {date: 2025-10-01, price: 1.70 USD/GPU/h}", "      - {date: 2024-09-01, price: 1.70 USD/GPU/h}")),
    "market-negative-price": ("market.h100-rental.points.1.price: a price cannot be negative",
                              variant("price: 2.00 USD/GPU/h}", "price: -2.00 USD/GPU/h}")),
    "market-missing-unit": ("market.h100-rental.points.0.price: expected a price with its unit",
                            variant("price: 8.00 USD/GPU/h}", "price: 8.00}")),
    "market-mixed-units": ("market.used-h100.points.1.price: expected a hardware price per GPU",
                           variant("price: 23500 USD}", "price: 2.35 USD/GPU/h}")),
    "market-path-undefined": ('demand.value_index: no price path named "h100-rentals" in market (did you mean "h100-rental"?)',
                              variant("  value_index: h100-rental", "  value_index: h100-rentals")),
    "market-path-wrong-kind": ('options.build-colossus.residual_value.index: price path "h100-rental" prices gpu_rental',
                               variant("{method: index, index: used-h100}", "{method: index, index: h100-rental}")),
    "market-no-points": ("market.used-h100.points: expected a list of at least 1 item",
                         replace_block("    points:\n      # New in Feb 2024", "    # ASSUMPTION: used prices keep falling", "    points: []\n")),
    "market-sublet-on-lease": ("options.lease-oracle.sublet: this lease does not allow subletting",
                               variant("    pue: 1.3                    # AI-oriented", "    sublet: {index: h100-rental, fee: 0.3 USD/GPU/h, utilization: 50 %}\n    pue: 1.3                    # AI-oriented")),
    "market-indexed-without-index": ("options.lease-oracle: pricing: indexed needs index",
                                     variant("    commitment_discount: 45 %\n", "    pricing: indexed\n")),

}

out.mkdir(parents=True, exist_ok=True)
for old in out.glob("*.yaml"):
    old.unlink()
for name, (expect, text) in sorted(cases.items()):
    (out / f"{name}.yaml").write_text(f"# expect: {expect}\n{text}")
print(f"wrote {len(cases)} files to {out.relative_to(root)}")
