// Warnings about an input that loads but is probably not what was meant (issue 18): a value far
// outside the range the docs source, a dated event outside the horizon, a run that will take
// long. They never stop a run: bvr prints them to stderr (also under --quiet, as compilers do)
// and writes them into results.json (`warnings`), report.md and report.html, and `bvr check
// --json` lists them.
#pragma once
#include <string>
#include <vector>

namespace bvr {

struct InputWarning {
  std::string file;
  int line = 0, column = 0;  // 1-based; 0: not in the file's text (a --set, the scenario as a whole)
  std::string key;           // the key path ("options.build.power.grid.steps.1.power"), or empty
  std::string set;           // the --set assignment the value came from, or empty
  std::string message;       // what looks wrong and what was probably meant
};

// "FILE:LINE:COLUMN: warning: KEY: MESSAGE" (or "FILE: warning: --set K=V: KEY: MESSAGE").
std::string format_warning(const InputWarning& w);

// Where warnings go while a scenario loads: load_scenario installs one for its Scenario (a
// nested load, such as checking a sensitivity value, gets its own and drops it). Without one,
// warnings are dropped.
class WarningSink {
 public:
  explicit WarningSink(std::vector<InputWarning>* to);
  ~WarningSink();
  WarningSink(const WarningSink&) = delete;
  WarningSink& operator=(const WarningSink&) = delete;

 private:
  std::vector<InputWarning>* previous_;
};

// Adds to the current sink, once: the same message about the same file is one warning (a value
// an option inherits with `like` is read under two key paths; the first is kept).
void add_input_warning(InputWarning w);

}  // namespace bvr
