#!/usr/bin/env python3
"""Writes tests/malformed-systems/*.yaml: broken variants of systems/gb200-nvl72.yaml, each with the
key path its error must name on its first line ("# expect: <text>"). tests/test_malformed.cpp
runs `bvr systems FILE` and a scenario naming the file on every one, and checks exit code 2,
file:line:column, that text, and that nothing was written. Run again after changing the system
file; review the diff."""
import pathlib

root = pathlib.Path(__file__).resolve().parent.parent
base = (root / "systems" / "gb200-nvl72.yaml").read_text()
out = root / "tests" / "malformed-systems"

def variant(old, new):
    assert old in base, old
    return base.replace(old, new, 1)

cases = {
    "syntax-error": ("YAML syntax error", variant("  gpu:\n", "  gpu: [\n")),
    "empty-file": ("the file is empty", ""),
    "not-a-system": ('unknown key "sytem"', variant("system:\n", "sytem:\n")),
    "missing-name": ('system: missing key "name"', variant("  name: GB200 NVL72\n", "")),
    "unknown-gpu-key": ('system.gpu.hbm_bw: unknown key "hbm_bw"', variant("    hbm_bandwidth:", "    hbm_bw:")),
    "missing-bf16": ('system.gpu.peak_dense: missing key "bf16"', variant("      bf16: 2.5 PFLOP/s        # 360 / 2 / 72 [P]\n", "")),
    "sparse-word": ("system.gpu.peak_dense.fp8: unknown unit", variant("      fp8: 5 PFLOP/s", "      fp8: 5 PFLOP/s sparse")),
    "hbm-no-unit": ("system.gpu.hbm: missing unit", variant("    hbm: 185 GiB", "    hbm: 185")),
    "power-as-energy": ("system.gpu.power: expected a power", variant("    power: 1200 W ", "    power: 1200 Wh ")),
    "negative-peak": ("system.gpu.peak_dense.fp4: must be greater than zero", variant("      fp4: 10 PFLOP/s", "      fp4: -10 PFLOP/s")),
    "domain-not-nodes": ("system.scale_up.domain_gpus: must be a whole number of nodes", variant("    domain_gpus: 72 ", "    domain_gpus: 70 ")),
    "domain-without-bandwidth": ('system.scale_up: missing key "bandwidth"', variant("    bandwidth: 900 GB/s        # NVLink 5: 1.8 TB/s per GPU bidirectional, 130 TB/s per rack [P]; one way = half\n", "")),
    "rack-not-nodes": ("system.rack.gpus: must be a whole number of nodes", variant("    gpus: 72                   # [P]", "    gpus: 70")),
    "rack-below-gpus": ("system.rack.power: must cover its 72 GPUs at their 1200 W TDP", variant("    power: 132 kW", "    power: 50 kW")),
    "idle-above-full": ("system.rack.idle_power: must not exceed the power at full load", variant("    idle_power: 30 kW", "    idle_power: 300 kW")),
    "power-twice": ("system.rack.power: give the power on node or on rack, not both", variant("    gpus: 4 ", "    power: 7 kW\n    idle_power: 1 kW\n    gpus: 4 ")),
    "no-power": ('system: missing key "power" under node or rack', variant("    power: 132 kW", "    powr: 132 kW").replace("    powr: 132 kW", "", 1)),
    "air-cooled-nvl72": ("system.cooling: an air-cooled rack of 72 GPUs draws 132.0 kW: air cools at most about 60 kW", variant("  cooling: liquid", "  cooling: air")),
    "bad-cooling": ("system.cooling: expected one of air, liquid", variant("  cooling: liquid", "  cooling: immersion")),
    "bad-failure-unit": ("system.failure_unit: expected one of node, board, tray, domain", variant("  failure_unit: node", "  failure_unit: rack")),
    "two-prices": ("system.price: give the list price of exactly one of gpu, node or rack", variant("    rack: 3400000 USD", "    rack: 3400000 USD\n    gpu: 47000 USD")),
    "price-per-hour": ("system.price.rack: expected an amount of money", variant("    rack: 3400000 USD", "    rack: 3 USD/GPU/h")),
    "bad-failure-rate": ("system.failure_classes.0.rate: expected a rate per node-time", base + "  failure_classes:\n    - {name: gpu, rate: 2 per day, repair_time: 1 day}\n"),
}

out.mkdir(parents=True, exist_ok=True)
for old in out.glob("*.yaml"):
    old.unlink()
for name, (expect, text) in sorted(cases.items()):
    (out / f"{name}.yaml").write_text(f"# expect: {expect}\n{text}")
print(f"wrote {len(cases)} files to {out.relative_to(root)}")
