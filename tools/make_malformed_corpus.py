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
    "syntax-unclosed-list": ("YAML syntax error", variant("  mfu: 38 %", "  mfu: [38 %")),
    "syntax-bad-indent": ("YAML syntax error", variant("    name: H100 SXM", "   name: H100 SXM\n      bad: [")),
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
    "gpu-scalar": ("hardware.gpu: expected a mapping", replace_block("  gpu:\n", "  server:\n", "  gpu: H100\n")),
    # unknown keys (did you mean)
    "unknown-top-key": ('unknown key "workloads"', variant("workload:\n", "workloads:\n")),
    "unknown-gpu-key": ('hardware.gpu.tpd: unknown key "tpd"', variant("    tdp: 700 W", "    tpd: 700 W")),
    "unknown-option-key": ('options.lease-oracle.list_prise', variant("    list_price: 10 USD/GPU/h", "    list_prise: 10 USD/GPU/h")),
    "unknown-class-key": ("reliability.failure_classes.0.rates", variant("{name: gpu, rate:", "{name: gpu, rates:")),
    "unknown-turbine-key": ("turbines.0.unit_pwr", variant("          unit_power: 2.5 MW", "          unit_pwr: 2.5 MW")),
    # missing keys
    "missing-seed": ('scenario: missing key "seed"', variant("  seed: 2024\n", "")),
    "missing-mfu": ('workload: missing key "mfu"', variant("  mfu: 38 %\n", "")),
    "missing-kind": ('options.hybrid: missing key "kind"', variant("    kind: hybrid\n", "")),
    "missing-grid": ('options.build-colossus.power: missing key "grid"', replace_block("      grid:\n", "      turbines:\n", "")),
    # units
    "no-unit-power": ("hardware.gpu.tdp: missing unit", variant("tdp: 700 W", "tdp: 700")),
    "wrong-dimension-energy": ("hardware.server.overhead_power: expected a power", variant("overhead_power: 4.6 kW", "overhead_power: 4.6 kWh")),
    "wrong-dimension-price": ("list_price: expected a price per GPU-hour", variant("list_price: 10 USD/GPU/h", "list_price: 10 USD")),
    "unknown-unit": ('unknown unit "MWW"', variant("power: 50 MW}", "power: 50 MWW}")),
    "unit-typo-days": ("options.lease-oracle.term", variant("term: 730 days", "term: 730 dys")),
    "duration-as-date": ("scenario.horizon", variant("horizon: 1096 days", "horizon: 2027-03-01")),
    "rate-without-nodes": ("failure_classes.0.rate", variant("rate: 1.664 per 1000 node-days", "rate: 1.664 per day")),
    "bandwidth-as-data": ("checkpoint.host_copy_bandwidth", variant("host_copy_bandwidth: 50 GB/s", "host_copy_bandwidth: 50 GB")),
    "compute-as-rate": ("workload.runs.0.compute", variant("compute: 2.96e25 FLOP", "compute: 2.96e25 FLOP/s")),
    "nan-value": ("hardware.gpu.peak", variant("peak: 989.4 TFLOP/s", "peak: nan TFLOP/s")),
    "inf-value": ("hardware.gpu.peak", variant("peak: 989.4 TFLOP/s", "peak: inf TFLOP/s")),
    "huge-number": ("hardware.gpu.peak", variant("peak: 989.4 TFLOP/s", "peak: 1e400 TFLOP/s")),
    "text-for-number": ("scenario.replications", variant("replications: 20", "replications: twenty")),
    # impossible values
    "zero-horizon": ("scenario.horizon: must be greater than zero", variant("horizon: 1096 days", "horizon: 0 days")),
    "negative-price": ("grid.price: must not be negative", variant("price: 62.3 USD/MWh", "price: -62.3 USD/MWh")),
    "mfu-over-100": ("workload.mfu: expected a fraction", variant("mfu: 38 %", "mfu: 120 %")),
    "zero-replications": ("scenario.replications", variant("replications: 20", "replications: 0")),
    "fractional-gpus": ("deliveries.0.gpus: expected a whole number", variant("gpus: 24000}", "gpus: 24000.5}")),
    "partial-server": ("gpu_orders.0.gpus: must be a whole number of servers", variant("lead_time: 111 days, gpus: 50000", "lead_time: 111 days, gpus: 50001")),
    "min-above-max": ("workload.min_job_gpus: must not exceed", variant("min_job_gpus: 8000", "min_job_gpus: 800000")),
    "huge-gpu-count": ("workload.max_job_gpus", variant("max_job_gpus: 100000", "max_job_gpus: 1e12")),
    "pue-below-one": ("options.lease-oracle.pue", variant("    pue: 1.3 ", "    pue: 0.8 ")),
    "idle-above-full": ("hardware.server.idle_power: must not exceed", variant("idle_power: 2.5 kW", "idle_power: 25 kW")),
    "shares-not-100": ("construction: the phases' cost_share must add up to 100 %", variant("cost_share: 60 %", "cost_share: 70 %")),
    "weibull-shape-range": ("failure_classes.0.weibull_shape", variant("{name: gpu, rate: 1.664 per 1000 node-days,", "{name: gpu, weibull_shape: 50, rate: 1.664 per 1000 node-days,")),
    "duplicate-class": ('failure class "gpu" is listed twice', variant("{name: gpu-memory,", "{name: gpu,")),
    # dates
    "bad-date": ("scenario.start: expected a date", variant("start: 2024-03-01", "start: 2024-02-30")),
    "date-words": ("scenario.start: expected a date", variant("start: 2024-03-01", "start: March 2024")),
    "dates-backwards": ("deliveries.2.date: dates must not go backwards", variant("{date: 2025-04-01, gpus: 40000}", "{date: 2024-04-01, gpus: 40000}")),
    "billing-before-contract": ("billing_start: must not be before contract_start", variant("billing_start: 2024-03-01", "billing_start: 2024-01-01")),
    # references and choices
    "undefined-option": ('no option named "lease-orcle"', variant("lease: lease-oracle", "lease: lease-orcle")),
    "wrong-kind-reference": ('is a lease option; expected a build option', variant("build: build-colossus", "build: lease-oracle")),
    "bad-kind": ('expected one of lease, build, hybrid', variant("kind: hybrid", "kind: hybird")),
    "bad-swing-policy": ("load_swings.policy: expected one of", variant("policy: fewer_replicas", "policy: fewer")),
    "undefined-long-lead": ('no long_lead_equipment item named "switchgear"', variant("cost_share: 60 %}", "cost_share: 60 %, waits_for: switchgear}")),
    "bad-option-name": ("may use only letters, digits", variant("  hybrid:\n    kind: hybrid", "  hy brid/x:\n    kind: hybrid")),
    "bad-interval": ("reliability.checkpoint.interval", variant("interval: daly", "interval: often")),
    # deeply nested junk
    "nested-junk": ("hardware.gpu.name: expected a single value", variant("    name: H100 SXM", "    name: {a: {b: {c: {d: [1, [2, [3, {e: f}]]]}}}}")),
    "list-for-scalar": ("workload.mfu: expected a single value", variant("mfu: 38 %", "mfu: [38 %, 40 %]")),
}

out.mkdir(parents=True, exist_ok=True)
for old in out.glob("*.yaml"):
    old.unlink()
for name, (expect, text) in sorted(cases.items()):
    (out / f"{name}.yaml").write_text(f"# expect: {expect}\n{text}")
print(f"wrote {len(cases)} files to {out.relative_to(root)}")
