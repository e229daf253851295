// The step-time model against closed forms, hand calculations and published training runs.
#include <doctest/doctest.h>

#include <cmath>

#include "models/public_runs.h"
#include "models/memory_per_gpu.h"
#include "models/parallel_plan.h"
#include "models/plan_search.h"
#include "models/step_time.h"
#include "models/transformer.h"
#include "scenario/load_system.h"

using namespace bvr;

namespace {
constexpr double gib = 1024.0 * 1024 * 1024;
const TransformerModel gpt3{96, 12288, 4 * 12288, 96, 96, 50257, 1, 1, false, true};
const TransformerModel grok1{64, 6144, 32768, 48, 8, 131072, 8, 2, true, false};

// The GPUs of the shipped systems the public runs used.
const calibration::RunGpus& run_gpus() {
  static const calibration::RunGpus gpus{load_system_file(systems_dir() + "/a100-hgx.yaml").gpu,
                                         load_system_file(systems_dir() + "/h100-hgx.yaml").gpu};
  return gpus;
}
const GpuSpec& h100_gpu() { return run_gpus().h100; }
}  // namespace

TEST_CASE("transformer: parameters derived from the shape") {
  // Dense, MHA, tied: L (12 h^2 + 2 h) + V h + h (Q, K, V, O = 4 h^2; FFN 2 x h x 4h; two norms).
  const double h = 12288;
  CHECK(gpt3.total_params() == doctest::Approx(96 * (12 * h * h + 2 * h) + 50257 * h + h));
  CHECK(gpt3.total_params() == doctest::Approx(175e9).epsilon(0.005));  // GPT-3's 175B
  CHECK(gpt3.active_params() == gpt3.total_params());
  // Grok-1 (xAI): 314B announced. Active: 2 of 8 experts.
  CHECK(grok1.total_params() == doctest::Approx(314e9).epsilon(0.01));
  const double g = 6144, attn = 2 * g * g + 2 * g * 8 * 128, expert = 3 * g * 32768;
  CHECK(grok1.active_params() == doctest::Approx(64 * (attn + 2 * expert + 8 * g + 2 * g) + 2 * 131072 * g + g));
  // Llama 3 405B.
  CHECK(calibration::llama3_405b(run_gpus()).model.total_params() == doctest::Approx(405e9).epsilon(0.01));
}

TEST_CASE("transformer: model FLOPs per token, attention causal (bvr) or full (PaLM, Megatron)") {
  const TransformerModel tiny{2, 64, 256, 4, 4, 1000, 1, 1, false, false};
  const double matmul = 2 * (4.0 * 64 * 64 + 2 * 64 * 256) + 1000 * 64;
  CHECK(model_flop_per_token(tiny, 128, AttentionCounting::Full) == doctest::Approx(6 * matmul + 12.0 * 2 * 64 * 128));
  // Causal: each token attends to half the sequence on average, 6 L h s.
  CHECK(model_flop_per_token(tiny, 128) == doctest::Approx(6 * matmul + 6.0 * 2 * 64 * 128));
  CHECK(attention_flop_per_token(tiny, 128, AttentionCounting::Causal) == doctest::Approx(6.0 * 2 * 64 * 128));
  // Megatron's 72 B s L h^2 (1 + s/6h + V/12Lh) / (B s) for GPT-3, without recomputation.
  const double s = 2048, L = 96, hh = 12288, V = 50257;
  CHECK(model_flop_per_token(gpt3, 2048, AttentionCounting::Full) ==
        doctest::Approx(72 * L * hh * hh * (1 + s / (6 * hh) + V / (12 * L * hh))).epsilon(0.001));
}

TEST_CASE("step time: long context lowers MFU (Llama 3 405B, table 4: 41 % at 8K, 38 % at 131K)") {
  // Counted causal, as the time is charged, MFU falls when attention (slower than the GEMMs)
  // grows; counted in full it would rise at 131K: the inversion of issue 20.
  const calibration::PublicRun short_ctx = calibration::llama3_405b(run_gpus(), 16384, 8192);
  const calibration::PublicRun long_ctx = calibration::llama3_405b(run_gpus(), 16384, 131072);
  REQUIRE(!plan_problem(long_ctx.model, long_ctx.batch, long_ctx.plan));
  const StepTime a = step_time(short_ctx.model, short_ctx.batch, short_ctx.plan, short_ctx.system);
  const StepTime b = step_time(long_ctx.model, long_ctx.batch, long_ctx.plan, long_ctx.system);
  MESSAGE("MFU at 8K " << a.mfu << ", at 131K " << b.mfu);
  CHECK(b.mfu < a.mfu);
  CHECK(b.breakdown.cp_comm_s > 0);  // ring exchanges slow the attention they hide behind
  // The same ordering as the paper's own counting (calibration::predicted_mfu).
  CHECK(calibration::predicted_mfu(long_ctx) < calibration::predicted_mfu(short_ctx));
  // And across scales: 8,192 GPUs (43 %) ahead of 16,384 (41 %).
  CHECK(calibration::predicted_mfu(calibration::llama3_405b(run_gpus(), 8192, 8192)) >
        calibration::predicted_mfu(short_ctx));
}

TEST_CASE("parallel plan: invalid layouts name the key and the numbers") {
  const TrainingBatch batch{8192, 2048};
  ParallelPlan p;
  p.tp = 5;
  CHECK(*plan_problem(grok1, batch, p) == "tp: 5 must divide the 48 attention heads");
  p.tp = 3;
  CHECK(*plan_problem(grok1, batch, p) == "tp: 3 and the 8 key/value heads must divide one another");
  p.tp = 8;
  p.ep = 3;
  CHECK(plan_problem(grok1, batch, p)->starts_with("ep: 3 must divide the 8 experts"));
  p.ep = 1;
  p.pp = 65;
  CHECK(plan_problem(grok1, batch, p)->starts_with("pp: 65 stages"));
  p.pp = 8;
  p.cp = 3;
  CHECK(plan_problem(grok1, batch, p)->starts_with("cp:"));
  p.cp = 1;
  p.ep = 8;
  p.dp = 4;
  CHECK(plan_problem(grok1, batch, p)->starts_with("ep: 8 must divide dp x cp = 4"));
  p.dp = 8;
  CHECK(!plan_problem(grok1, batch, p));
  ParallelPlan dense;
  dense.ep = 2;
  CHECK(plan_problem(gpt3, {2048, 1536}, dense)->starts_with("ep: 2 needs a mixture-of-experts model"));
}

TEST_CASE("memory: Korthikanti's 34 s b h per layer, sharded optimizer state") {
  const TrainingBatch batch{2048, 1536};
  ParallelPlan p;
  p.recompute = Recompute::None;
  const double sbh = 2048.0 * 1 * 12288;
  // Without dropout (Llama, DeepSeek): the two h-byte masks are not kept.
  CHECK(layer_activation_bytes(gpt3, batch, p) == doctest::Approx(32 * sbh));
  TransformerModel gpt3 = ::gpt3;
  gpt3.dropout = true;
  CHECK(layer_activation_bytes(gpt3, batch, p) == doctest::Approx(34 * sbh));
  p.tp = 8;
  CHECK(layer_activation_bytes(gpt3, batch, p) == doctest::Approx(34 * sbh / 8));
  p.recompute = Recompute::Full;
  CHECK(layer_activation_bytes(gpt3, batch, p) == doctest::Approx(2 * sbh / 8));
  p.recompute = Recompute::Selective;  // norms (4) and the GeLU output (8) recomputed
  CHECK(layer_activation_bytes(gpt3, batch, p) == doctest::Approx(22 * sbh / 8));

  // Weights 2, gradients 4 bytes per parameter; Adam's 12 sharded over DP (ZeRO-1).
  p.pp = 8;
  p.dp = 16;
  p.sharding = Sharding::Zero1;
  const StageParams sp = stage_params(gpt3, p);
  // 12 layers of 12 h^2 + 2 h and the input embedding, split by TP 8.
  CHECK(sp.total() == doctest::Approx((12 * (12 * 12288.0 * 12288 + 2 * 12288) + 50257.0 * 12288) / 8));
  const MemoryPerGpu mem = memory_per_gpu(gpt3, batch, p);
  CHECK(mem.weights_bytes == doctest::Approx(2 * sp.total()));
  CHECK(mem.gradients_bytes == doctest::Approx(4 * sp.total()));
  CHECK(mem.optimizer_bytes == doctest::Approx(12 * sp.total() / 16));
  // 1F1B keeps pp micro-batches in flight on the first stage: 12 layers x 8.
  CHECK(mem.activations_bytes == doctest::Approx(12 * 8 * layer_activation_bytes(gpt3, batch, p)));
  // Context, buffers and fragmentation: 2 GiB and 5 % of the rest.
  CHECK(mem.overhead_bytes ==
        doctest::Approx(2 * gib + 0.05 * (mem.weights_bytes + mem.gradients_bytes + mem.optimizer_bytes +
                                          mem.activations_bytes)));
  // ZeRO-2: gradients sharded too, but for the layer the backward pass is leaving and the next.
  p.sharding = Sharding::Zero2;
  const double layer = 12 * 12288.0 * 12288 / 8 + 2 * 12288.0 / 8;
  CHECK(memory_per_gpu(gpt3, batch, p).gradients_bytes == doctest::Approx(4 * (sp.total() / 16 + 2 * layer)));
  CHECK(memory_per_gpu(gpt3, batch, p).weights_bytes == doctest::Approx(2 * sp.total()));
  p.sharding = Sharding::Fsdp;
  CHECK(memory_per_gpu(gpt3, batch, p).gradients_bytes == doctest::Approx(4 * (sp.total() / 16 + 2 * layer)));
}

TEST_CASE("memory: micro-batches in flight per schedule, uneven first stage") {
  ParallelPlan p;
  p.pp = 16;
  // 1F1B: stage s keeps min(pp - s, m) micro-batches.
  CHECK(layers_in_flight(p, 64, 0, 8) == 8 * 16);
  CHECK(layers_in_flight(p, 64, 1, 8) == 8 * 15);
  CHECK(layers_in_flight(p, 4, 0, 8) == 8 * 4);
  // Interleaved by 2: (pp - 1) x 2 + (v - 1) x pp + 1 = 47 chunks of 4 layers on the first
  // stage, capped at the step's m x v.
  p.schedule = PipelineSchedule::Interleaved;
  p.virtual_stages = 2;
  CHECK(layers_in_flight(p, 64, 0, 8) == doctest::Approx(47 * 4));
  CHECK(layers_in_flight(p, 16, 0, 8) == doctest::Approx(32 * 4));  // every chunk of 16 micro-batches
  // Llama 3 405B: 126 layers on 16 stages, 8 a stage, 7 on the first and the last.
  CHECK(p.layers_per_stage(126) == 8);
  CHECK(p.first_stage_layers(126) == 7);
  CHECK(p.first_stage_layers(128) == 8);
}

TEST_CASE("memory: the layouts that ran load (Llama 3 405B TP8 PP16 interleaved on 80 GiB H100)") {
  // Dubey et al. 2024, section 3.3: no activation checkpointing at 8K, FSDP without resharding.
  for (const int gpus : {8192, 16384}) {
    const calibration::PublicRun llama = calibration::llama3_405b(run_gpus(), gpus, 8192);
    const MemoryPerGpu mem = memory_per_gpu(llama.model, llama.batch, llama.plan);
    MESSAGE(gpus << " GPUs: " << mem.total_bytes() / gib << " GiB on stage " << mem.stage);
    CHECK(fits_in_hbm(mem, h100_gpu()));
    ParallelPlan selective = llama.plan;
    selective.recompute = Recompute::Selective;
    CHECK(fits_in_hbm(memory_per_gpu(llama.model, llama.batch, selective), h100_gpu()));
  }
  // At 131K context with CP16 as well.
  const calibration::PublicRun long_ctx = calibration::llama3_405b(run_gpus(), 16384, 131072);
  CHECK(fits_in_hbm(memory_per_gpu(long_ctx.model, long_ctx.batch, long_ctx.plan), h100_gpu()));
  // Korthikanti et al. 2022, figure 1: the 1T model's activations with sequence parallelism and
  // selective recomputation, 26.6 GiB on the first of 64 stages.
  const calibration::PublicRun t1 = calibration::korthikanti(run_gpus(), "1T", false);
  CHECK(memory_per_gpu(t1.model, t1.batch, t1.plan).activations_bytes / gib == doctest::Approx(26.56).epsilon(0.05));
}

TEST_CASE("collectives: alpha-beta ring times in closed form") {
  const GpuSpec h100 = h100_gpu();
  const NetworkModel net = plain_network(h100, 8, 50e9);
  const double bytes = 1e9;
  // Inside one server: 2 (n-1)/n B / (0.8 x 450 GB/s) + 2 (n-1) x 2 us.
  CHECK(collective_time_s(net, CommKind::AllReduce, bytes, 8, 1) ==
        doctest::Approx(2 * 7.0 / 8 * bytes / (0.8 * 450e9) + 14 * 2e-6));
  // One GPU per server (stride 8): all on the network at 90 % of 50 GB/s.
  CHECK(collective_time_s(net, CommKind::ReduceScatter, bytes, 16, 8) ==
        doctest::Approx(15.0 / 16 * bytes / (0.9 * 50e9) + 15 * 5e-6));
  // NCCL's ring over 4 servers: each rank sends 31/32 of the buffer, 7/8 of it over NVLink and 1/8
  // over its NIC, pipelined in 4 MiB chunks: the NIC (slower) sets the pace, NVLink fills the pipe.
  const double share = 31.0 / 32 * bytes, chunks = bytes / (4.0 * 1024 * 1024);
  const double nic = share / 8 / (0.9 * 50e9), nvlink = 7.0 / 8 * share / (0.8 * 450e9);
  CHECK(nic > nvlink);
  CHECK(collective_time_s(net, CommKind::AllGather, bytes, 32, 1) ==
        doctest::Approx(nic + nvlink / chunks + 7 * 2e-6 + 3 * 5e-6));
  // Bus bandwidth at scale: ~8 NICs' worth (360 GB/s, less the 127 network steps' latency), not
  // NVLink and NIC one after the other (which gave ~190 GB/s).
  const double t = collective_time_s(net, CommKind::AllReduce, 8e9, 1024, 1);
  const double per_nic = 1023.0 / 1024 * 8e9 / 8 / (0.9 * 50e9), fill = 7.0 / 8 * 1023 / 1024 * 8e9 / (0.8 * 450e9);
  CHECK(t == doctest::Approx(2 * (per_nic + fill / (8e9 / (4 << 20)) + 7 * 2e-6 + 127 * 5e-6)));
  CHECK(2.0 * 1023 / 1024 * 8e9 / t / 1e9 > 340);
  // NVLink SHARP in one server: nccl-tests' 479.4 GB/s busbw on 8 H100 (the calibration).
  NetworkModel nvls = net;
  nvls.nvls = true;
  const double t8 = collective_time_s(nvls, CommKind::AllReduce, 8.0 * (1 << 30), 8, 1);
  CHECK(2.0 * 7 / 8 * 8.0 * (1 << 30) / t8 / 1e9 == doctest::Approx(479.4).epsilon(0.001));
  CHECK(collective_time_s(net, CommKind::AllReduce, bytes, 1, 1) == 0);
  // Oversubscription 2:1 halves the bandwidth of a group wider than a leaf group.
  NetworkModel blocking = net;
  blocking.leaf_span_gpus = 64;
  blocking.oversubscription = {2.0};
  CHECK(collective_time_s(blocking, CommKind::ReduceScatter, bytes, 16, 8) ==
        doctest::Approx(15.0 / 16 * bytes / (0.9 * 50e9 / 2) + 15 * 5e-6));
}

TEST_CASE("step time: GEMM efficiency, bubble, breakdown adds up") {
  CHECK(gemm_efficiency(1e7, 1e7, 1e7) == doctest::Approx(0.80).epsilon(0.001));
  CHECK(gemm_efficiency(4096, 4096, 4096) == doctest::Approx(0.80 * 716 / 792));
  CHECK(gemm_efficiency(64, 4096, 4096) < 0.3);

  const calibration::PublicRun llama = calibration::llama3_405b(run_gpus());
  const StepTime inter = step_time(llama.model, llama.batch, llama.plan, llama.system);
  ParallelPlan flat = llama.plan;
  flat.schedule = PipelineSchedule::OneFOneB;
  flat.virtual_stages = 1;
  const StepTime one = step_time(llama.model, llama.batch, flat, llama.system);
  // 126 layers on 16 stages: 8 per stage either way; interleaving by 4 divides the bubble by 4.
  CHECK(inter.breakdown.bubble_s == doctest::Approx(one.breakdown.bubble_s / 4));
  // 1F1B bubble: (pp - 1) micro-batch slots = (pp - 1) / m of the steady part.
  const double m = static_cast<double>(flat.microbatches(llama.batch));
  CHECK(m == 16);
  const double steady = one.breakdown.compute_s + one.breakdown.tp_comm_s;
  CHECK(one.breakdown.bubble_s == doctest::Approx(15 / m * steady).epsilon(0.01));
  CHECK(one.step_s == doctest::Approx(one.breakdown.total_s()));
  CHECK(one.tokens_per_s == doctest::Approx(llama.batch.tokens() / one.step_s));
  CHECK(one.mfu == doctest::Approx(one.model_flop_per_s_per_gpu / 989.4e12));
  // FP8 is faster where the GPU has it.
  ParallelPlan fp8 = llama.plan;
  fp8.precision = Precision::Fp8;
  CHECK(step_time(llama.model, llama.batch, fp8, llama.system).step_s < inter.step_s);
}

TEST_CASE("calibration: predictions within 10 % of the published runs (docs/workload.md)") {
  for (const calibration::PublicRun& run :
       {calibration::megatron_1t(run_gpus()), calibration::bloom_176b(run_gpus()), calibration::opt_175b(run_gpus())}) {
    INFO(run.name);
    REQUIRE(!plan_problem(run.model, run.batch, run.plan));
    const StepTime st = step_time(run.model, run.batch, run.plan, run.system);
    const double tflops = calibration::predicted_tflops_per_gpu(run);
    MESSAGE(run.name << ": predicted " << tflops << " TFLOP/s per GPU, published " << run.published);
    CHECK(tflops == doctest::Approx(run.published).epsilon(0.10));
    CHECK(fits_in_hbm(st.memory, run.system.gpu));
  }
  const calibration::PublicRun llama = calibration::llama3_405b(run_gpus());
  const StepTime st = step_time(llama.model, llama.batch, llama.plan, llama.system);
  MESSAGE("Llama 3 405B: predicted MFU " << st.mfu << ", published 38-43 %");
  CHECK(st.mfu == doctest::Approx(llama.published).epsilon(0.10));
}

TEST_CASE("plan search: valid, fitting layouts, fastest first, and resize keeps the layout") {
  const GpuSpec h100 = h100_gpu();
  const SystemModel sys{h100, plain_network(h100, 8, 50e9)};
  const TrainingBatch batch{8192, 8192};
  const SearchResult r = search_plans(grok1, batch, 16384, sys, SearchSpace{Recompute::Selective, Precision::Bf16, {}}, 5);
  REQUIRE(r.best.size() == 5);
  CHECK(r.valid >= 5);
  for (std::size_t i = 0; i < r.best.size(); ++i) {
    const StepTime& st = r.best[i];
    CHECK(!plan_problem(grok1, batch, st.plan));
    CHECK(fits_in_hbm(st.memory, h100));
    CHECK(st.plan.gpus() <= 16384);
    // Ranked by step time in steps of 0.5 %, then by memory headroom.
    if (i > 0) CHECK(st.tokens_per_s <= r.best[i - 1].tokens_per_s * 1.005);
  }
  // Better than a plain hand-picked layout.
  ParallelPlan hand;
  hand.tp = 8, hand.pp = 8, hand.ep = 8, hand.dp = 256, hand.recompute = Recompute::Selective;
  CHECK(r.best.front().tokens_per_s >= step_time(grok1, batch, hand, sys).tokens_per_s);

  // Overlap switched off (workload.ep_overlap: no): the expert all-to-all is fully exposed, so
  // every layout is slower and EP communication shows in full.
  SearchSpace exposed{Recompute::Selective, Precision::Bf16, {}};
  exposed.ep_overlap = false;
  const SearchResult slow = search_plans(grok1, batch, 16384, sys, exposed, 1);
  REQUIRE(!slow.best.empty());
  CHECK(!slow.best.front().plan.ep_comm_overlap);
  CHECK(slow.best.front().tokens_per_s < r.best.front().tokens_per_s);

  // The loader's existence check agrees with the search: a layout fits on 16,384 H100, none on
  // 64 GPUs of 8 GiB each.
  CHECK(any_layout_fits(grok1, batch, 16384, sys, SearchSpace{Recompute::Selective, Precision::Bf16, {}}));
  GpuSpec small = h100;
  small.hbm_bytes = 8.0 * 1024 * 1024 * 1024;
  const SystemModel small_sys{small, plain_network(small, 8, 50e9)};
  CHECK(search_plans(grok1, batch, 64, small_sys, SearchSpace{}, 1).best.empty());
  CHECK(!any_layout_fits(grok1, batch, 64, small_sys, SearchSpace{}));

  ParallelPlan p;
  p.tp = 8, p.pp = 4, p.cp = 2, p.ep = 8;
  CHECK(resize_plan(p, 1000)->dp == 12);  // floor(1000 / 64) = 15, dp x cp a multiple of 8: 12
  CHECK(!resize_plan(p, 63));
}

TEST_CASE("plan search: finds the layouts practitioners ran (docs/validation.md, \"The search\")") {
  // Llama 3 405B at 8K on 16,384 H100 with Meta's batch: Meta ran TP8 PP16 interleaved (Dubey et
  // al. 2024, table 4). The search can represent it (126 layers on 16 stages x 4 chunks, the
  // first and the last chunk one layer fewer) and keeps Meta's TP and PP; it adds CP (as NVIDIA's
  // NeMo recipe does at 8K), which shortens the bubble.
  calibration::PublicRun llama = calibration::llama3_405b(run_gpus());
  llama.plan.tp_comm_overlap = true;
  SearchSpace space = calibration::published_search_space(llama);
  const SearchResult r = search_plans(llama.model, llama.batch, 16384, llama.system, space, 1);
  REQUIRE(!r.best.empty());
  const ParallelPlan& best = r.best.front().plan;
  CHECK(best.tp == 8);
  CHECK(best.pp == 16);
  CHECK(best.schedule == PipelineSchedule::Interleaved);
  CHECK(r.evaluated <= r.valid);
  const double meta = step_time(llama.model, llama.batch, llama.plan, llama.system).step_s;
  CHECK(meta / r.best.front().step_s == doctest::Approx(calibration::published_vs_search_best(llama)));
  CHECK(meta / r.best.front().step_s < 1.10);
  CHECK(meta >= r.best.front().step_s);
  // Before, interleaving needed PP x v to divide the layers exactly, so the search could not
  // build Meta's layout and went to 63 stages of 2 layers (TP8 PP63 CP4).
  CHECK(126 % (16 * 4) != 0);

  // NVIDIA's NeMo recipe for the same model (576 GPUs, batch 512: TP8 PP9 v2 CP4): the search
  // keeps TP8 PP9 interleaved and is within 5 % of it.
  const calibration::PublicRun nemo = calibration::nemo_llama31_405b(run_gpus());
  const SearchResult rn = search_plans(nemo.model, nemo.batch, 576, nemo.system, calibration::published_search_space(nemo), 1);
  REQUIRE(!rn.best.empty());
  CHECK(rn.best.front().plan.tp == 8);
  CHECK(rn.best.front().plan.pp == 9);
  CHECK(calibration::published_vs_search_best(nemo) < 1.05);
}

TEST_CASE("step time: node-limited routing bounds the expert all-to-all's network traffic (DeepSeek-V3)") {
  GpuSpec gpu = h100_gpu();
  gpu.nvlink_bytes_per_s = 200e9;  // H800: 400 GB/s both ways
  const NetworkModel net = plain_network(gpu, 8, 50e9);
  TransformerModel m = calibration::deepseek_v3(run_gpus()).model;
  REQUIRE(m.experts_per_token == 9);
  REQUIRE(m.max_nodes_per_token == 4);
  // EP64 over 8 nodes, 9 copies of 1 MB per token-buffer: the network carries min(9 x 56/64,
  // 4 x 7/8) = 3.5 copies at 0.9 x 50 GB/s; NVLink the in-node 9 x 7/64 and the forwarded 7.875 at
  // 0.8 x 200 GB/s; 7 NVLink steps of 2 us and 7 network steps of 5 us.
  const double bytes = 9e6;
  const double via_net = 3.5e6 / 45e9, via_nvlink = (9.0 * 7 / 64 + 9.0 * 56 / 64) * 1e6 / 160e9;
  CHECK(expert_all_to_all_s(net, m, bytes, 64, 1) == doctest::Approx(std::max(via_net, via_nvlink) + 7 * 2e-6 + 7 * 5e-6));
  // Without the limit: the plain pairwise exchange, 56/64 of the buffer over the network and one
  // step per remote rank.
  m.max_nodes_per_token = 0;
  CHECK(expert_all_to_all_s(net, m, bytes, 64, 1) == doctest::Approx(56.0 / 64 * bytes / 45e9 + 7 * 2e-6 + 56 * 5e-6));
  CHECK(expert_all_to_all_s(net, m, bytes, 64, 1) == collective_time_s(net, CommKind::AllToAll, bytes, 64, 1));
  // Inside one node the limit changes nothing.
  m.max_nodes_per_token = 4;
  CHECK(expert_all_to_all_s(net, m, bytes, 8, 1) == collective_time_s(net, CommKind::AllToAll, bytes, 8, 1));
}
