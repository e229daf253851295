#include "models/options.h"

namespace bvr {

const char* option_kind_name(OptionKind kind) {
  switch (kind) {
    case OptionKind::Lease: return "lease";
    case OptionKind::Build: return "build";
    case OptionKind::Hybrid: return "hybrid";
  }
  return "unknown";
}

}  // namespace bvr
