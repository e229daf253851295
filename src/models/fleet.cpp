#include "models/fleet.h"

#include <algorithm>

namespace bvr {

std::size_t repair_rung(const RepairPolicy& policy, double u) {
  double not_fixed = 1, fixed = 0;
  for (std::size_t k = 0; k + 1 < policy.ladder.size(); ++k) {
    fixed += not_fixed * policy.ladder[k].success;
    if (u < fixed) return k;
    not_fixed *= 1 - policy.ladder[k].success;
  }
  return policy.ladder.empty() ? 0 : policy.ladder.size() - 1;
}

double repair_duration_s(const RepairPolicy& policy, std::size_t rung) {
  double s = 0;
  for (std::size_t k = 0; k <= rung && k < policy.ladder.size(); ++k) s += policy.ladder[k].duration_s;
  return s;
}

double expected_repair_s(const RepairPolicy& policy) {
  double s = 0, reached = 1;
  for (std::size_t k = 0; k < policy.ladder.size(); ++k) {
    s += reached * policy.ladder[k].duration_s;
    reached *= 1 - (k + 1 < policy.ladder.size() ? policy.ladder[k].success : 1.0);
  }
  return s;
}

double effective_nodes(double job_nodes, double bad_share, double rate_multiple) {
  return job_nodes * (1 + (rate_multiple - 1) * bad_share);
}

double bad_node_probability(double bad_share, double rate_multiple) {
  const double bad = bad_share * rate_multiple;
  const double total = bad + (1 - bad_share);
  return total > 0 ? bad / total : 0;
}

}  // namespace bvr
