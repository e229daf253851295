#include "report/sweep_report_md.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <stdexcept>

#include "report/atomic_file.h"
#include "report/csv.h"
#include "report/format.h"
#include "report/sweep_csv.h"
#include "scenario/input_error.h"

namespace bvr {

namespace {

// Continuous axes (random or Latin hypercube samples) are shown in this many equal-width bins.
constexpr std::size_t max_rows_per_axis = 12;
constexpr int bins = 8;

struct Row {
  int point = 0;
  std::vector<std::string> values;  // per axis
  std::string option;
  bool finished = true;  // finished_all_runs; options that did not are never ranked
  double npv_usd = 0, days = 0;
};

constexpr const char* none_finished = "none finished";

bool is_number(const std::string& text, double& x) {
  char* end = nullptr;
  x = std::strtod(text.c_str(), &end);
  return !text.empty() && end == text.c_str() + text.size();
}

// The rows of one axis's table: its distinct values in order (numbers ascending, words as first
// seen), or bins of a continuous one. Returns the label of each point's value.
struct AxisGroups {
  std::vector<std::string> labels;
  std::map<int, std::size_t> group_of_point;
};

AxisGroups group_axis(const std::vector<Row>& rows, std::size_t axis) {
  std::vector<std::string> distinct;
  bool numeric = true;
  for (const auto& r : rows) {
    double x;
    if (!is_number(r.values[axis], x)) numeric = false;
    if (std::find(distinct.begin(), distinct.end(), r.values[axis]) == distinct.end()) distinct.push_back(r.values[axis]);
  }
  AxisGroups g;
  auto num = [](const std::string& t) { return std::strtod(t.c_str(), nullptr); };
  if (numeric) std::sort(distinct.begin(), distinct.end(), [&](const auto& a, const auto& b) { return num(a) < num(b); });
  if (!numeric || distinct.size() <= max_rows_per_axis) {
    g.labels = distinct;
    for (const auto& r : rows)
      g.group_of_point[r.point] =
          static_cast<std::size_t>(std::find(distinct.begin(), distinct.end(), r.values[axis]) - distinct.begin());
    return g;
  }
  const double lo = num(distinct.front()), hi = num(distinct.back()), width = (hi - lo) / bins;
  for (int b = 0; b < bins; ++b) g.labels.push_back(fmt::format("{:.4g}–{:.4g}", lo + b * width, lo + (b + 1) * width));
  for (const auto& r : rows)
    g.group_of_point[r.point] = static_cast<std::size_t>(std::clamp(
        static_cast<int>((num(r.values[axis]) - lo) / width), 0, bins - 1));
  return g;
}

}  // namespace

std::string sweep_report_markdown(const SweepManifest& m, const std::string& csv) {
  const std::vector<CsvRecord> records = read_csv(csv, "sweep.csv");
  std::vector<std::string> header;
  for (const auto& cell : records.front()) header.push_back(cell.text);
  auto column = [&](const std::string& name) {
    const auto it = std::find(header.begin(), header.end(), name);
    if (it == header.end()) throw InputError("sweep.csv:1:1: expected a column " + name);
    return static_cast<std::size_t>(it - header.begin());
  };
  const std::size_t npv = column("npv_cost_usd_mean"), days = column("time_to_train_days_mean");
  const std::size_t option_col = column("option");
  const auto finished_it = std::find(header.begin(), header.end(), "finished_all_runs");
  const bool has_finished = finished_it != header.end();
  const auto finished_col = static_cast<std::size_t>(finished_it - header.begin());
  std::vector<Row> rows;
  std::vector<std::string> options;
  for (std::size_t l = 1; l < records.size(); ++l) {
    std::vector<std::string> f;
    for (const auto& cell : records[l]) f.push_back(cell.text);
    Row r;
    r.point = std::stoi(f[0]);
    r.values.assign(f.begin() + 1, f.begin() + static_cast<std::ptrdiff_t>(option_col));
    r.option = f[option_col];
    r.finished = !has_finished || f[finished_col] == "true";
    r.npv_usd = std::strtod(f[npv].c_str(), nullptr);
    r.days = std::strtod(f[days].c_str(), nullptr);
    if (std::find(options.begin(), options.end(), r.option) == options.end()) options.push_back(r.option);
    rows.push_back(std::move(r));
  }
  // Points with the cheapest option (lowest mean NPV cost among the options that finished every
  // run; ties keep the scenario's order); nullptr where none finished.
  std::map<int, const Row*> cheapest;
  std::vector<const Row*> first_rows;  // one per point, for its axis values
  for (const auto& r : rows) {
    const auto it = cheapest.find(r.point);
    if (it == cheapest.end()) {
      first_rows.push_back(&r);
      cheapest[r.point] = nullptr;
    }
    const Row*& best = cheapest[r.point];
    if (r.finished && (!best || r.npv_usd < best->npv_usd)) best = &r;
  }
  auto cheapest_name = [&cheapest](int point) {
    const Row* best = cheapest.at(point);
    return best ? best->option : std::string(none_finished);
  };

  std::string md = fmt::format("# Sweep: {}\n\n", m.sweep_file);
  md += fmt::format("Base scenario `{}`, {} points ({}), {} replication{} per point, seed {}{}.\n\n", m.base_file,
                    m.points.size(), m.mode, m.replications, m.replications == 1 ? "" : "s", m.seed,
                    m.common_random_numbers ? " (common random numbers: every point the same seed)" : "");
  if (cheapest.size() != m.points.size())
    md += fmt::format("This folder holds {} of the {} points (shard {}/{}); `bvr merge` joins the shards.\n\n",
                      cheapest.size(), m.points.size(), m.shard, m.shards);
  md += "## Axes\n\n| key | unit | values |\n|---|---|---|\n";
  for (std::size_t a = 0; a < m.axes.size(); ++a) {
    std::vector<std::string> distinct;
    for (const auto& p : m.points)
      if (std::find(distinct.begin(), distinct.end(), p.values[a]) == distinct.end()) distinct.push_back(p.values[a]);
    const std::string shown = distinct.size() <= 10 ? fmt::format("{}", fmt::join(distinct, ", "))
                                                    : fmt::format("{} distinct values", distinct.size());
    md += fmt::format("| `{}` | {} | {} |\n", m.axes[a].key, m.axes[a].unit.empty() ? "–" : m.axes[a].unit, shown);
  }
  md += "\n## Verdict\n\nThe cheapest option (lowest mean NPV cost) at each point, among the options that finished "
        "every training run in every replication there (an option that did not is never ranked):\n\n"
        "| option | cheapest at | share | not finished at |\n|---|---:|---:|---:|\n";
  auto share = [&cheapest](std::ptrdiff_t n) {
    return format_percent(cheapest.empty() ? 0.0 : static_cast<double>(n) / static_cast<double>(cheapest.size()));
  };
  for (const auto& o : options) {
    const auto n = std::count_if(cheapest.begin(), cheapest.end(), [&](const auto& c) { return c.second && c.second->option == o; });
    const auto unfinished = std::count_if(rows.begin(), rows.end(), [&](const Row& r) { return r.option == o && !r.finished; });
    md += fmt::format("| {} | {} points | {} | {} points |\n", o, n, share(n), unfinished);
  }
  const auto nobody = std::count_if(cheapest.begin(), cheapest.end(), [](const auto& c) { return !c.second; });
  if (nobody > 0) md += fmt::format("| *{}* | {} points | {} | |\n", none_finished, nobody, share(nobody));
  if (!has_finished)
    md += "\nThis sweep.csv has no finished_all_runs column (written by an older bvr): every option is ranked as if it "
          "finished.\n";
  std::string flips;
  for (std::size_t a = 0; a < m.axes.size(); ++a) {
    const AxisGroups g = group_axis(rows, a);
    const std::string unit = m.axes[a].unit.empty() ? "" : fmt::format(" [{}]", m.axes[a].unit);
    md += fmt::format("\n## By {}{}\n\nMeans over the points at each value (averaged over the other axes).\n\n", m.axes[a].key, unit);
    md += "| value | points |";
    for (const auto& o : options) md += fmt::format(" NPV {} |", o);
    for (const auto& o : options) md += fmt::format(" days {} |", o);
    md += " cheapest |\n|---|---:|";
    for (std::size_t i = 0; i < options.size() * 2; ++i) md += "---:|";
    md += "---|\n";
    std::vector<std::string> winner_by_group;
    bool marked = false;
    for (std::size_t grp = 0; grp < g.labels.size(); ++grp) {
      std::vector<double> npv_sum(options.size()), day_sum(options.size());
      std::vector<int> n(options.size()), unfinished(options.size());
      for (const auto& r : rows) {
        if (g.group_of_point.at(r.point) != grp) continue;
        const auto o = static_cast<std::size_t>(std::find(options.begin(), options.end(), r.option) - options.begin());
        npv_sum[o] += r.npv_usd;
        day_sum[o] += r.days;
        ++n[o];
        if (!r.finished) ++unfinished[o];
      }
      if (n.empty() || n[0] == 0) {
        winner_by_group.emplace_back();
        continue;
      }
      // Ranked: the options that finished at every point of the group.
      std::optional<std::size_t> best;
      for (std::size_t o = 0; o < options.size(); ++o)
        if (n[o] > 0 && unfinished[o] == 0 && (!best || npv_sum[o] / n[o] < npv_sum[*best] / n[*best])) best = o;
      auto mark = [&](std::size_t o) {
        if (unfinished[o] == 0) return std::string();
        marked = true;
        return fmt::format(" (not finished at {} of {})", unfinished[o], n[o]);
      };
      md += fmt::format("| {} | {} |", g.labels[grp], n[0]);
      for (std::size_t o = 0; o < options.size(); ++o)
        md += fmt::format(" {}{} |", format_usd(n[o] ? npv_sum[o] / n[o] : 0), mark(o));
      for (std::size_t o = 0; o < options.size(); ++o)
        md += fmt::format(" {}{} |", format_days(n[o] ? day_sum[o] / n[o] : 0), mark(o));
      const std::string winner = best ? options[*best] : std::string(none_finished);
      md += fmt::format(" {} |\n", winner);
      winner_by_group.push_back(winner);
    }
    if (marked)
      md += "\nAn option not finished at some of a row's points is not ranked in that row: its days there count "
            "up to the horizon.\n";
    std::string last, last_label;
    for (std::size_t grp = 0; grp < winner_by_group.size(); ++grp) {
      if (winner_by_group[grp].empty()) continue;
      if (!last.empty() && winner_by_group[grp] != last)
        flips += fmt::format("- `{}`: {} at {}{}, {} at {}{}\n", m.axes[a].key, last, last_label, unit,
                             winner_by_group[grp], g.labels[grp], unit);
      last = winner_by_group[grp];
      last_label = g.labels[grp];
    }
  }
  md += "\n## Where the verdict flips\n\n";
  md += flips.empty() ? "The cheapest option (averaged over the other axes) is the same all along every axis.\n"
                      : fmt::format("Along each axis, averaged over the others, the cheapest option changes between:\n\n{}", flips);
  if (m.axes.size() >= 2) {
    // The first two axes against each other: at each pair of values, the option cheapest at
    // most of the points there (over the other axes), and at how many of them.
    const AxisGroups rows_g = group_axis(rows, 0), cols_g = group_axis(rows, 1);
    md += fmt::format("\nCheapest option by `{}` (rows) and `{}` (columns), at most of the points with both values:\n\n|  |",
                      m.axes[0].key, m.axes[1].key);
    for (const auto& label : cols_g.labels) md += fmt::format(" {} |", label);
    md += "\n|---|";
    for (std::size_t c = 0; c < cols_g.labels.size(); ++c) md += "---|";
    md += "\n";
    for (std::size_t r = 0; r < rows_g.labels.size(); ++r) {
      md += fmt::format("| **{}** |", rows_g.labels[r]);
      for (std::size_t c = 0; c < cols_g.labels.size(); ++c) {
        std::map<std::string, int> votes;
        int n = 0;
        for (const Row* p : first_rows)
          if (rows_g.group_of_point.at(p->point) == r && cols_g.group_of_point.at(p->point) == c)
            ++votes[cheapest_name(p->point)], ++n;
        std::string best;
        std::vector<std::string> candidates = options;
        candidates.emplace_back(none_finished);
        for (const auto& o : candidates)
          if (votes.count(o) && (best.empty() || votes[o] > votes[best])) best = o;
        md += best.empty() ? " – |" : votes[best] == n ? fmt::format(" {} |", best) : fmt::format(" {} ({}/{}) |", best, votes[best], n);
      }
      md += "\n";
    }
  }
  return md;
}

void write_sweep_report_md(const std::string& dir) {
  const SweepManifest manifest = read_sweep_manifest(dir + "/sweep-manifest.json");
  std::ifstream in(dir + "/sweep.csv", std::ios::binary);
  if (!in) throw InputError(fmt::format("{}/sweep.csv: cannot open it (has the sweep finished?)", dir));
  std::stringstream s;
  s << in.rdbuf();
  write_file_atomically(dir + "/report.md", sweep_report_markdown(manifest, s.str()));
}

}  // namespace bvr
