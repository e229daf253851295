// The one CSV reader and writer of bvr: series-<option>.csv, sweep points/<index>.csv and
// sweep.csv are all written and read back by these rules (RFC 4180):
//
// - records end with a line break; bvr writes "\n", the reader also takes "\r\n";
// - fields are separated by commas; a field holding a comma, a quote, a carriage return or a
//   line feed is enclosed in double quotes, and a quote inside it is doubled;
// - every record has as many fields as the first (the header).
//
// The reader is strict, so that a file cut short can never pass for a whole one: the text must
// end with a line break, a quoted field must be closed, nothing may follow a closing quote but a
// comma or a line break, a quote may not appear inside an unquoted field, and a record with
// another number of fields than the header is refused. No Debian package fits (libcsv is C, skips
// blank lines and trims spaces by default; fast-cpp-csv-parser reads a column count fixed at
// compile time and does not write), hence this file.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace bvr {

// One field as it is written: quoted only when it holds a comma, a quote or a line break.
std::string csv_field(std::string_view text);
// A whole record: the fields joined by commas, then "\n".
std::string csv_record(const std::vector<std::string>& fields);

struct CsvCell {
  std::string text;         // the value, unquoted
  std::size_t line = 0;     // 1-based, where the field starts
  std::size_t column = 0;   // 1-based byte in that line
};
using CsvRecord = std::vector<CsvCell>;

// Every record of `text`, the header first. Throws InputError "<file>:<line>:<column>: <what>"
// at the first place that breaks the rules above (an empty text too).
std::vector<CsvRecord> read_csv(std::string_view text, const std::string& file);

}  // namespace bvr
