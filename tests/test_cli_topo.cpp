// `bvr topo`: fabric counts, the GraphViz drawing, nccl-tests-style collective tables, and the
// refusals of a bad command line (exit code 2, nothing printed on stdout).
#include <doctest/doctest.h>

#include <cmath>
#include <sstream>
#include <vector>

#include "cli_harness.h"

namespace {

const std::string colossus = std::string(BVR_SOURCE_DIR) + "/scenarios/fabrics/colossus.yaml";

// 64 GPUs in 8 servers on 16-port switches, 2 tiers: small enough to draw and to simulate in a
// blink, large enough that groups of 16 cross leaves.
constexpr const char* small_fabric = R"(fabric:
  name: small
  gpus: 64
  gpus_per_server: 8
  nvlink_bandwidth: 450 GB/s
  nic_bandwidth: 400 Gb/s
  rail_optimized: true
  switch_ports: 16
  switch_port_speed: 400 Gb/s
  tiers: 2
  oversubscription: [1]
  technology: infiniband-ndr
  hop_latency: 350 ns
)";

fs::path write_small_fabric(const std::string& test_name) {
  const fs::path dir = scratch_dir(test_name);
  fs::create_directories(dir);
  std::ofstream(dir / "small.yaml") << small_fabric;
  return dir / "small.yaml";
}

std::vector<std::string> words(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// The whitespace-separated words of every line of `text` that starts with `first_word`.
std::vector<std::vector<std::string>> lines_starting(const std::string& text, const std::string& first_word) {
  std::istringstream in(text);
  std::vector<std::vector<std::string>> out;
  for (std::string line; std::getline(in, line);) {
    const auto w = words(line);
    if (!w.empty() && w[0] == first_word) out.push_back(w);
  }
  return out;
}

// "  leaf   switches     1568" -> 1568 for label {"leaf", "switches"}; -1 when absent.
long count_on_line(const std::string& text, const std::vector<std::string>& label) {
  for (const auto& w : lines_starting(text, label[0]))
    if (w.size() > label.size() && std::equal(label.begin(), label.end(), w.begin()))
      return std::stol(w[label.size()]);
  return -1;
}

// One row of the collectives table: collective, group, size (B), time (us), algbw, busbw (GB/s).
struct CollectiveRow {
  int group_gpus = 0;
  double bytes = 0, time_us = 0, algbw_gb_per_s = 0, busbw_gb_per_s = 0;
};

std::vector<CollectiveRow> rows_of(const std::string& text, const std::string& collective) {
  std::vector<CollectiveRow> rows;
  for (const auto& w : lines_starting(text, collective))
    if (w.size() == 6)
      rows.push_back({std::stoi(w[1]), std::stod(w[2]), std::stod(w[3]), std::stod(w[4]), std::stod(w[5])});
  return rows;
}

// busbw / algbw in nccl-tests (PERFORMANCE.md), written out here rather than taken from the model.
double nccl_tests_factor(const std::string& collective, int n) {
  if (collective == "all-reduce" || collective == "all-reduce-tree") return 2.0 * (n - 1) / n;
  if (collective == "send-recv") return 1.0;
  return static_cast<double>(n - 1) / n;  // reduce-scatter, all-gather, all-to-all
}

}  // namespace

TEST_CASE("cli: topo prints the Colossus switch counts of docs/fabric.md") {
  const Ran ran = run("topo " + colossus);
  CHECK(ran.exit_code == 0);
  CHECK(ran.out.starts_with("colossus: 100000 GPUs"));
  CHECK(count_on_line(ran.out, {"leaf", "switches"}) == 1568);
  CHECK(count_on_line(ran.out, {"spine", "switches"}) == 1600);
  CHECK(count_on_line(ran.out, {"core", "switches"}) == 832);
  CHECK(count_on_line(ran.out, {"switches"}) == 4000);
  CHECK(count_on_line(ran.out, {"links"}) == 302752);
  CHECK(count_on_line(ran.out, {"transceivers"}) == 352752);
  CHECK(count_on_line(ran.out, {"diameter"}) == 6);
  CHECK(!contains(ran.out, "collectives"));  // nothing is simulated unless asked
}

TEST_CASE("cli: topo --dot draws a small fabric and refuses Colossus") {
  const fs::path fabric = write_small_fabric("topo-dot");
  const fs::path dot = fabric.parent_path() / "small.dot";
  const Ran drawn = run(fmt::format("topo {} --dot {}", fabric.string(), dot.string()));
  CHECK(drawn.exit_code == 0);
  CHECK(contains(drawn.out, "wrote " + dot.string()));
  const std::string graph = read_file(dot);
  CHECK((graph.starts_with("digraph") || graph.starts_with("graph")));
  CHECK(contains(graph, "label=\"gpu63\""));  // every GPU drawn
  CHECK(graph.ends_with("}\n"));            // and the file whole

  const fs::path big_dot = fabric.parent_path() / "colossus.dot";
  const Ran refused = run(fmt::format("topo {} --dot {}", colossus, big_dot.string()));
  CHECK(refused.exit_code == 2);
  CHECK(contains(refused.err, "--dot draws fabrics of at most 4096"));
  CHECK(refused.out.empty());
  CHECK(!fs::exists(big_dot));
}

TEST_CASE("cli: topo without FILE, with an unknown option or a stray argument is a usage error") {
  const Ran missing = run("topo");
  CHECK(missing.exit_code == 2);
  CHECK(contains(missing.err, "missing FILE"));
  CHECK(contains(missing.err, "Usage: bvr topo FILE"));
  const Ran unknown = run("topo " + colossus + " --frobnicate");
  CHECK(unknown.exit_code == 2);
  CHECK(contains(unknown.err, "unknown option \"--frobnicate\""));
  const Ran stray = run("topo " + colossus + " " + colossus);
  CHECK(stray.exit_code == 2);
  CHECK(contains(stray.err, "unexpected argument"));
  const Ran no_dot_file = run("topo " + colossus + " --dot");
  CHECK(no_dot_file.exit_code == 2);
  CHECK(contains(no_dot_file.err, "--dot needs a file name"));
}

TEST_CASE("cli: topo --help explains every option and unit") {
  const Ran help = run("topo --help");
  CHECK(help.exit_code == 0);
  CHECK(help.out.starts_with("Usage: bvr topo FILE"));
  for (const char* text : {"--dot", "--collectives", "--size", "--group", "--collective NAME", "time (us)", "GB/s",
                           "algbw = size / time", "2(n-1)/n", "all-reduce-tree", "send-recv", "BVR_COLLECTIVE_CACHE"})
    CHECK_MESSAGE(contains(help.out, text), text);
}

TEST_CASE("cli: topo --collectives rows follow nccl-tests: algbw = size / time, busbw = algbw x factor") {
  const fs::path fabric = write_small_fabric("topo-collectives");
  const Ran ran = run(fmt::format(
      "topo {} --collectives --size '64 MB' --group 16 --collective all-reduce --collective reduce-scatter "
      "--collective all-to-all --collective send-recv",
      fabric.string()));
  REQUIRE(ran.exit_code == 0);
  CHECK(contains(ran.out, "time (us)"));
  for (const char* collective : {"all-reduce", "reduce-scatter", "all-to-all", "send-recv"}) {
    CAPTURE(collective);
    const auto rows = rows_of(ran.out, collective);
    REQUIRE(rows.size() == 1);
    const CollectiveRow& r = rows[0];
    CHECK(r.group_gpus == 16);
    CHECK(r.bytes == 64e6);
    REQUIRE(r.time_us > 0);
    // Printed with 0.1 us and 0.01 GB/s: tolerances cover the rounding, not a wrong factor.
    CHECK(r.algbw_gb_per_s == doctest::Approx(r.bytes / (r.time_us * 1e-6) / 1e9).epsilon(1e-3));
    const double factor = nccl_tests_factor(collective, 16);
    CHECK(std::abs(r.busbw_gb_per_s - r.algbw_gb_per_s * factor) <= 0.01 * factor + 0.006);
  }
  CHECK(rows_of(ran.out, "all-gather").empty());  // only the collectives asked for
}

TEST_CASE("cli: topo --collectives defaults: six collectives, 64 MB and 1 GiB, the whole of a small fabric") {
  const fs::path fabric = write_small_fabric("topo-defaults");
  const Ran ran = run(fmt::format("topo {} --collectives", fabric.string()));
  REQUIRE(ran.exit_code == 0);
  for (const char* collective :
       {"all-reduce", "all-reduce-tree", "reduce-scatter", "all-gather", "all-to-all", "send-recv"}) {
    CAPTURE(collective);
    const auto rows = rows_of(ran.out, collective);
    REQUIRE(rows.size() == 2);
    CHECK(rows[0].bytes == 64e6);
    CHECK(rows[1].bytes == 1024.0 * 1024 * 1024);
    for (const CollectiveRow& r : rows) CHECK(r.group_gpus == 64);  // fewer GPUs than the default 1024
  }
}

TEST_CASE("cli: topo --collectives groups 1024 GPUs of Colossus by default and cuts all-to-all to 1024") {
  const Ran by_default = run(fmt::format("topo {} --collectives --size '64 MB' --collective send-recv", colossus));
  REQUIRE(by_default.exit_code == 0);
  const auto default_rows = rows_of(by_default.out, "send-recv");
  REQUIRE(default_rows.size() == 1);
  CHECK(default_rows[0].group_gpus == 1024);

  const Ran ran =
      run(fmt::format("topo {} --collectives --group 2048 --size '64 MB' --collective all-to-all", colossus));
  REQUIRE(ran.exit_code == 0);
  const auto rows = rows_of(ran.out, "all-to-all");
  REQUIRE(rows.size() == 1);
  CHECK(rows[0].group_gpus == 1024);
  CHECK(contains(ran.out, "all-to-all ran on groups of 1024 GPUs, not 2048"));
}

TEST_CASE("cli: topo refuses a bad --collective, --size or --group before printing anything") {
  const fs::path fabric = write_small_fabric("topo-bad-options");
  auto refused = [&](const std::string& options, const std::string& message) {
    const Ran ran = run(fmt::format("topo {} {}", fabric.string(), options));
    CAPTURE(options);
    CHECK(ran.exit_code == 2);
    CHECK_MESSAGE(contains(ran.err, message), ran.err);
    CHECK(ran.out.empty());
  };
  refused("--collectives --collective allreduce", "unknown collective \"allreduce\"");
  refused("--collectives --collective allreduce",
          "all-reduce, all-reduce-tree, reduce-scatter, all-gather, all-to-all, send-recv");
  refused("--collectives --size '64 parsecs'", "--size: expected a data size such as 64 MB");
  refused("--collectives --size 64", "--size: expected a data size such as 64 MB");
  refused("--collectives --size '0 MB'", "--size: expected a data size such as 64 MB");
  refused("--collectives --size", "--size needs a value");
  refused("--collectives --group 12", "a group is whole domains (a multiple of 8) or a divisor of 8");
  refused("--collectives --group 128", "--group 128: fabric small has only 64 GPUs");
  refused("--collectives --group many", "--group: expected a number of GPUs such as 512");
  refused("--collectives --group 0", "--group: expected a number of GPUs such as 512");
  refused("--size '1 GiB'", "add --collectives");
}

// Issue 18: with several fabrics --dot writes out-<name>.dot; a name from the file cannot make
// that path leave the folder asked for.
TEST_CASE("cli: topo --dot refuses a fabric name that is not a plain file name, before printing") {
  const fs::path fabric = write_small_fabric("topo-dot-name");
  std::string text = small_fabric;
  text.replace(text.find("name: small"), 11, "name: ../evil");
  std::string option = small_fabric;
  for (std::size_t at = 0; (at = option.find('\n', at)) != std::string::npos && at + 1 < option.size(); at += 5)
    option.insert(at + 1, "    ");
  std::ofstream(fabric) << text << "options:\n  mine:\n    fabric:\n" << option.substr(option.find('\n') + 1);
  const fs::path dot = fabric.parent_path() / "sub" / "out.dot";
  fs::create_directories(dot.parent_path());
  const Ran refused = run(fmt::format("topo {} --dot {}", fabric.string(), dot.string()));
  CHECK(refused.exit_code == 2);
  CHECK(contains(refused.err, "fabric name \"../evil\" cannot be part of a --dot file name"));
  CHECK(refused.out.empty());
  CHECK(!fs::exists(fabric.parent_path() / "evil.dot"));
  CHECK(fs::is_empty(dot.parent_path()));
  // Without --dot the same file is fine: the name is only printed.
  CHECK(run("topo " + fabric.string()).exit_code == 0);
}

// Issue 18: a --dot file that cannot be written is refused before anything is printed, exit 2
// with the path and the reason (it was exit 1 "internal error" after printing).
TEST_CASE("cli: topo --dot into a missing folder or onto a folder is refused first, exit 2") {
  const fs::path fabric = write_small_fabric("topo-dot-place");
  const fs::path dir = fabric.parent_path();
  const Ran missing = run(fmt::format("topo {} --dot {}/no/such/x.dot", fabric.string(), dir.string()));
  CHECK(missing.exit_code == 2);
  CHECK(contains(missing.err, "/no/such/x.dot: cannot write it: " + (dir / "no" / "such").string() + " is not a folder"));
  CHECK(missing.out.empty());
  const Ran folder = run(fmt::format("topo {} --dot {}", fabric.string(), dir.string()));
  CHECK(folder.exit_code == 2);
  CHECK(contains(folder.err, dir.string() + ": is a folder; give a file name"));
  CHECK(folder.out.empty());
}
