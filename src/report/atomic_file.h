// Outputs appear whole or not at all: written to a temporary name in the same folder, flushed,
// then renamed into place (rename is atomic within a file system).
#pragma once
#include <string>

namespace bvr {

// Throws OutputError (report/output_dir.h: bad input, exit 2) naming the path and the reason
// when the file cannot be written (a full disk, a read-only place, a folder in the way).
void write_file_atomically(const std::string& path, const std::string& contents);

}  // namespace bvr
