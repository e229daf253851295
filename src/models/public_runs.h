// The public training runs the step-time model is checked against (docs/workload.md,
// "Calibration", tests/test_workload.cpp) and that `bvr validate` reports: model shape, batch,
// layout and network as the papers describe them. The GPUs come from the system files
// (systems/a100-hgx.yaml, systems/h100-hgx.yaml): the caller reads them.
#pragma once
#include <string_view>
#include <vector>

#include "models/step_time.h"

namespace bvr::calibration {

struct PublicRun {
  const char* name;
  TransformerModel model;
  TrainingBatch batch;
  ParallelPlan plan;
  SystemModel system;
  double published;       // TFLOP/s per GPU, or MFU for Llama 3
  bool hardware_flops;    // the published figure counts recomputation (Megatron's 4x formula)
};

// The GPUs of the runs: A100 80GB (Megatron-LM, BLOOM, OPT) and H100 SXM (Llama 3).
struct RunGpus {
  GpuSpec a100, h100;
};

inline SystemModel a100_cluster(const GpuSpec& a100, double nic_gbit_per_gpu) {
  return {a100, plain_network(a100, 8, nic_gbit_per_gpu * 1e9 / 8)};
}

inline ParallelPlan layout(int tp, int pp, int dp, int mb, Recompute r, Sharding s) {
  ParallelPlan p;
  p.tp = tp, p.pp = pp, p.dp = dp, p.microbatch = mb, p.recompute = r, p.sharding = s;
  return p;
}

// Narayanan et al. 2021 (arXiv 2104.04473), table 1: 1T GPT, 128 layers, width 25600, 160 heads,
// vocabulary 51200, sequence 2048, batch 3072, TP8 x PP64 on 3072 A100 (DGX A100, 8x 200 Gb/s
// HDR per server); 163 TFLOP/s per GPU (502 PFLOP/s aggregate, 52 % of peak), counted with
// recomputation (their eq. 3). Full activation recomputation, DP gradients all-reduced.
inline PublicRun megatron_1t(const RunGpus& gpus) {
  return {"Megatron-LM 1T",
          TransformerModel{128, 25600, 4 * 25600, 160, 160, 51200, 1, 1, false, true},
          TrainingBatch{2048, 3072},
          layout(8, 64, 6, 1, Recompute::Full, Sharding::None),
          a100_cluster(gpus.a100, 200),
          163,
          true};
}

// BLOOM (arXiv 2211.05100, section 3.4): 70 layers, width 14336, 112 heads, vocabulary 250880,
// sequence 2048, batch 2048 sequences, micro-batch 2, TP4 x PP12 x DP8 on 384 A100 80GB, ZeRO-1,
// BF16; 156 TFLOP/s per GPU from Megatron-DeepSpeed's formula with activation checkpointing on
// (factor 4: recomputation counted). Jean Zay: ASSUMPTION 4x 100 Gb/s Omni-Path per 8-GPU node.
inline PublicRun bloom_176b(const RunGpus& gpus) {
  return {"BLOOM-176B",
          TransformerModel{70, 14336, 4 * 14336, 112, 112, 250880, 1, 1, false, true},
          TrainingBatch{2048, 2048},
          layout(4, 12, 8, 2, Recompute::Full, Sharding::Zero1),
          a100_cluster(gpus.a100, 50),
          156,
          true};
}

// OPT-175B (arXiv 2205.01068, sections 2.2 and 2.4): 96 layers, width 12288, 96 heads, GPT-2
// vocabulary (50272), sequence 2048, 2M-token batch, Megatron TP8 + FSDP on 992 A100 80GB (Azure
// NDm A100 v4: 8x 200 Gb/s HDR per VM); "up to 147 TFLOP/s per GPU". ASSUMPTION: 2M tokens =
// 992 sequences, 8 per data-parallel replica (124 replicas), one micro-batch per step. The
// paper does not say how it counts; metaseq is Megatron-derived and checkpoints activations, so we
// compare with hardware FLOPs (recomputation counted), like BLOOM.
inline PublicRun opt_175b(const RunGpus& gpus) {
  return {"OPT-175B",
          TransformerModel{96, 12288, 4 * 12288, 96, 96, 50272, 1, 1, false, true},
          TrainingBatch{2048, 992},
          layout(8, 1, 124, 8, Recompute::Full, Sharding::Fsdp),
          a100_cluster(gpus.a100, 200),
          147,
          true};
}

// Llama 3 405B (arXiv 2407.21783, table 4 and section 3.3): 126 layers, width 16384, FFN 53248,
// 128 heads, 8 KV heads, vocabulary 128256, sequence 8192, 16M-token batch, TP8 CP1 PP16 DP128 on
// 16,384 H100 (400 Gb/s RoCE per GPU), BF16, interleaved schedule; 38-43 % MFU. Held out: the
// model was not fitted to it. The virtual stage count is not published (ASSUMPTION: 4).
inline PublicRun llama3_405b(const RunGpus& gpus) {
  const GpuSpec& h100 = gpus.h100;
  ParallelPlan p = layout(8, 16, 128, 1, Recompute::None, Sharding::Zero1);
  p.schedule = PipelineSchedule::Interleaved;
  p.virtual_stages = 4;
  return {"Llama 3 405B",
          TransformerModel{126, 16384, 53248, 128, 8, 128256, 1, 1, true, false},
          TrainingBatch{8192, 2048},
          p,
          {h100, plain_network(h100, 8, 400e9 / 8)},
          0.405,  // the middle of 38-43 %
          false};
}

inline std::vector<PublicRun> public_runs(const RunGpus& gpus) {
  return {megatron_1t(gpus), bloom_176b(gpus), opt_175b(gpus), llama3_405b(gpus)};
}

// Per GPU: hardware FLOP/s (recomputation counted) or model FLOP/s, as `run` publishes it.
inline double predicted_tflops_per_gpu(const PublicRun& run) {
  const StepTime st = step_time(run.model, run.batch, run.plan, run.system);
  return (run.hardware_flops ? st.hardware_flop_per_s_per_gpu : st.model_flop_per_s_per_gpu) / 1e12;
}

}  // namespace bvr::calibration
