#include "report/html_page.h"

#include "report/format.h"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

namespace bvr {

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string json_for_script(std::string_view json_text) {
  // "<" only occurs inside JSON strings, where \u003c means the same character: "</script>" in
  // a scenario name cannot end the script element, and "<!--" cannot start a comment state.
  std::string out;
  out.reserve(json_text.size());
  for (char c : json_text) {
    switch (c) {
      case '<': out += "\\u003c"; break;
      case '>': out += "\\u003e"; break;
      case '&': out += "\\u0026"; break;
      default: out += c;
    }
  }
  return out;
}

std::string json_number(double value, int decimals) {
  if (!std::isfinite(value)) throw std::runtime_error("non-finite value in report.html data");
  std::string text = fmt::format("{:.{}f}", value, decimals);
  if (text.find('.') != std::string::npos) {
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  if (text == "-0") text = "0";
  return text;
}

std::string chart_figure(const Chart& chart) {
  return fmt::format(
      "<figure class=\"chart\">\n<figcaption>{}</figcaption>\n<div class=\"vega\" id=\"chart-{}\" "
      "data-chart=\"{}\"></div>\n{}</figure>\n",
      escape_html(chart.title), chart.id, chart.id, chart.caption.empty() ? "" : "<p class=\"note\">" + chart.caption + "</p>\n");
}

namespace {

// Hand each chart to vega-embed with the datasets it names; count what rendered, so a test (or
// a reader) can tell a chart that failed from one still drawing.
constexpr std::string_view runtime_js = R"JS(
(function () {
  'use strict';
  var page = JSON.parse(document.getElementById('bvr-data').textContent);
  var tables = {};
  Object.keys(page.datasets).forEach(function (name) {
    var t = page.datasets[name];
    tables[name] = t.rows.map(function (row) {
      var o = {};
      t.fields.forEach(function (f, i) { o[f] = row[i]; });
      return o;
    });
  });
  window.__bvrChartsExpected = page.charts.length;
  window.__bvrChartsRendered = 0;
  window.__bvrChartErrors = [];
  var done = page.charts.map(function (chart) {
    var spec = Object.assign({}, chart.spec, { datasets: {} });
    chart.uses.forEach(function (name) { spec.datasets[name] = tables[name]; });
    var el = document.getElementById('chart-' + chart.id);
    return vegaEmbed(el, spec, { actions: false, renderer: 'svg' }).then(function () {
      window.__bvrChartsRendered += 1;
    }).catch(function (error) {
      window.__bvrChartErrors.push(chart.id + ': ' + error);
      el.textContent = 'This chart could not be drawn: ' + error;
      console.error('chart ' + chart.id + ': ' + error);
    });
  });
  window.__bvrChartsDone = Promise.all(done);
})();
)JS";

constexpr std::string_view style_css = R"CSS(
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d232a; margin: 0; background: #fafafa; }
main { max-width: 1160px; margin: 0 auto; padding: 1.5em 2em 3em; background: #fff; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; }
h2 { font-size: 1.25em; margin-top: 2em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
.meta, .note { color: #555; font-size: 0.9em; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.8em 0; display: block; overflow-x: auto; }
th, td { border: 1px solid #ddd; padding: 0.3em 0.4em; text-align: right; }
th { vertical-align: bottom; }
td { font-variant-numeric: tabular-nums; }
th { background: #f2f4f7; }
td:first-child, th:first-child { text-align: left; }
code { background: #f2f4f7; padding: 0 0.2em; border-radius: 3px; }
figure.chart { margin: 1.5em 0; }
figcaption { font-weight: 600; margin-bottom: 0.4em; }
footer { margin-top: 3em; font-size: 0.8em; color: #666; }
section.warnings { background: #fff8e1; border-left: 4px solid #e0a800; padding: 0.2em 1em 0.5em; margin: 1em 0; }
section.warnings h2 { margin-top: 0.5em; border-bottom: none; }
)CSS";

// Tooltip fields without a type: numbers where a format is given, text otherwise.
void type_tooltips(nlohmann::ordered_json& node) {
  if (node.is_array())
    for (auto& child : node) type_tooltips(child);
  if (!node.is_object()) return;
  for (auto& [key, child] : node.items()) {
    if (key == "tooltip" && child.is_array())
      for (auto& field : child)
        if (field.is_object() && !field.contains("type")) field["type"] = field.contains("format") ? "quantitative" : "nominal";
    type_tooltips(child);
  }
}

}  // namespace

nlohmann::ordered_json vega_lite_spec(const std::string& text, int width) {
  auto s = nlohmann::ordered_json::parse(text);
  type_tooltips(s);
  s["$schema"] = "https://vega.github.io/schema/vega-lite/v6.json";  // an identifier, never fetched
  if (!s.contains("width")) s["width"] = width;
  // Labels whole (Vega cuts axis labels at 180 px and legend labels at 160 px with "…").
  s["config"]["axis"]["labelLimit"] = 480;
  s["config"]["legend"]["labelLimit"] = 480;
  return s;
}

std::string html_page(const std::string& title, const std::string& body, const std::vector<Chart>& charts,
                      const std::vector<Dataset>& datasets, const ReportAssets& assets) {
  // The data: datasets as {fields, rows}, charts with their specs.
  std::string data = "{\"datasets\":{";
  for (std::size_t i = 0; i < datasets.size(); ++i) {
    const Dataset& d = datasets[i];
    data += fmt::format("{}{}:{{\"fields\":{},\"rows\":[", i ? "," : "", nlohmann::json(d.name).dump(),
                        nlohmann::json(d.fields).dump());
    for (std::size_t r = 0; r < d.rows.size(); ++r) data += (r ? ",\n" : "\n") + d.rows[r];
    data += "]}";
  }
  data += "},\n\"charts\":[";
  for (std::size_t i = 0; i < charts.size(); ++i)
    data += fmt::format("{}\n{{\"id\":{},\"uses\":{},\"spec\":{}}}", i ? "," : "", nlohmann::json(charts[i].id).dump(),
                        nlohmann::json(charts[i].uses).dump(), charts[i].spec.dump());
  data += "]}";

  // HTML comments end at "-->": keep the notices from ending theirs early.
  std::string notices = assets.notices;
  for (std::size_t at = 0; (at = notices.find("--", at)) != std::string::npos;) notices.replace(at, 2, "- -");

  std::string html;
  html += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  html += fmt::format("<title>{}</title>\n", escape_html(title));
  html += "<!--\n" + notices + "\n-->\n";
  html += fmt::format("<style>{}</style>\n", style_css);
  html += "<script>/* Vega (BSD-3-Clause), notices above */\n" + assets.vega_js + "\n</script>\n";
  html += "<script>/* Vega-Lite (BSD-3-Clause), notices above */\n" + assets.vega_lite_js + "\n</script>\n";
  html += "<script>/* vega-embed (BSD-3-Clause), notices above */\n" + assets.vega_embed_js + "\n</script>\n";
  html += "</head>\n<body>\n<main>\n" + body;
  html += "<footer>Made by bvr. Charts drawn by Vega-Lite and vega-embed (BSD-3-Clause; the licence notices of "
          "every inlined package are in a comment at the top of this file). Hover a mark for its values.</footer>\n";
  html += "</main>\n";
  html += "<script type=\"application/json\" id=\"bvr-data\">" + json_for_script(data) + "</script>\n";
  html += fmt::format("<script>{}</script>\n</body>\n</html>\n", runtime_js);
  return html;
}

std::string markdown_inline_html(std::string_view text) {
  const std::string escaped = escape_html(text);
  std::string out;
  bool bold = false, code = false, span = false;
  for (std::size_t i = 0; i < escaped.size(); ++i) {
    if (!code && escaped.compare(i, 2, "**") == 0) {
      out += bold ? "</strong>" : "<strong>";
      bold = !bold;
      ++i;
    } else if (escaped[i] == '\x1d') {  // a sourced figure in prose (report/format.h): its keys come after it
      const std::size_t keys = escaped.find('\x1f', i), end = escaped.find('\x1e', keys);
      if (keys != std::string::npos && end != std::string::npos) {
        out += fmt::format("<span data-key=\"{}\">", escaped.substr(keys + 1, end - keys - 1));
        span = true;
      }
    } else if (escaped[i] == '\x1f') {  // the figure's end, then its keys (a cell's keys: dropped)
      const std::size_t end = escaped.find('\x1e', i);
      if (span) out += "</span>";
      span = false;
      if (end != std::string::npos) i = end;
    } else if (escaped[i] == '`') {
      out += code ? "</code>" : "<code>";
      code = !code;
    } else {
      out += escaped[i];
    }
  }
  if (bold) out += "</strong>";
  if (code) out += "</code>";
  return out;
}

std::string markdown_section_html(std::string_view markdown, std::string_view heading) {
  const std::size_t level = heading.find(' ');
  const std::string marker = std::string(heading.substr(0, level)) + " ";
  std::size_t at = markdown.find(std::string(heading) + "\n");
  if (at == std::string_view::npos) return "";
  at += heading.size() + 1;
  std::string html;
  bool in_list = false, in_table = false, header_row = false;
  while (at < markdown.size()) {
    std::size_t end = markdown.find('\n', at);
    if (end == std::string_view::npos) end = markdown.size();
    const std::string_view line = markdown.substr(at, end - at);
    at = end + 1;
    if (line.starts_with(marker) || (line.starts_with("#") && line.find(' ') < marker.size())) break;
    if (in_list && !line.starts_with("- ")) {
      html += "</ul>\n";
      in_list = false;
    }
    if (in_table && !line.starts_with("|")) {
      html += "</table>\n";
      in_table = false;
    }
    if (line.starts_with("- ")) {
      if (!in_list) html += "<ul>\n";
      in_list = true;
      html += "<li>" + markdown_inline_html(line.substr(2)) + "</li>\n";
    } else if (line.starts_with("|---")) {
      continue;
    } else if (line.starts_with("|")) {
      if (!in_table) {
        html += "<table>\n";
        header_row = true;
      }
      in_table = true;
      const char* cell = header_row ? "th" : "td";
      html += "<tr>";
      std::string_view rest = line.substr(1);
      while (!rest.empty()) {
        const std::size_t bar = rest.find(" |");
        std::string_view text = rest.substr(0, bar);
        while (text.starts_with(' ')) text.remove_prefix(1);
        // A cell of the report model names the values it shows (report/format.h, sourced).
        const SourcedCell sourced_cell = split_source(text);
        const std::string key =
            sourced_cell.keys.empty() ? "" : fmt::format(" data-key=\"{}\"", escape_html(sourced_cell.keys));
        html += fmt::format("<{}{}>{}</{}>", cell, key, markdown_inline_html(sourced_cell.text), cell);
        if (bar == std::string_view::npos) break;
        rest = rest.substr(bar + 2);
      }
      html += "</tr>\n";
      header_row = false;
    } else if (!line.empty()) {
      html += "<p>" + markdown_inline_html(strip_sources(line)) + "</p>\n";
    }
  }
  if (in_list) html += "</ul>\n";
  if (in_table) html += "</table>\n";
  return html;
}

}  // namespace bvr
