#include "scenario/suggest.h"

#include <algorithm>

namespace bvr {

// Optimal string alignment: Levenshtein plus swapping two adjacent characters, which is the
// most common typo ("MWh" -> "MhW"). Three rows are enough because a transposition only
// looks two rows back.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  const std::size_t n = b.size();
  std::vector<std::size_t> before(n + 1), prev(n + 1), cur(n + 1);
  for (std::size_t j = 0; j <= n; ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= n; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        cur[j] = std::min(cur[j], before[j - 2] + 1);
    }
    std::swap(before, prev);
    std::swap(prev, cur);
  }
  return prev[n];
}

std::vector<std::size_t> closest_matches(std::string_view word, const std::vector<std::string>& candidates) {
  // Short words get 2 edits, long ones a third of their length: beyond that the "suggestion"
  // is usually an unrelated word.
  const std::size_t limit = std::max<std::size_t>(2, word.size() / 3);
  std::size_t best_distance = limit + 1;
  std::vector<std::size_t> best;
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    // The distance is at least the difference in length: skip the computation when that is too far.
    const std::size_t a = word.size(), b = candidates[i].size();
    if ((a > b ? a - b : b - a) > std::min(limit, best_distance)) continue;
    const std::size_t d = edit_distance(word, candidates[i]);
    if (d > limit) continue;
    if (d < best_distance) best_distance = d, best.clear();
    if (d == best_distance) best.push_back(i);
  }
  return best;
}

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
  const std::vector<std::size_t> best = closest_matches(word, candidates);  // on a tie the earlier wins
  return best.empty() ? std::string() : candidates[best.front()];
}

}  // namespace bvr
