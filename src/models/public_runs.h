// The public training runs the step-time model is checked against (docs/workload.md,
// "Calibration", tests/test_workload.cpp) and that `bvr validate` reports: model shape, batch,
// layout and network as the papers describe them. The GPUs come from the system files
// (systems/a100-hgx.yaml, systems/h100-hgx.yaml): the caller reads them.
#pragma once
#include <string>
#include <string_view>
#include <vector>

#include "models/plan_search.h"
#include "models/step_time.h"

namespace bvr::calibration {

struct PublicRun {
  std::string name;
  TransformerModel model;
  TrainingBatch batch;
  ParallelPlan plan;
  SystemModel system;
  double published;       // TFLOP/s per GPU, or MFU for Llama 3
  bool hardware_flops;    // the published figure counts recomputation (Megatron's 4x formula)
  // How the paper counts attention in its FLOPs: Megatron-LM's formula and PaLM's MFU count the
  // whole s x s matrix.
  AttentionCounting counting = AttentionCounting::Full;
};

// The GPUs of the runs: A100 80GB (Megatron-LM, BLOOM, OPT) and H100 SXM (Llama 3).
struct RunGpus {
  GpuSpec a100, h100;
};

inline SystemModel a100_cluster(const GpuSpec& a100, double nic_gbit_per_gpu) {
  return {a100, plain_network(a100, 8, nic_gbit_per_gpu * 1e9 / 8)};
}

// Layouts of Megatron-LM before 2023 (and its forks): unfused attention, no overlap of tensor-
// parallel communication with the GEMMs.
// Meta's H100 servers (Grand Teton): 8 GPUs on third-generation NVSwitch (NVLink SHARP), 400 Gb/s
// RoCE per GPU (Dubey et al. 2024, section 3.3.1).
inline NetworkModel h100_network(const GpuSpec& h100) {
  NetworkModel n = plain_network(h100, 8, 400e9 / 8);
  n.nvls = true;
  return n;
}

inline ParallelPlan layout(int tp, int pp, int dp, int mb, Recompute r, Sharding s) {
  ParallelPlan p;
  p.tp = tp, p.pp = pp, p.dp = dp, p.microbatch = mb, p.recompute = r, p.sharding = s;
  p.attention = AttentionKernel::Unfused;
  p.tp_comm_overlap = false;
  p.ep_comm_overlap = false;
  return p;
}

inline TransformerModel gpt(int layers, int hidden, int heads, int vocab) {
  TransformerModel m{layers, hidden, 4 * hidden, heads, heads, vocab, 1, 1, false, true};
  m.dropout = true;
  return m;
}

// Narayanan et al. 2021 (arXiv 2104.04473), table 1: 1T GPT, 128 layers, width 25600, 160 heads,
// vocabulary 51200, sequence 2048, batch 3072, TP8 x PP64 on 3072 A100 (DGX A100, 8x 200 Gb/s
// HDR per server); 163 TFLOP/s per GPU (502 PFLOP/s aggregate, 52 % of peak), counted with
// recomputation (their eq. 3). Full activation recomputation, DP gradients all-reduced.
inline PublicRun megatron_1t(const RunGpus& gpus) {
  return {"Megatron-LM 1T",
          gpt(128, 25600, 160, 51200),
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
          gpt(70, 14336, 112, 250880),
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
          gpt(96, 12288, 96, 50272),
          TrainingBatch{2048, 992},
          layout(8, 1, 124, 8, Recompute::Full, Sharding::Fsdp),
          a100_cluster(gpus.a100, 200),
          147,
          true};
}

// Llama 3 405B (arXiv 2407.21783, table 4 and section 3.3): 126 layers, width 16384, FFN 53248,
// 128 heads, 8 KV heads, vocabulary 128256, 16M-token batch, TP8 PP16 on H100 (400 Gb/s RoCE per
// GPU), BF16, interleaved schedule, 7 layers on the first and last stage (section 3.3.2), FSDP
// with gradients accumulated in FP32 over the micro-batches and reduce-scattered once (ZeRO-1's
// memory and traffic here; section 3.3.1). Table 4: 8,192 GPUs DP64 at 8K context: 430 TFLOP/s,
// 43 % MFU; 16,384 GPUs DP128: 400, 41 %; 16,384 GPUs CP16 DP8 at 131K context: 380, 38 %.
// ASSUMPTIONS: the virtual stage count is not published (4); the paper trains 8K without
// activation checkpointing, which bvr's memory model cannot fit on 80 GiB (its second stage
// would need ~87 GiB: docs/validation.md, "Memory"), so the runs recompute the norms and the
// activation function (selective: ~2 % more compute); the MFU counts attention causal (Meta's
// counting is not published; causal keeps table 4's ordering).
inline PublicRun llama3_405b(const RunGpus& gpus, int gpus_used = 16384, int seq_len = 8192) {
  const GpuSpec& h100 = gpus.h100;
  const int cp = seq_len > 8192 ? 16 : 1;
  ParallelPlan p;
  p.tp = 8, p.pp = 16, p.cp = cp, p.dp = gpus_used / (8 * 16 * cp), p.microbatch = 1;
  p.recompute = Recompute::Selective;
  p.sharding = Sharding::Zero1;
  p.schedule = PipelineSchedule::Interleaved;
  p.virtual_stages = 4;
  p.tp_comm_overlap = false;
  const double mfu = gpus_used == 8192 ? 0.43 : seq_len > 8192 ? 0.38 : 0.41;
  PublicRun run{"Llama 3 405B",
                TransformerModel{126, 16384, 53248, 128, 8, 128256, 1, 1, true, false},
                TrainingBatch{seq_len, 16L * 1024 * 1024 / seq_len},
                p,
                {h100, h100_network(h100)},
                mfu,
                false,
                AttentionCounting::Causal};
  if (gpus_used == 8192) run.name = "Llama 3 405B 8K GPUs";
  if (seq_len > 8192) run.name = "Llama 3 405B 131K context";
  return run;
}

// NVIDIA NeMo's pre-training recipe for Llama 3.1 405B (NVIDIA/NeMo,
// nemo/collections/llm/recipes/llama31_405b.py, 2024-25): 8K context, global batch 512, micro-batch
// 1, TP8 PP9 (virtual 2) CP4 with sequence parallelism on 72 nodes of 8 H100, BF16, the
// distributed optimizer, TP communication overlapped (userbuffers). A layout chosen by the framework's
// authors, published without a throughput: `bvr validate` compares its step time with the
// search's best (docs/validation.md, "The search"). ASSUMPTIONS: selective recomputation, the
// Llama 3 network (400 Gb/s per GPU, NVLink SHARP).
inline PublicRun nemo_llama31_405b(const RunGpus& gpus) {
  PublicRun run = llama3_405b(gpus);
  run.name = "NeMo Llama 3.1 405B recipe";
  run.batch = TrainingBatch{8192, 512};
  run.plan.tp = 8, run.plan.pp = 9, run.plan.virtual_stages = 2, run.plan.cp = 4, run.plan.dp = 2;
  run.plan.tp_comm_overlap = true;
  run.published = 0;
  return run;
}

// Korthikanti et al. 2022 (arXiv 2205.05198), table 5: iteration time of GPT models on A100 80GB
// (Selene: DGX A100, 8x 200 Gb/s HDR per server), sequence 2048, vocabulary 51200, TP8, one
// replica; with full recomputation and with sequence parallelism + selective recomputation
// (the attention core: Recompute::None with the unfused kernel here). Layouts as in the paper's
// table 3: 22B (48 layers, width 6144, 64 heads) on 8 GPUs, batch 4 in one micro-batch;
// 175B (96, 12288, 96) PP8 batch 64 interleaved x3; 530B (105, 20480, 128) PP35 batch 280
// interleaved x3; 1T (128, 25600, 160) PP64 batch 512. Published seconds per iteration.
inline PublicRun korthikanti(const RunGpus& gpus, const char* name, bool full) {
  struct Shape {
    const char* name;
    int layers, hidden, heads, pp, batch, mb, v;
    double full_s, seqsel_s;
  };
  static const Shape shapes[] = {{"22B", 48, 6144, 64, 1, 4, 4, 1, 1.42, 1.10},
                                 {"175B", 96, 12288, 96, 8, 64, 1, 3, 18.13, 13.75},
                                 {"530B", 105, 20480, 128, 35, 280, 1, 3, 49.05, 37.83},
                                 {"1T", 128, 25600, 160, 64, 512, 1, 1, 94.42, 71.49}};
  const Shape* shape = &shapes[0];
  for (const Shape& s : shapes)
    if (std::string_view(s.name) == name) shape = &s;
  ParallelPlan p = layout(8, shape->pp, 1, shape->mb, full ? Recompute::Full : Recompute::None, Sharding::None);
  if (shape->v > 1) p.schedule = PipelineSchedule::Interleaved, p.virtual_stages = shape->v;
  return {"",
          gpt(shape->layers, shape->hidden, shape->heads, 51200),
          TrainingBatch{2048, shape->batch},
          p,
          a100_cluster(gpus.a100, 200),
          full ? shape->full_s : shape->seqsel_s,
          false};
}

// DeepSeek-V3 (DeepSeek-AI, arXiv 2412.19437, sections 2-4): 61 layers, width 7168, 128 heads,
// 256 routed experts of FFN 2048 (8 per token) and 1 shared, vocabulary 129280, 4K context, 15,360
// sequences per step, FP8 GEMMs, on 2,048 H800 (NVLink 400 GB/s both ways, 8x 400 Gb/s IB per
// node): PP16, EP64 across 8 nodes, ZeRO-1 DP, no TP, DualPipe (all-to-all overlapped); 180K H800
// GPU-hours per trillion tokens (table 1). Each token reaches experts on at most 4 nodes (node-
// limited routing), dispatched in FP8. bvr approximates: the shared expert as a ninth routed
// one (same FLOPs, more all-to-all), MLA as multi-head attention of the same width, the first 3
// dense layers as MoE ones, no multi-token prediction; the interleaved schedule (v = 2) stands for
// DualPipe's bubble; one sequence per micro-batch (ASSUMPTION).
inline PublicRun deepseek_v3(const RunGpus& gpus) {
  GpuSpec h800 = gpus.h100;  // the H100's compute and HBM, NVLink cut to 400 GB/s both ways
  h800.name = "H800";
  h800.nvlink_bytes_per_s = 200e9;
  ParallelPlan p;
  p.tp = 1, p.pp = 16, p.dp = 128, p.ep = 64, p.microbatch = 1;
  p.schedule = PipelineSchedule::Interleaved, p.virtual_stages = 2;
  p.sharding = Sharding::Zero1, p.recompute = Recompute::Selective, p.precision = Precision::Fp8;
  TransformerModel model{61, 7168, 2048, 128, 128, 129280, 256, 9, true, false};
  model.max_nodes_per_token = 4;  // node-limited routing, M = 4 (section 3.2.2)
  return {"DeepSeek-V3",
          model,
          TrainingBatch{4096, 15360},
          p,
          {h800, h100_network(h800)},
          180e3,
          false,
          AttentionCounting::Causal};
}

inline std::vector<PublicRun> public_runs(const RunGpus& gpus) {
  std::vector<PublicRun> runs{megatron_1t(gpus),           bloom_176b(gpus), opt_175b(gpus), llama3_405b(gpus),
                              llama3_405b(gpus, 8192, 8192), llama3_405b(gpus, 16384, 131072),
                              deepseek_v3(gpus), nemo_llama31_405b(gpus)};
  static const char* names[][2] = {{"Korthikanti 22B full", "Korthikanti 22B selective"},
                                   {"Korthikanti 175B full", "Korthikanti 175B selective"},
                                   {"Korthikanti 530B full", "Korthikanti 530B selective"},
                                   {"Korthikanti 1T full", "Korthikanti 1T selective"}};
  const char* sizes[] = {"22B", "175B", "530B", "1T"};
  for (int i = 0; i < 4; ++i)
    for (int full = 1; full >= 0; --full) {
      PublicRun r = korthikanti(gpus, sizes[i], full == 1);
      r.name = names[i][full == 1 ? 0 : 1];
      runs.push_back(r);
    }
  return runs;
}

// Model FLOPs per token as `run`'s paper counts them.
inline double published_flop_per_token(const PublicRun& run) {
  return model_flop_per_token(run.model, run.batch.seq_len, run.counting);
}

// Per GPU: hardware FLOP/s (recomputation counted) or model FLOP/s, as `run` publishes it.
// The FLOPs are counted as the paper counts them (attention in full or causal; recomputation).
inline double predicted_tflops_per_gpu(const PublicRun& run) {
  const StepTime st = step_time(run.model, run.batch, run.plan, run.system);
  const double tokens = run.batch.tokens();
  double flop = published_flop_per_token(run) * tokens;
  if (run.hardware_flops && run.plan.recompute == Recompute::Full)
    flop += tokens * (published_flop_per_token(run) / 3 - 2.0 * run.model.vocab * run.model.hidden);
  return flop / st.step_s / run.plan.gpus() / 1e12;
}

// Model FLOPs utilization as the paper counts it.
inline double predicted_mfu(const PublicRun& run) {
  const StepTime st = step_time(run.model, run.batch, run.plan, run.system);
  const double peak = peak_flop_per_s(run.system.gpu, run.plan.precision);
  return published_flop_per_token(run) * run.batch.tokens() / st.step_s / run.plan.gpus() / peak;
}

// The search space a run's layout was chosen in: its precision, attention kernel and overlap as
// published (what the framework of the day offered), everything else searched, except on the
// A100 runs of 2021-22 (Megatron-LM, BLOOM, OPT, Korthikanti et al.) where the recomputation
// and the sharding are fixed as published too (Megatron-LM then had full recomputation or none,
// and no distributed optimizer beside DeepSpeed's ZeRO).
inline SearchSpace published_search_space(const PublicRun& run) {
  SearchSpace space;
  space.precision = run.plan.precision;
  space.tp_overlap = run.plan.tp_comm_overlap, space.ep_overlap = run.plan.ep_comm_overlap;
  space.attention = run.plan.attention;
  if (run.plan.attention == AttentionKernel::Unfused) space.recompute = run.plan.recompute, space.sharding = run.plan.sharding;
  return space;
}

// The published layout's step time over the best the search finds on the same GPUs, batch and
// network (1: the search finds the practitioners' layout or one as fast; above 1: the model
// thinks the practitioners left time on the table; below 1: the search's space lacks it).
inline double published_vs_search_best(const PublicRun& run) {
  const SearchResult r = search_plans(run.model, run.batch, run.plan.gpus(), run.system, published_search_space(run), 1);
  if (r.best.empty()) return 0;
  return step_time(run.model, run.batch, run.plan, run.system).step_s / r.best.front().step_s;
}

}  // namespace bvr::calibration
