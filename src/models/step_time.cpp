#include "models/step_time.h"

#include <algorithm>
#include <cmath>

namespace bvr {

namespace {

// Best BF16 GEMM on H100: ~792 TFLOPS = 80 % of the 989.4 peak (large square GEMMs); cuBLAS
// reaches 716 TFLOPS at m = n = k = 4096 (facts.md: stas00/ml-engineering MAMF table) [S].
constexpr double gemm_best_share = 0.80;
// Lower precisions reach a smaller share of their (higher) peak. The same MAMF tables [S]: H100
// FP8 1,402.6 of 1,979 TFLOPS = 70.9 % against BF16's 80.0 %, a factor 0.886; B200 FP4 63 % of
// peak at 8192^3 (DeepGEMM's measurement, cuBLAS 58 %) against BF16's 77.6 %, a factor 0.812.
constexpr double fp8_gemm_factor = 0.709 / 0.800, fp4_gemm_factor = 0.63 / 0.776;
constexpr double gemm_best_tflops = 792, gemm_4096_tflops = 716;
// d_half from those two figures: (4096 / (4096 + d_half))^3 = 716 / 792, so d_half ~ 140.
const double gemm_half_dim = 4096 * (std::cbrt(gemm_best_tflops / gemm_4096_tflops) - 1);

// Fused (flash) attention: FlashAttention-2 reaches 50-73 % of A100 peak in the forward pass
// (Dao 2023, arXiv 2307.08691, section 4.1) [P]; we take the middle, 60 %, for both passes.
// The kernel skips the masked half of the causal scores; its backward does 2.5x the forward's
// FLOPs (it recomputes the scores; same paper, section 3.1).
constexpr double attention_share = 0.60;
// Training sustains less than the sum of its kernels at benchmark speed: clocks under
// sustained power, launch gaps, stragglers, synchronisation, data loading. One constant for
// every GPU and run, fitted (least mean absolute error) to the calibration cases of
// docs/validation.md: the three A100 production runs (Megatron-LM 1T, BLOOM-176B, OPT-175B) and
// Korthikanti et al.'s four full-recomputation runs; 0.84 gives a mean error of 4.1 % on them.
// Their selective-recomputation runs and the H100 runs of Llama 3 are held out. CALIBRATED, not
// measured.
constexpr double sustained_share = 0.84;
constexpr double attention_backward_factor = 2.5;
// ASSUMPTION: element-wise kernels stream at 80 % of HBM bandwidth.
constexpr double hbm_share = 0.80;
// NVLS all-reduce inside an H100 server: nccl-tests report 479.4 GB/s busbw at 8 GiB on 8 H100
// (NVIDIA/nccl-tests issue 347; NVIDIA's reply in issue 290: 476 GB/s "in the expected range"):
// busbw = 2 (n-1)/n B / t and t = B / (share x 450 GB/s) give share = 479.4 / (1.75 x 450) = 0.609.
// CALIBRATED on that one figure (docs/validation.md).
constexpr double nvls_share = 479.4 / (2.0 * 7 / 8 * 450);
// ASSUMPTION: an overlapped collective is not free. NCCL runs on SMs (one per channel, 16-32
// channels: 15-30 % of an A100's 108 SMs) and shares HBM, so compute running beside it slows
// down; we charge 20 % of the overlapped time.
constexpr double overlap_contention = 0.20;

constexpr double bf16 = 2;  // bytes per element of activations and their gradients
// An FP8 element and its share of a 4-byte scale per 128 (DeepSeek-V3's 1 x 128 tile-wise
// activation quantisation, arXiv 2412.19437, section 3.3.2).
constexpr double fp8_dispatch_bytes = 1 + 4.0 / 128;

// The unfused attention core's element-wise traffic per score element (BF16): Megatron-LM's
// fused scale-mask-softmax reads and writes the scores (4 bytes), dropout reads them, writes
// them and a mask (5); backward: the softmax reads its output and gradient and writes one (6),
// dropout reads the gradient and mask and writes one (5).
constexpr double unfused_softmax_bytes = 4, unfused_softmax_bwd_bytes = 6, unfused_dropout_bytes = 5;

// Exposed time of a collective of `comm` seconds behind `window` seconds of compute, plus the
// slowdown of the compute it overlaps.
double behind(double comm, double window) {
  return std::max(0.0, comm - window) + overlap_contention * std::min(comm, window);
}

double oversubscription_factor(const NetworkModel& net, double span_gpus) {
  double f = 1;
  if (net.leaf_span_gpus > 0 && span_gpus > net.leaf_span_gpus && !net.oversubscription.empty())
    f *= net.oversubscription[0];
  if (net.pod_gpus > 0 && span_gpus > net.pod_gpus && net.oversubscription.size() > 1) f *= net.oversubscription[1];
  return f;
}

}  // namespace

NetworkModel plain_network(const GpuSpec& gpu, int nvlink_domain_gpus, double nic_bytes_per_s) {
  NetworkModel n;
  n.nvlink_domain_gpus = nvlink_domain_gpus;
  n.nvlink_bytes_per_s = gpu.nvlink_bytes_per_s;
  n.nic_bytes_per_s = nic_bytes_per_s;
  n.nvlink_latency_s = nvlink_step_latency_s;
  n.net_latency_s = net_software_latency_s;
  return n;
}

NetworkModel network_from_fabric(const FabricSpec& fabric, const GpuSpec& gpu) {
  const FabricShape shape = fabric_shape(fabric);
  NetworkModel n = plain_network(gpu, fabric.nvlink_domain_gpus, fabric.nic_bw_bytes_per_s);
  if (fabric.nvlink_bw_bytes_per_s > 0) n.nvlink_bytes_per_s = fabric.nvlink_bw_bytes_per_s;
  n.net_latency_s = net_software_latency_s + 2.0 * fabric.tiers * fabric.hop_latency_s;
  n.leaf_span_gpus = shape.rail_optimized ? shape.servers_per_leaf_group * shape.gpus_per_server : shape.gpus_per_leaf;
  n.pod_gpus = fabric.tiers == 3 ? shape.leaves_per_pod * shape.gpus_per_leaf : 0;
  n.oversubscription = fabric.oversubscription;
  n.in_network_reduction = fabric.in_network_reduction;
  return n;
}

NetworkModel system_network(const SystemSpec& system) {
  NetworkModel n = plain_network(system.gpu, system.domain_gpus, system.nic_bytes_per_s);
  n.nvls = system.in_network_reduction;
  return n;
}

NetworkModel system_network(const SystemSpec& system, const FabricSpec& fabric) {
  NetworkModel n = network_from_fabric(fabric, system.gpu);
  n.nvls = system.in_network_reduction;
  return n;
}

double collective_time_s(const NetworkModel& net, CommKind kind, double bytes, int n, int stride) {
  if (bytes <= 0) return 0;
  const double nv_bw = net.nvlink_bytes_per_s * nvlink_share;
  if (kind == CommKind::SendRecv) {
    const bool local = stride < net.nvlink_domain_gpus;
    const double bw = local ? nv_bw : net.nic_bytes_per_s * nic_share / oversubscription_factor(net, 2.0 * stride);
    return bytes / bw + (local ? net.nvlink_latency_s : net.net_latency_s);
  }
  if (n <= 1) return 0;
  // Ranks of the group inside one NVLink domain, and domains the group spans.
  const int local = stride >= net.nvlink_domain_gpus ? 1 : std::min(n, std::max(1, net.nvlink_domain_gpus / stride));
  const int domains = (n + local - 1) / local;
  const double net_bw =
      net.nic_bytes_per_s * nic_share / oversubscription_factor(net, static_cast<double>(n) * stride);
  if (kind == CommKind::AllToAll) {
    // Pairwise exchange: n-1 shifts, each rank sending 1/n of its buffer per shift; NVLink and
    // network peers at once, one step latency per shift.
    const double via_nvlink = (local - 1.0) / n * bytes / nv_bw;
    const double via_net = static_cast<double>(n - local) / n * bytes / net_bw;
    return std::max(via_nvlink, via_net) + (local - 1) * net.nvlink_latency_s + (n - local) * net.net_latency_s;
  }
  // All-reduce inside one domain whose switches reduce (NVLS): each GPU sends its buffer into the
  // switch once and reads the reduced result once (multimem ld_reduce / st), at the share of
  // NVLink nccl-tests reach (nvls_share).
  if (kind == CommKind::AllReduce && net.nvls && domains == 1)
    return bytes / (net.nvlink_bytes_per_s * nvls_share) + 2 * net.nvlink_latency_s;
  // NCCL's ring over the group (one ring per channel, the channels spread over the domain's NICs):
  // each rank sends (n-1)/n of the buffer per reduce-scatter or all-gather, (local-1)/local of it
  // over NVLink and 1/local of it over its NIC when the group spans domains. The hops are
  // pipelined in chunks, so the slower of the two sets the pace and the faster one only fills
  // and drains the pipeline (one chunk of NCCL_BUFFSIZE, 4 MiB by default, NCCL docs).
  const double share = (n - 1.0) / n * bytes;
  const double nvlink_part = (domains > 1 ? (local - 1.0) / local : 1.0) * share / nv_bw;
  // In-network reduction (SHARP) of an all-reduce: each GPU sends its shard into the switches
  // once and reads the result once, half of the buffer's shard in each half (not (n-1)/n twice).
  const bool in_network = kind == CommKind::AllReduce && net.in_network_reduction && domains > 1;
  const double net_part = domains <= 1 ? 0 : in_network ? bytes / local / 2 / net_bw : share / local / net_bw;
  const double chunks = std::max(1.0, bytes / nccl_buffer_bytes);
  // Ring hops cross the network domains - 1 times per half; the switches' reduction once.
  const double latency = (local - 1) * net.nvlink_latency_s + (in_network ? 1 : domains - 1) * net.net_latency_s;
  const double half = std::max(nvlink_part, net_part) + std::min(nvlink_part, net_part) / chunks + latency;
  return kind == CommKind::AllReduce ? 2 * half : half;
}

double expert_all_to_all_s(const NetworkModel& net, const TransformerModel& m, double bytes, int n, int stride) {
  const double plain = collective_time_s(net, CommKind::AllToAll, bytes, n, stride);
  if (m.max_nodes_per_token <= 0 || bytes <= 0 || n <= 1) return plain;
  // Ranks of the group per NVLink domain, domains it spans (as collective_time_s lays them out).
  const int local = stride >= net.nvlink_domain_gpus ? 1 : std::min(n, std::max(1, net.nvlink_domain_gpus / stride));
  const double domains = std::ceil(static_cast<double>(n) / local);
  if (domains <= 1) return plain;
  // A token's top-k copies cross the network to (n - local)/n x k ranks at random, but with
  // node-limited routing only once per node and to at most M nodes, (D - 1)/D of them remote:
  // the network carries min(k (n - l)/n, M (D - 1)/D) copies per token instead of k (n - l)/n.
  // The copies then reach their experts over NVLink (forwarded inside the node: DeepSeek-V3,
  // section 3.2.2, "IB ... then forwarded via NVLink"), which NVLink carries beside its own share.
  const double k = m.experts_per_token;
  const double remote_copies = k * (n - local) / n;
  const double net_copies = std::min(remote_copies, m.max_nodes_per_token * (domains - 1) / domains);
  const double per_copy = bytes / k;
  const double net_bw = net.nic_bytes_per_s * nic_share / oversubscription_factor(net, static_cast<double>(n) * stride);
  const double via_net = net_copies * per_copy / net_bw;
  const double via_nvlink = k * (local - 1.0) / n * per_copy / (net.nvlink_bytes_per_s * nvlink_share) +
                            remote_copies * per_copy / (net.nvlink_bytes_per_s * nvlink_share);
  // One step latency per node reached instead of per remote rank.
  const double latency = (local - 1) * net.nvlink_latency_s + (domains - 1) * net.net_latency_s;
  return std::min(plain, std::max(via_net, via_nvlink) + latency);
}

double peak_flop_per_s(const GpuSpec& gpu, Precision p) {
  switch (p) {
    case Precision::Bf16: return gpu.peak_bf16_flop_per_s;
    case Precision::Fp8: return gpu.peak_fp8_flop_per_s;
    case Precision::Fp4: return gpu.peak_fp4_flop_per_s;
  }
  return 0;
}

double precision_gemm_factor(Precision p) {
  switch (p) {
    case Precision::Bf16: return 1.0;
    case Precision::Fp8: return fp8_gemm_factor;
    case Precision::Fp4: return fp4_gemm_factor;
  }
  return 1.0;
}

double matmul_share(const GpuSpec& gpu, Precision p) {
  const double measured = p == Precision::Bf16  ? gpu.matmul_share_bf16
                          : p == Precision::Fp8 ? gpu.matmul_share_fp8
                                                : gpu.matmul_share_fp4;
  if (measured > 0) return measured;
  // Not measured at this precision: the BF16 share (the GPU's, or H100's) times the factor.
  const double bf16_share = gpu.matmul_share_bf16 > 0 ? gpu.matmul_share_bf16 : gemm_best_share;
  return bf16_share * precision_gemm_factor(p);
}

double gemm_shape_factor(double m, double n, double k) {
  auto tile = [](double d) { return d / (d + gemm_half_dim); };
  return tile(m) * tile(n) * tile(k);
}

double gemm_efficiency(double m, double n, double k) { return gemm_best_share * gemm_shape_factor(m, n, k); }

StepTime step_time(const TransformerModel& m, const TrainingBatch& b, const ParallelPlan& p, const SystemModel& sys,
                   const CommRefinement& refine, const MemoryPerGpu* memory) {
  const GpuSpec& gpu = sys.gpu;
  const NetworkModel& net = sys.network;
  const double peak = peak_flop_per_s(gpu, p.precision);
  const double bf16_peak = gpu.peak_bf16_flop_per_s;
  const double hbm_bw = gpu.hbm_bytes_per_s * hbm_share;
  const double best_share = matmul_share(gpu, p.precision);
  auto gemm = [&](double rows, double cols, double inner) {
    return 2 * rows * cols * inner / (peak * sustained_share * best_share * gemm_shape_factor(rows, cols, inner));
  };

  const double t = p.tp, h = m.hidden, f = m.ffn, dh = m.head_dim();
  const double seq_local = static_cast<double>(b.seq_len) / p.cp;
  const double tokens = p.microbatch * seq_local;  // GEMM rows: sequence parallelism gathers before each GEMM
  const double kv_local = std::max(1.0, static_cast<double>(m.kv_heads) / t) * dh;
  const double topk = m.experts_per_token;

  // One layer, one micro-batch, forward.
  const double qkv = gemm(tokens, h / t + 2 * kv_local, h);
  const double heads_local = static_cast<double>(m.heads) / t;
  double attention = 0, attention_bwd = 0;
  if (p.attention == AttentionKernel::Fused) {
    // Every query against the sequence before it: half the tiles of the s x s matrix.
    const double attn_flop = 4 * p.microbatch * seq_local * b.seq_len * h / t;
    attention = 0.5 * attn_flop / (bf16_peak * sustained_share * attention_share);
    attention_bwd = attention_backward_factor * attention;
  } else {
    // Batched GEMMs (one per head) over the whole matrix, QK^T then the product with V; the
    // softmax and dropout stream the b (a/t) s^2 scores through HBM; the backward pass runs the
    // forward again (the scores are not kept) and twice its GEMMs.
    const double scores = p.microbatch * heads_local * seq_local * b.seq_len;
    const double core_gemms = 2 * (2 * scores * dh) / (bf16_peak * sustained_share * matmul_share(gpu, Precision::Bf16) *
                                                       gemm_shape_factor(seq_local, b.seq_len, dh));
    const double mask = m.dropout ? 1 : 0;
    attention = core_gemms + scores * (unfused_softmax_bytes + mask * unfused_dropout_bytes) / hbm_bw;
    // (Full recomputation runs the whole forward again below: not counted twice.)
    attention_bwd = (p.recompute == Recompute::Full ? 0 : attention) + 2 * core_gemms +
                    scores * (unfused_softmax_bwd_bytes + mask * unfused_dropout_bytes) / hbm_bw;
  }
  const double out_proj = gemm(tokens, h, h / t);
  const double local_experts = static_cast<double>(m.experts) / p.ep;
  const double expert_rows = tokens * topk * p.ep / m.experts;  // = tokens for a dense model
  const double ffn = local_experts * (gemm(expert_rows, (m.gated_ffn ? 2 : 1) * f / t, h) + gemm(expert_rows, h, f / t));
  const double router = m.moe() ? gemm(tokens, m.experts, h) : 0;
  // Norms, residual adds and dropouts on h-wide tensors (split by TP), the activation on the FFN's.
  const double ew_norm_bytes = bf16 * tokens / t * 14 * h;
  const double ew_act_bytes = bf16 * tokens * topk * 3 * f / t;
  const double ew = (ew_norm_bytes + ew_act_bytes) / hbm_bw;
  const double gemms = qkv + out_proj + ffn + router;
  const double fwd = gemms + attention + ew;
  double bwd = 2 * gemms + attention_bwd + 2 * ew;
  if (p.recompute == Recompute::Full) bwd += fwd;
  if (p.recompute == Recompute::Selective) bwd += ew;
  const double layer_compute = fwd + bwd;

  // Communication of one layer, one micro-batch.
  const int fwd_passes = p.recompute == Recompute::Full ? 2 : 1;
  // TP with sequence parallelism: an all-gather and a reduce-scatter around attention and
  // around the FFN, each way: the volume of 2 all-reduces per pass (Korthikanti et al. 2022).
  // Overlapped (--tp-comm-overlap): each collective is split into tp chunks that pipeline with
  // the GEMM it feeds or follows (Wang et al., ASPLOS 2023, "Overlap communication with dependent
  // computation via decomposition"; Transformer Engine's userbuffers): the first chunk is
  // exposed, the rest hides behind the GEMMs of the pass, at the contention cost of DP overlap.
  const double tp_ar = p.tp > 1 ? collective_time_s(net, CommKind::AllReduce, bf16 * tokens * h, p.tp, 1) : 0;
  const double tp_comm = (2.0 * fwd_passes + 2) * tp_ar;
  double tp_layer = tp_comm;
  if (p.tp > 1 && p.tp_comm_overlap) {
    const double exposed_chunk = tp_comm / p.tp;
    tp_layer = exposed_chunk + behind(tp_comm - exposed_chunk, (fwd_passes + 2) * (gemms - router));
  }
  // CP (ring attention): cp-1 exchanges of the K,V shard forward, of K,V and their gradients
  // backward, each behind the attention block of the previous step (Liu et al. 2023, "Ring
  // Attention"): exposed beyond the attention kernel, and slowing it while it hides.
  double cp_layer = 0;
  if (p.cp > 1) {
    const double step = collective_time_s(net, CommKind::SendRecv, 2 * bf16 * tokens * kv_local, 2, p.tp);
    cp_layer = fwd_passes * behind((p.cp - 1) * step, attention) + behind(2 * (p.cp - 1) * step, attention_bwd);
  }
  // EP: all-to-all dispatch and combine of the routed tokens, each pass. Overlapped: behind the
  // compute of another micro-batch's layer (DeepSeek-V3's DualPipe, arXiv 2412.19437, section
  // 3.2.1: "nearly zero all-to-all communication overhead"; Megatron-Core's EP A2A overlap).
  double ep_layer = 0, ep_closed = 0;
  if (p.ep > 1) {
    // The dispatch of each forward pass in FP8 when the GEMMs are (DeepSeek-V3 quantises the
    // activations before the dispatch and combines in BF16: arXiv 2412.19437, section 3.3.2);
    // the combines and the backward pass's all-to-alls in BF16.
    const double dispatch_bytes = p.precision == Precision::Bf16 ? bf16 : fp8_dispatch_bytes;
    ep_closed = fwd_passes * expert_all_to_all_s(net, m, dispatch_bytes * tokens / t * topk * h, p.ep, p.tp * p.cp) +
                (fwd_passes + 2) * expert_all_to_all_s(net, m, bf16 * tokens / t * topk * h, p.ep, p.tp * p.cp);
    ep_layer = p.ep_comm_overlap ? behind(ep_closed * refine.ep, layer_compute) : ep_closed * refine.ep;
  }

  // The output layer and loss on the last stage.
  const double logits = gemm(tokens, m.vocab / t, h);
  const double loss_ew = 2 * 4 * tokens * m.vocab / t / hbm_bw;
  const double output_compute = 3 * logits + 2 * loss_ew;

  // The busiest stage: whole layers per chunk, the output layer counted on the last stage.
  const int stage_layers = p.layers_per_stage(m.layers);
  const double stage_compute =
      p.pp == 1 ? m.layers * layer_compute + output_compute
                : std::max(stage_layers * layer_compute, (m.layers * layer_compute + output_compute) / p.pp);
  const double micro = static_cast<double>(p.microbatches(b));
  const double per_micro = stage_compute + stage_layers * (tp_layer + cp_layer + ep_layer);

  StepTime out;
  out.plan = p;
  StepBreakdown& br = out.breakdown;
  br.compute_s = micro * stage_compute;
  br.tp_comm_s = micro * stage_layers * tp_layer;
  br.cp_comm_s = micro * stage_layers * cp_layer;
  br.ep_comm_s = micro * stage_layers * ep_layer;
  out.ep_comm_closed_form_s = micro * stage_layers * ep_closed;
  // Pipeline bubble: (pp-1) micro-batch slots, shortened v times by interleaving
  // (Narayanan et al. 2021, "Efficient Large-Scale Language Model Training on GPU Clusters").
  br.bubble_s = (p.pp - 1.0) / p.chunks() * per_micro;
  if (p.pp > 1) {
    // Activations to the next stage, gradients back: 2 per micro-batch per chunk on the
    // critical path, plus the fill and drain; each TP rank sends its 1/tp share.
    const double send = collective_time_s(net, CommKind::SendRecv, bf16 * tokens * h / t, 2, p.tp * p.cp * p.dp);
    br.pp_comm_s = 2 * (micro * p.chunks() + p.pp - 1) * send;
  }

  // Data parallelism over DP x CP (expert weights over DP x CP / EP). Overlap model: the
  // gradient reduce-scatter (all-reduce without sharding) runs behind the backward pass of the
  // step's last micro-batch and the parameter all-gather behind the first micro-batch's forward
  // of the next step (Megatron-LM's overlap-grad-reduce / overlap-param-gather); FSDP gathers
  // each micro-batch's weights behind that micro-batch's compute. Only the excess is exposed.
  const StageParams sp = stage_params(m, p);
  const int dense_n = p.dp * p.cp, expert_n = dense_n / p.ep;
  auto both = [&](CommKind kind, double bytes_per_param) {
    return collective_time_s(net, kind, bytes_per_param * sp.dense, dense_n, p.tp) +
           collective_time_s(net, kind, bytes_per_param * sp.expert, expert_n, p.tp * p.ep);
  };
  const double grad_bytes = 4, weight_bytes = 2;
  const double window_fwd = stage_layers * fwd, window_bwd = stage_layers * (bwd);
  double dp_exposed = 0, dp_closed = 0;
  if (dense_n > 1) {
    if (p.sharding == Sharding::None) {
      dp_closed = both(CommKind::AllReduce, grad_bytes);
      dp_exposed = behind(dp_closed * refine.dp, window_bwd);
    } else if (p.sharding == Sharding::Zero1) {
      const double rs = both(CommKind::ReduceScatter, grad_bytes), ag = both(CommKind::AllGather, weight_bytes);
      dp_closed = rs + ag;
      dp_exposed = behind(rs * refine.dp, window_bwd) + behind(ag * refine.dp, window_fwd);
    } else if (p.sharding == Sharding::Zero2) {
      // Gradients reduce-scattered after each micro-batch's backward pass, behind it; the
      // updated weights gathered once, behind the first forward pass of the next step.
      const double rs = both(CommKind::ReduceScatter, grad_bytes), ag = both(CommKind::AllGather, weight_bytes);
      dp_closed = micro * rs + ag;
      dp_exposed = micro * behind(rs * refine.dp, window_bwd) + behind(ag * refine.dp, window_fwd);
    } else {
      const double rs = both(CommKind::ReduceScatter, grad_bytes), ag = both(CommKind::AllGather, weight_bytes);
      dp_closed = rs + 2 * micro * ag;
      dp_exposed = behind(rs * refine.dp, window_bwd) + micro * behind(2 * ag * refine.dp, window_fwd + window_bwd);
    }
  }
  br.dp_comm_s = dp_exposed;
  out.dp_comm_closed_form_s = dp_closed;

  // The optimizer step: Adam streams its shard (weights, gradients, master and moments: read
  // 18 bytes, write 14 per parameter) through HBM.
  const double shard = p.sharding == Sharding::None ? sp.total() : sp.dense / dense_n + sp.expert / std::max(1, expert_n);
  br.compute_s += 32 * shard / hbm_bw;

  out.step_s = br.total_s();
  out.memory = memory ? *memory : memory_per_gpu(m, b, p);
  out.hbm_bytes = gpu.hbm_bytes;
  const double step_tokens = b.tokens();
  out.model_flop_per_step = model_flop_per_token(m, b.seq_len) * step_tokens;
  double hardware_flop = out.model_flop_per_step;
  if (p.recompute == Recompute::Full)
    hardware_flop += step_tokens * (model_flop_per_token(m, b.seq_len) / 3 -
                                    2.0 * m.vocab * m.hidden);  // the layers' forward again, not the output layer
  const double gpus = p.gpus();
  out.tokens_per_s = step_tokens / out.step_s;
  out.model_flop_per_s_per_gpu = out.model_flop_per_step / out.step_s / gpus;
  out.hardware_flop_per_s_per_gpu = hardware_flop / out.step_s / gpus;
  out.mfu = peak > 0 ? out.model_flop_per_s_per_gpu / peak : 0;
  return out;
}

}  // namespace bvr
