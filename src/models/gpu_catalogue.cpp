#include "models/gpu_catalogue.h"

namespace bvr {

namespace {
constexpr double tera = 1e12, giga = 1e9;
constexpr double gib = 1024.0 * 1024 * 1024;
}  // namespace

const std::vector<GpuSpec>& gpu_catalogue() {
  // Dense (not sparse) tensor-core peaks. NVLink is quoted bidirectional; we keep one direction.
  // HBM "80 GB" parts hold 80 GiB (5 stacks of 16 GiB); H200 and B200 capacities are as quoted.
  static const std::vector<GpuSpec> catalogue = {
      // NVIDIA H100 Tensor Core GPU datasheet (SXM5): 989.4 / 1,979 TFLOPS dense, 700 W,
      // 80 GB HBM3 at 3.35 TB/s, NVLink 4 900 GB/s [P].
      {"H100 SXM", 989.4 * tera, 1979 * tera, 700, 80 * gib, 3.35 * tera, 450 * giga},
      // NVIDIA H200 datasheet (SXM): H100 compute, 141 GB HBM3e at 4.8 TB/s, up to 700 W,
      // NVLink 900 GB/s [P].
      {"H200", 989.4 * tera, 1979 * tera, 700, 141 * giga, 4.8 * tera, 450 * giga},
      // NVIDIA A100 datasheet (SXM4 80GB): 312 TFLOPS BF16 dense, no FP8, 400 W, 2,039 GB/s
      // HBM2e, NVLink 3 600 GB/s [P].
      {"A100 80GB", 312 * tera, 0, 400, 80 * gib, 2.039 * tera, 300 * giga},
      // NVIDIA HGX B200 datasheet, per GPU (8-GPU board figures / 8): 2.25 PFLOPS BF16 and 4.5
      // PFLOPS FP8 dense (sparse: 2x), 180 GB HBM3e at 8 TB/s (the board: 1.44 TB, 64 TB/s),
      // NVLink 5 1.8 TB/s, 1,000 W [P].
      {"B200", 2250 * tera, 4500 * tera, 1000, 180 * giga, 8 * tera, 900 * giga},
  };
  return catalogue;
}

const GpuSpec* find_gpu(std::string_view name) {
  for (const GpuSpec& g : gpu_catalogue())
    if (g.name == name) return &g;
  return nullptr;
}

std::string gpu_catalogue_names() {
  std::string out;
  for (const GpuSpec& g : gpu_catalogue()) out += (out.empty() ? "" : ", ") + g.name;
  return out;
}

}  // namespace bvr
