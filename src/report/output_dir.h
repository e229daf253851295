// Output folders and files, checked before any work: `-o DIR` of bvr run, sweep, merge and report
// and `--dot FILE` of bvr topo. A problem the user can fix (an existing file where the folder
// should be, a name too long, a read-only place, a folder that cannot be created, a full disk) is
// an OutputError: the CLI prints it and exits 2, as for any bad input.
#pragma once
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include "scenario/input_error.h"

namespace bvr {

struct OutputError : InputError {
  using InputError::InputError;
};

// Makes `dir` a folder bvr can write into, before anything is simulated: refuses a path that
// exists and is not a folder, creates the folder and its missing parents, and creates and removes
// a probe file whose name is `longest_name` characters long plus a temporary suffix (so a path too
// long for the longest file to come is found now, not after the work). Throws OutputError
// "<dir>: <reason>". Unless keep() is called, the folders it created are removed again when it
// goes out of scope while they are empty (a run that failed leaves no empty folder behind).
class OutputDir {
 public:
  explicit OutputDir(const std::filesystem::path& dir, std::size_t longest_name = 64);
  OutputDir(const OutputDir&) = delete;
  OutputDir& operator=(const OutputDir&) = delete;
  ~OutputDir();
  void keep() { keep_ = true; }

 private:
  std::vector<std::filesystem::path> created_;  // outermost first
  bool keep_ = false;
};

// Checks that `file` can be written (its folder exists and takes a new file; the path is not a
// folder), without writing it. Throws OutputError "<file>: <reason>".
void check_output_file(const std::filesystem::path& file);

}  // namespace bvr
