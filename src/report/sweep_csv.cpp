#include "report/sweep_csv.h"

#include <fmt/format.h>

#include <stdexcept>

namespace bvr {

std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\n\r") == std::string::npos) return text;
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"') out += '"';  // a quote inside a quoted field is doubled
    out += c;
  }
  out += '"';
  return out;
}

std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> out(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') out.back() += '"', ++i;
      else if (c == '"') quoted = false;
      else out.back() += c;
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      out.emplace_back();
    } else {
      out.back() += c;
    }
  }
  return out;
}

std::string point_csv(const std::vector<SweepAxis>& axes, const SweepPoint& point, const Results& results) {
  std::string out = "point";
  for (const auto& axis : axes)
    out += fmt::format(",{}", csv_field(axis.unit.empty() ? axis.key : fmt::format("{} [{}]", axis.key, axis.unit)));
  out += ",option";
  if (!results.options.empty())
    for (const auto& m : results.options.front().metrics)
      out += fmt::format(",{0}_mean,{0}_p10,{0}_p50,{0}_p90", m.name);
  out += "\n";
  for (const auto& option : results.options) {
    out += std::to_string(point.index);
    for (const auto& value : point.values) out += fmt::format(",{}", csv_field(value));
    out += fmt::format(",{}", csv_field(option.name));
    // Shortest text that reads back as the same double: exact, and the same on every run.
    for (const auto& m : option.metrics)
      out += fmt::format(",{},{},{},{}", m.summary.mean, m.summary.p10, m.summary.p50, m.summary.p90);
    out += "\n";
  }
  return out;
}

std::string join_point_csvs(const std::vector<std::string>& point_files) {
  std::string header, out;
  for (const auto& file : point_files) {
    const std::size_t end = file.find('\n');
    if (end == std::string::npos) throw std::runtime_error("a point file has no header line");
    const std::string head = file.substr(0, end + 1);
    if (header.empty()) {
      header = head;
      out = header;
    } else if (head != header) {
      throw std::runtime_error("point files have different columns (run by another bvr or base scenario?)");
    }
    out += file.substr(end + 1);
  }
  return out;
}

}  // namespace bvr
