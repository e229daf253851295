#include "report/sweep_csv.h"

#include <fmt/format.h>

#include "report/csv.h"
#include "scenario/input_error.h"

namespace bvr {

std::string axis_column(const std::string& key, const std::string& unit) {
  return unit.empty() ? key : fmt::format("{} [{}]", key, unit);
}

std::string point_csv_header(const std::vector<std::string>& axis_columns, const std::vector<std::string>& metrics) {
  std::vector<std::string> header = {"point"};
  header.insert(header.end(), axis_columns.begin(), axis_columns.end());
  header.push_back("option");
  for (const auto& m : metrics)
    for (const char* stat : {"_mean", "_p10", "_p50", "_p90"}) header.push_back(m + stat);
  return csv_record(header);
}

std::string point_csv(const std::vector<SweepAxis>& axes, const SweepPoint& point, const Results& results) {
  std::vector<std::string> columns, metrics;
  for (const auto& axis : axes) columns.push_back(axis_column(axis.key, axis.unit));
  if (!results.options.empty())
    for (const auto& m : results.options.front().metrics) metrics.push_back(m.name);
  std::string out = point_csv_header(columns, metrics);
  for (const auto& option : results.options) {
    std::vector<std::string> row = {std::to_string(point.index)};
    row.insert(row.end(), point.values.begin(), point.values.end());
    row.push_back(option.name);
    // Shortest text that reads back as the same double: exact, and the same on every run.
    for (const auto& m : option.metrics)
      for (const double x : {m.summary.mean, m.summary.p10, m.summary.p50, m.summary.p90})
        row.push_back(fmt::format("{}", x));
    out += csv_record(row);
  }
  return out;
}

std::string join_point_csvs(const std::vector<std::pair<std::string, std::string>>& point_files) {
  std::string header, header_file, out;
  for (const auto& [file, text] : point_files) {
    const auto records = read_csv(text, file);  // whole, or an InputError naming the place
    // The header is the first record; it may hold quoted line breaks, so it ends where the second
    // record's line starts.
    std::size_t header_end = text.size();
    if (records.size() > 1) {
      std::size_t line = 1;
      for (header_end = 0; header_end < text.size() && line < records[1].front().line; ++header_end)
        if (text[header_end] == '\n') ++line;
    }
    const std::string head = text.substr(0, header_end);
    if (header.empty()) {
      header = head;
      header_file = file;
      out = header;
    } else if (head != header) {
      throw InputError(fmt::format("{}: its columns differ from those of {} (points run by another bvr or base scenario?)",
                                   file, header_file));
    }
    out += text.substr(header_end);
  }
  return out;
}

}  // namespace bvr
