#!/usr/bin/env python3
"""Writes tests/malformed-serving/*.yaml: broken variants of the shipped serving scenario, each with
the text its error must hold on its first line ("# expect: <text>"). tests/test_malformed.cpp runs
`bvr serve` and `bvr run` on every file and checks exit code 2, file:line:column, that text, and
no output (bvr run writes nothing).
Run again after changing scenarios/serving-gb300-2026.yaml; review the diff."""
import pathlib

root = pathlib.Path(__file__).resolve().parent.parent
base = (root / "scenarios" / "serving-gb300-2026.yaml").read_text()
out = root / "tests" / "malformed-serving"

def variant(old, new):
    assert old in base, old
    return base.replace(old, new, 1)

def without_demand(text):
    start = text.index("    # In `bvr run`: with no training run")
    end = text.index("\nreliability:")
    return text[:start] + text[end + 1:]

cases = {
    "bad-priority": ("workload.serving.priority", variant("    priority: training", "    priority: inference")),
    "demand-tokens-and-requests": ("workload.serving.demand.0.requests: give either output_tokens or requests",
                                   variant("{from: 2026-10-01, output_tokens: 5e6 tokens/s}",
                                           "{from: 2026-10-01, output_tokens: 5e6 tokens/s, requests: 5000 requests/s}")),
    "demand-requests-bad-unit": ("workload.serving.demand.0.requests",
                                 variant("{from: 2026-10-01, output_tokens: 5e6 tokens/s}",
                                         "{from: 2026-10-01, requests: 5000 MW}")),
    "demand-negative": ("workload.serving.demand.2.output_tokens",
                        variant("{from: 2027-10-01, output_tokens: 30e6 tokens/s}",
                                "{from: 2027-10-01, output_tokens: -30e6 tokens/s}")),
    "no-runs-no-demand": ("a workload without training runs must serve a dated demand", without_demand(base)),
    "zero-input-tokens": ("workload.serving.input_tokens", variant("    input_tokens: 1024", "    input_tokens: 0")),
    "zero-output-tokens": ("workload.serving.output_tokens", variant("    output_tokens: 1024", "    output_tokens: 0")),
    "impossible-target": ("workload.serving.target: no layout reaches 1e+05 tokens/s per user",
                          variant("    target: 50 tokens/s", "    target: 100000 tokens/s")),
    "target-without-unit": ("workload.serving.target", variant("    target: 50 tokens/s", "    target: 50")),
    "model-does-not-fit": ("the model does not fit", variant("    layout: search", "    layout: {tp: 1}")),
    "bf16-does-not-fit-one-gpu": ("the model does not fit",
                                  variant("    precision: fp4\n", "    precision: bf16\n    layout: {tp: 1, ep: 1}\n")
                                  .replace("    layout: search\n", "", 1)),
    "bad-kv-precision": ("workload.serving.kv_precision", variant("    kv_precision: fp8", "    kv_precision: int8")),
    "bad-attention": ("workload.serving.model.attention", variant("      attention: mla", "      attention: mha")),
    "mla-without-parameters": ("parameters", variant("      parameters: 671e9\n", "")),
    "ep-not-multiple-of-tp": ("workload.serving.layout.ep", variant("    layout: search", "    layout: {tp: 4, ep: 6}")),
    "tp-beyond-domain": ("workload.serving.layout.tp", variant("    layout: search", "    layout: {tp: 128, ep: 128}")),
    "demand-out-of-order": ("workload.serving.demand.1.from",
                            variant("{from: 2027-04-01, output_tokens: 15e6 tokens/s}",
                                    "{from: 2026-09-01, output_tokens: 15e6 tokens/s}")),
    "demand-bad-unit": ("workload.serving.demand.0.output_tokens",
                        variant("{from: 2026-10-01, output_tokens: 5e6 tokens/s}", "{from: 2026-10-01, output_tokens: 5e6 MW}")),
    "unknown-serving-key": ("workload.serving.taget", variant("    target: 50 tokens/s", "    taget: 50 tokens/s")),
    "experts-per-token-too-many": ("experts_per_token",
                                   variant("      experts_per_token: 8", "      experts_per_token: 300")),
}

out.mkdir(exist_ok=True)
for old in out.glob("*.yaml"):
    old.unlink()
for name, (expect, text) in sorted(cases.items()):
    (out / f"{name}.yaml").write_text(f"# expect: {expect}\n{text}")
print(f"wrote {len(cases)} files to {out}")
