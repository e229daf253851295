// Bad input: the message is complete ("file:line:column: key.path: what was expected").
// The CLI prints it and exits with code 2.
#pragma once
#include <stdexcept>

namespace bvr {

struct InputError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace bvr
