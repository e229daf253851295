#include "report/sweep_table.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <string_view>

#include "report/csv.h"
#include "report/sweep_csv.h"
#include "scenario/input_error.h"

namespace bvr {

int SweepTable::metric_index(const std::string& name) const {
  const auto it = std::find(metrics.begin(), metrics.end(), name);
  return it == metrics.end() ? -1 : static_cast<int>(it - metrics.begin());
}

namespace {

constexpr std::string_view stats[] = {"_mean", "_p10", "_p50", "_p90"};

}  // namespace

SweepTable parse_sweep_csv(const std::string& text, const std::string& file) {
  SweepTable table;
  const std::vector<CsvRecord> records = read_csv(text, file);
  const CsvRecord& header = records.front();
  auto fail = [&file](const CsvCell& cell, const std::string& what) {
    return InputError(fmt::format("{}:{}:{}: {}", file, cell.line, cell.column, what));
  };
  if (header[0].text != "point") throw fail(header[0], "expected the first column to be \"point\"");
  std::size_t option_column = 0;
  for (std::size_t c = 1; c < header.size(); ++c) {
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
  if (!option_column) throw fail(header[0], "expected an \"option\" column after the swept axes");
  std::size_t first_metric = option_column + 1;
  if (first_metric < header.size() && header[first_metric].text == finished_columns[0]) {
    if (first_metric + 1 >= header.size() || header[first_metric + 1].text != finished_columns[1])
      throw fail(header[first_metric], fmt::format("expected {} after {}", finished_columns[1], finished_columns[0]));
    table.has_finished = true;
    first_metric += 2;
  }
  const std::size_t metric_columns = header.size() - first_metric;
  if (metric_columns % 4 != 0) throw fail(header.back(), "expected four columns per metric (_mean, _p10, _p50, _p90)");
  for (std::size_t c = first_metric; c < header.size(); c += 4) {
    const std::string_view h = header[c].text;
    if (!h.ends_with(stats[0])) throw fail(header[c], fmt::format("expected <metric>_mean, got \"{}\"", h));
    const std::string name(h.substr(0, h.size() - stats[0].size()));
    for (std::size_t k = 1; k < 4; ++k)
      if (header[c + k].text != name + std::string(stats[k]))
        throw fail(header[c + k], fmt::format("expected {}{}, got \"{}\"", name, stats[k], header[c + k].text));
    table.metrics.push_back(name);
  }
  auto parse_number = [](const std::string& t, auto& out) {
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), out);
    return !t.empty() && ec == std::errc() && end == t.data() + t.size();
  };
  for (std::size_t l = 1; l < records.size(); ++l) {
    const CsvRecord& cells = records[l];
    auto number = [&](const CsvCell& cell, auto& out) {
      if (!parse_number(cell.text, out)) throw fail(cell, fmt::format("expected a number, got \"{}\"", cell.text));
    };
    SweepRow row;
    number(cells[0], row.point);
    for (std::size_t a = 0; a < table.axes.size(); ++a) row.axis_texts.push_back(cells[1 + a].text);
    row.option = cells[option_column].text;
    if (table.has_finished) {
      const CsvCell& finished = cells[option_column + 1];
      if (finished.text != "true" && finished.text != "false")
        throw fail(finished, fmt::format("expected true or false, got \"{}\"", finished.text));
      row.finished_all_runs = finished.text == "true";
      number(cells[option_column + 2], row.finished_share);
    }
    for (std::size_t m = 0; m < table.metrics.size(); ++m) {
      const std::size_t c = first_metric + 4 * m;
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
  if (table.rows.empty()) throw fail(header[0], "expected at least one row after the header");
  // An axis is numeric when every value is a number; otherwise its values are labels, numbered in
  // the order they first appear (a grid's order, the sweep file's).
  for (std::size_t a = 0; a < table.axes.size(); ++a) {
    double x = 0;
    const bool numeric = std::all_of(table.rows.begin(), table.rows.end(),
                                     [&](const SweepRow& r) { return parse_number(r.axis_texts[a], x); });
    auto& labels = table.axes[a].labels;
    for (auto& row : table.rows) {
      if (numeric) {
        parse_number(row.axis_texts[a], x);
      } else {
        auto it = std::find(labels.begin(), labels.end(), row.axis_texts[a]);
        if (it == labels.end()) it = labels.insert(labels.end(), row.axis_texts[a]);
        x = static_cast<double>(it - labels.begin());
      }
      row.axis_values.push_back(x);
    }
  }
  return table;
}

}  // namespace bvr
