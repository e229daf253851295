// Outputs appear whole or not at all: written to a temporary name in the same folder, flushed,
// then renamed into place (rename is atomic within a file system).
#pragma once
#include <string>

namespace bvr {

// Throws OutputError (report/output_dir.h: bad input, exit 2) naming the path and the reason
// when the file cannot be written (a full disk, a read-only place, a folder in the way).
void write_file_atomically(const std::string& path, const std::string& contents);

// For a library that writes a file by name (cashflows.xlsx): the temporary name to give it, then
// commit_temporary_file to flush that file and rename it to `path` (or remove it and throw
// OutputError naming `path`).
std::string temporary_path(const std::string& path);
void commit_temporary_file(const std::string& temp, const std::string& path);

}  // namespace bvr
