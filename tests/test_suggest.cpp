#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "scenario/suggest.h"

using bvr::closest_match;
using bvr::edit_distance;

TEST_CASE("suggest: edit distance") {
  CHECK(edit_distance("", "") == 0);
  CHECK(edit_distance("abc", "") == 3);
  CHECK(edit_distance("", "abc") == 3);
  CHECK(edit_distance("MW", "MW") == 0);
  CHECK(edit_distance("MW", "MWh") == 1);        // insertion
  CHECK(edit_distance("kitten", "sitting") == 3);
  CHECK(edit_distance("days", "dyas") == 1);     // adjacent transposition counts once
  CHECK(edit_distance("ca", "abc") == 3);        // OSA (true Damerau would give 2)
  CHECK(edit_distance("mw", "MW") == 2);         // case-sensitive
}

TEST_CASE("suggest: closest match") {
  const std::vector<std::string> keys = {"power", "energy", "duration", "price_per_gpu_hour"};
  CHECK(closest_match("powr", keys) == "power");
  CHECK(closest_match("enrgy", keys) == "energy");
  CHECK(closest_match("price_per_gpuhour", keys) == "price_per_gpu_hour");
  CHECK(closest_match("banana", keys) == "");
  CHECK(closest_match("x", std::vector<std::string>{}) == "");
}

TEST_CASE("suggest: threshold is max(2, size/3)") {
  // 9 letters -> 3 edits allowed; 4 edits rejected.
  CHECK(closest_match("abcdefxyz", {"abcdefghi"}) == "abcdefghi");
  CHECK(closest_match("abcdewxyz", {"abcdefghi"}) == "");
  // Short words still get 2 edits.
  CHECK(closest_match("ab", {"xy"}) == "xy");
  CHECK(closest_match("abc", {"xyz"}) == "");
}

TEST_CASE("suggest: ties go to the first candidate") {
  CHECK(closest_match("MX", {"kW", "MW", "MJ"}) == "MW");
  CHECK(closest_match("cat", {"bat", "hat"}) == "bat");
  CHECK(closest_match("cat", {"hat", "bat"}) == "hat");
}
