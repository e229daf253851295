// "Did you mean ...?" for unknown keys and names.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace bvr {

// Edit distance (insert, delete, substitute, adjacent transposition), case-sensitive.
std::size_t edit_distance(std::string_view a, std::string_view b);

// The candidate closest to `word`, or "" when none is close enough to be a plausible typo
// (distance at most max(2, word.size() / 3)).
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);

// Every candidate (by index, in order) at the smallest distance, within the same limit; the
// first is closest_match's answer.
std::vector<std::size_t> closest_matches(std::string_view word, const std::vector<std::string>& candidates);

}  // namespace bvr
