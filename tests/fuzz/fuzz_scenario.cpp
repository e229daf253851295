// libFuzzer target: any bytes as a scenario file. Bad input must end in InputError (exit code 2
// in the CLI); anything else — a crash, a sanitizer report, another exception — is a bug.
#include <cstddef>
#include <cstdint>
#include <string>

#include "scenario/input_error.h"
#include "scenario/load.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    bvr::load_scenario_text(text, "fuzz.yaml");
  } catch (const bvr::InputError&) {
    // The expected outcome for almost every input.
  }
  return 0;
}
