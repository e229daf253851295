// Bad input: the message is complete ("file:line:column: key.path: what was expected").
// The CLI prints it and exits with code 2. Where the error is located in a file (or on the
// command line), its parts are kept too, for machine-readable output (bvr check --json).
#pragma once
#include <stdexcept>
#include <string>

namespace bvr {

// The parts of a located error; a part that is not known is empty (or 0).
struct InputErrorWhere {
  std::string file;
  int line = 0, column = 0;  // 1-based; 0: not in the file's text (a --set, a whole file)
  std::string key;           // the key path ("options.build.gpus"), or empty
  std::string set;           // the --set assignment blamed, or empty
  std::string message;       // what was expected, without the location
};

struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
  InputError(const std::string& what, InputErrorWhere parts)
      : std::runtime_error(what), where(std::move(parts)), located(true) {}
  InputErrorWhere where;
  bool located = false;  // `where` is filled in
};

}  // namespace bvr
