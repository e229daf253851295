// Progress of long work, for the person waiting: the simulation says what it has done, the
// command line decides whether and how to show it. Reporting never changes what is simulated.
#pragma once
#include <string>

namespace bvr {

class Progress {
 public:
  virtual ~Progress() = default;
  // A phase of `total` steps begins (0 when the count is not known in advance), `already` of
  // them finished before (an earlier run of a resumed sweep).
  virtual void begin(const std::string& phase, int total, int already = 0) = 0;
  // One more step of the phase is finished.
  virtual void step() = 0;
  // The phase is over.
  virtual void end() = 0;
};

// Reports a phase from begin to end (end also when an exception leaves the scope). Does nothing
// without a Progress.
class ProgressPhase {
 public:
  ProgressPhase(Progress* progress, const std::string& phase, int total, int already = 0) : progress_(progress) {
    if (progress_) progress_->begin(phase, total, already);
  }
  ~ProgressPhase() {
    if (progress_) progress_->end();
  }
  ProgressPhase(const ProgressPhase&) = delete;
  ProgressPhase& operator=(const ProgressPhase&) = delete;
  void step() {
    if (progress_) progress_->step();
  }

 private:
  Progress* progress_;
};

}  // namespace bvr
