// How the command line shows Progress (sim/progress.h) on stderr:
// - on a terminal, one line rewritten in place ('\r'): the phase, steps done of the total, the
//   time spent and, once a step is done and the total is known, the ETA (elapsed / done x left);
//   cleared when the phase ends, so the terminal keeps only the command's own output;
// - with `verbose`, a line per phase with its wall time when it ends, and (when no terminal
//   shows the rewritten line, as in a batch job's log) a line at every tenth of a known total.
// Neither when stderr is not a terminal and `verbose` is off, or with --quiet: tests and pipes
// see nothing.
#pragma once
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "sim/progress.h"

namespace bvr {

std::string duration_text(double seconds);

class ProgressLine : public Progress {
 public:
  // `prefix` starts every line ("bvr run"). `line`: draw the rewritten line (a terminal);
  // `verbose`: the lines per phase.
  ProgressLine(std::FILE* out, std::string prefix, bool line, bool verbose);
  ~ProgressLine() override;  // the line goes, also when an error ends the command
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  // For a command: draw the line when stderr is a terminal and `quiet` is off.
  static ProgressLine for_stderr(std::string prefix, bool quiet, bool verbose);

  void begin(const std::string& phase, int total, int already) override;
  void step() override;
  void end() override;

  // With `verbose`: `text` on a line of its own ("loaded FILE"), with the time since `since`.
  void verbose_note(const std::string& text, std::chrono::steady_clock::time_point since);

 private:
  struct Phase {
    std::string name;
    int total = 0, already = 0, done = 0;
    std::chrono::steady_clock::time_point start;
  };
  std::string status(const Phase& p) const;
  void draw();
  void clear();

  std::FILE* out_;
  std::string prefix_;
  bool line_, verbose_;
  bool drawn_ = false;
  std::vector<Phase> phases_;  // nested phases: the innermost is shown
};

}  // namespace bvr
