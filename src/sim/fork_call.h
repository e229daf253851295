// Runs a function in a forked child and returns the bytes it produced. SimGrid keeps its clock
// across engines in one process, so every simulation (a campaign replication, a collective
// evaluation) runs in a child of its own; results come back over a pipe as raw bytes (same
// binary on both ends, so every bit of every double survives).
#pragma once
#include <sys/types.h>

#include <functional>
#include <string>

namespace bvr {

struct ForkedChild {
  pid_t pid = -1;
  int fd = -1;
  std::string what;  // "replication 3": names the child in error messages
};

// Starts `work` in a child. A child that throws prints "bvr: <what> failed: <reason>" on
// stderr and exits non-zero; it never runs the parent's atexit handlers.
ForkedChild fork_child(const std::function<std::string()>& work, const std::string& what);

// Reads everything the child wrote and reaps it. Throws std::runtime_error
// "<what> did not finish (status N)" when the child failed.
std::string collect_child(const ForkedChild& child);

// Kills and reaps a child whose result is no longer wanted.
void kill_child(const ForkedChild& child);

// fork_child + collect_child.
std::string run_in_child(const std::function<std::string()>& work, const std::string& what);

}  // namespace bvr
