#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <cstdlib>

namespace {

// Tests never read or write the user's collective cache ($XDG_CACHE_HOME/bvr): unless the test
// driver names a folder of its own (tests/CMakeLists.txt), the file cache is off, here and in
// every bvr the tests start.
const bool no_user_cache = [] { return setenv("BVR_COLLECTIVE_CACHE", "off", 0) == 0; }();

}  // namespace
