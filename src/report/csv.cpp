#include "report/csv.h"

#include <fmt/format.h>

#include "scenario/input_error.h"

namespace bvr {

std::string csv_field(std::string_view text) {
  if (text.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(text);
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';  // a quote inside a quoted field is doubled
    out += c;
  }
  out += '"';
  return out;
}

std::string csv_record(const std::vector<std::string>& fields) {
  std::string out;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    if (i) out += ',';
    out += csv_field(fields[i]);
  }
  out += '\n';
  return out;
}

std::vector<CsvRecord> read_csv(std::string_view text, const std::string& file) {
  std::size_t line = 1, column = 1;  // of text[at]
  auto fail = [&file](std::size_t l, std::size_t c, const std::string& what) {
    return InputError(fmt::format("{}:{}:{}: {}", file, l, c, what));
  };
  if (text.empty()) throw fail(1, 1, "expected a CSV header, got an empty file");
  std::vector<CsvRecord> records;
  CsvRecord record;
  std::size_t at = 0;
  // Ends the record at a line break (text[at] is '\n', or '\r' before '\n').
  auto end_record = [&] {
    if (text[at] == '\r') {
      if (at + 1 >= text.size() || text[at + 1] != '\n') throw fail(line, column, "a carriage return not followed by a line feed");
      ++at;
    }
    ++at;
    if (!records.empty() && record.size() != records.front().size())
      throw fail(record.front().line, 1,
                 fmt::format("expected {} field{}, as in the header, got {}", records.front().size(),
                             records.front().size() == 1 ? "" : "s", record.size()));
    records.push_back(std::move(record));
    record.clear();
    ++line;
    column = 1;
  };
  while (at < text.size()) {
    // One field, starting at text[at].
    CsvCell cell{"", line, column};
    if (text[at] == '"') {
      const std::size_t open_line = line, open_column = column;
      ++at, ++column;
      while (true) {
        if (at >= text.size())
          throw fail(open_line, open_column, "the quoted field opened here is not closed: the file ends inside it (cut short?)");
        const char c = text[at];
        if (c == '"') {
          if (at + 1 < text.size() && text[at + 1] == '"') {
            cell.text += '"';
            at += 2, column += 2;
            continue;
          }
          ++at, ++column;
          break;
        }
        cell.text += c;
        ++at;
        if (c == '\n') ++line, column = 1;
        else ++column;
      }
      if (at < text.size() && text[at] != ',' && text[at] != '\n' && text[at] != '\r')
        throw fail(line, column, "expected a comma or a line break after the closing quote");
    } else {
      while (at < text.size() && text[at] != ',' && text[at] != '\n' && text[at] != '\r') {
        if (text[at] == '"')
          throw fail(line, column, "a quote inside an unquoted field (a field with quotes is quoted whole, its quotes doubled)");
        cell.text += text[at];
        ++at, ++column;
      }
    }
    record.push_back(std::move(cell));
    if (at >= text.size())
      throw fail(line, column, "the last record has no line break at its end: the file was cut short?");
    if (text[at] == ',') {
      ++at, ++column;
      if (at >= text.size()) throw fail(line, column, "the last record has no line break at its end: the file was cut short?");
      continue;
    }
    end_record();
  }
  return records;
}

}  // namespace bvr
