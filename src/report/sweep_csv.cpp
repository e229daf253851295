#include "report/sweep_csv.h"

#include <fmt/format.h>

#include <charconv>

#include "report/csv.h"
#include "scenario/input_error.h"

namespace bvr {

const char* const finished_columns[2] = {"finished_all_runs", "finished_share"};

std::string axis_column(const std::string& key, const std::string& unit) {
  return unit.empty() ? key : fmt::format("{} [{}]", key, unit);
}

std::string point_csv_header(const std::vector<std::string>& axis_columns, const std::vector<std::string>& metrics) {
  std::vector<std::string> header = {"point"};
  header.insert(header.end(), axis_columns.begin(), axis_columns.end());
  header.push_back("option");
  for (const char* column : finished_columns) header.push_back(column);
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
    row.push_back(option.finished_all_runs() ? "true" : "false");
    row.push_back(fmt::format("{}", option.finished_share));
    // Shortest text that reads back as the same double: exact, and the same on every run.
    for (const auto& m : option.metrics)
      for (const double x : {m.summary.mean, m.summary.p10, m.summary.p50, m.summary.p90})
        row.push_back(fmt::format("{}", x));
    out += csv_record(row);
  }
  return out;
}

std::string point_file_problem(std::string_view text, const std::string& file,
                               const std::vector<std::string>& axis_columns, const SweepPoint& point,
                               const PointFileExpectation& expect) {
  std::vector<CsvRecord> records;
  try {
    records = read_csv(text, file);
  } catch (const InputError& e) {
    return e.what();
  }
  auto at = [&file](const CsvCell& cell, const std::string& what) {
    return fmt::format("{}:{}:{}: {}", file, cell.line, cell.column, what);
  };
  const CsvRecord& header = records.front();
  const std::size_t option_column = 1 + axis_columns.size();
  const std::size_t first_metric = option_column + 1 + std::size(finished_columns);
  if (!expect.header.empty()) {
    if (text.substr(0, expect.header.size()) != expect.header)
      return fmt::format("{}:1:1: expected the header this bvr writes for the sweep's scenario (its columns differ: "
                         "written by another version?)", file);
  } else {
    if (header.size() < first_metric || (header.size() - first_metric) % 4 != 0)
      return fmt::format("{}:1:1: expected the columns point, {} axis column{}, option, finished_all_runs, "
                         "finished_share and four per metric; got {}",
                         file, axis_columns.size(), axis_columns.size() == 1 ? "" : "s", header.size());
    for (std::size_t c = 0; c < first_metric; ++c) {
      const std::string want = c == 0                ? std::string("point")
                               : c < option_column   ? axis_columns[c - 1]
                               : c == option_column  ? std::string("option")
                                                     : std::string(finished_columns[c - option_column - 1]);
      if (header[c].text != want) return at(header[c], fmt::format("expected the column \"{}\", got \"{}\"", want, header[c].text));
    }
    for (std::size_t c = first_metric; c < header.size(); c += 4) {
      const std::string& mean = header[c].text;
      if (!mean.ends_with("_mean")) return at(header[c], fmt::format("expected <metric>_mean, got \"{}\"", mean));
      const std::string name = mean.substr(0, mean.size() - 5);
      for (std::size_t k = 1; k < 4; ++k) {
        const std::string want = name + (k == 1 ? "_p10" : k == 2 ? "_p50" : "_p90");
        if (header[c + k].text != want) return at(header[c + k], fmt::format("expected {}, got \"{}\"", want, header[c + k].text));
      }
    }
  }
  const std::size_t rows = records.size() - 1;
  if (rows == 0) return fmt::format("{}: expected a row per option after the header, got none", file);
  if (!expect.options.empty() && rows != expect.options.size())
    return fmt::format("{}: expected {} rows (one per option), got {}", file, expect.options.size(), rows);
  const std::string index = std::to_string(point.index);
  for (std::size_t r = 1; r < records.size(); ++r) {
    const CsvRecord& row = records[r];
    if (row[0].text != index) return at(row[0], fmt::format("expected point {}, got \"{}\"", index, row[0].text));
    for (std::size_t a = 0; a < axis_columns.size() && a < point.values.size(); ++a)
      if (row[1 + a].text != point.values[a])
        return at(row[1 + a], fmt::format("expected the point's value \"{}\", got \"{}\"", point.values[a], row[1 + a].text));
    if (!expect.options.empty() && row[option_column].text != expect.options[r - 1])
      return at(row[option_column], fmt::format("expected the option \"{}\", got \"{}\"", expect.options[r - 1], row[option_column].text));
    const CsvCell& finished = row[option_column + 1];
    if (finished.text != "true" && finished.text != "false")
      return at(finished, fmt::format("expected true or false (finished_all_runs), got \"{}\"", finished.text));
    for (std::size_t c = option_column + 2; c < row.size(); ++c) {
      const std::string& cell = row[c].text;
      double x = 0;
      const auto [end, ec] = std::from_chars(cell.data(), cell.data() + cell.size(), x);
      if (cell.empty() || ec != std::errc() || end != cell.data() + cell.size())
        return at(row[c], fmt::format("expected a number, got \"{}\"", cell));
    }
  }
  return "";
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
