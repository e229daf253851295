// Outputs appear whole or not at all: written to a temporary name in the same folder, flushed,
// then renamed into place (rename is atomic within a file system).
#pragma once
#include <string>

namespace bvr {

// Throws std::runtime_error naming the path when the file cannot be written.
void write_file_atomically(const std::string& path, const std::string& contents);

}  // namespace bvr
