// `bvr topo FILE [--dot out.dot] [--collectives ...]`: the fabric of every option (or of a
// standalone fabric file): switches per tier, links, cables and transceivers, bisection bandwidth,
// diameter, blocking; with --collectives, a table of simulated collectives per fabric (time,
// algbw, busbw as nccl-tests defines them).
#pragma once
#include <string>
#include <vector>

namespace bvr {

// `args` are the words after "topo". Returns the exit code (0, or 2 for bad input).
int command_topo(const std::vector<std::string>& args);

}  // namespace bvr
