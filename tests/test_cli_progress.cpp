// The progress line of `bvr run` and `bvr sweep`: shown (with an ETA) only when stderr is a
// terminal, silenced by --quiet, never in a pipe; it never changes the results. A terminal is a
// real pseudo-terminal: util-linux `script` runs bvr on one and copies what it shows.
#include <doctest/doctest.h>

#include "cli_harness.h"

namespace {

// Runs bvr on a pseudo-terminal (stdout and stderr both on it); returns the exit code and all
// it showed.
Ran run_on_terminal(const std::string& args) {
  static int calls = 0;
  const fs::path io = scratch_root() / fmt::format("tty-{}", calls++);
  fs::create_directories(io);
  const std::string command =
      fmt::format("script -qec '{} {}' /dev/null < /dev/null > {}/shown 2>&1", bvr, args, io.string());
  const int status = std::system(command.c_str());
  Ran ran{WIFEXITED(status) ? WEXITSTATUS(status) : -1, read_file(io / "shown"), ""};
  fs::remove_all(io);
  return ran;
}

}  // namespace

TEST_CASE("cli: run shows replications and the analysis with an ETA on a terminal, and the same results as in a pipe") {
  const fs::path tty_dir = scratch_dir("progress-tty"), pipe_dir = scratch_dir("progress-pipe");
  const std::string args = fmt::format("run {} --replications 2 -j 2", default_scenario);
  const Ran shown = run_on_terminal(args + " -o " + tty_dir.string());
  REQUIRE_MESSAGE(shown.exit_code == 0, shown.out);
  CHECK(contains(shown.out, "bvr run: replications 1/2"));
  CHECK(contains(shown.out, "ETA"));
  CHECK(contains(shown.out, "sensitivity tornado, what-ifs"));
  CHECK(contains(shown.out, "breakeven of"));
  CHECK(contains(shown.out, "\r\x1b[K"));  // the line is cleared at the end
  CHECK(contains(shown.out, "cheapest:"));
  // Not a terminal: no progress at all, and byte-identical results.
  const Ran piped = run(args + " -o " + pipe_dir.string());
  REQUIRE(piped.exit_code == 0);
  CHECK(!contains(piped.err, "replications"));
  CHECK(!contains(piped.err, "ETA"));
  CHECK(!contains(piped.err, "\r"));
  CHECK(read_file(tty_dir / "results.json") == read_file(pipe_dir / "results.json"));
  CHECK(read_file(tty_dir / "report.md") == read_file(pipe_dir / "report.md"));
}

TEST_CASE("cli: --quiet silences the progress line on a terminal, and --verbose gives each phase its wall time") {
  const fs::path dir = scratch_dir("progress-quiet");
  const std::string args = fmt::format("run {} --replications 2 -j 2 --no-analysis -o {}", default_scenario, dir.string());
  const Ran quiet = run_on_terminal(args + " --quiet");
  REQUIRE_MESSAGE(quiet.exit_code == 0, quiet.out);
  CHECK(contains(quiet.out, "cheapest:"));
  CHECK(!contains(quiet.out, "replications 1/2"));
  CHECK(!contains(quiet.out, "ETA"));
  CHECK(!contains(quiet.out, "\r\x1b[K"));

  const Ran verbose = run(args + " --verbose");
  REQUIRE(verbose.exit_code == 0);
  CHECK(contains(verbose.err, "bvr run: loaded "));
  CHECK(contains(verbose.err, "bvr run: replications: 2 in "));
  CHECK(contains(verbose.err, "bvr run: wrote the files in "));
  CHECK(!contains(verbose.err, "\r"));  // no terminal: no line rewritten in place
  const Ran both = run(args + " --quiet --verbose");
  CHECK(both.exit_code == 2);
  CHECK(contains(both.err, "exclude each other"));
}

TEST_CASE("cli: sweep shows its points with an ETA on a terminal, none in a pipe or with --quiet") {
  const std::string tiny = std::string(BVR_SOURCE_DIR) + "/scenarios/sweeps/tiny.yaml";
  const fs::path dir = scratch_dir("progress-sweep");
  const Ran shown = run_on_terminal(fmt::format("sweep {} -j 2 -o {}", tiny, (dir / "tty").string()));
  REQUIRE_MESSAGE(shown.exit_code == 0, shown.out);
  CHECK(contains(shown.out, "bvr sweep: points 1/4"));
  CHECK(contains(shown.out, "ETA"));
  const Ran piped = run(fmt::format("sweep {} -j 2 -o {}", tiny, (dir / "pipe").string()));
  REQUIRE(piped.exit_code == 0);
  CHECK(!contains(piped.err, "points"));
  CHECK(!contains(piped.err, "\r"));
  CHECK(read_file(dir / "tty" / "sweep.csv") == read_file(dir / "pipe" / "sweep.csv"));
  // Finished: the rerun runs nothing; --quiet shows nothing on the terminal.
  const Ran quiet = run_on_terminal(fmt::format("sweep {} -j 2 -q -o {}", tiny, (dir / "tty").string()));
  REQUIRE(quiet.exit_code == 0);
  CHECK(!contains(quiet.out, "bvr sweep: points"));
}
