#include "report/sweep_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <string_view>

#include "scenario/input_error.h"

namespace bvr {

int SweepTable::metric_index(const std::string& name) const {
  const auto it = std::find(metrics.begin(), metrics.end(), name);
  return it == metrics.end() ? -1 : static_cast<int>(it - metrics.begin());
}

namespace {

struct Cell {
  std::string_view text;
  std::size_t column;  // 1-based
};

std::vector<Cell> split_csv_line(std::string_view line) {
  std::vector<Cell> cells;
  std::size_t at = 0;
  while (true) {
    const std::size_t comma = line.find(',', at);
    const std::size_t end = comma == std::string_view::npos ? line.size() : comma;
    cells.push_back({line.substr(at, end - at), at + 1});
    if (comma == std::string_view::npos) break;
    at = comma + 1;
  }
  return cells;
}

constexpr std::string_view stats[] = {"_mean", "_p10", "_p50", "_p90"};

}  // namespace

SweepTable parse_sweep_csv(const std::string& text, const std::string& file) {
  SweepTable table;
  std::vector<std::string_view> lines;
  for (std::size_t at = 0; at < text.size();) {
    std::size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::string_view line(text.data() + at, end - at);
    if (line.ends_with('\r')) line.remove_suffix(1);
    lines.push_back(line);
    at = end + 1;
  }
  if (lines.empty()) throw InputError(fmt::format("{}:1:1: expected a sweep.csv header, got an empty file", file));
  const auto header = split_csv_line(lines[0]);
  auto fail = [&file](std::size_t line, std::size_t column, const std::string& what) {
    return InputError(fmt::format("{}:{}:{}: {}", file, line, column, what));
  };
  if (header[0].text != "point") throw fail(1, 1, "expected the first column to be \"point\"");
  std::size_t option_column = 0;
  for (std::size_t c = 1; c < header.size() && !option_column; ++c) {
    const std::string_view h = header[c].text;
    if (h == "option") {
      option_column = c;
      break;
    }
    SweepTableAxis axis;
    const std::size_t open = h.rfind(" [");
    if (open != std::string_view::npos && h.ends_with(']')) {
      axis.key = std::string(h.substr(0, open));
      axis.unit = std::string(h.substr(open + 2, h.size() - open - 3));
    } else {
      axis.key = std::string(h);
    }
    table.axes.push_back(axis);
  }
  if (!option_column) throw fail(1, 1, "expected an \"option\" column after the swept axes");
  const std::size_t metric_columns = header.size() - option_column - 1;
  if (metric_columns % 4 != 0) throw fail(1, header.back().column, "expected four columns per metric (_mean, _p10, _p50, _p90)");
  for (std::size_t c = option_column + 1; c < header.size(); c += 4) {
    const std::string_view h = header[c].text;
    if (!h.ends_with(stats[0])) throw fail(1, header[c].column, fmt::format("expected <metric>_mean, got \"{}\"", h));
    const std::string name(h.substr(0, h.size() - stats[0].size()));
    for (std::size_t k = 1; k < 4; ++k)
      if (header[c + k].text != name + std::string(stats[k]))
        throw fail(1, header[c + k].column, fmt::format("expected {}{}, got \"{}\"", name, stats[k], header[c + k].text));
    table.metrics.push_back(name);
  }
  for (std::size_t l = 1; l < lines.size(); ++l) {
    if (lines[l].empty()) continue;
    const auto cells = split_csv_line(lines[l]);
    if (cells.size() != header.size())
      throw fail(l + 1, 1, fmt::format("expected {} comma-separated values, got {}", header.size(), cells.size()));
    auto number = [&](const Cell& cell, auto& out) {
      const auto [end, ec] = std::from_chars(cell.text.data(), cell.text.data() + cell.text.size(), out);
      if (ec != std::errc() || end != cell.text.data() + cell.text.size())
        throw fail(l + 1, cell.column, fmt::format("expected a number, got \"{}\"", cell.text));
    };
    SweepRow row;
    number(cells[0], row.point);
    for (std::size_t a = 0; a < table.axes.size(); ++a) number(cells[1 + a], row.axis_values.emplace_back());
    row.option = std::string(cells[option_column].text);
    for (std::size_t m = 0; m < table.metrics.size(); ++m) {
      const std::size_t c = option_column + 1 + 4 * m;
      MetricSummary s;
      number(cells[c], s.mean);
      number(cells[c + 1], s.p10);
      number(cells[c + 2], s.p50);
      number(cells[c + 3], s.p90);
      row.metrics.push_back(s);
    }
    if (std::find(table.options.begin(), table.options.end(), row.option) == table.options.end())
      table.options.push_back(row.option);
    table.rows.push_back(std::move(row));
  }
  if (table.rows.empty()) throw fail(2, 1, "expected at least one row after the header");
  return table;
}

}  // namespace bvr
