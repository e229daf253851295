// The one CSV reader and writer (src/report/csv.h): what it writes it reads back to the same
// fields, and a file cut short or broken anywhere is refused at its file:line:column.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "report/csv.h"
#include "scenario/input_error.h"

namespace {

using bvr::csv_field;
using bvr::csv_record;
using bvr::read_csv;

std::vector<std::vector<std::string>> texts(const std::vector<bvr::CsvRecord>& records) {
  std::vector<std::vector<std::string>> out;
  for (const auto& r : records) {
    out.emplace_back();
    for (const auto& c : r) out.back().push_back(c.text);
  }
  return out;
}

// The message of the InputError that reading `text` throws ("" when it reads).
std::string refusal(const std::string& text) {
  try {
    read_csv(text, "f.csv");
  } catch (const bvr::InputError& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("csv: fields are quoted only when they must be, quotes doubled") {
  CHECK(csv_field("plain") == "plain");
  CHECK(csv_field("") == "");
  CHECK(csv_field("a b") == "a b");
  CHECK(csv_field("a,b") == "\"a,b\"");
  CHECK(csv_field("say \"hi\"") == "\"say \"\"hi\"\"\"");
  CHECK(csv_field("two\nlines") == "\"two\nlines\"");
  CHECK(csv_field("cr\r") == "\"cr\r\"");
  CHECK(csv_field("\"") == "\"\"\"\"");
  CHECK(csv_record({"point", "a,b", "option"}) == "point,\"a,b\",option\n");
  CHECK(csv_record({""}) == "\n");
}

TEST_CASE("csv: what the writer writes the reader reads back, field for field") {
  const std::vector<std::vector<std::string>> table = {
      {"point", "key [unit]", "option", "x_mean"},
      {"0", "a,b", "lease", "1.5"},
      {"1", "say \"hi\"", "build", "-2e+30"},
      {"2", "line\nbreak", "", "0"},
      {"3", "\"", ",", "\r\n"},
      {"4", " spaces kept ", "trailing,", ""},
  };
  std::string text;
  for (const auto& r : table) text += csv_record(r);
  CHECK(texts(read_csv(text, "t.csv")) == table);
}

TEST_CASE("csv: the reader gives each field's line and column") {
  const auto records = read_csv("a,bb,c\n1,\"x\ny\",3\n4,5,6\n", "t.csv");
  REQUIRE(records.size() == 3);
  CHECK(records[1][1].line == 2);
  CHECK(records[1][1].column == 3);
  CHECK(records[1][2].line == 3);  // after the quoted line break
  CHECK(records[1][2].column == 4);
  CHECK(records[2][0].line == 4);
  CHECK(records[0][2].column == 6);
}

TEST_CASE("csv: CRLF line ends read as LF ones, a lone CR is refused") {
  CHECK(texts(read_csv("a,b\r\n1,2\r\n", "t.csv")) == std::vector<std::vector<std::string>>{{"a", "b"}, {"1", "2"}});
  CHECK(refusal("a,b\r1,2\n") == "f.csv:1:4: a carriage return not followed by a line feed");
}

TEST_CASE("csv: a file cut short is refused wherever the cut is") {
  const std::vector<std::string> records = {csv_record({"point", "value", "option"}), csv_record({"0", "a,b", "lease"}),
                                           csv_record({"1", "two\nlines", "build"})};
  std::string whole;
  std::vector<std::size_t> ends;  // where a record ends: the only places a cut leaves a readable file
  for (const auto& r : records) ends.push_back((whole += r).size());
  REQUIRE(refusal(whole).empty());
  for (std::size_t n = 0; n < whole.size(); ++n) {
    const std::string cut = whole.substr(0, n);
    INFO(n, ": ", cut);
    const auto end = std::find(ends.begin(), ends.end(), n);
    if (end == ends.end()) CHECK(!refusal(cut).empty());
    else CHECK(read_csv(cut, "t.csv").size() == static_cast<std::size_t>(end - ends.begin()) + 1);
  }
  CHECK(refusal("") == "f.csv:1:1: expected a CSV header, got an empty file");
  CHECK(refusal("a,b\n1,2") == "f.csv:2:4: the last record has no line break at its end: the file was cut short?");
  CHECK(refusal("a,b\n1,") == "f.csv:2:3: the last record has no line break at its end: the file was cut short?");
  CHECK(refusal("a,b\n1,\"x\ny") == "f.csv:2:3: the quoted field opened here is not closed: the file ends inside it (cut short?)");
  // A row cut mid-way and followed by another: too few fields.
  CHECK(refusal("a,b,c\n1,2\n3,4,5\n") == "f.csv:2:1: expected 3 fields, as in the header, got 2");
  CHECK(refusal("a,b\n1,2,3\n") == "f.csv:2:1: expected 2 fields, as in the header, got 3");
}

TEST_CASE("csv: quotes are only around whole fields") {
  CHECK(refusal("a,b\n1,x\"y\"\n") == "f.csv:2:4: a quote inside an unquoted field (a field with quotes is quoted whole, its quotes doubled)");
  CHECK(refusal("a,b\n1,\"x\"y\n") == "f.csv:2:6: expected a comma or a line break after the closing quote");
  CHECK(texts(read_csv("a\n\"\"\n\n", "t.csv")) == std::vector<std::vector<std::string>>{{"a"}, {""}, {""}});
}
